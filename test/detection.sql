-- pgTAP: the lexicon report (prevent.lexicon_report, _records, _terms), the
-- review-outcome view, the severity model behind the watch trigger (levels,
-- min_level, combinations, dispositions reach the alerts), and their errors.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(27);

DELETE FROM prevent.combination; DELETE FROM prevent.proximity; DELETE FROM prevent.negation; DELETE FROM prevent.keyword;
INSERT INTO prevent.keyword (term, category, weight, min_level) VALUES
	('扬言', 'threat', 15, NULL), ('刀', 'weapon', 15, NULL), ('炸药', 'weapon', 30, 'high'), ('纠纷', 'neighbour', 12, NULL);
INSERT INTO prevent.keyword (term, kind) VALUES ('系误会', 'disposition');
INSERT INTO prevent.combination (categories, min_weight, level) VALUES ('{threat,weapon}', 10, 'high');

CREATE TABLE public.history (id int PRIMARY KEY, narrative text, is_risk boolean, is_severe boolean, station text);
INSERT INTO public.history VALUES
	(1, '他扬言要拿刀', true, true, 'A所'),         -- combination: high, severe caught
	(2, '家里藏着炸药', true, true, 'A所'),         -- min_level: high
	(3, '邻居纠纷', true, false, 'B所'),            -- low: an alert
	(4, '今日无事', false, false, 'B所'),           -- nothing
	(5, '网传扬言带刀，经核实系误会', false, false, 'B所'),  -- ruled out
	(6, '两家纠纷后扬言报复', true, true, 'A所'),   -- threat alone: not severe enough
	(7, '刀削面馆开业', false, false, 'A所');       -- a false alert (刀)

SELECT results_eq(
	$$SELECT grp, records, alerts, raised, true_alerts, false_alerts, missed, "precision", recall, severe, severe_caught, severe_recall
	    FROM prevent.lexicon_report('SELECT narrative AS text, is_risk AS alert, is_severe AS severe, station AS grp FROM public.history')$$,
	$$VALUES ('ALL', 7::bigint, 4::bigint, 5::bigint, 4::bigint, 1::bigint, 0::bigint, 0.800, 1.000, 3::bigint, 2::bigint, 0.667),
	         ('A所', 4::bigint, 3::bigint, 4::bigint, 3::bigint, 1::bigint, 0::bigint, 0.750, 1.000, 3::bigint, 2::bigint, 0.667),
	         ('B所', 3::bigint, 1::bigint, 1::bigint, 1::bigint, 0::bigint, 0::bigint, 1.000, 1.000, 0::bigint, 0::bigint, NULL)$$,
	'lexicon_report: precision, recall and severe recall, overall and per group');
CREATE VIEW public.history_v AS SELECT narrative AS text, is_risk AS alert, is_severe AS severe FROM public.history;
SELECT results_eq($$SELECT records, raised FROM prevent.lexicon_report('public.history_v')$$,
	$$VALUES (7::bigint, 5::bigint)$$, 'a view or table name works as the labelled set');
SELECT results_eq($$SELECT raised FROM prevent.lexicon_report('public.history_v', alert_level => 'high')$$,
	$$VALUES (2::bigint)$$, 'the alert level is a parameter');
SELECT results_eq(
	$$SELECT text, level::text, raised, caught FROM prevent.lexicon_report_records('public.history_v') ORDER BY text$$,
	$$SELECT text, level, raised, caught FROM (VALUES
		('今日无事', 'none', false, false), ('他扬言要拿刀', 'high', true, true), ('刀削面馆开业', 'low', true, false),
		('两家纠纷后扬言报复', 'low', true, false), ('家里藏着炸药', 'high', true, true),
		('网传扬言带刀，经核实系误会', 'none', false, false), ('邻居纠纷', 'low', true, false)) v(text, level, raised, caught)
	  ORDER BY text$$,
	'lexicon_report_records: each record with its level');
SELECT results_eq(
	$$SELECT term, records, in_alerts, in_routine, raised_routine FROM prevent.lexicon_report_terms('public.history_v') ORDER BY term$$,
	$$VALUES ('刀', 2::bigint, 1::bigint, 1::bigint, 1::bigint), ('扬言', 2::bigint, 2::bigint, 0::bigint, 0::bigint),
	         ('炸药', 1::bigint, 1::bigint, 0::bigint, 0::bigint), ('纠纷', 2::bigint, 2::bigint, 0::bigint, 0::bigint)$$,
	'lexicon_report_terms: per term, the alerts and routine records it occurs in (ruled-out terms not counted)');
SELECT throws_ok($$SELECT * FROM prevent.lexicon_report('SELECT narrative FROM public.history')$$, '42703',
	'the labelled set must have the columns text, alert and severe', 'a set without the columns is refused');
SELECT throws_ok($$SELECT * FROM prevent.lexicon_report('public.no_such_table')$$, '42P01', NULL, 'a missing table is refused');
SELECT throws_ok($$SELECT * FROM prevent.lexicon_report(NULL)$$, '22004', NULL, 'NULL is refused');
SELECT throws_ok($$SELECT * FROM prevent.lexicon_report('public.history_v', alert_level => 'none')$$, '22023', NULL,
	'alert level none is refused');

