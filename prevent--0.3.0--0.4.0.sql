\echo Use "ALTER EXTENSION prevent UPDATE TO '0.4.0'" to load this file. \quit

/* ------------------------------------------------------------------------
 * prevent 0.3.0 -> 0.4.0, for ALTER EXTENSION prevent UPDATE.
 *
 * 0.3.0 is the install script prevent--0.3.0.sql (commit d7c3ef1's
 * src/sql); 0.4.0 is src/sql now.  This script takes a 0.3.0 database to
 * exactly what CREATE EXTENSION prevent makes in 0.4.0, keeping every row
 * (test/upgrade.sh updates a 0.1.0 database through every release to here
 * and compares it with a fresh install).  The rules are those of
 * prevent--0.1.0--0.2.0.sql: existing objects change in place, new ones are
 * created as in src/sql, built-in rows are added unless the database has a
 * row with that key, and the last sections close new objects to PUBLIC and
 * re-grant what add_member gives.
 * ------------------------------------------------------------------------ */

-- ---- unsaid (begin)

/* ------------------------------------------------------------------------
 * Risk said without the word for it (src/sql/86_unsaid.sql as 0.4.0 has
 * it): its built-in rows, where the database has no row with the term, the
 * cue, the pair of proximity terms or the combination; and the built-in
 * rows it changes (the signal of 走丢, 未到校, 没到校, 水库; strangling high)
 * ------------------------------------------------------------------------ */

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
INSERT INTO prevent.proximity (term_a, term_b, within, category, weight, min_level, note, builtin)
SELECT v.term_a, v.term_b, v.within, v.category, v.weight, v.min_level::prevent.risk_level, v.note, v.builtin
  FROM (VALUES
	('勒', '脖子', 3, 'domestic', 40, 'high', 'strangling', true),
	('娃', '一起走', 8, 'suicide', 40, NULL, 'a parent taking the children along (as 孩子…一起走)', true),
	('抵住', '脖子', 6, 'weapon', 40, 'high', 'a blade or glass at the neck', true),
	('抵住', '颈', 6, 'weapon', 40, 'high', 'a blade or glass at the neck', true),
	('架在', '脖子', 4, 'weapon', 40, 'high', 'a blade at the neck', true),
	('手腕', '割', 4, 'suicide', 40, 'high', 'a wrist cut', true),
	('喝', '农药', 5, 'suicide', 50, 'high', 'pesticide drunk (喝了半瓶农药)', true)) v (term_a, term_b, within, category, weight, min_level, note, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.proximity p
				   WHERE prevent.normalize(p.term_a) = prevent.normalize(v.term_a)
					 AND prevent.normalize(p.term_b) = prevent.normalize(v.term_b));

-- strangling is a lethality marker in domestic violence: high on its own
UPDATE prevent.proximity SET min_level = 'high'
 WHERE builtin AND term_a = '掐' AND term_b = '脖子' AND min_level IS NULL;

-- the means in use: a gas valve left open, a room sealed (evidence of the class imminent)
INSERT INTO prevent.keyword (term, kind, signal, weight, note, builtin)
SELECT v.term, 'signal', 'imminent', 30, 'the means in use', true
  FROM unnest(ARRAY['阀门开着', '阀门打开', '阀门大开', '封住门缝', '门缝封', '胶带封', '门窗封闭', '封死门窗']) v(term)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

INSERT INTO prevent.combination (categories, min_weight, level, note, builtin)
SELECT v.categories::text[], v.min_weight, v.level::prevent.risk_level, v.note, v.builtin
  FROM (VALUES
	('{farewell,missing}', 4, 'high', 'a farewell, then gone unreachable', true),
	('{intent_self,missing}', 4, 'high', 'the wish to die, then gone unreachable', true),
	('{farewell,imminent}', 5, 'high', 'a farewell with a time set', true),
	('{high_place,missing}', 2, 'high', 'a high place or water, and gone unreachable', true)) v (categories, min_weight, level, note, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.combination c
				   WHERE c.categories = v.categories::text[] AND c.level = v.level::prevent.risk_level);

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
-- ---- unsaid (end)

-- ---- contexts (begin)
/* ------------------------------------------------------------------------
 * Harmless contexts: the keyword kind context (15_lexicon.sql: the kind's
 * check, keyword_before_write(), the comments; 20_matching.sql: explain's
 * comment) and the built-in contexts (src/sql/87_contexts.sql as 0.4.0 has
 * it), where the database has no row with the term
 * ------------------------------------------------------------------------ */

ALTER TABLE prevent.keyword DROP CONSTRAINT keyword_kind_check,
	ADD CONSTRAINT keyword_kind_check CHECK (kind IN ('match', 'exclude', 'disposition', 'context', 'signal'));

