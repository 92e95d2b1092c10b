/* ------------------------------------------------------------------------
 * Risk said without the word for it: the classes of language a duty
 * officer reads as risk although no act is named.
 *   - menace formulae: threats that name a consequence, not an act
 *     (跟你没完, 打断你的腿, 缺胳膊少腿, 让你爸妈白发人送黑发人), and death
 *     slang (吃席: a funeral banquet; 吃花生米: to be shot; 做了他: to kill;
 *     点个灯: to set a fire);
 *   - firearms in dialect and slang (喷子, 土铳, 鸟铳, 火铳, 霰弹枪);
 *   - suicide said as a journey or a release (先走一步, 去天堂, 解脱,
 *     喝给你看), and farewell behaviour: burial clothes laid out, belongings
 *     given away (分送, 房产证), last posts (勿念, 最后一面);
 *   - acts under way that a risk assessment treats as lethal on their own:
 *     strangling (掐…脖子), a blade or glass held to the neck, a wrist cut,
 *     a gas valve left open or the door sealed with charcoal burning;
 *   - the age of a young child (3岁 … 9岁, 三岁 … 九岁), which with a
 *     child gone missing is high (the ages 10 to 17 were listed before;
 *     the youngest, the most urgent, were not), with exclusions for the
 *     adult ages that contain them (18岁, 二十三岁);
 *   - gone missing said of a place (未到家, 走丢) and findings that rule
 *     out what a caller saw (报警人看错, 无威胁行为).
 * And four combinations an officer issues at once: a farewell, a wish to
 * die, or a high place or water, each with the person gone unreachable;
 * and a farewell with a time set.  Explicit intents to kill (做了他,
 * 白发人送黑发人, 劈死) are high on their own, as in 82_severity.sql.
 *
 * Written from domain knowledge, by class; measured before and after on
 * every labelled set (bench/eval.sh; README, Detection quality).
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.keyword (term, category, weight, min_level, signal, note, builtin)
SELECT v.term, v.category, v.weight, v.min_level::prevent.risk_level, v.signal, v.note, true
  FROM (VALUES
	-- menace formulae: a consequence promised, no act named
	('跟你没完', 'threat', 15, NULL, NULL, 'menace: I will not let this go'),
	('和你没完', 'threat', 15, NULL, NULL, 'menace'),
	('跟你们没完', 'threat', 15, NULL, NULL, 'menace'),
	('跟他没完', 'threat', 15, NULL, NULL, 'menace'),
	('跟谁没完', 'threat', 15, NULL, NULL, 'menace: 谁敢…我就跟谁没完'),
	('就不客气了', 'threat', 15, NULL, NULL, 'menace: 再来我就不客气了'),
	('对你不客气', 'threat', 15, NULL, NULL, 'menace'),
	('有你好看', 'threat', 20, NULL, NULL, 'menace'),
	('给你点颜色', 'threat', 20, NULL, NULL, 'menace: 给你点颜色看看'),
	('你给我等着', 'threat', 15, NULL, NULL, 'menace'),
	('你小心点', 'threat', 15, NULL, NULL, 'menace'),
	('出门注意点', 'threat', 20, NULL, NULL, 'menace: watch yourself outside'),
	('多看两眼', 'threat', 10, NULL, NULL, 'menace: 出门多看两眼'),
	('别让我逮到', 'threat', 20, NULL, NULL, 'menace'),
	('别让我碰到', 'threat', 20, NULL, NULL, 'menace'),
	('别让我遇到', 'threat', 20, NULL, NULL, 'menace'),
	('别让我看到你', 'threat', 20, NULL, NULL, 'menace'),
	('我弄你', 'threat', 20, NULL, NULL, 'menace: 再蹦跶我弄你'),
	('收拾他', 'threat', 15, NULL, NULL, 'menace'),
	('废了你', 'threat', 30, NULL, NULL, 'menace: cripple you'),
	('废了他', 'threat', 30, NULL, NULL, 'menace: cripple him'),
	('打断你的腿', 'threat', 30, NULL, NULL, 'menace: bodily harm'),
	('打断他的腿', 'threat', 30, NULL, NULL, 'menace: bodily harm'),
	('打断我的腿', 'threat', 30, NULL, NULL, 'menace: reported by the victim (他说…就打断我的腿)'),
	('打断她的腿', 'threat', 30, NULL, NULL, 'menace: bodily harm'),
	('缺胳膊少腿', 'threat', 30, NULL, NULL, 'menace: bodily harm'),
	('让你后悔', 'threat', 15, NULL, NULL, 'menace'),
	('不得安宁', 'threat', 15, NULL, NULL, 'menace: 让你们不得安宁'),
	('过不了这个年', 'threat', 20, NULL, NULL, 'menace: 让他过不了这个年'),
	('叫几个兄弟', 'threat', 15, NULL, NULL, 'a fight gathering'),
	('喊几个兄弟', 'threat', 15, NULL, NULL, 'a fight gathering'),
	('摇人', 'threat', 15, NULL, NULL, 'slang: call people for a fight'),
	('平事', 'threat', 10, NULL, NULL, 'slang: settle it by force'),
	-- death slang
	('白发人送黑发人', 'threat', 40, 'high', NULL, 'death threat: your parents will bury you'),
	('吃你家的席', 'threat', 40, 'high', NULL, 'death slang: the funeral banquet of your family'),
	('请你吃席', 'threat', 35, NULL, NULL, 'death slang: the funeral banquet'),
	('准备吃席', 'threat', 35, NULL, NULL, 'death slang: the funeral banquet'),
	('等着吃席', 'threat', 35, NULL, NULL, 'death slang: the funeral banquet'),
	('花生米', 'threat', 30, NULL, NULL, 'slang: 吃颗花生米, to be shot: accepts execution (see exclusions)'),
	('做了他', 'threat', 40, 'high', NULL, 'slang: kill him'),
	('把他做了', 'threat', 40, 'high', NULL, 'slang: kill him'),
	('把你做了', 'threat', 40, 'high', NULL, 'slang: kill you'),
	('那个人做了', 'threat', 40, 'high', NULL, 'slang: 把那个人做了'),
	('做掉', 'threat', 35, NULL, NULL, 'slang: kill'),
	('放放血', 'threat', 30, NULL, NULL, 'slang: 给他放放血, to cut'),
	('放他的血', 'threat', 30, NULL, NULL, 'slang: to cut'),
	('点个灯', 'extreme', 35, NULL, NULL, 'slang: set a fire (去他厂里点个灯)'),
	('上个头条', 'extreme', 15, NULL, NULL, 'slang: make the news, with a means of harm an attack'),
	('一起上天', 'extreme', 40, NULL, NULL, 'slang: blow us all up'),
	('挖死', 'threat', 35, 'high', NULL, 'dialect: 一锄头挖死他'),
	('劈死', 'threat', 40, 'high', NULL, 'intent: 拿斧头劈死他'),
	('让我好看', 'threat', 20, NULL, NULL, 'menace, reported by the victim (说…就让我好看)'),
	('让他好看', 'threat', 20, NULL, NULL, 'menace'),
	('让她好看', 'threat', 20, NULL, NULL, 'menace'),
	('迟早要算', 'threat', 20, NULL, NULL, 'menace: 那笔账迟早要算'),
	('一个个找回来', 'threat', 20, NULL, NULL, 'menace: revenge on informers'),
	('上新闻', 'extreme', 15, NULL, NULL, 'slang: make the news (一起上新闻)'),
	('锄死', 'threat', 35, 'high', NULL, 'dialect: kill with a hoe'),
	('剁死', 'threat', 40, 'high', NULL, 'intent: chop to death'),
	('砸死你', 'threat', 40, 'high', NULL, 'intent'),
	('砸死他', 'threat', 35, NULL, NULL, 'intent'),
	-- firearms in slang and dialect, and blades at hand
	('喷子', 'weapon', 30, NULL, NULL, 'slang: a shotgun (see exclusion 键盘喷子)'),
	('土铳', 'weapon', 40, 'high', NULL, 'dialect: a home-made gun'),
	('鸟铳', 'weapon', 40, 'high', NULL, 'dialect: a fowling gun'),
	('火铳', 'weapon', 40, 'high', NULL, 'dialect: a home-made gun'),
	('霰弹枪', 'weapon', 50, 'high', NULL, 'a shotgun'),
	('散弹枪', 'weapon', 50, 'high', NULL, 'a shotgun'),
	('折叠刀', 'weapon', 20, NULL, NULL, 'a blade carried'),
	('碎酒瓶', 'weapon', 30, NULL, NULL, 'a broken bottle as a weapon'),
	('破酒瓶', 'weapon', 25, NULL, NULL, 'a broken bottle as a weapon'),
	-- suicide said as a journey or a release
	('先走一步', 'suicide', 15, NULL, 'farewell', 'farewell: 我先走一步'),
	('勿念', 'suicide', 12, NULL, 'farewell', 'farewell: last message'),
	('最后一面', 'suicide', 5, NULL, 'farewell', 'farewell'),
	('最后一期', 'suicide', 5, NULL, 'farewell', 'farewell: the last live stream'),
	('保重', 'suicide', 3, NULL, 'farewell', 'farewell: 兄弟们保重 (weak: also a greeting)'),
	('寿衣', 'suicide', 10, NULL, 'farewell', 'farewell: burial clothes laid out'),
	('遗像', 'suicide', 3, NULL, 'farewell', 'farewell: with a spouse''s portrait'),
	('分送', 'suicide', 8, NULL, 'farewell', 'farewell: belongings given away'),
	('都送给', 'suicide', 6, NULL, 'farewell', 'farewell: belongings given away'),
	('房产证', 'suicide', 3, NULL, 'farewell', 'farewell: deeds handed over'),
	('去天堂', 'suicide', 30, NULL, 'intent_self', 'euphemism: go to heaven'),
	('解脱', 'suicide', 20, NULL, 'intent_self', 'euphemism: release (see exclusions)'),
	('就干净了', 'suicide', 20, NULL, 'intent_self', 'euphemism: 一口药下去就干净了'),
	('走了算了', 'suicide', 25, NULL, 'intent_self', 'euphemism: I might as well go'),
	('不如走了', 'suicide', 20, NULL, 'intent_self', 'euphemism'),
	('去陪老伴', 'suicide', 15, NULL, 'farewell', 'euphemism: join the dead spouse'),
	('去找老伴', 'suicide', 15, NULL, 'farewell', 'euphemism: join the dead spouse'),
	('去找老头子', 'suicide', 15, NULL, 'farewell', 'euphemism: join the dead husband'),
	('该去陪', 'suicide', 15, NULL, 'farewell', 'euphemism: 我该去陪他了'),
	('早点去陪', 'suicide', 15, NULL, 'farewell', 'euphemism'),
	('喝给你看', 'suicide', 45, 'high', 'intent_self', 'intent: drink (the poison) in front of you'),
	('不活咧', 'suicide', 35, NULL, 'intent_self', 'dialect: 不活了'),
	('不活啦', 'suicide', 35, NULL, 'intent_self', 'dialect: 不活了'),
	('不活嘞', 'suicide', 35, NULL, 'intent_self', 'dialect: 不活了'),
	('我死了你们', 'suicide', 25, NULL, 'intent_self', 'intent: 我死了你们就不用争了'),
	('跟着我也是受罪', 'suicide', 25, NULL, 'intent_self', 'intent: a mother of her child (extended suicide)'),
	('跟着我受罪', 'suicide', 25, NULL, 'intent_self', 'intent: a mother of her child (extended suicide)'),
	('从这儿下去', 'suicide', 30, NULL, 'intent_self', 'intent: jump from here'),
	('从这里下去', 'suicide', 30, NULL, 'intent_self', 'intent: jump from here'),
	('用不上了', 'suicide', 12, NULL, 'farewell', 'farewell: 以后用不上了, of belongings'),
	('送给邻居', 'suicide', 6, NULL, 'farewell', 'farewell: belongings given away'),
	('送了人', 'suicide', 6, NULL, 'farewell', 'farewell: belongings given away'),
	('跳给你看', 'suicide', 45, 'high', 'intent_self', 'intent: jump in front of you'),
	('一口药', 'suicide', 10, NULL, 'means', 'means: 一口药下去'),
	('女儿墙', 'suicide', 5, NULL, 'high_place', 'the parapet of a roof'),
	('栏杆外', 'suicide', 10, NULL, 'high_place', 'outside the railing'),
	('井沿', 'suicide', 8, NULL, 'high_place', 'the rim of a well'),
	-- gone missing, said of a place
	('未到家', 'minor', 4, NULL, 'missing', 'gone missing: not home'),
	('没到家', 'minor', 4, NULL, 'missing', 'gone missing: not home'),
	('再无回复', 'minor', 4, NULL, 'missing', 'gone unreachable'),
	('没有回复', 'minor', 2, NULL, 'missing', 'gone unreachable'),
	('联系不到', 'minor', 4, NULL, 'missing', 'gone unreachable'),
	-- injuries that mark abuse, and a person tied up
	('新旧瘀伤', 'domestic', 25, NULL, NULL, 'injuries of different ages: repeated abuse'),
	('新旧伤痕', 'domestic', 25, NULL, NULL, 'injuries of different ages: repeated abuse'),
	('多处瘀伤', 'domestic', 20, NULL, NULL, 'injuries'),
	('多处伤痕', 'domestic', 20, NULL, NULL, 'injuries'),
	('条状伤痕', 'domestic', 20, NULL, NULL, 'injuries from a strap or a hanger'),
	('绑在椅子', 'domestic', 40, 'high', NULL, 'a person tied up'),
	('用绳子绑', 'domestic', 40, 'high', NULL, 'a person tied up'),
	('喊救命', 'threat', 20, NULL, NULL, 'a cry for help heard'),
	('留守儿童', 'minor', 3, NULL, 'minor_age', 'a child'),
	('婴儿', 'minor', 3, NULL, 'minor_age', 'a child'),
	('女童', 'minor', 3, NULL, 'minor_age', 'a child'),
	('男童', 'minor', 3, NULL, 'minor_age', 'a child'),
	('患儿', 'minor', 2, NULL, 'minor_age', 'a child'),
	-- a mental-health crisis said as the patient says it
	('有人要害', 'mental', 15, NULL, NULL, 'persecutory delusion: 有人要害他'),
	('通灵', 'mental', 10, NULL, NULL, 'delusion'),
	('驱邪', 'mental', 10, NULL, NULL, 'delusion: 要拿刀去驱邪')
  ) v(term, category, weight, min_level, signal, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- water a person walks into, said before as a term without its class
UPDATE prevent.keyword SET signal = 'high_place'
 WHERE builtin AND kind = 'match' AND signal IS NULL AND term IN ('水库');

-- gone missing said before: the terms were there, not their signal
UPDATE prevent.keyword SET signal = 'missing'
 WHERE builtin AND kind = 'match' AND signal IS NULL AND term IN ('走丢', '未到校', '没到校');

-- a young child's age, 3 to 9, in figures and in words (the ages 10 to 17 are match terms of
-- 81_lexicon_classes.sql): evidence of the class minor_age only (kind signal), so that 13岁, which
-- contains 3岁, is one term
INSERT INTO prevent.keyword (term, kind, signal, weight, note, builtin)
SELECT v.term, 'signal', 'minor_age', 3, 'a young child''s age', true
  FROM (SELECT n || '岁' FROM generate_series(3, 9) n
		UNION ALL SELECT unnest(ARRAY['三岁', '四岁', '五岁', '六岁', '七岁', '八岁', '九岁'])) v(term)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- ... and the adult ages that contain them: 18岁 and 19岁, 23岁 to 99岁; in words 十八岁, 十九岁 and
-- 二十三岁 to 九十九岁 (十三岁 to 十七岁 are children)
INSERT INTO prevent.keyword (term, kind, weight, note, builtin)
SELECT v.term, 'exclude', 1, 'an adult''s age', true
  FROM (SELECT t || '' || u || '岁' FROM generate_series(1, 9) t, generate_series(3, 9) u WHERE t > 1 OR u > 7
		UNION ALL
		SELECT tw || '十' || uw || '岁'
		  FROM unnest(ARRAY['', '二', '三', '四', '五', '六', '七', '八', '九']) tw,
			   unnest(ARRAY['三', '四', '五', '六', '七', '八', '九']) uw
		 WHERE tw <> '' OR uw IN ('八', '九')) v(term)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- harmless senses of the slang above
INSERT INTO prevent.keyword (term, kind, weight, note, builtin)
SELECT v.term, 'exclude', 1, v.note, true
  FROM (VALUES
	('键盘喷子', 'an online troll'), ('网络喷子', 'an online troll'), ('喷子们', 'online trolls'),
	('花生米炒', 'food'), ('炒花生米', 'food'), ('油炸花生米', 'food'), ('花生米下酒', 'food'),
	('一碟花生米', 'food'), ('盘花生米', 'food'), ('老醋花生米', 'food'),
	('解脱出来', 'relief from a burden'), ('得到解脱', 'relief (also said of the dying: rare in reports)'),
	('保重身体', 'a greeting'), ('多保重', 'a greeting'), ('请保重', 'a greeting')
  ) v(term, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- findings that rule out what was reported (kind disposition: see 82_severity.sql)
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin)
SELECT v.term, NULL, 1, 'disposition', v.note, true
  FROM (VALUES
	('报警人看错', 'finding: the caller saw wrongly'), ('系看错', 'finding: seen wrongly'),
	('看错了', 'finding: seen wrongly'), ('无威胁行为', 'finding: no threatening act'),
	('无威胁言语', 'finding: no threat said'), ('无威胁言行', 'finding: no threat'),
	('经核实不实', 'finding: untrue'), ('说法不实', 'finding: untrue'), ('核实不实', 'finding: untrue'),
	('本人澄清', 'finding: the person concerned clarified'), ('系误解', 'finding: a misunderstanding')
  ) v(term, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- acts under way that are lethal on their own
INSERT INTO prevent.proximity (term_a, term_b, within, category, weight, min_level, note, builtin) VALUES
	('勒', '脖子', 3, 'domestic', 40, 'high', 'strangling', true),
	('娃', '一起走', 8, 'suicide', 40, NULL, 'a parent taking the children along (as 孩子…一起走)', true),
	('抵住', '脖子', 6, 'weapon', 40, 'high', 'a blade or glass at the neck', true),
	('抵住', '颈', 6, 'weapon', 40, 'high', 'a blade or glass at the neck', true),
	('架在', '脖子', 4, 'weapon', 40, 'high', 'a blade at the neck', true),
	('手腕', '割', 4, 'suicide', 40, 'high', 'a wrist cut', true),
	('喝', '农药', 5, 'suicide', 50, 'high', 'pesticide drunk (喝了半瓶农药)', true);

-- strangling is a lethality marker in domestic violence: high on its own
UPDATE prevent.proximity SET min_level = 'high'
 WHERE builtin AND term_a = '掐' AND term_b = '脖子' AND min_level IS NULL;

-- the means in use: a gas valve left open, a room sealed (evidence of the class imminent)
INSERT INTO prevent.keyword (term, kind, signal, weight, note, builtin)
SELECT v.term, 'signal', 'imminent', 30, 'the means in use', true
  FROM unnest(ARRAY['阀门开着', '阀门打开', '阀门大开', '封住门缝', '门缝封', '胶带封', '门窗封闭', '封死门窗']) v(term)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

INSERT INTO prevent.combination (categories, min_weight, level, note, builtin) VALUES
	('{farewell,missing}', 4, 'high', 'a farewell, then gone unreachable', true),
	('{intent_self,missing}', 4, 'high', 'the wish to die, then gone unreachable', true),
	('{farewell,imminent}', 5, 'high', 'a farewell with a time set', true),
	('{high_place,missing}', 2, 'high', 'a high place or water, and gone unreachable', true);

-- findings of a settled dispute or of someone back, scoped to the category they settle
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin)
SELECT v.term, v.category, 1, 'disposition', v.note, true
  FROM (VALUES
	('达成协议', 'neighbour', 'finding: the parties agreed'), ('签订协议', 'neighbour', 'finding: the parties agreed'),
	('双方无异议', 'neighbour', 'finding: the parties agreed'), ('法院判决', 'neighbour', 'finding: decided by a court'),
	('工资已发放', 'debt', 'finding: the wages paid'), ('工资已到账', 'debt', 'finding: the wages paid'),
	('已足额支付', 'debt', 'finding: paid in full'), ('当场结清', 'debt', 'finding: paid on the spot'),
	('已支付', 'debt', 'finding: paid'), ('已发放到位', 'debt', 'finding: paid'),
	('被找到', 'minor', 'finding: the missing person found'), ('民警找回', 'minor', 'finding: found by officers'),
	('送回家中', 'minor', 'finding: brought home'), ('已接回', 'minor', 'finding: taken home')
  ) v(term, category, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- rumours and old posts (of every category)
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin)
SELECT v.term, NULL, 1, 'disposition', v.note, true
  FROM (VALUES
	('是谣言', 'finding: a rumour'), ('系谣传', 'finding: a rumour'), ('请勿传谣', 'finding: a rumour'),
	('辟谣通告', 'finding: a rumour refuted'), ('旧帖', 'finding: an old post reposted'),
	('旧新闻', 'finding: old news reposted'), ('无此类内容', 'finding: nothing of the kind')
  ) v(term, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- denials that contain a finding: the finding inside them does not count
INSERT INTO prevent.keyword (term, kind, weight, note, builtin)
SELECT v.term, 'exclude', 1, 'a denied finding', true
  FROM unnest(ARRAY['不是谣言', '并非谣言', '没被找到', '未被找到', '尚未达成协议', '未达成协议', '没达成协议',
					'未支付', '尚未支付', '没支付', '未签订协议']) v(term)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- an intent or an act denied where it is named (不是要跳河, 不是有人纵火, 没说要砍人): cues with a
-- window of 2 characters, so that "不是第一次扬言" keeps its risk; not a bare 不是, which a person at
-- risk says of themself (我不是想不开，就是活着没意思)
INSERT INTO prevent.negation (cue, "window", note, builtin)
SELECT v.cue, v.w, v.note, true
  FROM (VALUES ('不是要', 2, 'denial of an intent'), ('不是有人', 2, 'denial of an act'),
			   ('没说要', 2, 'denial of a threat said')) v(cue, w, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.negation n WHERE n.cue_norm = prevent.normalize(v.cue));
