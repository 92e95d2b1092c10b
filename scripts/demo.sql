-- demo.sql — prevent's main job, end to end, on a police department's 110 incident table.
--
--   1. the matcher on a few narratives: normalize, match, assess, highlight;
--   2. the department's table jq_110 with 60 days of calls already in it (scripts/demo_data.sql,
--      deterministic), then watched with prevent.watch();
--   3. a person of concern registered; the history back-filled with CALL prevent.backfill()
--      (progress per batch; incidents older than backfill_orders_within recorded without
--      orders), and today's calls by COPY: the triggers raise alerts, issue work orders and
--      escalations, and push the person's incident to his station too;
--   4. alerts, orders, escalations, repeat callers across police stations, second judgements;
--   5. work orders walked through issued -> accepted -> fed_back -> closed -> evaluated, the
--      event log, and overdue escalation;
--   6. every BI view, the orders pushed by category (prevent.route: disputes to 综治中心,
--      minors to 未成年人保护 too) and the alert counts by category.
--
-- About time: an alert keeps the call time (occurred_at = bjsj, spread over the last 60 days),
-- but a work order is issued when it is written, i.e. now: the demo shows the day a department
-- switches prevent on and back-fills its history (orders only for the last 7 days' incidents).  Stations then act on the orders
-- during the demo (lifecycle times = now(), never in the future), so every order falls in the
-- current month of the views, and nothing is overdue yet; prevent.escalate_overdue() is asked
-- what it would escalate one day from now.
--
-- Run by scripts/demo.sh on a throwaway cluster; works in any fresh UTF8 database where you
-- may CREATE EXTENSION prevent (it creates the table jq_110 in the current schema).
\set ON_ERROR_STOP on
\set QUIET on
\pset null '∅'
\pset linestyle unicode
\pset border 2
\pset footer off
SET client_min_messages = warning;
SET timezone = 'Asia/Shanghai';
SET datestyle = 'ISO, YMD';

CREATE EXTENSION IF NOT EXISTS prevent;

-- runs one statement and returns 'ok' or its error, so the demo can show refused transitions
CREATE FUNCTION pg_temp.try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE stmt;
	RETURN 'ok';
EXCEPTION WHEN others THEN
	RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;

\echo
\echo '################################################################################'
\echo '# 1. 匹配器  The matcher'
\echo '################################################################################'

CREATE TEMP TABLE demo_narrative (id int PRIMARY KEY, doc text NOT NULL);
INSERT INTO demo_narrative (id, doc) VALUES
	(1, '他在微信里揚言要殺 了 她全家，还说要去买汽油'),   -- Traditional characters, spaces inside a phrase
	(2, '报警人称其丈夫持刀威胁要同归于尽'),
	(3, '邻居家在用杀虫剂，味道很大'),                     -- innocent: 杀虫剂 is insecticide
	(4, '经民警核实，未发现该男子有自杀倾向。'),           -- the risk is ruled out
	(5, '女儿（１４岁）放学后离家出走，手机关机已失联两天');  -- full-width digits

\echo
\echo '== 默认词库：各类别的风险词与邻近规则，排除词与否定词  The default lexicon: match terms and proximity rules per category, exclusions, negation cues'
SELECT c.name AS category, c.label,
       count(k.id) FILTER (WHERE k.kind = 'match' AND k.enabled) AS terms,
       (SELECT count(*) FROM prevent.proximity p WHERE p.category = c.name) AS proximity_rules
  FROM prevent.category c
  LEFT JOIN prevent.keyword k ON k.category = c.name
 GROUP BY c.name, c.label
 ORDER BY c.name;
SELECT (SELECT count(*) FROM prevent.keyword WHERE kind = 'exclude') AS "exclusions 排除词 (杀虫剂, 跳楼价 ...)",
       (SELECT count(*) FROM prevent.negation) AS "negation cues 否定词 (未发现, 否认 ...)";

\echo '== 文本归一化  The narratives, and how prevent.normalize() sees them'
\echo '   (繁体 -> 简体, 全角 -> 半角, 干扰字符去掉, 句读保留; Traditional -> Simplified, full-width -> ASCII, noise dropped, clause breaks kept)'
SELECT id, doc, prevent.normalize(doc) AS normalized
  FROM demo_narrative
 ORDER BY id;

\echo '== prevent.match()：每处命中一行，substr(doc, position, length) 是原文  One row per risk term found; substr(doc, position, length) is the original text'
SELECT n.id, m.term, m.category, m.weight, m.position, m.length,
       substr(n.doc, m.position, m.length) AS original
  FROM demo_narrative n
 CROSS JOIN LATERAL prevent.match(n.doc) m
 ORDER BY n.id, m.position;

\echo '== prevent.assess()：分值与风险等级（分值等级、单词最低等级、信号组合中的最高者）  Score and level (the highest of the score''s level, term min_levels and combinations)'
SELECT n.id, a.score, a.level, a.categories, a.terms
  FROM demo_narrative n
 CROSS JOIN LATERAL prevent.assess(n.doc) a
 ORDER BY n.id;

\echo '== prevent.highlight()：标出命中  The narrative with every match marked'
SELECT id, prevent.highlight(doc) AS highlighted
  FROM demo_narrative
 ORDER BY id;

\echo '== prevent.explain()：为什么是这个等级，每个信号一行  Why a narrative gets its level, one row per signal'
SELECT signal, detail, category, "position", weight, level, effect
  FROM prevent.explain('他扬言要拿刀，还说家里藏着炸药，未发现自杀倾向');
SELECT signal, detail, weight, level, effect
  FROM prevent.explain('初二学生王某放学后至今未归，电话关机');
SELECT signal, detail, effect
  FROM prevent.explain('网传某小区有人持刀砍人，经核实系谣言；她在读《自杀俱乐部》');
-- a harmless context rules out its sentence and what came before it; a later sentence still counts
SELECT signal, detail, effect
  FROM prevent.explain('报警人称隔壁传出枪声和爆炸声。到场系老人看抗战剧，电视声开得太大');
SELECT signal, detail, weight, level, effect
  FROM prevent.explain('老人说“我该去陪老伴了，寿衣都摆好了”，今早电话打不通');

\echo
\echo '################################################################################'
\echo '# 2. 部门的警情表，已有 60 天的历史  The department''s incident table, with 60 days of history already in it'
\echo '################################################################################'

CREATE TABLE jq_110 (
	jjbh text PRIMARY KEY,                      -- 接警编号 incident number
	gxdw text NOT NULL,                         -- 管辖单位 police station
	bjrdh text,                                 -- 报警人电话 caller's phone
	jyaq text NOT NULL,                         -- 简要案情 narrative
	bjsj timestamptz NOT NULL DEFAULT now()     -- 报警时间 time of the call
);
COMMENT ON TABLE jq_110 IS '110 接处警记录 (demo)';

\echo
\echo '== scripts/demo_data.sql：确定性生成的 3,012 条历史警情（prevent 装上之前就在表里）  3,012 calls of the last 60 days, in the table before prevent watches it'
\ir demo_data.sql
SELECT count(*) AS calls, to_char(min(bjsj), 'YYYY-MM-DD') AS first_call, to_char(max(bjsj), 'YYYY-MM-DD') AS last_call
  FROM jq_110;

\echo
\echo '   SELECT prevent.watch(''jq_110'', ''jyaq'', unit_column => ''gxdw'', party_columns => ''{bjrdh}'', occurred_column => ''bjsj'');'
SELECT prevent.watch('jq_110', 'jyaq', unit_column => 'gxdw', party_columns => '{bjrdh}', occurred_column => 'bjsj') \g /dev/null
SELECT source, text_columns, key_column, unit_column, party_columns, occurred_column, alert_level,
       repeat_window, repeat_threshold
  FROM prevent.watched;
\echo '== watch() 只管新来的行：历史还没有评估  watch() takes the rows to come: the history is not assessed yet'
SELECT count(*) AS alerts FROM prevent.alert;

\echo '== 重点人员：南湖派出所管控的精神障碍患者王某（按身份证号识别）  A person of concern: 王某, a patient 南湖派出所 manages, known by his resident ID'
INSERT INTO prevent.person (identifier, kind, unit, full_name, valid_from, note)
VALUES ('330102198809174613', 'mental', '南湖派出所', '王某', '2024-01-01', '精神分裂，监护人：母亲');
SELECT p.full_name, p.identifier, p.kind, k.floor AS "level floor", p.unit, to_char(p.valid_from, 'YYYY-MM-DD') AS valid_from
  FROM prevent.person p JOIN prevent.person_kind k USING (kind);

\echo '== 按类别推送：邻里、债务纠纷推送综治中心，涉未成年人警情双推送未成年人保护  Routing by category: disputes to the governance center, minors to the protection unit too'
INSERT INTO prevent.route (category, unit, tier, accept_within, feedback_within, close_within, note) VALUES
	('neighbour', '综治中心', 3, '4 hours', '48 hours', '15 days', '矛盾纠纷多元化解'),
	('debt', '综治中心', 3, '4 hours', '48 hours', '15 days', '矛盾纠纷多元化解');
INSERT INTO prevent.route (category, unit, note) VALUES ('minor', '未成年人保护', '双推送');
SELECT r.category, c.label, r.min_level, r.unit, r.reason, r.tier, r.accept_within, r.feedback_within, r.close_within, r.note
  FROM prevent.route r JOIN prevent.category c ON c.name = r.category
 ORDER BY r.id;

\echo '== 风险等级策略（自动派单、跟踪层级、时限）  Level policy: auto-issue, tiers following, deadlines'
SELECT level, auto_issue, tiers, accept_within, feedback_within, close_within
  FROM prevent.level_policy
 ORDER BY level;

\echo
\echo '################################################################################'
\echo '# 3. 回填历史，再用 COPY 接收今天的新警情  The history back-filled, then today''s calls by COPY'
\echo '################################################################################'
\echo
\echo '== CALL prevent.backfill(''jq_110'', batch => 500)：分批提交，可中断续跑，每批报告进度'
\echo '   In committed batches (resumable if interrupted), each reporting its progress'
\echo '   (backfill_orders_within = 7 days: older incidents are recorded for repeats and counts, without orders)'
SELECT clock_timestamp() AS load_start \gset
SET client_min_messages = notice;
CALL prevent.backfill('jq_110', batch => 500);
SET client_min_messages = warning;
\echo '== prevent.backfill_progress：另一个会话也能看到  What any other session sees while it runs, and after'
SELECT source, rows_done, rows_total, percent, at_level, alerts, state
  FROM prevent.backfill_progress;
SELECT (SELECT count(*) FROM prevent.alert) AS alerts,
       (SELECT count(*) FROM prevent.alert WHERE status = 'recorded') AS "recorded (> 7 days)",
       (SELECT count(*) FROM prevent.work_order) AS work_orders,
       (SELECT count(*) FROM prevent.escalation) AS escalations,
       round(1000 * extract(epoch FROM clock_timestamp() - :'load_start'::timestamptz)) AS ms;
\echo '== 表中的前 5 条  The first 5 rows of jq_110'
SELECT jjbh, gxdw, bjrdh, to_char(bjsj, 'YYYY-MM-DD HH24:MI') AS bjsj, jyaq
  FROM jq_110
 ORDER BY jjbh
 LIMIT 5;

\echo '== 今日新警情（COPY，报警时间取默认值 now()）  Today''s calls, by COPY (bjsj defaults to now())'
COPY jq_110 (jjbh, gxdw, bjrdh, jyaq) FROM stdin;
JQ0003013	东城派出所	13905710001	报警人称丈夫又在家中动手打人，掐她脖子，孩子吓得直哭。
JQ0003014	南湖派出所	13757120005	报警人称儿子王某又不肯吃药，在家摔东西，扬言要砍人。
JQ0003015	西城派出所	13812345678	報警人稱有人在網上揚言要殺了他，還發了刀的照片。
JQ0003016	城关派出所	15988776655	报警人称在城关镇解放路商场，商场搞跳楼价促销，顾客拥挤排队发生争执。
JQ0003017	东城派出所	13566778899	报警人称其女儿（１４岁）晚上九点多还没回家，电话手表定位显示在火车站广场附近，打电话一直关机。
JQ0003018	南湖派出所	18611223344	报警人称对方在微信上说要\xe2\x80\x8b杀\xe2\x80\x8b了\xe2\x80\x8b你（零宽字符）。
JQ0003019	西城派出所	17700001111	报警人称有人在网上发帖称要炸学校。
JQ0003020	城关派出所	13344445555	报警人称在县前街农贸市场，电动自行车被盗，价值约两千元。
JQ0003021	西城派出所	13800000013	报警人称楼下王某（身份证号330102198809174613）又在小区里乱跑，嘴里骂骂咧咧，扬言要找人算账。
\.

\echo '   （触发器在同一事务里评估每一行；none = 没有预警。漏报也如实显示：风险却显示 none 的，可以往 prevent.keyword 加词）'
\echo '   (the triggers assessed every row in the same transaction; none = no alert. A real risk shown as none is a miss: add the term to prevent.keyword)'
SELECT j.jjbh, j.gxdw, coalesce(a.level::text, 'none') AS level, a.score, a.repeat,
       replace(prevent.highlight(j.jyaq), U&'\200B', '<ZWSP>') AS jyaq
  FROM jq_110 j
  LEFT JOIN prevent.alert a ON a.source = 'jq_110'::regclass AND a.source_key = j.jjbh
 WHERE j.jjbh > 'JQ0003012'
 ORDER BY j.jjbh;

\echo '== 重点人员的警情推送两个派出所：发生地 + 管控责任所  A person of concern''s incident, pushed to two stations: where it happened and the one that manages him'
\echo '   （"扬言" 本身只是 medium；王某是精神障碍管控对象，等级抬到 high 并自动派单；the kind mental raises medium to high)'
SELECT a.source_key, a.unit, a.level, a.persons, w.unit AS order_unit, w.reason, e.tiers
  FROM prevent.alert a
  JOIN prevent.work_order w ON w.alert_id = a.id
  LEFT JOIN LATERAL (SELECT string_agg(e.tier || ' ' || e.reason, ', ' ORDER BY e.tier, e.reason) AS tiers
                       FROM prevent.escalation e WHERE e.work_order_id = w.id) e ON true
 WHERE a.source_key = 'JQ0003021'
 ORDER BY w.id;
\echo '== prevent.person_incidents：一人一策，王某的全部警情（回填的历史也在内）  One person, one plan: all of 王某''s incidents, the back-filled ones too'
SELECT full_name, kind, unit, to_char(occurred_at, 'YYYY-MM-DD HH24:MI') AS occurred, incident_unit, level, alert_status,
       order_status AS "order of 南湖派出所"
  FROM prevent.person_incidents
 ORDER BY occurred_at;

\echo '== 警情分布（按派出所）  Calls per police station'
SELECT gxdw AS unit, count(*) AS calls,
       to_char(min(bjsj), 'YYYY-MM-DD') AS first_call, to_char(max(bjsj), 'YYYY-MM-DD') AS last_call,
       count(*) FILTER (WHERE jyaq ~ '[報稱說殺揚樓]') AS traditional,
       count(*) FILTER (WHERE extract(hour FROM bjsj) >= 20 OR extract(hour FROM bjsj) < 2) AS "20:00-02:00"
  FROM jq_110
 GROUP BY gxdw
 ORDER BY gxdw;

\echo
\echo '################################################################################'
\echo '# 4. 预警  Alerts'
\echo '################################################################################'
\echo
\echo '== 预警数量：派出所 × 风险等级  Alerts per police station and risk level'
SELECT unit,
       count(*) FILTER (WHERE level = 'low') AS low,
       count(*) FILTER (WHERE level = 'medium') AS medium,
       count(*) FILTER (WHERE level = 'high') AS high,
       count(*) FILTER (WHERE level = 'critical') AS critical,
       count(*) AS alerts,
       count(*) FILTER (WHERE repeat) AS repeats
  FROM prevent.alert
 GROUP BY unit
 ORDER BY unit;

\echo '== 每个类别分值最高的一条预警（【】内为命中词）  The highest-scoring alert of each category (matches in 【】)'
SELECT x.category, x.id AS alert, x.unit, x.level, x.score, prevent.highlight(j.jyaq) AS jyaq
  FROM (SELECT DISTINCT ON (c.category) c.category, a.*
          FROM prevent.alert a CROSS JOIN LATERAL unnest(a.categories) c(category)
         ORDER BY c.category, a.score DESC, cardinality(a.categories), a.id) x
  JOIN jq_110 j ON j.jjbh = x.source_key
 ORDER BY x.category;

\echo '== 看穿变形：繁体字、空格、标点和零宽字符  Seen through: Traditional characters, spaces, dots and zero-width characters'
SELECT DISTINCT ON (d.disguise) d.disguise, a.id AS alert, a.level, a.terms,
       replace(prevent.highlight(j.jyaq), U&'\200B', '<ZWSP>') AS jyaq
  FROM prevent.alert a
  JOIN jq_110 j ON j.jjbh = a.source_key
 CROSS JOIN LATERAL (SELECT CASE WHEN j.jyaq LIKE '%' || U&'\200B' || '%' THEN 'zero-width 零宽字符'
                                 WHEN j.jyaq ~ '杀 了|弄 死' THEN 'spaces 空格'
                                 WHEN j.jyaq ~ '[.．]' THEN 'dots 标点'
                                 WHEN j.jyaq ~ '[殺揚樓歸]' THEN 'Traditional 繁体' END AS disguise) d
 WHERE d.disguise IS NOT NULL
 ORDER BY d.disguise, a.score DESC, a.id;

\echo '== 夜间未成年人失联（20:00-02:00 报警，叙述里有年龄）：等级与状态，及最近 4 条  Children missing at night: levels and states, and the latest 4'
SELECT a.level, a.status, count(*) AS alerts
  FROM prevent.alert a
  JOIN jq_110 j ON j.jjbh = a.source_key
 WHERE 'minor' = ANY (a.categories) AND j.jyaq ~ '（[0-9０-９]+岁）'
   AND (extract(hour FROM a.occurred_at) >= 20 OR extract(hour FROM a.occurred_at) < 2)
 GROUP BY a.level, a.status
 ORDER BY a.level DESC, a.status;
SELECT to_char(a.occurred_at, 'MM-DD HH24:MI') AS occurred, a.unit, a.level, a.score, prevent.highlight(j.jyaq) AS jyaq
  FROM prevent.alert a
  JOIN jq_110 j ON j.jjbh = a.source_key
 WHERE 'minor' = ANY (a.categories) AND j.jyaq ~ '（[0-9０-９]+岁）'
   AND (extract(hour FROM a.occurred_at) >= 20 OR extract(hour FROM a.occurred_at) < 2)
 ORDER BY a.occurred_at DESC, a.id
 LIMIT 4;

\echo '== 无辜的相似说法与已排除的风险：不应产生预警  Innocent look-alikes and ruled-out risks: no alert expected'
SELECT p.phrase, count(j.*) AS calls, count(a.id) AS alerts
  FROM unnest(ARRAY['杀虫剂', '跳楼价', '砍价', '杀鸡', '菜刀割伤', '剧本杀',
                    '未发现其有自杀倾向', '否认有人持刀']) p(phrase)
  LEFT JOIN jq_110 j ON j.jyaq LIKE '%' || p.phrase || '%'
  LEFT JOIN prevent.alert a ON a.source_key = j.jjbh
 GROUP BY p.phrase
 ORDER BY calls DESC, p.phrase;

\echo
\echo '################################################################################'
\echo '# 5. 指令工单与升级  Work orders and escalations'
\echo '################################################################################'
\echo
\echo '== 工单：派出所 × 派单原因（high 及以上自动派单；重复警情每个相关派出所各一单）'
\echo '   Orders per station and reason (high and critical are issued at once; a repeat gets one order per station involved)'
SELECT unit,
       count(*) FILTER (WHERE reason = 'risk_level') AS risk_level,
       count(*) FILTER (WHERE reason = 'repeat') AS repeat,
       count(*) FILTER (WHERE reason = 'cross_jurisdiction') AS cross_jurisdiction,
       count(*) AS orders,
       to_char(min(issued_at), 'MM-DD HH24:MI') AS issued_at
  FROM prevent.work_order
 GROUP BY unit
 ORDER BY unit;

\echo '== 升级：层级 × 原因（1 指挥中心，2 专业警种，3 基础管控中心）  Escalations per tier and reason (1 command center, 2 specialist unit, 3 base-control center)'
SELECT tier, reason, count(*) AS escalations, count(DISTINCT work_order_id) AS orders
  FROM prevent.escalation
 GROUP BY tier, reason
 ORDER BY tier, reason;

\echo '== 几张最高风险的工单，带跟踪层级  A few critical orders, with the tiers following them'
SELECT w.id AS work_order, w.unit, w.level, w.reason, w.status,
       to_char(w.issued_at, 'MM-DD HH24:MI') AS issued_at, to_char(w.accept_due, 'MM-DD HH24:MI') AS accept_due, to_char(w.due_at, 'MM-DD HH24:MI') AS feedback_due,
       (SELECT string_agg(e.tier || ':' || e.reason, ', ' ORDER BY e.tier, e.reason)
          FROM prevent.escalation e WHERE e.work_order_id = w.id) AS tiers,
       replace(left(j.jyaq, 40), U&'\200B', '<ZWSP>') AS jyaq
  FROM prevent.work_order w
  JOIN prevent.alert a ON a.id = w.alert_id
  JOIN jq_110 j ON j.jjbh = a.source_key
 WHERE w.level = 'critical'
 ORDER BY a.occurred_at DESC, w.id
 LIMIT 5;

\echo
\echo '################################################################################'
\echo '# 6. 重复警情：同一当事人 30 天内多次报警，跨派出所推送  Repeat incidents, pushed to every station involved'
\echo '################################################################################'
\echo
\echo '== 被标为重复的预警，以及因此派给各派出所的工单  Alerts flagged as repeats, and the orders they issued'
SELECT a.id AS alert, to_char(a.occurred_at, 'MM-DD HH24:MI') AS occurred, a.unit, a.level,
       (SELECT string_agg(w.unit || ' (' || w.reason || ')', ', ' ORDER BY w.id)
          FROM prevent.work_order w WHERE w.alert_id = a.id) AS orders_to,
       a.parties, left(j.jyaq, 36) AS jyaq
  FROM prevent.alert a
  JOIN jq_110 j ON j.jjbh = a.source_key
 WHERE a.repeat
 ORDER BY a.occurred_at, a.id;

\echo '== 对照：13967150006 两次受威胁相隔 43 天，超出 30 天窗口，不算重复  Contrast: two threats 43 days apart are outside the 30-day window'
SELECT a.id AS alert, to_char(a.occurred_at, 'YYYY-MM-DD') AS occurred, a.unit, a.level, a.repeat,
       (SELECT count(*) FROM prevent.work_order w WHERE w.alert_id = a.id) AS orders
  FROM prevent.alert a
 WHERE a.parties @> '{13967150006}'
 ORDER BY a.occurred_at;

\echo
\echo '################################################################################'
\echo '# 7. 二次研判：low / medium 预警等待人工审核  Second judgement of low and medium alerts'
\echo '################################################################################'
\echo
\echo '== 待审核预警  Pending alerts'
SELECT unit, count(*) FILTER (WHERE level = 'low') AS low, count(*) FILTER (WHERE level = 'medium') AS medium,
       count(*) AS pending
  FROM prevent.alert
 WHERE status = 'pending'
 GROUP BY unit
 ORDER BY unit;

\echo '== 分值最高的 5 条待审核预警  The 5 highest-scoring pending alerts'
SELECT a.id AS alert, a.unit, a.level, a.score, a.categories, prevent.highlight(j.jyaq) AS jyaq
  FROM prevent.alert a
  JOIN jq_110 j ON j.jjbh = a.source_key
 WHERE a.status = 'pending'
 ORDER BY a.score DESC, a.id
 LIMIT 5;

\echo '== prevent.review()：派单（未成年人与网友见面后失联）与驳回（打架已调解）  Issue two, dismiss one'
SELECT r.id AS alert, r.unit, r.level, r.status, r.review_note
  FROM (SELECT a.id FROM prevent.alert a JOIN jq_110 j ON j.jjbh = a.source_key
         WHERE a.status = 'pending' AND j.jyaq LIKE '%网友约见面后失联%'
         ORDER BY a.occurred_at DESC, a.id LIMIT 2) p
 CROSS JOIN LATERAL prevent.review(p.id, true, '未成年人与网友见面后失联，派所核查') r
UNION ALL
SELECT r.id, r.unit, r.level, r.status, r.review_note
  FROM (SELECT a.id FROM prevent.alert a JOIN jq_110 j ON j.jjbh = a.source_key
         WHERE a.status = 'pending' AND j.jyaq LIKE '%因琐事发生打架%'
         ORDER BY a.occurred_at DESC, a.id LIMIT 1) p
 CROSS JOIN LATERAL prevent.review(p.id, false, '双方已当场调解，无后续风险') r;
SELECT w.id AS work_order, w.alert_id AS alert, w.unit, w.level, w.reason, w.status,
       to_char(w.accept_due, 'MM-DD HH24:MI') AS accept_due, to_char(w.due_at, 'MM-DD HH24:MI') AS feedback_due
  FROM prevent.work_order w
 WHERE w.reason = 'review'
 ORDER BY w.id;

\echo
\echo '################################################################################'
\echo '# 8. 工单流转：签收 -> 反馈 -> 办结 -> 评价  The order lifecycle: accept -> feedback -> close -> evaluate'
\echo '################################################################################'
\echo
\echo '== 李女士（13905710001）今天第三次报警的东城工单，走完全程  Ms Li''s third call today: the 东城 order, all the way'
SELECT id AS order_id FROM prevent.work_order
 WHERE unit = '东城派出所'
   AND alert_id = (SELECT a.id FROM prevent.alert a WHERE a.source_key = 'JQ0003013')
\gset
SELECT 'accept' AS step, (prevent.accept(:order_id, '东城所民警张伟签收')).status
UNION ALL SELECT 'feedback', (prevent.feedback(:order_id, '已上门，对其丈夫训诫，联系妇联介入')).status
UNION ALL SELECT 'close', (prevent.close(:order_id, true, '双方签订保证书，出具家庭暴力告诫书')).status
UNION ALL SELECT 'evaluate', (prevent.evaluate(:order_id, 5, '处置及时')).status;

\echo '== 非法流转会被拒绝，且不改变任何数据  Invalid transitions are refused and change nothing'
SELECT s.what, pg_temp.try(s.stmt) AS result
  FROM (VALUES
        ('close an evaluated order again', format('SELECT prevent.close(%s, true)', :order_id)),
        ('feedback on an issued order', format('SELECT prevent.feedback(%s, %L)', (SELECT min(id) FROM prevent.work_order WHERE status = 'issued'), '已处理')),
        ('accept in the future', format('SELECT prevent.accept(%s, NULL, now() + interval ''1 day'')', (SELECT min(id) FROM prevent.work_order WHERE status = 'issued')))
       ) s(what, stmt);

\echo '== 其余工单：各派出所今天处理的进度（确定性抽样：约 90% 签收、80% 反馈、70% 办结、40% 评价）'
\echo '   The other orders: what the stations did today (deterministic: ~90% accepted, 80% fed back, 70% closed, 40% evaluated)'
-- today's orders (from today's calls) stay with the stations for now
CREATE TEMP TABLE demo_walk AS
SELECT w.id, w.id % 10 AS d
  FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
 WHERE w.status = 'issued' AND a.source_key <= 'JQ0003012';
