-- pgTAP: history — rows a table held before it was watched, assessed by
-- prevent._backfill_step() (one batch of CALL prevent.backfill(); the procedure
-- itself commits, so test/backfill.sh runs it): historic alerts through the
-- trigger's own path, never twice, recorded rather than issued when old, seen
-- by repeat detection; since, batches by key, the progress row; bad input.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(32);

\ir fixtures/lexicon.sql
\ir fixtures/incident.sql

-- history, in the table before watch(): keys 1-6
INSERT INTO incident (station, caller_phone, narrative, reported_at) OVERRIDING SYSTEM VALUE
SELECT * FROM (VALUES
	('A所', '13800001111', '男子持刀扬言要同归于尽', now() - interval '25 days'),
	('B所', '13800001111', '该男子又扬言报复邻居', now() - interval '20 days'),
	('A所', '13900002222', '邻里纠纷', now() - interval '2 days'),
	('C所', '13700003333', '丢失钱包', now() - interval '1 day'),
	('C所', '13700003333', '男子持刀在楼下', now() - interval '3 hours'),
	('B所', NULL, NULL, now() - interval '1 hour')) v;
SELECT prevent.watch('incident', 'narrative', unit_column => 'station',
	party_columns => '{caller_phone}', occurred_column => 'reported_at') \g /dev/null
SELECT is((SELECT count(*) FROM prevent.alert), 0::bigint, 'watch() assesses none of the rows already there');

-- errors first (each in a subtransaction of its own)
SELECT throws_ok($$SELECT prevent._backfill_step('pg_class', NULL, 10, true)$$, '55000',
	'table pg_class is not watched', 'a table that is not watched');
SELECT throws_ok($$SELECT prevent._backfill_step('incident', NULL, 0, true)$$, '22023',
	'batch must be at least 1', 'batch below 1');
SELECT throws_ok($$SELECT prevent._backfill_step(NULL, NULL, 10, true)$$, '22004',
	'tbl must not be NULL', 'no table');
SELECT throws_ok($$SELECT prevent._assess_history('incident', ROW(1, 'x')::record)$$, '42804',
	NULL, 'a row of another type is refused');
SELECT throws_ok($$SELECT prevent._assess_history('pg_class', c) FROM pg_class c LIMIT 1$$, '55000',
	'table "pg_class" is not watched', '_assess_history() of a table that is not watched');
SELECT throws_ok($$CALL prevent.backfill('incident')$$, '2D000', NULL,
	'CALL prevent.backfill() inside a transaction block fails before doing anything (it commits)');

-- batch 1 (batch size 2: keys 1 and 2)
SELECT results_eq($$SELECT rows_done, rows_total, at_level, alerts, last_key, finished_at IS NULL
					 FROM prevent._backfill_step('incident', NULL, 2, true)$$,
	$$VALUES (2::bigint, 6::bigint, 2::bigint, 2::bigint, '2', true)$$, 'the first batch: keys 1 and 2 of 6 rows');
SELECT results_eq($$SELECT source_key, level::text, status, historic, repeat FROM prevent.alert ORDER BY id$$,
	$$VALUES ('1', 'critical', 'recorded', true, false), ('2', 'medium', 'recorded', true, true)$$,
	'incidents older than backfill_orders_within are recorded, historic; the second is a repeat of the first');
SELECT is((SELECT count(*) FROM prevent.work_order), 0::bigint, 'recorded alerts issue no orders, not even for the repeat');
SELECT results_eq($$SELECT party, incidents, units FROM prevent.repeat_incidents$$,
	$$VALUES ('13800001111', 2::bigint, '{A所,B所}'::text[])$$, 'back-filled history feeds repeat detection');

-- a live insert during the back-fill: the trigger alerts it; a later batch does not again
INSERT INTO incident (station, caller_phone, narrative, reported_at)
	VALUES ('A所', '13800001111', '该男子第三次扬言报复', now());
SELECT results_eq($$SELECT source_key, historic, repeat, status FROM prevent.alert WHERE NOT historic$$,
	$$VALUES ('7', false, true, 'issued')$$, 'a new incident of the party is a repeat of its back-filled history');
SELECT results_eq($$SELECT unit, reason FROM prevent.work_order ORDER BY unit$$,
	$$VALUES ('A所', 'repeat'), ('B所', 'cross_jurisdiction')$$,
	'pushed to its own unit and to the unit of the party''s back-filled incident');

-- batch 2, 3, 4
SELECT results_eq($$SELECT rows_done, alerts, last_key FROM prevent._backfill_step('incident', NULL, 2, false)$$,
	$$VALUES (4::bigint, 3::bigint, '4')$$, 'the second batch: keys 3 and 4');
SELECT results_eq($$SELECT rows_done, alerts, last_key FROM prevent._backfill_step('incident', NULL, 2, false)$$,
	$$VALUES (6::bigint, 4::bigint, '6')$$, 'the third batch: keys 5 and 6 (a NULL narrative is no risk)');
