-- pgTAP: watching a table — watch() and its errors, the trigger it attaches, alerts,
-- work orders and escalations from INSERT, multi-row INSERT and COPY, rollback, and the
-- event triggers that follow a renamed column, refuse a dropped one, and forget a
-- dropped table; unwatch().  The lifecycle after an alert: lifecycle.sql; overdue
-- escalation: escalation.sql; repeats and parties: repeat.sql; roles: privileges.sql.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(34);

\ir fixtures/lexicon.sql
\ir fixtures/incident.sql
CREATE TABLE nokey (narrative text);
CREATE TABLE typed (id int PRIMARY KEY, narrative int, at_text text);
CREATE VIEW incident_view AS SELECT * FROM incident;

-- watch(): bad options
SELECT throws_ok($$SELECT prevent.watch('no_such_table', 'narrative')$$, '42P01', NULL, 'missing table');
SELECT throws_ok($$SELECT prevent.watch('incident', 'no_such_column')$$,
	'42703', 'column "no_such_column" of relation public.incident does not exist', 'missing text column');
SELECT throws_ok($$SELECT prevent.watch('incident', 'narrative', unit_column => 'nope')$$, '42703', NULL, 'missing unit column');
SELECT throws_ok($$SELECT prevent.watch('incident', 'narrative', party_columns => '{caller_phone,nope}')$$, '42703', NULL, 'missing party column');
SELECT throws_ok($$SELECT prevent.watch('incident', 'narrative', key_column => 'nope')$$, '42703', NULL, 'missing key column');
SELECT throws_ok($$SELECT prevent.watch('typed', 'narrative')$$,
	'42804', 'column "narrative" of relation public.typed is of type integer, not text', 'non-text narrative column');
SELECT throws_ok($$SELECT prevent.watch('typed', 'at_text', occurred_column => 'at_text')$$, '42804', NULL, 'occurred column not a timestamp');
SELECT throws_ok($$SELECT prevent.watch('nokey', 'narrative')$$,
	'42P16', 'table public.nokey has no single-column primary key', 'table without a key');
SELECT throws_ok($$SELECT prevent.watch('incident_view', 'narrative')$$, '42809', NULL, 'a view');
SELECT throws_ok($$SELECT prevent.watch('incident', 'narrative', alert_level => 'none')$$, '22023', NULL, 'alert level none');
SELECT throws_ok($$SELECT prevent.watch('incident', 'narrative', repeat_threshold => 1)$$, '22023', NULL, 'repeat threshold 1');
SELECT throws_ok($$SELECT prevent.watch('incident', 'narrative', repeat_window => '0')$$, '22023', NULL, 'empty repeat window');
SELECT throws_ok($$SELECT prevent.unwatch('incident')$$, '42704', 'table public.incident is not watched', 'unwatch an unwatched table');
SELECT is((SELECT count(*) FROM prevent.watched), 0::bigint, 'failed calls registered nothing');

SELECT lives_ok($$SELECT prevent.watch('incident', 'narrative', unit_column => 'station',
	party_columns => '{caller_phone}', occurred_column => 'reported_at')$$, 'watch incident');
SELECT throws_ok($$SELECT prevent.watch('incident', 'narrative')$$, '42710', 'table public.incident is already watched', 'watching twice');
SELECT trigger_is('public', 'incident', 'prevent_watch', 'prevent', 'watch_trigger', 'the trigger is attached with a fixed name');
SELECT is((SELECT key_column::text FROM prevent.watched WHERE source = 'incident'::regclass), 'id', 'key defaults to the primary key');

-- a single INSERT: a critical incident issues an order at once, followed by tiers 1-3
\ir fixtures/incident_rows/1_critical.sql
SELECT results_eq($$SELECT source::text, source_key, unit, occurred_at, score, level::text, categories, terms, parties, repeat, status FROM prevent.alert$$,
	$$VALUES ('incident', '1', 'A所', '2026-03-01 10:00+08'::timestamptz, 100, 'critical', '{weapon,extreme}'::text[],
			  '{持刀,同归于尽}'::text[], '{13800001111}'::text[], false, 'issued')$$,
	'one alert with the row''s key, unit, time, score, level, categories, terms and parties');