-- the model reaches the alerts of a watched table
CREATE TABLE public.incident (id int PRIMARY KEY, station text, narrative text);
SELECT prevent.watch('public.incident', 'narrative', unit_column => 'station');
INSERT INTO public.incident SELECT id, station, narrative FROM public.history;
SELECT results_eq($$SELECT source_key, level::text, score FROM prevent.alert ORDER BY source_key$$,
	$$VALUES ('1', 'high', 30), ('2', 'high', 30), ('3', 'low', 12), ('6', 'low', 27), ('7', 'low', 15)$$,
	'alerts carry the model''s level and the score after dispositions');
SELECT is((SELECT count(*) FROM prevent.work_order), 2::bigint, 'the two high alerts issued orders at once');
SELECT ok(NOT EXISTS (SELECT 1 FROM prevent.alert WHERE source_key = '5'), 'the ruled-out incident raised nothing');
SELECT is((SELECT terms FROM prevent.alert WHERE source_key = '1'), '{扬言,刀}', 'the alert''s terms');

-- the second judgement fed back per term
SELECT prevent.review(id, false, '误报') FROM prevent.alert WHERE source_key = '7';
SELECT prevent.review(id, true) FROM prevent.alert WHERE source_key = '3';
SELECT results_eq($$SELECT term, alerts, pending, issued_on_review, dismissed, dismissed_rate FROM prevent.review_outcome ORDER BY term$$,
	$$VALUES ('刀', 2::bigint, 0::bigint, 0::bigint, 1::bigint, 100.00), ('扬言', 2::bigint, 1::bigint, 0::bigint, 0::bigint, NULL),
	         ('炸药', 1::bigint, 0::bigint, 0::bigint, 0::bigint, NULL), ('纠纷', 2::bigint, 1::bigint, 1::bigint, 0::bigint, 0.00)$$,
	'review_outcome: per term, the alerts and how reviewers decided them');
CREATE ROLE regress_detect_bi;
SELECT prevent.add_member('regress_detect_bi', 'B所');
SET ROLE regress_detect_bi;
SELECT results_eq($$SELECT term, alerts FROM prevent.review_outcome ORDER BY term$$, $$VALUES ('纠纷', 1::bigint)$$,
	'review_outcome applies row-level security');
RESET ROLE;

-- a harmless context (kind context) reaches the alerts too, and a context added is seen at once
INSERT INTO prevent.keyword (term, category, kind) VALUES ('抗战剧', NULL, 'context');
INSERT INTO public.incident VALUES (20, 'A所', '老人在看抗战剧，剧中有人拿刀扬言报复');
SELECT ok(NOT EXISTS (SELECT 1 FROM prevent.alert WHERE source_key = '20'),
	'no alert: the terms were in the sentence of a harmless context (抗战剧)');
INSERT INTO public.incident VALUES (21, 'A所', '报警人称邻居拿刀扬言报复。到场核实为小品排练');
SELECT ok(EXISTS (SELECT 1 FROM prevent.alert WHERE source_key = '21'), 'an unknown context leaves the alert');
INSERT INTO prevent.keyword (term, category, kind) VALUES ('小品排练', NULL, 'context');
INSERT INTO public.incident VALUES (22, 'A所', '报警人称邻居拿刀扬言报复。到场核实为小品排练');
SELECT ok(NOT EXISTS (SELECT 1 FROM prevent.alert WHERE source_key = '22'),
	'a context added to the lexicon rules out the terms before it, from the next statement on');
INSERT INTO public.incident VALUES (23, 'A所', '小品排练结束后。男子拿刀扬言报复');
SELECT is((SELECT level::text FROM prevent.alert WHERE source_key = '23'), 'high',
	'the terms of a later sentence still count');
INSERT INTO public.incident VALUES (24, 'A所', repeat('今日巡逻无事。', 70) || '晚上看小品排练，男子拿刀扬言报复');
SELECT is((SELECT level::text FROM prevent.alert WHERE source_key = '24'), 'high',
	'past the 63rd sentence no context rules out the terms of its own sentence');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, kind, min_level) VALUES ('某剧', 'context', 'high')$$, '23514',
	'only a match term can have a min_level', 'min_level on a context is refused');

-- dispositions and min_level are validated
SELECT throws_ok($$INSERT INTO prevent.keyword (term, kind, min_level) VALUES ('无害', 'exclude', 'high')$$, '23514',
	'only a match term can have a min_level', 'min_level on an exclusion is refused');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, kind) VALUES ('查无此事', 'nosuch', 'disposition')$$, '23503', NULL,
	'a disposition of an unknown category is refused');
SELECT throws_ok($$INSERT INTO prevent.combination (categories, level) VALUES ('{threat}', 'high')$$, '23514', NULL,
	'a combination of one category is refused');
SELECT throws_ok($$INSERT INTO prevent.combination (categories, level) VALUES ('{threat,weapon}', 'none')$$, '23514', NULL,
	'a combination of level none is refused');

UPDATE prevent.category SET name = 'threats' WHERE name = 'threat';
SELECT is((SELECT categories FROM prevent.combination), '{threats,weapon}'::text[], 'a renamed category is followed by the combinations');
INSERT INTO prevent.category (name, label) VALUES ('regress_cat', '测试');
INSERT INTO prevent.combination (categories, level) VALUES ('{regress_cat,threats}', 'high');
SELECT throws_ok($$DELETE FROM prevent.category WHERE name = 'regress_cat'$$, '23503',
	'category "regress_cat" is used by a combination', 'a category a combination names cannot be deleted');

SELECT * FROM finish();
ROLLBACK;