CREATE OR REPLACE FUNCTION prevent.keyword_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	dup record;
BEGIN
	IF NEW.kind IS NULL OR NEW.kind NOT IN ('match', 'exclude', 'disposition', 'context', 'signal') THEN
		RAISE EXCEPTION 'invalid keyword kind "%"', NEW.kind
			USING ERRCODE = 'check_violation',
				  HINT = 'Use ''match'' for a risk term, ''exclude'' for an innocent phrase, ''disposition'' for a finding that rules the risk out, ''context'' for a harmless context that rules out the risks of its sentence, ''signal'' for evidence of a signal class.';
	END IF;
	IF NEW.signal IS NOT NULL AND (NEW.kind NOT IN ('match', 'signal') OR EXISTS (SELECT 1 FROM prevent.category c WHERE c.name = NEW.signal)) THEN
		RAISE EXCEPTION 'invalid signal "%" for keyword "%"', NEW.signal, NEW.term
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Only a match or signal term carries a signal class, and a signal may not be named like a category.';
	END IF;
	IF NEW.kind = 'signal' AND (NEW.signal IS NULL OR NEW.category IS NOT NULL) THEN
		RAISE EXCEPTION 'keyword "%" of kind signal needs a signal class and no category', NEW.term
			USING ERRCODE = 'check_violation',
				  HINT = 'A signal term is evidence of its class only: e.g. (term, kind, signal) = (''今晚'', ''signal'', ''imminent'').';
	END IF;
	IF NEW.min_level IS NOT NULL AND NEW.kind <> 'match' THEN
		RAISE EXCEPTION 'only a match term can have a min_level'
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('Keyword "%s" is of kind %s.', NEW.term, NEW.kind);
	END IF;
	NEW.term_norm := prevent.check_term('keyword term', NEW.term);
	IF NEW.kind = 'match' THEN
		IF NEW.category IS NULL THEN
			RAISE EXCEPTION 'keyword "%" has no category', NEW.term
				USING ERRCODE = 'not_null_violation',
					  HINT = 'Every match term needs a category from prevent.category.';
		END IF;
		PERFORM prevent.check_category(NEW.category);
	ELSIF NEW.category IS NOT NULL THEN
		PERFORM prevent.check_category(NEW.category);
	END IF;
	PERFORM prevent.check_weight('keyword weight', NEW.weight);

	-- (an inserted row with a built-in row's term replaces it: keyword_restore_builtin)
	SELECT k.id, k.term INTO dup FROM prevent.keyword k
	 WHERE k.term_norm = NEW.term_norm AND k.id IS DISTINCT FROM NEW.id
	   AND (TG_OP = 'INSERT' OR k.id <> OLD.id)
	   AND NOT (TG_OP = 'INSERT' AND k.builtin);
	IF FOUND THEN
		RAISE EXCEPTION 'keyword "%" duplicates keyword % "%"', NEW.term, dup.id, dup.term
			USING ERRCODE = 'unique_violation',
				  DETAIL = pg_catalog.format('Both normalize to "%s".', NEW.term_norm),
				  HINT = 'Update the existing keyword instead.';
	END IF;
	RETURN NEW;
END
$$;

COMMENT ON TABLE prevent.keyword IS 'Risk terms (kind match), innocent phrases that suppress matches inside them (kind exclude), dispositions that rule out the risks written before them (kind disposition: 经核实系误会), harmless contexts that rule out the risks of their sentence (kind context: 抗战剧, 课本剧), and evidence of a signal class for prevent.combination only (kind signal: 今晚)';
COMMENT ON COLUMN prevent.keyword.kind IS 'match: a risk term; exclude: an innocent phrase suppressing every match inside its span; disposition: a finding that rules out every match before it in the text (of its category, or of all when category is NULL); context: a harmless context (a film, a game, a prop, a sale) that rules out every match in its sentence (of its category, or of all when category is NULL), sentences ending at 。！？；!?; and line breaks; signal: evidence of its signal class only (no score, no category, not a term of prevent.terms()), which prevent.combination may pair with a category';
COMMENT ON FUNCTION prevent.explain(text) IS
'Why doc gets its level: one row per signal (term occurrences with what they added or what removed them, dispositions and harmless contexts, proximity rules, combinations), then the score and the level';

/* ------------------------------------------------------------------------
 * Harmless contexts (keyword kind context): words that say the risky words
 * around them are not meant as risk, because they are part of a film, a
 * play, a game, a sport, an advertisement, a toy or a tool.  "看抗战剧，男主角
 * 抱着炸药包跟敌人同归于尽" is a drama; "报警人称听到枪声。到场系孩子玩摔炮" is a
 * toy.  A context rules out the terms of its sentence (between 。！？；!?;
 * and line breaks) and, as a disposition does, those written before it: an
 * explanation comes in the sentence of the word or after it.  A context
 * with a category rules out that category only (灭鼠 makes 老鼠药 harmless,
 * not a threat beside it).
 *
 * Only words whose presence makes a literal risk unlikely are listed: not
 * 游戏 or 电视 (children who play games do run away), only the jargon of
 * playing (开黑, 上号) and the genres of fiction (抗战剧, 课本剧).  An
 * exclusion (kind exclude) is better where the harmless phrase contains
 * the term (射钉枪, 煤气表, 磨刀石); not 煤气灶, the stove a gas suicide opens.
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin)
SELECT v.term, v.category, 1, 'context', v.note, true
  FROM (VALUES
	-- fiction and the stage
	('抗战剧', NULL, 'a war drama'), ('电视剧', NULL, 'a TV series'), ('连续剧', NULL, 'a TV series'),
	('热播剧', NULL, 'a TV series'), ('影视剧', NULL, 'a film or series'), ('网剧', NULL, 'a web series'),
	('剧情', NULL, 'a plot'), ('编剧', NULL, 'a screenwriter'), ('课本剧', NULL, 'a school play'),
	('话剧', NULL, 'a play'), ('小品', NULL, 'a sketch'), ('纪录片', NULL, 'a documentary'),
	('小说里', NULL, 'in a novel'), ('排练', NULL, 'a rehearsal'), ('彩排', NULL, 'a rehearsal'),
	('道具', NULL, 'a prop'), ('表演器材', NULL, 'stage equipment'),
	-- publicity and sales
	('宣传展板', NULL, 'a poster board'), ('展板', NULL, 'a poster board'), ('宣传栏', NULL, 'a notice board'),
	('宣传标语', NULL, 'a slogan'), ('海报', NULL, 'a poster'), ('弹窗', NULL, 'a pop-up advertisement'),
	('广告语', NULL, 'an advertisement'), ('促销', NULL, 'a sale'),
	-- toys, fireworks and tools
	('摔炮', NULL, 'a toy firecracker'), ('放鞭炮', NULL, 'firecrackers'), ('放烟花', NULL, 'fireworks'),
	('激光枪', NULL, 'a laser tag gun'), ('真人CS', NULL, 'laser tag'), ('射钉枪', NULL, 'a nail gun'),
	('收割机', NULL, 'a harvester'), ('电视声', NULL, 'the sound of a television'),
	-- sport and fitness
	('练腿', NULL, 'leg day'), ('深蹲', NULL, 'squats'), ('健身房', NULL, 'a gym'), ('私教', NULL, 'a personal trainer'),
	('任意球', NULL, 'a free kick'), ('绝杀', NULL, 'a last-second win'), ('球赛', NULL, 'a match'),
	-- the jargon of playing a video game
	('开黑', NULL, 'playing a game in a team'), ('上号', NULL, 'logging in to a game'), ('打野', NULL, 'a game role'),
	('送人头', NULL, 'a game blunder'), ('操作角色', NULL, 'playing a character'),
	-- pests and selling blades
	('闹耗子', 'suicide', 'rats in the house'), ('灭鼠', 'suicide', 'pest control'), ('粘鼠板', 'suicide', 'pest control'),
	('实名登记', 'weapon', 'a shop''s register'), ('刀具店', 'weapon', 'a knife shop'), ('五金店', 'weapon', 'a hardware shop')
  ) v(term, category, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- harmless phrases that contain a term
INSERT INTO prevent.keyword (term, kind, weight, note, builtin)
SELECT v.term, 'exclude', 1, v.note, true
  FROM (VALUES
	('煤气表', 'a meter'), ('燃气表', 'a meter'),
	('磨刀石', 'a whetstone'), ('磨镰刀', 'farm work'), ('收割机刀片', 'a machine'), ('焊枪', 'a tool'),
	('喷枪', 'a tool'), ('胶枪', 'a tool'), ('钉枪', 'a tool'), ('油枪', 'a petrol pump'), ('枪术', 'martial arts')
  ) v(term, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));
-- ---- contexts (end)

/* ---- Citus (issue 15) ---- */
/*
 * A Citus deployment mode (src/sql/90_citus.sql, README: Distributed
 * deployment): the event triggers do nothing on a Citus worker and
 * _on_sql_drop() no longer calls pg_event_trigger_dropped_objects() inside
 * its DELETE (on Citus, prevent.watched is a reference table); three SQL
 * functions that read a table get BEGIN ATOMIC bodies instead of RETURN
 * (Citus fails on those); order_breaches() is IMMUTABLE (it is); _review()
 * and _transition() find the unit before they lock the row (Citus needs the
 * distribution column in FOR UPDATE); escalate_overdue() hands over to
 * _escalate_overdue_cluster() on a cluster; prevent.distribute(), the shard
 * writer and the link job are new.
 * Self-contained: new functions are closed to PUBLIC here.
 */

CREATE FUNCTION prevent._on_citus_worker() RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	worker boolean;
BEGIN
	IF to_regclass('pg_catalog.pg_dist_local_group') IS NULL THEN
		RETURN false;
	END IF;
	EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_local_group g WHERE g.groupid OPERATOR(pg_catalog.<>) 0)'
		INTO worker;
	RETURN worker;
END
$$;
REVOKE ALL ON FUNCTION prevent._on_citus_worker() FROM PUBLIC;

ALTER FUNCTION prevent.order_breaches(prevent.work_order, timestamptz) IMMUTABLE;