SELECT count(*) FILTER (WHERE (prevent.accept(id, '已签收')).status IS NOT NULL) AS accepted
  FROM demo_walk WHERE d < 9 \gset
SELECT count(*) FILTER (WHERE (prevent.feedback(id, '已到场核实，当事人情绪稳定')).status IS NOT NULL) AS fed_back
  FROM demo_walk WHERE d < 8 \gset
SELECT count(*) FILTER (WHERE (prevent.close(id, d <> 6, CASE WHEN d = 6 THEN '当事人拒绝配合，转社区持续关注' ELSE '矛盾已化解' END)).status IS NOT NULL) AS closed
  FROM demo_walk WHERE d < 7 \gset
SELECT count(*) FILTER (WHERE (prevent.evaluate(id, 4 + (d % 2)::int)).status IS NOT NULL) AS evaluated
  FROM demo_walk WHERE d < 4 \gset
SELECT status, count(*) AS orders,
       count(*) FILTER (WHERE resolved) AS resolved, count(*) FILTER (WHERE NOT resolved) AS unresolved
  FROM prevent.work_order
 GROUP BY status
 ORDER BY array_position(ARRAY['issued', 'accepted', 'fed_back', 'closed', 'evaluated'], status);

\echo '== 事件日志 prevent.event：这张工单的每一步，带操作角色  The event log of that order, with the acting role'
SELECT e.id, e.action, e.from_status, e.to_status, to_char(e.at, 'MM-DD HH24:MI:SS') AS at, e.actor, e.acting_role, e.note
  FROM prevent.event e
 WHERE e.work_order_id = :order_id
 ORDER BY e.id;