SELECT results_eq($$SELECT source_key, level::text, status, historic FROM prevent.alert WHERE source_key IN ('3', '5') ORDER BY 1$$,
	$$VALUES ('3', 'low', 'pending', true), ('5', 'high', 'issued', true)$$,
	'incidents within backfill_orders_within wait for review or are issued as new ones');
SELECT results_eq($$SELECT w.unit, w.reason FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
					 WHERE a.source_key = '5'$$,
	$$VALUES ('C所', 'risk_level')$$, 'a recent back-filled high alert gets its order');
SELECT results_eq($$SELECT rows_done, last_key, finished_at IS NOT NULL FROM prevent._backfill_step('incident', NULL, 2, false)$$,
	$$VALUES (6::bigint, '6', true)$$, 'the run ends at the greatest key when it started: the live row is the trigger''s');
SELECT results_eq($$SELECT rows_done, rows_total, percent, alerts, state FROM prevent.backfill_progress$$,
	$$VALUES (6::bigint, 6::bigint, 100.0, 4::bigint, 'finished')$$,
	'prevent.backfill_progress: rows done of the total, alerts written, finished');
SELECT is((SELECT count(*) FROM prevent.alert), 5::bigint, 'five alerts: four back-filled, one live');
SELECT is((SELECT count(*) FROM (SELECT source_key FROM prevent.alert GROUP BY source_key HAVING count(*) > 1) d), 0::bigint,
	'no row alerted twice');

-- a finished run starts over, and writes nothing new
SELECT results_eq($$SELECT rows_done, alerts, rows_total FROM prevent._backfill_step('incident', NULL, 100, true)$$,
	$$VALUES (7::bigint, 0::bigint, 7::bigint)$$, 'a second run assesses every row again, the live one too, and writes no alert');
SELECT is((SELECT count(*) FROM prevent.alert), 5::bigint, 'still five alerts');

-- since: only rows that occurred at or after it
DELETE FROM prevent.backfill_run;
DELETE FROM prevent.event; DELETE FROM prevent.escalation; DELETE FROM prevent.work_order; DELETE FROM prevent.alert;
SELECT results_eq($$SELECT rows_total, alerts FROM prevent._backfill_step('incident', now() - interval '1 day', 100, true)$$,
	$$VALUES (4::bigint, 2::bigint)$$, 'since: the rows of the last day only');
SELECT results_eq($$SELECT source_key FROM prevent.alert ORDER BY 1$$, $$VALUES ('5'), ('7')$$, 'their alerts');
SELECT throws_ok($$SELECT prevent._backfill_step('incident', now() - interval '2 days', 100, true)$$, '55000',
	NULL, 'an unfinished run with another since is not resumed silently');

-- backfill_orders_within
SELECT throws_ok($$UPDATE prevent.setting SET value = '-1 day' WHERE name = 'backfill_orders_within'$$, '22023',
	'invalid value "-1 day" for setting "backfill_orders_within"', 'a negative interval');
SELECT throws_ok($$UPDATE prevent.setting SET value = 'soon' WHERE name = 'backfill_orders_within'$$, '22023',
	'invalid value "soon" for setting "backfill_orders_within"', 'not an interval');
UPDATE prevent.setting SET value = '0' WHERE name = 'backfill_orders_within';
DELETE FROM prevent.backfill_run;
DELETE FROM prevent.event; DELETE FROM prevent.escalation; DELETE FROM prevent.work_order; DELETE FROM prevent.alert;
SELECT prevent._backfill_step('incident', NULL, 100, true) \g /dev/null
SELECT results_eq($$SELECT DISTINCT status FROM prevent.alert WHERE historic AND occurred_at < now()$$, $$VALUES ('recorded')$$,
	'backfill_orders_within = 0: every historic alert of an incident past is recorded only');

-- since needs an occurred column
CREATE TABLE bare (id int PRIMARY KEY, narrative text);
SELECT prevent.watch('bare', 'narrative') \g /dev/null
SELECT throws_ok($$SELECT prevent._backfill_step('bare', now(), 10, true)$$, '22023',
	'table public.bare is watched without an occurred column, so since cannot be used', 'since without an occurred column');

-- unwatch forgets the run
SELECT prevent.unwatch('incident') \g /dev/null
SELECT is((SELECT count(*) FROM prevent.backfill_run WHERE source = 'incident'::regclass), 0::bigint,
	'unwatch() drops the table''s back-fill run');

-- who may: the extension owner (as for watch()), not PUBLIC
SELECT ok(NOT has_function_privilege('public', 'prevent._backfill_step(regclass, timestamptz, int, boolean)', 'EXECUTE')
		  AND NOT has_function_privilege('public', 'prevent.backfill(regclass, timestamptz, int)', 'EXECUTE'),
	'PUBLIC may not back-fill');

SELECT * FROM finish();
ROLLBACK;