SELECT results_eq($$SELECT unit, level::text, reason, status, accept_due - issued_at, due_at - issued_at, close_due - issued_at FROM prevent.work_order$$,
	$$VALUES ('A所', 'critical', 'risk_level', 'issued', interval '30 minutes', interval '12 hours', interval '2 days')$$,
	'one work order, due times from prevent.level_policy');
SELECT results_eq($$SELECT tier, reason FROM prevent.escalation ORDER BY tier$$,
	$$VALUES (1::smallint, 'risk_level'), (2::smallint, 'risk_level'), (3::smallint, 'risk_level')$$,
	'a critical order is followed by tiers 1 to 3');

-- a row below the alert level, a NULL narrative and a negated risk make nothing
\ir fixtures/incident_rows/2_quiet.sql
SELECT is((SELECT count(*) FROM prevent.alert), 1::bigint, 'no alert for routine, NULL or negated narratives');

-- multi-row INSERT: low (pending review), medium (pending), high (issued, tier 1)
\ir fixtures/incident_rows/3_multi_row.sql
SELECT results_eq($$SELECT source_key, level::text, status FROM prevent.alert WHERE unit = 'B所' ORDER BY id$$,
	$$VALUES ('5', 'low', 'pending'), ('6', 'medium', 'pending'), ('7', 'high', 'issued')$$,
	'a multi-row INSERT raises one alert per risky row; only high and above issue at once');
SELECT results_eq($$SELECT e.tier, e.reason FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id WHERE w.unit = 'B所'$$,
	$$VALUES (1::smallint, 'risk_level')$$, 'a high order is followed by tier 1');

-- COPY
\ir fixtures/incident_rows/4_copy.sql
SELECT results_eq($$SELECT source_key, level::text, status FROM prevent.alert WHERE unit = 'C所' ORDER BY id$$,
	$$VALUES ('8', 'low', 'pending'), ('10', 'critical', 'issued')$$, 'COPY raises alerts too');

-- a rolled-back insert leaves nothing behind
SAVEPOINT before_rollback;
INSERT INTO incident (station, narrative) VALUES ('D所', '持刀同归于尽');
SELECT is((SELECT count(*) FROM prevent.alert WHERE unit = 'D所'), 1::bigint, 'alert exists inside the transaction');
ROLLBACK TO SAVEPOINT before_rollback;
SELECT is((SELECT count(*) FROM prevent.alert WHERE unit = 'D所') + (SELECT count(*) FROM prevent.work_order WHERE unit = 'D所')
	+ (SELECT count(*) FROM prevent.escalation WHERE unit = 'D所'), 0::bigint, 'rolled back with the incident');

-- event triggers: renaming a watched column follows it, dropping one is refused
ALTER TABLE incident RENAME COLUMN narrative TO content;
SELECT is((SELECT text_columns::text FROM prevent.watched WHERE source = 'incident'::regclass), '{content}', 'a renamed column is followed');
INSERT INTO incident (station, content) VALUES ('G所', '持刀同归于尽');
SELECT is((SELECT count(*) FROM prevent.alert WHERE unit = 'G所'), 1::bigint, 'and inserts still raise alerts');
SELECT throws_ok($$ALTER TABLE incident DROP COLUMN caller_phone$$, '2BP01', NULL, 'a watched column cannot be dropped');
SELECT lives_ok($$SELECT prevent.unwatch('incident')$$, 'unwatch');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 'incident'::regclass AND tgname = 'prevent_watch'), 0::bigint, 'the trigger is gone');
INSERT INTO incident (station, content) VALUES ('H所', '持刀同归于尽');
SELECT is((SELECT count(*) FROM prevent.alert WHERE unit = 'H所'), 0::bigint, 'an unwatched table raises nothing');
SELECT prevent.watch('incident', 'content');
DROP TABLE incident CASCADE;
SELECT is((SELECT count(*) FROM prevent.watched), 0::bigint, 'dropping a watched table forgets it');

SELECT * FROM finish();
ROLLBACK;