SELECT action, count(*) AS events FROM prevent.event GROUP BY action ORDER BY min(id);

\echo '== 超时升级：现在没有逾期工单；一天后仍未处理的会逐级上升（每次违约只升一次）'
\echo '   Overdue escalation: nothing is late now; one day from now the untouched orders are escalated one tier up, once per missed deadline'
SELECT prevent.escalate_overdue() AS escalated_now,
       prevent.escalate_overdue(now() + interval '1 day') AS escalated_in_1_day,
       prevent.escalate_overdue(now() + interval '1 day') AS again_idempotent;
SELECT e.breach, e.tier, count(*) AS escalations, to_char(min(e.created_at), 'MM-DD HH24:MI') AS as_of
  FROM prevent.escalation e
 WHERE e.reason = 'overdue'
 GROUP BY e.breach, e.tier
 ORDER BY array_position(ARRAY['accept', 'feedback', 'close'], e.breach), e.tier;

\echo
\echo '################################################################################'
\echo '# 9. BI 视图  The views for BI tools'
\echo '################################################################################'
\echo '   （工单都在今天签发，所以按月视图只有本月一行/每所；预警按报警时间统计）'
\echo '   (every order was issued today, so the monthly views have one month per station; alerts count by call time)'
\echo
\echo '== prevent.closure_rate  办结率（按派出所、签发月份）  Closure rate per station and month of issue'
SELECT * FROM prevent.closure_rate ORDER BY unit, month;
\echo '== prevent.feedback_rate  24 小时反馈率  24-hour feedback rate'
SELECT * FROM prevent.feedback_rate ORDER BY unit, month;
\echo '== prevent.resolution_rate  化解率（按办结月份）  Resolution rate per month of closing'
SELECT * FROM prevent.resolution_rate ORDER BY unit, month;
\echo '== prevent.department_closure_rate / department_feedback_rate / department_resolution_rate  全局  Department-wide'
SELECT * FROM prevent.department_closure_rate ORDER BY month;
SELECT * FROM prevent.department_feedback_rate ORDER BY month;
SELECT * FROM prevent.department_resolution_rate ORDER BY month;
\echo '== prevent.department_summary  全局汇总  Headline figures'
SELECT * FROM prevent.department_summary;
\echo '== prevent.feedback_time  反馈用时分档  Time to first feedback, in service-level buckets'
SELECT * FROM prevent.feedback_time ORDER BY unit, month, bucket;
\echo '== prevent.repeat_incidents  重复警情当事人  Parties with repeat incidents'
SELECT party, incidents, units, to_char(first_at, 'YYYY-MM-DD HH24:MI') AS first_at, to_char(last_at, 'YYYY-MM-DD HH24:MI') AS last_at
  FROM prevent.repeat_incidents
 ORDER BY incidents DESC, party;