CREATE OR REPLACE FUNCTION prevent._on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	dropped oid[];
BEGIN
	-- (on a Citus worker, prevent.watched is the coordinator's: README, Distributed deployment)
	IF prevent._on_citus_worker() THEN
		RETURN;
	END IF;
	-- the relations first: on Citus, prevent.watched is a reference table, and the DELETE goes
	-- to other nodes, where pg_event_trigger_dropped_objects() cannot be called
	dropped := ARRAY(SELECT d.objid FROM pg_event_trigger_dropped_objects() d
					  WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0);
	IF EXISTS (SELECT 1 FROM prevent.watched w WHERE w.source::oid = ANY (dropped)) THEN
		DELETE FROM prevent.watched w WHERE w.source::oid = ANY (dropped);
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION prevent._on_alter_table() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cmd record;
	w prevent.watched;
	missing name[];
	newname name;
	t regtype;
BEGIN
	IF prevent._on_citus_worker() THEN
		RETURN;
	END IF;
	FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE classid = 'pg_class'::regclass LOOP
		SELECT * INTO w FROM prevent.watched WHERE source::oid = cmd.objid;
		CONTINUE WHEN NOT FOUND;
		SELECT array_agg(c) INTO missing
		  FROM unnest(w.text_columns || ARRAY[w.key_column, w.unit_column, w.occurred_column] || w.party_columns) c
		 WHERE c IS NOT NULL
		   AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = w.source AND a.attname = c
							  AND a.attnum > 0 AND NOT a.attisdropped);
		IF missing IS NOT NULL THEN
			IF cmd.objsubid > 0 AND cardinality(missing) = 1 THEN
				SELECT a.attname INTO newname FROM pg_attribute a
				 WHERE a.attrelid = w.source AND a.attnum = cmd.objsubid AND NOT a.attisdropped;
			END IF;
			IF newname IS NULL THEN
				RAISE EXCEPTION 'column "%" of % is watched by prevent', missing[1], w.source
					USING ERRCODE = 'dependent_objects_still_exist',
						  HINT = 'Call prevent.unwatch() first.';
			END IF;
			UPDATE prevent.watched x
			   SET text_columns = array_replace(x.text_columns, missing[1], newname),
				   key_column = CASE WHEN x.key_column = missing[1] THEN newname ELSE x.key_column END,
				   unit_column = CASE WHEN x.unit_column = missing[1] THEN newname ELSE x.unit_column END,
				   occurred_column = CASE WHEN x.occurred_column = missing[1] THEN newname ELSE x.occurred_column END,
				   party_columns = array_replace(x.party_columns, missing[1], newname)
			 WHERE x.source = w.source
			RETURNING x.* INTO w;
			newname := NULL;
		END IF;
		-- ALTER COLUMN ... TYPE: a narrative must stay a string the trigger can read
		SELECT a.attname, a.atttypid::regtype INTO newname, t FROM pg_attribute a
		 WHERE a.attrelid = w.source AND a.attname = ANY (w.text_columns) AND NOT a.attisdropped
		   AND NOT prevent._is_text_type(a.atttypid::regtype)
		 ORDER BY a.attnum LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'text column "%" of % is watched by prevent and cannot become type %', newname, w.source, t
				USING ERRCODE = 'datatype_mismatch',
					  HINT = 'A narrative column must be text, varchar or char; call prevent.unwatch() first.';
		END IF;
		newname := NULL;
	END LOOP;
	-- the update triggers dropped before a column's type changed (_drop_update_triggers), made again
	FOR w IN SELECT x.* FROM prevent.watched x
			  WHERE x.source::oid = ANY (pg_catalog.string_to_array(nullif(current_setting('prevent.retyped', true), ''), ' ')::oid[])
				AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = x.source AND t.tgname = 'prevent_watch_update') LOOP
		PERFORM prevent._watch_update_triggers(w.source);
	END LOOP;
	PERFORM pg_catalog.set_config('prevent.retyped', '', true);
END
$$;

CREATE OR REPLACE FUNCTION prevent._watch_mode(tbl regclass) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT CASE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = tbl) = 'p'
					 OR coalesce((SELECT s.value FROM prevent.setting s WHERE s.name = 'watch_mode'), 'batch') = 'row'
				THEN 'row' ELSE 'batch' END;
END;

CREATE OR REPLACE FUNCTION prevent.report_time_zone() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT coalesce((SELECT s.value FROM prevent.setting s WHERE s.name OPERATOR(pg_catalog.=) 'report_time_zone'), 'Asia/Shanghai');
END;
COMMENT ON FUNCTION prevent.report_time_zone() IS 'Time zone in which the views cut months and days (setting report_time_zone)';

CREATE OR REPLACE FUNCTION prevent._feedback_bounds() RETURNS interval[]
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT coalesce(pg_catalog.array_agg(b.upper_bound ORDER BY b.upper_bound), '{}') FROM prevent.feedback_bucket b;
END;

CREATE OR REPLACE FUNCTION prevent._review(alert_id bigint, issue boolean, note text, actor name) RETURNS prevent.alert
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	a prevent.alert;
BEGIN
	IF issue IS NULL THEN
		RAISE EXCEPTION 'issue must be true or false'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the unit first, then the row locked by unit and id: on a Citus cluster a row lock must
	-- name the distribution column (README, Distributed deployment)
	SELECT x.unit INTO a.unit FROM prevent.alert x WHERE x.id = alert_id;
	IF a.unit IS NULL THEN
		SELECT * INTO a FROM prevent.alert WHERE id = alert_id FOR NO KEY UPDATE;
	ELSE
		SELECT * INTO a FROM prevent.alert x WHERE x.unit = a.unit AND x.id = alert_id FOR NO KEY UPDATE;
	END IF;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'alert % does not exist', alert_id
			USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM prevent._require_unit(actor, a.unit, pg_catalog.format('alert %s', alert_id));
	IF a.status <> 'pending' THEN
		RAISE EXCEPTION 'alert % was already reviewed or issued', alert_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('Its status is %s.', a.status);
	END IF;
	UPDATE prevent.alert
	   SET status = CASE WHEN issue THEN 'issued' ELSE 'dismissed' END,
		   reviewed_at = pg_catalog.now(), reviewed_by = SESSION_USER, review_note = note
	 WHERE id = alert_id
	RETURNING * INTO a;
	INSERT INTO prevent.event (alert_id, unit, action, from_status, to_status, at, actor, acting_role, note)
	VALUES (a.id, a.unit, 'review', 'pending', a.status, pg_catalog.now(), SESSION_USER, actor, note);
	IF issue THEN
		PERFORM prevent._issue(ARRAY[ROW(a.id, a.level, a.unit, a.repeat, 'review', NULL,
										 prevent._recipients(a.persons, a.categories, a.level))::prevent._issue_request],
							   actor, pg_catalog.now());
	END IF;
	RETURN a;
END
$$;

CREATE OR REPLACE FUNCTION prevent._transition(order_id bigint, action text, at timestamptz, note text,
									resolved boolean, rating int, actor name) RETURNS prevent.work_order
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	o prevent.work_order;
	from_status text;
	to_status text;
	need text;
	previous timestamptz;
