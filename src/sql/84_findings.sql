/* ------------------------------------------------------------------------
 * The default lexicon, fourth part: how a report says the matter is over,
 * and texts that are about a risk without being one.
 *   - findings that close a case (kind disposition: the terms before them
 *     stop counting): a dispute mediated and signed, wages paid, a child
 *     back home by itself, an inspection that found everything in order, a
 *     remark found to be a joke or quoted out of context;
 *   - a remark introduced as a joke (negation cue 开玩笑说);
 *   - publicity and prevention wording (预防自杀 班会, 禁枪宣传, 放火烧山
 *     牢底坐穿 banners), and things named after a risk (刀片服务器, 子弹头
 *     trains), as exclusions;
 *   - a child lost (走失) is a child missing; blunt weapons in hand.
 * Written from how follow-up records, 12345 replies and on-scene
 * dispositions are phrased, not from evaluation records; the held-out
 * figures are in the README (Detection quality).
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	-- a dispute settled
	('签订调解协议', NULL, 1, 'disposition', 'finding: mediated, agreement signed', true),
	('签订了调解协议', NULL, 1, 'disposition', 'finding: mediated, agreement signed', true),
	('达成调解协议', NULL, 1, 'disposition', 'finding: mediated, agreement reached', true),
	('达成和解', NULL, 1, 'disposition', 'finding: settled', true),
	('握手言和', NULL, 1, 'disposition', 'finding: reconciled', true),
	('调解成功', NULL, 1, 'disposition', 'finding: mediation succeeded', true),
	('矛盾已化解', NULL, 1, 'disposition', 'finding: the conflict is resolved', true),
	('纠纷已化解', NULL, 1, 'disposition', 'finding: the dispute is resolved', true),
	('已妥善化解', NULL, 1, 'disposition', 'finding: resolved', true),
	-- money paid
	('全部结清', NULL, 1, 'disposition', 'finding: wages or debt paid in full', true),
	('已结清', NULL, 1, 'disposition', 'finding: paid', true),
	('足额发放', NULL, 1, 'disposition', 'finding: wages paid in full', true),
	-- found, back home (the child's absence only)
	('自行回家', 'minor', 1, 'disposition', 'scope: minor (came home by itself)', true),
	('自行返回', 'minor', 1, 'disposition', 'scope: minor (came back by itself)', true),
	('已联系上', 'minor', 1, 'disposition', 'scope: minor (reached)', true),
	('已返回家中', 'minor', 1, 'disposition', 'scope: minor (back home)', true),
	('已回到家中', 'minor', 1, 'disposition', 'scope: minor (back home)', true),
	-- nothing found
	('无安全隐患', NULL, 1, 'disposition', 'finding: an inspection found no hazard', true),
	('账物相符', NULL, 1, 'disposition', 'finding: stock (explosives, firearms) tallies', true),
	('证照齐全', NULL, 1, 'disposition', 'finding: licensed and in order', true),
	('断章取义', NULL, 1, 'disposition', 'finding: quoted out of context', true),
	('玩笑话', NULL, 1, 'disposition', 'finding: a joke', true),
	('屋内无异常', NULL, 1, 'disposition', 'finding: nothing wrong on scene', true),
	-- publicity and prevention, and things named after a risk
	('预防自杀', NULL, 1, 'exclude', 'prevention work (班会, 讲座)', true),
	('防范自杀', NULL, 1, 'exclude', 'prevention work', true),
	('自杀干预', NULL, 1, 'exclude', 'prevention work (hotline, training)', true),
	('禁枪宣传', NULL, 1, 'exclude', 'publicity', true),
	('禁枪禁爆', NULL, 1, 'exclude', 'publicity', true),
	('放火烧山', NULL, 1, 'exclude', 'forest-fire slogan 放火烧山，牢底坐穿', true),
	('防拐骗', NULL, 1, 'exclude', 'safety lesson', true),
	('刀片服务器', NULL, 1, 'exclude', 'a server', true),
	('子弹头', NULL, 1, 'exclude', 'a bullet train', true),
	('细胞自杀', NULL, 1, 'exclude', 'biology (apoptosis)', true);

INSERT INTO prevent.negation (cue, "window", note, builtin) VALUES
	('开玩笑说', 12, 'a remark introduced as a joke (我不是开玩笑 is a keyword, not this)', true);

-- a child lost is a child missing (老人走失 has no child's age: no combination)
UPDATE prevent.keyword SET signal = 'missing'
 WHERE builtin AND kind = 'match' AND term = '走失' AND signal IS NULL;

-- blunt weapons in hand (钢管, 铁棍 alone: building sites and scrap yards)
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	('持钢管', 'weapon', 35, 'match', 'means: a pipe in hand', true),
	('拿钢管', 'weapon', 30, 'match', 'means: a pipe in hand', true),
	('持铁棍', 'weapon', 35, 'match', 'means: an iron bar in hand', true),
	('拿铁棍', 'weapon', 30, 'match', 'means: an iron bar in hand', true),
	('持棍棒', 'weapon', 35, 'match', 'means: clubs in hand', true),
	('棒球棍', 'weapon', 25, 'match', 'means: rarely for baseball in a police report', true);
