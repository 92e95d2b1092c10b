/* ------------------------------------------------------------------------
 * The severity model's defaults: what reaches a level on its own, and which
 * signals together do.
 *
 * Scores add up terms, so several weak signals make a strong one; but one
 * strong signal must not wait for a companion.  A term's min_level is the
 * level it reaches alone, whatever the score: lethal means in a risk
 * context (explosives, firearms, fuel poured or carried to a person,
 * poison, charcoal burning), a suicide method under way, an explicit intent
 * to kill, an abduction or a sexual assault of a minor.  A combination
 * lifts the level when two categories meet with real weight each (a threat
 * and a weapon; a mental-health crisis and a weapon).  Dispositions are the
 * officer's findings that rule out what was written before them
 * (经核实系误会): the terms before them stop counting.
 * ------------------------------------------------------------------------ */

UPDATE prevent.keyword SET min_level = 'high'
 WHERE builtin AND kind = 'match' AND term IN (
	-- suicide: a method, or a farewell that means it
	'自杀', '喝农药', '服毒', '割腕', '割脉', '卧轨', '上吊', '自尽', '跳楼', '跳江', '投河', '跳河',
	'寻短见', '寻死', '烧炭', '结束生命', '自我了断', '离开这个世界', '再见了这个世界', '遗书',
	'开煤气',
	-- extreme acts
	'报复社会', '引爆', '同归于尽', '自焚', '投毒', '垫背', '陪葬', '纵火', '放火', '下毒', '砍人',
	'烧死', '见人就砍', '炸死', '一起死', '绑架', '人质', '劫持', '爆炸装置', '全炸了', '炸掉', '鱼死网破',
	'一起完蛋', '一把火',
	-- weapons in hand, firearms, explosives, fuel carried to a person
	'燃烧瓶', '持刀', '挥刀', '械斗', '持菜刀', '浇汽油', '猎枪', '追砍', '炸弹', '雷管', '炸药', '泼汽油',
	'持枪', '拿枪', '火药枪', '开枪', '手枪', '枪支', '爆炸物', '带汽油', '带着汽油', '砍伤', '捅伤',
	'捅向', '砍向', '持械', '抄家伙',
	-- (not 拿刀, 刺伤, 刺向: kitchens, bee stings, splinters; not 百草枯, 敌敌畏, 永别: farm work and
	-- goodbyes; with a threat, a farewell or the wish to die they are combinations)
	-- explicit intent to kill
	'杀了你', '买凶', '捅死', '送你上路', '砍了你', '砍死', '要么你死', '崩了你', '崩了谁', '杀全家', '灭门',
	'弄死你', '要你的命', '弄死他', '见不到明天的太阳', '地下团聚', '偿命',
	-- minors and persons held
	'强奸', '性侵', '被拐', '拐卖', '非法拘禁');

INSERT INTO prevent.combination (categories, min_weight, level, note, builtin) VALUES
	('{threat,weapon}', 10, 'high', 'a threat and a weapon', true),
	('{extreme,weapon}', 10, 'high', 'an extreme act and a weapon or fuel', true),
	('{threat,extreme}', 10, 'high', 'a threat of an extreme act', true),
	('{domestic,weapon}', 10, 'high', 'domestic violence with a weapon', true),
	('{mental,weapon}', 10, 'high', 'a mental-health crisis with a weapon', true),
	('{mental,threat}', 15, 'high', 'a mental-health crisis with threats', true),
	('{mental,suicide}', 15, 'high', 'a mental-health crisis with suicidal talk', true),
	('{minor,suicide}', 10, 'high', 'a minor talking of suicide', true),
	('{debt,suicide}', 30, 'high', 'a debt or wage dispute with a suicide threat', true),
	('{debt,extreme}', 10, 'high', 'a debt or wage dispute with an extreme act', true),
	('{domestic,suicide}', 30, 'high', 'domestic violence or a break-up with a suicide threat', true),
	('{domestic,threat}', 30, 'high', 'domestic violence with threats', true);

-- an officer's finding that rules out what was written before it (kind disposition); long enough
-- not to stand inside a denial (是误会 is in 这不是误会, 系游戏 in 系游戏厅老板)
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	('系误会', NULL, 1, 'disposition', 'finding: a misunderstanding', true),
	('纯属误会', NULL, 1, 'disposition', 'finding: a misunderstanding', true),
	('系谣言', NULL, 1, 'disposition', 'finding: a rumour', true),
	('系旧视频', NULL, 1, 'disposition', 'finding: an old video reposted', true),
	('旧视频', NULL, 1, 'disposition', 'finding: an old video reposted', true),
	('属谣言', NULL, 1, 'disposition', 'finding: a rumour', true),
	('已辟谣', NULL, 1, 'disposition', 'finding: a rumour refuted', true),
	('系误传', NULL, 1, 'disposition', 'finding: passed on wrongly', true),
	('系编造', NULL, 1, 'disposition', 'finding: made up', true),
	('系捏造', NULL, 1, 'disposition', 'finding: made up', true),
	('系虚构', NULL, 1, 'disposition', 'finding: made up', true),
	('风险已解除', NULL, 1, 'disposition', 'finding: the risk is over', true),
	('危险已解除', NULL, 1, 'disposition', 'finding: the danger is over', true),
	('系谎报', NULL, 1, 'disposition', 'finding: a false report', true),
	('系虚假', NULL, 1, 'disposition', 'finding: false', true),
	('情况不属实', NULL, 1, 'disposition', 'finding: untrue', true),
	('反映不属实', NULL, 1, 'disposition', 'finding: untrue', true),
	('举报不属实', NULL, 1, 'disposition', 'finding: untrue', true),
	('警情不属实', NULL, 1, 'disposition', 'finding: untrue', true),
	('系玩笑', NULL, 1, 'disposition', 'finding: a joke', true),
	('系开玩笑', NULL, 1, 'disposition', 'finding: a joke', true),
	('系恶作剧', NULL, 1, 'disposition', 'finding: a prank', true),
	('系网络游戏', NULL, 1, 'disposition', 'finding: a video game', true),
	('系影视剧', NULL, 1, 'disposition', 'finding: a film or series', true),
	('系演习', NULL, 1, 'disposition', 'finding: a drill', true),
	('系拍摄', NULL, 1, 'disposition', 'finding: filming', true),
	('排除刑事案件', NULL, 1, 'disposition', 'finding: no crime', true),
	('已平安找回', NULL, 1, 'disposition', 'finding: found safe', true),
	('已安全找回', NULL, 1, 'disposition', 'finding: found safe', true),
	('已找回', 'minor', 1, 'disposition', 'finding: the missing person is back', true),
	('已安全到家', 'minor', 1, 'disposition', 'finding: the missing person is home', true),
	('已平安到家', 'minor', 1, 'disposition', 'finding: the missing person is home', true);

-- denials that contain a finding: the finding inside them does not count
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	('不系误会', NULL, 1, 'exclude', 'a denied finding', true),
	('并非系误会', NULL, 1, 'exclude', 'a denied finding', true),
	('不系谣言', NULL, 1, 'exclude', 'a denied finding', true),
	('并非系谣言', NULL, 1, 'exclude', 'a denied finding', true);