BEGIN
	IF order_id IS NULL THEN
		RAISE EXCEPTION 'order_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the unit first, then the row locked by unit and id (as _review() does)
	SELECT x.unit INTO o.unit FROM prevent.work_order x WHERE x.id = order_id;
	IF o.unit IS NULL THEN
		SELECT * INTO o FROM prevent.work_order WHERE id = order_id FOR NO KEY UPDATE;
	ELSE
		SELECT * INTO o FROM prevent.work_order x WHERE x.unit = o.unit AND x.id = order_id FOR NO KEY UPDATE;
	END IF;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'work order % does not exist', order_id
			USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM prevent._require_unit(actor, o.unit, pg_catalog.format('work order %s', order_id));
	from_status := o.status;
	CASE action
		WHEN 'accept' THEN need := 'issued'; to_status := 'accepted'; previous := o.issued_at;
		WHEN 'feedback' THEN need := 'accepted'; to_status := 'fed_back'; previous := o.accepted_at;
		WHEN 'close' THEN need := 'fed_back'; to_status := 'closed'; previous := o.fed_back_at;
		WHEN 'evaluate' THEN need := 'closed'; to_status := 'evaluated'; previous := o.closed_at;
		ELSE RAISE EXCEPTION 'unknown action "%"', action USING ERRCODE = 'invalid_parameter_value';
	END CASE;
	-- feedback may be given again while the order is open; the first one counts for the KPIs
	IF action = 'feedback' AND o.status = 'fed_back' THEN
		need := 'fed_back';
		to_status := 'fed_back';
		previous := o.fed_back_at;
	END IF;
	IF o.status <> need THEN
		RAISE EXCEPTION 'cannot % work order %: it is %', action, order_id, o.status
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('Only an order that is %s can be %s.', need, replace(to_status, '_', ' ')),
				  HINT = 'The lifecycle is issued -> accepted -> fed_back -> closed -> evaluated.';
	END IF;
	-- no time given: now, by the clock (the transaction's start can precede the previous
	-- stage, written by a transaction that started later and committed first)
	IF at IS NULL THEN
		at := greatest(pg_catalog.clock_timestamp(), previous);
	END IF;
	IF at < previous THEN
		RAISE EXCEPTION 'cannot % work order % at %: that precedes its previous stage (%)', action, order_id, at, previous
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF at > pg_catalog.clock_timestamp() + interval '5 minutes' THEN
		RAISE EXCEPTION 'cannot % work order % at %: that is in the future', action, order_id, at
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF action = 'feedback' AND (note IS NULL OR btrim(note) = '') THEN
		RAISE EXCEPTION 'feedback needs a note' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF action = 'close' AND resolved IS NULL THEN
		RAISE EXCEPTION 'closing work order % needs resolved true or false', order_id
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF action = 'evaluate' AND (rating IS NULL OR rating < 1 OR rating > 5) THEN
		RAISE EXCEPTION 'rating % is out of range', coalesce(rating::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Ratings are whole numbers from 1 to 5.';
	END IF;

	-- the order as it will be, so that its next deadline to escalate is derived from it
	o.status := to_status;
	CASE action
		WHEN 'accept' THEN o.accepted_at := at;
		WHEN 'feedback' THEN o.fed_back_at := coalesce(o.fed_back_at, at);
		WHEN 'close' THEN o.closed_at := at; o.resolved := _transition.resolved;
		WHEN 'evaluate' THEN o.evaluated_at := at; o.rating := _transition.rating;
	END CASE;
	o.next_escalation_due := (SELECT min(b.due) FROM prevent._unescalated_breaches(o, 'infinity') b);
	UPDATE prevent.work_order w
	   SET status = o.status, accepted_at = o.accepted_at, fed_back_at = o.fed_back_at, closed_at = o.closed_at,
		   resolved = o.resolved, evaluated_at = o.evaluated_at, rating = o.rating,
		   next_escalation_due = o.next_escalation_due
	 WHERE w.id = order_id
	RETURNING * INTO o;
	INSERT INTO prevent.event (work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role, note)
	VALUES (o.id, o.alert_id, o.unit, action, from_status, to_status, at, SESSION_USER, actor, note);
	RETURN o;
END
$$;

CREATE OR REPLACE FUNCTION prevent.escalate_overdue(at timestamptz DEFAULT pg_catalog.now()) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	due_orders bigint[];
	n int;
BEGIN
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- on a Citus cluster, without row locks over every shard (90_citus.sql); NULL elsewhere
	n := prevent._escalate_overdue_cluster(at);
	IF n IS NOT NULL THEN
		RETURN n;
	END IF;
	SELECT coalesce(array_agg(c.id), '{}') INTO due_orders
	  FROM (SELECT w.id FROM prevent.work_order w
			 WHERE w.next_escalation_due < escalate_overdue.at
			   FOR UPDATE SKIP LOCKED) c;
	IF cardinality(due_orders) = 0 THEN
		RETURN 0;
	END IF;
	WITH breach AS (
		SELECT w.id, w.unit, b.breach, b.n
		  FROM prevent.work_order w
		  CROSS JOIN LATERAL prevent._unescalated_breaches(w, escalate_overdue.at) b
		 WHERE w.id = ANY (due_orders)
		 ORDER BY w.id, b.n
	), ins AS (
		INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, breach, created_at)
		SELECT b.id, b.unit,
			   greatest(1, coalesce((SELECT min(e.tier) FROM prevent.escalation e WHERE e.work_order_id = b.id), 4) - 1
						   - (row_number() OVER (PARTITION BY b.id ORDER BY b.n) - 1)::int),
			   'overdue', b.breach, escalate_overdue.at
		  FROM breach b
		ON CONFLICT DO NOTHING
		RETURNING 1
	), advance AS (
		-- every deadline missed at this time is escalated now (or was): the next is the first after it
		UPDATE prevent.work_order w
		   SET next_escalation_due = (SELECT min(b.due) FROM prevent._unescalated_breaches(w, 'infinity') b
									   WHERE b.due >= escalate_overdue.at)
		 WHERE w.id = ANY (due_orders)
	)
	SELECT count(*) INTO n FROM ins;
	RETURN n;
END
$$;
COMMENT ON FUNCTION prevent.escalate_overdue(timestamptz) IS
'Escalate open work orders past a deadline one tier up, once per missed deadline; returns the number of escalations made. Orders another transaction has locked are left to the next run. Meant for pg_cron; runs with the extension owner''s rights (EXECUTE is not granted to PUBLIC)';

CREATE FUNCTION prevent.sees_unit(unit text) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	units text[];
	shard text;
BEGIN
	-- (as prevent._on_citus_worker(), which its callers may not execute)
	IF to_regclass('pg_catalog.pg_dist_local_group') IS NOT NULL THEN
		SELECT format('prevent.%I', 'unit_member_' || s.shardid) INTO shard
		  FROM pg_dist_shard s
		 WHERE s.logicalrelid = 'prevent.unit_member'::regclass
		   AND EXISTS (SELECT 1 FROM pg_dist_local_group g WHERE g.groupid <> 0);
	END IF;
	IF shard IS NOT NULL THEN
		EXECUTE format('SELECT array_agg(DISTINCT m.unit) FROM %s m JOIN pg_roles r ON r.oid = m.member::oid '
					   'WHERE pg_has_role(current_user, r.oid, ''MEMBER'')', shard) INTO units;
	ELSE
		units := ARRAY(SELECT prevent.my_units());
	END IF;
	RETURN '*' = ANY (units) OR sees_unit.unit = ANY (units);
END
$$;
COMMENT ON FUNCTION prevent.sees_unit(text) IS 'Whether the current role sees the rows of a unit (prevent.my_units())';
REVOKE ALL ON FUNCTION prevent.sees_unit(text) FROM PUBLIC;