\echo '== prevent.overdue_orders  逾期工单（按 now() 判断：刚签发的工单还没有逾期）  Orders late now (none yet: they were issued minutes ago)'
SELECT * FROM prevent.overdue_orders ORDER BY overdue_by DESC, work_order_id LIMIT 5;
\echo '== prevent.keyword_hits  近 30 天命中最多的 10 个词  The 10 terms with the most alerts in the last 30 days'
SELECT * FROM prevent.keyword_hits ORDER BY alerts_30d DESC, alerts_7d DESC, term LIMIT 10;
\echo '== prevent.unit_dashboard  派出所看板  One row per station'
SELECT * FROM prevent.unit_dashboard ORDER BY unit;
\echo '== 按类别推送的工单：接收单位 × 状态  Orders pushed by category (prevent.route): recipient and status'
SELECT w.unit AS recipient, count(*) AS orders,
       count(*) FILTER (WHERE w.status = 'issued') AS issued, count(*) FILTER (WHERE w.status = 'accepted') AS accepted,
       count(*) FILTER (WHERE w.status = 'fed_back') AS fed_back, count(*) FILTER (WHERE w.status IN ('closed', 'evaluated')) AS closed,
       count(*) FILTER (WHERE w.resolved) AS resolved
  FROM prevent.work_order w
 WHERE w.reason = 'category_push'
 GROUP BY w.unit ORDER BY w.unit;