CREATE FUNCTION prevent._on_workers(command text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r record;
BEGIN
	FOR r IN EXECUTE 'SELECT w.nodename, w.nodeport, w.success, w.result FROM pg_catalog.run_command_on_workers($1) w'
			 USING command LOOP
		IF NOT r.success THEN
			RAISE EXCEPTION 'on worker %:%: %', r.nodename, r.nodeport, r.result
				USING ERRCODE = 'external_routine_exception',
					  DETAIL = pg_catalog.format('The statement was: %s', command);
		END IF;
	END LOOP;
END
$$;
REVOKE ALL ON FUNCTION prevent._on_workers(text) FROM PUBLIC;

CREATE FUNCTION prevent._on_every_node(command text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	EXECUTE command;
	PERFORM prevent._on_workers(command);
END
$$;
REVOKE ALL ON FUNCTION prevent._on_every_node(text) FROM PUBLIC;

CREATE FUNCTION prevent.distribute(shard_count int DEFAULT NULL) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	reference_tables text[] := ARRAY['category', 'keyword', 'negation', 'proximity', 'combination',
		'risk_threshold', 'setting', 'level_policy', 'party_ignore', 'watched', 'unit_member',
		'person_kind', 'person', 'route', 'feedback_bucket'];
	unit_tables text[] := ARRAY['alert', 'work_order', 'escalation', 'event'];
	t text;
	d text;
	r record;
	fks text[] := '{}';
	trigs text[];
BEGIN
	IF to_regproc('pg_catalog.create_reference_table') IS NULL THEN
		RAISE EXCEPTION 'prevent.distribute() needs the extension citus'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Run it on the coordinator of a Citus cluster, after CREATE EXTENSION citus.';
	END IF;
	IF prevent._on_citus_worker() THEN
		RAISE EXCEPTION 'prevent.distribute() runs on the coordinator'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Connect to the coordinator and call it there.';
	END IF;
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid OPERATOR(pg_catalog.=) 'prevent.alert'::regclass) THEN
		RAISE EXCEPTION 'prevent is distributed already'
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	IF EXISTS (SELECT 1 FROM prevent.watched) OR EXISTS (SELECT 1 FROM prevent.alert) THEN
		RAISE EXCEPTION 'prevent.distribute() needs a database with no watched table and no alert'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Registrations name tables by OID, which differ between nodes; alerts would need their unit keys moved.',
				  HINT = 'Call prevent.unwatch() for each watched table, distribute, then watch them again.';
	END IF;
	-- foreign keys between prevent's tables: Citus converts a local table referencing a new
	-- reference table, so all go first; those between reference tables come back
	FOR r IN SELECT c.conrelid::regclass AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def,
					cl.relname, rf.relname AS refname
			   FROM pg_constraint c
			   JOIN pg_class cl ON cl.oid = c.conrelid
			   JOIN pg_class rf ON rf.oid = c.confrelid
			  WHERE c.contype = 'f' AND c.connamespace = 'prevent'::regnamespace LOOP
		PERFORM prevent._on_every_node(format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname));
		IF r.relname = ANY (reference_tables) AND r.refname = ANY (reference_tables) THEN
			fks := fks || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, r.def);
		END IF;
	END LOOP;
	FOREACH t IN ARRAY reference_tables LOOP
		-- the triggers come back after Citus copied the rows (none fires during the copy),
		-- except those restoring built-in rows (pg_dump) and the statistics' (on a
		-- cluster, prevent.refresh_stats() counts), and none fires on TRUNCATE (Citus
		-- refuses that on shards)
		trigs := '{}';
		FOR r IN SELECT g.tgname, pg_get_triggerdef(g.oid) AS def FROM pg_trigger g
				  WHERE g.tgrelid = format('prevent.%I', t)::regclass AND NOT g.tgisinternal LOOP
			PERFORM prevent._on_every_node(format('DROP TRIGGER %I ON prevent.%I', r.tgname, t));
			IF r.tgname NOT LIKE '%restore_builtin' AND r.tgname NOT LIKE '%stats' THEN
				trigs := trigs || regexp_replace(replace(r.def, ' OR TRUNCATE', ''),
												 '^CREATE TRIGGER', 'CREATE OR REPLACE TRIGGER');
			END IF;
		END LOOP;
		IF EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = format('prevent.%I', t)::regclass) THEN
			PERFORM prevent._on_every_node(format('DROP POLICY %I ON prevent.%I', t || '_by_unit', t));
			trigs := trigs || format('CREATE POLICY %I ON prevent.%I FOR SELECT USING (prevent.sees_unit(unit))',
									 t || '_by_unit', t);
		END IF;
		PERFORM create_reference_table(format('prevent.%I', t));
		FOREACH d IN ARRAY trigs LOOP
			EXECUTE d;
		END LOOP;
	END LOOP;
	FOREACH d IN ARRAY fks LOOP
		EXECUTE d;
	END LOOP;
	-- per-unit tables: keyed by unit and id, no trigger (the link job keeps the derived
	-- tables), policies without subqueries
	FOREACH t IN ARRAY unit_tables LOOP
		FOR r IN SELECT g.tgname FROM pg_trigger g
				  WHERE g.tgrelid = format('prevent.%I', t)::regclass AND NOT g.tgisinternal LOOP
			PERFORM prevent._on_every_node(format('DROP TRIGGER %I ON prevent.%I', r.tgname, t));
		END LOOP;
		PERFORM prevent._on_every_node(format('ALTER TABLE prevent.%I DROP CONSTRAINT %I, ALTER COLUMN unit SET NOT NULL, '
											  'ADD CONSTRAINT %I PRIMARY KEY (unit, id)', t, t || '_pkey', t || '_pkey'));
		PERFORM prevent._on_every_node(format('DROP POLICY %I ON prevent.%I', t || '_by_unit', t));
		PERFORM prevent._on_every_node(format('CREATE POLICY %I ON prevent.%I FOR SELECT USING (prevent.sees_unit(unit))',
											  t || '_by_unit', t));
	END LOOP;
	PERFORM prevent._on_every_node('DROP INDEX prevent.escalation_once_idx');
	PERFORM prevent._on_every_node('CREATE UNIQUE INDEX escalation_once_idx ON prevent.escalation '
								   '(unit, work_order_id, tier, reason, COALESCE(breach, ''''))');
	PERFORM create_distributed_table('prevent.alert', 'unit',
		shard_count => coalesce(shard_count, current_setting('citus.shard_count')::int), colocate_with => 'none');
	PERFORM create_distributed_table('prevent.work_order', 'unit', colocate_with => 'prevent.alert');
	PERFORM create_distributed_table('prevent.escalation', 'unit', colocate_with => 'prevent.alert');
	PERFORM create_distributed_table('prevent.event', 'unit', colocate_with => 'prevent.alert');
	PERFORM create_distributed_table('prevent.alert_link', 'unit', colocate_with => 'prevent.alert');
	-- the workers' sessions (Citus's connections, from their next
	-- one on) get a search_path of pg_catalog only, so that a regclass they print (below) names its
	-- schema: public.name resolves on the coordinator whatever its search_path (first: in separate
	-- transactions, before this one's ALTER DATABASE reaches them)
	PERFORM prevent._on_workers(format('SET citus.enable_ddl_propagation = off; ALTER DATABASE %I SET search_path = pg_catalog',
									  current_database()));
	-- the workers' results as text: a regclass (prevent.alert.source) names the table there, and
	-- its OID differs between nodes
	EXECUTE format('ALTER DATABASE %I SET citus.enable_binary_protocol = off', current_database());
	PERFORM set_config('citus.enable_binary_protocol', 'off', false);
	-- overdue_orders finds an order's escalations by unit with IS NOT DISTINCT FROM (a null unit
	-- on a single node); units are not null here, and Citus plans the co-located join with "="
	d := pg_get_viewdef('prevent.overdue_orders'::regclass);
	IF position('(NOT (e.unit IS DISTINCT FROM w.unit))' IN d) = 0 THEN
		RAISE EXCEPTION 'the definition of prevent.overdue_orders is not the expected one'
			USING ERRCODE = 'internal_error';
	END IF;
	EXECUTE 'CREATE OR REPLACE VIEW prevent.overdue_orders WITH (security_invoker = true) AS '
			|| replace(d, '(NOT (e.unit IS DISTINCT FROM w.unit))', '(e.unit = w.unit)');
	-- the policies call it as the reading role
	PERFORM prevent._on_every_node('GRANT EXECUTE ON FUNCTION prevent.sees_unit(text) TO PUBLIC');
	-- ids unique across nodes: each node draws from its own range, 2^48 ids from its group's
	-- number times 2^48 (the coordinator, group 0, from 1), as Citus does for bigint sequences
	PERFORM prevent._on_every_node('SELECT pg_catalog.count(pg_catalog.setval(s, ((SELECT g.groupid FROM pg_catalog.pg_dist_local_group g)::pg_catalog.int8 '
								   'OPERATOR(pg_catalog.<<) 48) OPERATOR(pg_catalog.+) 1, false)) '
								   'FROM unnest(''{prevent.alert_id_seq,prevent.work_order_id_seq,prevent.escalation_id_seq,prevent.event_id_seq}''::pg_catalog.regclass[]) s');
END
$$;
COMMENT ON FUNCTION prevent.distribute(int) IS
'On the coordinator of a Citus cluster, once, before watching: reference tables for what every node reads, the per-unit tables distributed by unit';
REVOKE ALL ON FUNCTION prevent.distribute(int) FROM PUBLIC;

CREATE FUNCTION prevent._write_shard(batch prevent._alert_input[], actor name) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	policies prevent.level_policy[] := ARRAY(SELECT p FROM prevent.level_policy p);
	manual text := current_setting('citus.enable_manual_changes_to_shards', true);
	g record;
	shards text[];
	written bigint := 0;
	n bigint;
BEGIN
	IF coalesce(cardinality(batch), 0) = 0 THEN
		RETURN 0;
	END IF;
	PERFORM set_config('citus.enable_manual_changes_to_shards', 'on', true);
	FOR g IN SELECT pg_catalog.get_shard_id_for_distribution_column('prevent.alert', x.unit) AS shard,
					array_agg(x) AS items
			   FROM unnest(batch) x
			  GROUP BY 1 LOOP
		-- the co-located shards of the four tables, by their hash range
		shards := ARRAY(SELECT format('prevent.%I', t.relname || '_' || o.shardid)
						  FROM pg_dist_shard a
						 CROSS JOIN unnest(ARRAY['alert', 'work_order', 'escalation', 'event']) WITH ORDINALITY t(relname, n)
						  JOIN pg_dist_shard o ON o.logicalrelid = format('prevent.%I', t.relname)::regclass
											  AND o.shardminvalue = a.shardminvalue
						 WHERE a.shardid = g.shard
						 ORDER BY t.n);
		IF cardinality(shards) <> 4 OR to_regclass(shards[1]) IS NULL THEN
			RAISE EXCEPTION 'the shard of prevent.alert for unit % is not on this node', (g.items[1]).unit
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'A watched distributed table must be co-located with prevent.alert.',
					  HINT = 'Distribute the table with colocate_with => ''prevent.alert'' (README, Distributed deployment).';
		END IF;
		EXECUTE format($q$
			WITH b AS MATERIALIZED (
				SELECT nextval('prevent.alert_id_seq'::regclass) AS id, x.source, x.source_key, x.unit,
					   coalesce(x.occurred_at, now()) AS occurred_at, x.score, x.level, x.categories, x.terms,
					   x.parties, x.historic, coalesce(p.auto_issue AND NOT x.historic, false) AS issue,
					   p.tiers, p.accept_within, p.feedback_within, p.close_within
				  FROM unnest($1::prevent._alert_input[]) x
				  LEFT JOIN unnest($3::prevent.level_policy[]) p ON p.level = x.level
				 WHERE x.level >= x.alert_level
				   AND NOT EXISTS (SELECT 1 FROM %1$s a
									WHERE x.reassess AND a.unit = x.unit AND a.source = x.source
									  AND a.source_key = x.source_key)
			), ins_alert AS (
				INSERT INTO %1$s (id, source, source_key, unit, occurred_at, score, level, categories, terms, parties,
								  historic, status)
				SELECT b.id, b.source, b.source_key, b.unit, b.occurred_at, b.score, b.level, b.categories, b.terms,
					   b.parties, b.historic, CASE WHEN b.issue THEN 'issued' ELSE 'pending' END
				  FROM b
				RETURNING 1
			), o AS MATERIALIZED (
				SELECT b.*, nextval('prevent.work_order_id_seq'::regclass) AS order_id FROM b WHERE b.issue
			), ins_order AS (
				INSERT INTO %2$s (id, alert_id, unit, level, reason, issued_at, accept_due, due_at, close_due)
				SELECT o.order_id, o.id, o.unit, o.level, 'risk_level', now(), now() + o.accept_within,
					   now() + o.feedback_within, now() + o.close_within
				  FROM o
				RETURNING 1
			), ins_escalation AS (
				INSERT INTO %3$s (id, work_order_id, unit, tier, reason, created_at)
				SELECT nextval('prevent.escalation_id_seq'::regclass), o.order_id, o.unit, t.tier, 'risk_level', now()
				  FROM o CROSS JOIN unnest(o.tiers) t(tier)
				RETURNING 1
			), ins_event AS (
				INSERT INTO %4$s (id, work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role)
				SELECT nextval('prevent.event_id_seq'::regclass), o.order_id, o.id, o.unit, 'issue', NULL, 'issued', now(),
					   SESSION_USER, $2
				  FROM o
				RETURNING 1
			)
			SELECT count(*) FROM ins_alert$q$, shards[1], shards[2], shards[3], shards[4])
			INTO n USING g.items, actor, policies;
		written := written + n;
	END LOOP;
	PERFORM set_config('citus.enable_manual_changes_to_shards', coalesce(manual, 'off'), true);
	RETURN written;
END
$$;
REVOKE ALL ON FUNCTION prevent._write_shard(prevent._alert_input[], name) FROM PUBLIC;

CREATE TABLE prevent.alert_link (
	unit text NOT NULL,
	alert_id bigint NOT NULL,
	linked_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (unit, alert_id)
);
COMMENT ON TABLE prevent.alert_link IS 'Alerts prevent.link_alerts() has handled (a Citus cluster only)';
SELECT pg_catalog.pg_extension_config_dump('prevent.alert_link', '');
REVOKE ALL ON TABLE prevent.alert_link FROM PUBLIC;

CREATE FUNCTION prevent.link_alerts() RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	repeat_tier constant smallint := prevent.setting_int('repeat_tier', 3);
	cross_tier constant smallint := prevent.setting_int('cross_jurisdiction_tier', 1);
	max_units constant int := prevent.setting_int('cross_jurisdiction_max_units', 5);
	link_parties text[];
	ids bigint[];
	n bigint;
	distributed boolean;
BEGIN
	-- a single node links in the alert writer: nothing to do
	IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN 0;
	END IF;
	EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p '
			'WHERE p.logicalrelid OPERATOR(pg_catalog.=) ''prevent.alert''::pg_catalog.regclass)' INTO distributed;
	IF NOT distributed THEN
		RETURN 0;
	END IF;
	IF NOT pg_try_advisory_xact_lock(pg_catalog.hashtext('prevent.link_alerts')) THEN
		RETURN 0;
	END IF;
	-- (the table's repeat rule joined on the workers: a regclass is an OID of the node it is on)
	CREATE TEMP TABLE link_new (unit text, id bigint, occurred_at timestamptz, parties text[],
								level prevent.risk_level, status text, repeat_window interval,
								repeat_threshold int) ON COMMIT DROP;
	INSERT INTO link_new
	SELECT a.unit, a.id, a.occurred_at, a.parties, a.level, a.status, w.repeat_window, w.repeat_threshold
	  FROM prevent.alert a
	  LEFT JOIN prevent.watched w ON w.source = a.source
	 WHERE NOT EXISTS (SELECT 1 FROM prevent.alert_link l WHERE l.unit = a.unit AND l.alert_id = a.id);
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n = 0 THEN
		RETURN 0;
	END IF;
	link_parties := ARRAY(SELECT DISTINCT p FROM link_new x CROSS JOIN LATERAL unnest(x.parties) p);
	-- every alert of those parties, on every node
	CREATE TEMP TABLE link_history (unit text, id bigint, party text, occurred_at timestamptz) ON COMMIT DROP;
	INSERT INTO link_history
	SELECT a.unit, a.id, p.party, a.occurred_at
	  FROM prevent.alert a CROSS JOIN LATERAL unnest(a.parties) p(party)
	 WHERE a.parties OPERATOR(pg_catalog.&&) link_parties AND p.party = ANY (link_parties);
	-- (indexed and analyzed: the repeat check probes them once per party of each new alert)
	CREATE INDEX ON link_history (party, occurred_at);
	CREATE INDEX ON link_new (unit, id);
	ANALYZE link_history;
	ANALYZE link_new;
	CREATE TEMP TABLE link_policy ON COMMIT DROP AS
	SELECT p.level, p.accept_within, p.feedback_within, p.close_within FROM prevent.level_policy p;
	-- the repeats: a party of the alert with repeat_threshold incidents within the window (the
	-- alert's own included), an alert linked in this run counting only if it occurred before
	CREATE TEMP TABLE link_hit ON COMMIT DROP AS
	SELECT x.unit, x.id, x.level, x.status,
		   (SELECT array_agg(u.unit ORDER BY u.latest DESC, u.unit)
			  FROM (SELECT h.unit, max(h.occurred_at) AS latest
					  FROM link_history h
					 WHERE h.party = ANY (r.hit_parties) AND h.unit <> x.unit
					   AND h.occurred_at BETWEEN x.occurred_at - r.repeat_window AND x.occurred_at + r.repeat_window
					 GROUP BY h.unit
					 ORDER BY max(h.occurred_at) DESC, h.unit
					 LIMIT max_units) u) AS other_units
	  FROM link_new x
	 CROSS JOIN LATERAL (
			SELECT x.repeat_window, array_agg(p.party) AS hit_parties
			  FROM unnest(x.parties) p(party)
			 WHERE (SELECT count(*) FROM link_history h
					 WHERE h.party = p.party
					   AND h.occurred_at BETWEEN x.occurred_at - x.repeat_window AND x.occurred_at + x.repeat_window
					   AND (h.unit, h.id) IS DISTINCT FROM (x.unit, x.id)
					   AND NOT EXISTS (SELECT 1 FROM link_new y
										WHERE y.unit = h.unit AND y.id = h.id
										  AND (y.occurred_at, y.id) > (x.occurred_at, x.id)))
				   + 1 >= x.repeat_threshold
			 GROUP BY x.repeat_window) r
	 WHERE x.status IN ('pending', 'issued');
	ids := ARRAY(SELECT h.id FROM link_hit h);
	IF ids <> '{}' THEN
		UPDATE prevent.alert a
		   SET repeat = true, status = 'issued'
		 WHERE a.id = ANY (ids) AND (NOT a.repeat OR a.status <> 'issued');
		-- the orders the alerts have open, by unit
		CREATE TEMP TABLE link_order ON COMMIT DROP AS
		SELECT o.unit, o.id, o.alert_id, false AS made FROM prevent.work_order o
		 WHERE o.alert_id = ANY (ids) AND prevent.order_is_open(o.status);
		INSERT INTO link_order
		SELECT t.unit, nextval('prevent.work_order_id_seq'::regclass), t.alert_id, true
		  FROM (SELECT h.id AS alert_id, u.unit, u.pos
				  FROM link_hit h
				 CROSS JOIN LATERAL unnest(ARRAY[h.unit] || coalesce(h.other_units, '{}')) WITH ORDINALITY u(unit, pos)
				 WHERE NOT EXISTS (SELECT 1 FROM link_order o WHERE o.alert_id = h.id AND o.unit = u.unit)
				 ORDER BY h.id, u.pos) t;
		INSERT INTO prevent.work_order (id, alert_id, unit, level, reason, issued_at, accept_due, due_at, close_due)
		SELECT o.id, o.alert_id, o.unit, h.level,
			   CASE WHEN o.unit = h.unit THEN 'repeat' ELSE 'cross_jurisdiction' END,
			   now(), now() + p.accept_within, now() + p.feedback_within, now() + p.close_within
		  FROM link_order o JOIN link_hit h ON h.id = o.alert_id JOIN link_policy p ON p.level = h.level
		 WHERE o.made;
		INSERT INTO prevent.event (id, work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role)
		SELECT nextval('prevent.event_id_seq'::regclass), o.id, o.alert_id, o.unit, 'issue', NULL, 'issued', now(),
			   SESSION_USER, CURRENT_USER
		  FROM link_order o
		 WHERE o.made;
		-- the repeat's escalations on each of its orders, the cross-jurisdiction one where it went to
		-- other units; each once
		CREATE TEMP TABLE link_escalation ON COMMIT DROP AS
		SELECT o.unit, o.id AS work_order_id, e.tier, e.reason
		  FROM link_order o JOIN link_hit h ON h.id = o.alert_id
		 CROSS JOIN LATERAL (SELECT repeat_tier AS tier, 'repeat' AS reason
							 UNION ALL
							 SELECT cross_tier, 'cross_jurisdiction' WHERE h.other_units <> '{}') e;
		ids := ARRAY(SELECT DISTINCT x.work_order_id FROM link_escalation x);
		CREATE TEMP TABLE link_escalated ON COMMIT DROP AS
		SELECT e.unit, e.work_order_id, e.tier, e.reason FROM prevent.escalation e WHERE e.work_order_id = ANY (ids);
		DELETE FROM link_escalation l
		 USING link_escalated e
		 WHERE e.unit = l.unit AND e.work_order_id = l.work_order_id AND e.tier = l.tier AND e.reason = l.reason;
		INSERT INTO prevent.escalation (id, work_order_id, unit, tier, reason, created_at)
		SELECT nextval('prevent.escalation_id_seq'::regclass), l.work_order_id, l.unit, l.tier, l.reason, now()
		  FROM link_escalation l;
	END IF;
	INSERT INTO prevent.alert_link (unit, alert_id) SELECT x.unit, x.id FROM link_new x;
	RETURN n;
END
$$;
COMMENT ON FUNCTION prevent.link_alerts() IS
'On a Citus cluster: flag repeats over every unit and issue their orders and escalations to other units (run by pg_cron on the coordinator)';
REVOKE ALL ON FUNCTION prevent.link_alerts() FROM PUBLIC;

CREATE FUNCTION prevent._escalate_overdue_cluster(at timestamptz) RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	distributed boolean;
	ids bigint[];
	n int;
	r record;
BEGIN
	IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN NULL;
	END IF;
	EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p '
			'WHERE p.logicalrelid OPERATOR(pg_catalog.=) ''prevent.work_order''::pg_catalog.regclass)' INTO distributed;
	IF NOT distributed THEN
		RETURN NULL;
	END IF;
	IF NOT pg_try_advisory_xact_lock(pg_catalog.hashtext('prevent.escalate_overdue')) THEN
		RETURN 0;
	END IF;
	CREATE TEMP TABLE overdue_order ON COMMIT DROP AS
	SELECT w.* FROM prevent.work_order w WHERE w.next_escalation_due < _escalate_overdue_cluster.at;
	ids := ARRAY(SELECT o.id FROM overdue_order o);
	IF ids = '{}' THEN
		RETURN 0;
	END IF;
	CREATE TEMP TABLE overdue_escalation ON COMMIT DROP AS
	SELECT e.work_order_id, e.tier, e.reason, e.breach FROM prevent.escalation e WHERE e.work_order_id = ANY (ids);
	-- as escalate_overdue(): each missed deadline not escalated yet, one tier up from the
	-- order's highest tier so far (tier 1 is the top), one more for each further deadline
	CREATE TEMP TABLE overdue_new ON COMMIT DROP AS
	SELECT b.id, b.unit, b.breach,
		   greatest(1, coalesce((SELECT min(e.tier) FROM overdue_escalation e WHERE e.work_order_id = b.id), 4) - 1
					   - (row_number() OVER (PARTITION BY b.id ORDER BY b.n) - 1)::int) AS tier
	  FROM (SELECT o.id, o.unit, x.breach, x.n
			  FROM overdue_order o
			 CROSS JOIN LATERAL prevent.order_breaches(ROW(o.*)::prevent.work_order, _escalate_overdue_cluster.at) x
			 WHERE NOT EXISTS (SELECT 1 FROM overdue_escalation e
								WHERE e.work_order_id = o.id AND e.reason = 'overdue' AND e.breach = x.breach)) b;
	INSERT INTO prevent.escalation (id, work_order_id, unit, tier, reason, breach, created_at)
	SELECT nextval('prevent.escalation_id_seq'::regclass), x.id, x.unit, x.tier, 'overdue', x.breach,
		   _escalate_overdue_cluster.at
	  FROM overdue_new x;
	GET DIAGNOSTICS n = ROW_COUNT;
	-- the next deadline not escalated, after this time
	FOR r IN SELECT o.unit, o.id,
					(SELECT min(x.due) FROM prevent.order_breaches(ROW(o.*)::prevent.work_order, 'infinity') x
					  WHERE x.due >= _escalate_overdue_cluster.at
						AND NOT EXISTS (SELECT 1 FROM overdue_escalation e
										 WHERE e.work_order_id = o.id AND e.reason = 'overdue' AND e.breach = x.breach)) AS next_due
			   FROM overdue_order o LOOP
		UPDATE prevent.work_order w SET next_escalation_due = r.next_due WHERE w.unit = r.unit AND w.id = r.id;
	END LOOP;
	RETURN n;
END
$$;
REVOKE ALL ON FUNCTION prevent._escalate_overdue_cluster(timestamptz) FROM PUBLIC;

-- the views overdue_orders, unit_dashboard and person_contact_status in forms a Citus cluster
-- can plan (the same rows on a single node)
-- whether an order of this status has missed a deadline at a time: not met, due before then, the
-- order open (order_breaches() and order_overdue() apply it to each deadline)
CREATE FUNCTION prevent.deadline_missed(status text, met_at timestamptz, due timestamptz, at timestamptz)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN prevent.order_is_open(status) AND met_at IS NULL AND due OPERATOR(pg_catalog.<) at;
COMMENT ON FUNCTION prevent.deadline_missed(text, timestamptz, timestamptz, timestamptz) IS
'Whether a work order of this status has missed a deadline (met at met_at, due at due) at a time';

CREATE OR REPLACE FUNCTION prevent.order_breaches(o prevent.work_order, at timestamptz)
RETURNS TABLE (breach text, due timestamptz, n int)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT d.breach, d.due, d.n
	  FROM (VALUES (1, 'accept', o.accepted_at, o.accept_due),
				   (2, 'feedback', o.fed_back_at, o.due_at),
				   (3, 'close', o.closed_at, o.close_due)) d(n, breach, met_at, due)
	 WHERE prevent.deadline_missed(o.status, d.met_at, d.due, at)
	 ORDER BY d.n;
END;
GRANT EXECUTE ON FUNCTION prevent.deadline_missed(text, timestamptz, timestamptz, timestamptz) TO PUBLIC;

-- the earliest deadline an open work order has missed at a time (NULL: none), in the order
-- order_breaches() lists them: one expression, which PostgreSQL inlines and a Citus cluster
-- evaluates on the shards (it refuses a table function with now() as argument there)
CREATE TYPE prevent.missed_deadline AS (breach text, due timestamptz);
COMMENT ON TYPE prevent.missed_deadline IS 'A deadline of a work order (accept, feedback, close) missed, and when it was due';
CREATE FUNCTION prevent.order_overdue(o prevent.work_order, at timestamptz) RETURNS prevent.missed_deadline
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN prevent.deadline_missed(o.status, o.accepted_at, o.accept_due, at)
			THEN ROW('accept', o.accept_due)::prevent.missed_deadline
			WHEN prevent.deadline_missed(o.status, o.fed_back_at, o.due_at, at)
			THEN ROW('feedback', o.due_at)::prevent.missed_deadline
			WHEN prevent.deadline_missed(o.status, o.closed_at, o.close_due, at)
			THEN ROW('close', o.close_due)::prevent.missed_deadline END;
COMMENT ON FUNCTION prevent.order_overdue(prevent.work_order, timestamptz) IS
'The earliest deadline (accept, feedback, close) an open work order has missed at a time, and when it was due (NULL: none)';

GRANT EXECUTE ON FUNCTION prevent.order_overdue(prevent.work_order, timestamptz) TO PUBLIC;

CREATE OR REPLACE VIEW prevent.overdue_orders WITH (security_invoker = true) AS
SELECT w.id AS work_order_id, w.unit, w.level, w.status, w.issued_at, (w.b).breach,
	   (w.b).due AS due_at,
	   pg_catalog.now() - (w.b).due AS overdue_by,
	   (SELECT min(e.tier) FROM prevent.escalation e
		 WHERE e.unit IS NOT DISTINCT FROM w.unit AND e.work_order_id = w.id) AS tier
  FROM (SELECT o.id, o.unit, o.level, o.status, o.issued_at,
			   prevent.order_overdue(ROW(o.*)::prevent.work_order, pg_catalog.now()) AS b
		  FROM prevent.work_order o
		 WHERE prevent.order_is_open(o.status)) w
 WHERE (w.b).breach IS NOT NULL;

CREATE OR REPLACE VIEW prevent.unit_dashboard WITH (security_invoker = true) AS
WITH pending AS (
	SELECT a.unit, count(*) AS pending_reviews
	  FROM prevent.alert a
	 WHERE a.status = 'pending' AND a.unit IS NOT NULL
	 GROUP BY a.unit
), recent_alerts AS (
	SELECT a.unit,
		   count(*) FILTER (WHERE a.occurred_at >= pg_catalog.now() - interval '7 days') AS alerts_7d,
		   count(*) FILTER (WHERE a.repeat) AS repeats_30d
	  FROM prevent.alert a
	 WHERE a.occurred_at >= pg_catalog.now() - interval '30 days' AND a.unit IS NOT NULL
	 GROUP BY a.unit
), open_orders AS (
	SELECT w.unit,
		   count(*) AS open_orders,
		   count(*) FILTER (WHERE (prevent.order_overdue(ROW(w.*)::prevent.work_order, pg_catalog.now())).breach IS NOT NULL) AS overdue_orders
	  FROM prevent.work_order w
	 WHERE prevent.order_is_open(w.status) AND w.unit IS NOT NULL
	 GROUP BY w.unit
), recent_orders AS (
	SELECT w.unit,
		   count(*) AS issued_30d,
		   count(*) FILTER (WHERE w.closed_at IS NOT NULL) AS closed_30d,
		   count(*) FILTER (WHERE w.fed_back_at <= w.issued_at + interval '24 hours') AS fed_back_24h_30d
	  FROM prevent.work_order w
	 WHERE w.issued_at >= pg_catalog.now() - interval '30 days' AND w.unit IS NOT NULL
	 GROUP BY w.unit
), units AS (
	SELECT p.unit FROM pending p
	UNION SELECT r.unit FROM recent_alerts r
	UNION SELECT o.unit FROM open_orders o
	UNION SELECT r.unit FROM recent_orders r
	UNION SELECT s.unit FROM prevent.order_stats s WHERE s.unit IS NOT NULL
)
SELECT u.unit,
	   coalesce(p.pending_reviews, 0) AS pending_reviews,
	   coalesce(o.open_orders, 0) AS open_orders,
	   coalesce(o.overdue_orders, 0) AS overdue_orders,
	   coalesce(ra.alerts_7d, 0) AS alerts_7d,
	   coalesce(ra.repeats_30d, 0) AS repeats_30d,
	   coalesce(ro.issued_30d, 0) AS issued_30d,
	   prevent.rate(ro.closed_30d, ro.issued_30d) AS closure_rate_30d,
	   prevent.rate(ro.fed_back_24h_30d, ro.issued_30d) AS feedback_rate_30d
  FROM units u
  LEFT JOIN pending p ON p.unit = u.unit
  LEFT JOIN recent_alerts ra ON ra.unit = u.unit
  LEFT JOIN open_orders o ON o.unit = u.unit
  LEFT JOIN recent_orders ro ON ro.unit = u.unit;

CREATE OR REPLACE VIEW prevent.person_contact_status WITH (security_invoker = true) AS
SELECT p.id AS person_id, p.full_name, p.identifier, p.kind, p.unit, p.valid_from, p.valid_until,
	   c.last_contact_at, coalesce(c.contacts, 0) AS contacts, i.last_incident_at, coalesce(i.incidents, 0) AS incidents
  FROM prevent.person p
  LEFT JOIN (SELECT x.person_id, max(x.at) AS last_contact_at, count(*) AS contacts
			   FROM prevent.person_contact x
			  GROUP BY x.person_id) c ON c.person_id = p.id
  LEFT JOIN (SELECT q.id, max(a.occurred_at) AS last_incident_at, count(*) AS incidents
			   FROM prevent.person q
			   JOIN prevent.alert a ON a.persons @> ARRAY[q.id] AND a.persons <> '{}'
			  GROUP BY q.id) i ON i.id = p.id;

-- my_units() without a join with pg_roles (Citus reads pg_authid for it on a reference table)
CREATE OR REPLACE FUNCTION prevent.my_units() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	-- roles that exist (a regrole outlives its role), of which the current one is a member;
	-- no join with pg_roles (Citus, when prevent.unit_member is a reference table, would read
	-- pg_authid itself, which only superusers may)
	SELECT DISTINCT m.unit FROM prevent.unit_member m
	 WHERE to_regrole(m.member::text) IS NOT NULL AND pg_has_role(current_user, m.member::oid, 'MEMBER')
$$;

/* ---- end of Citus (issue 15) ---- */