\echo '   (接收单位的化解率，prevent.resolution_rate  The recipients'' resolution rates)'
SELECT * FROM prevent.resolution_rate WHERE unit IN ('综治中心', '未成年人保护') ORDER BY unit, month;
\echo '== prevent.alert_counts_total  全局按月份、类别、等级的预警数（计数器，BI 可再汇总）  Alerts per month, category and level, department-wide'
SELECT t.category, c.label, sum(t.alerts) FILTER (WHERE t.level = 'low') AS low, sum(t.alerts) FILTER (WHERE t.level = 'medium') AS medium,
       sum(t.alerts) FILTER (WHERE t.level = 'high') AS high, sum(t.alerts) FILTER (WHERE t.level = 'critical') AS critical,
       sum(t.alerts) AS alerts
  FROM prevent.alert_counts_total t LEFT JOIN prevent.category c ON c.name = t.category
 GROUP BY t.category, c.label ORDER BY alerts DESC, t.category;
\echo '== prevent.alert_counts  南湖派出所各月各类别预警  One station''s alerts per month and category'
SELECT month, category, sum(alerts) AS alerts FROM prevent.alert_counts WHERE unit = '南湖派出所' GROUP BY month, category ORDER BY month, alerts DESC, category;

\echo '完成  Done.'
