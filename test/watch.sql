-- pgTAP: watching a table — watch/unwatch and their errors, alerts, work
-- orders and escalations from INSERT, multi-row INSERT and COPY, review,
-- the lifecycle and its errors, overdue escalation, repeat incidents across
-- units, party extraction, rollback, privileges and row-level security.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS prevent;

BEGIN;
SELECT plan(101);

-- a known lexicon for this test (the default one is set aside until ROLLBACK)
DELETE FROM prevent.proximity; DELETE FROM prevent.negation; DELETE FROM prevent.keyword;
INSERT INTO prevent.keyword (term, category, weight) VALUES
	('纠纷', 'neighbour', 12), ('扬言', 'threat', 35), ('持刀', 'weapon', 65), ('同归于尽', 'extreme', 95);
INSERT INTO prevent.negation (cue) VALUES ('未发现');

CREATE TABLE incident (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	station text,
	caller_phone text,
	narrative text,
	reported_at timestamptz
);
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
INSERT INTO incident (station, caller_phone, narrative, reported_at)
	VALUES ('A所', '138 0000 1111', '报警人称其丈夫持刀威胁要同归于尽', '2026-03-01 10:00+08');
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
INSERT INTO incident (station, narrative) VALUES ('A所', '一切正常，群众求助开锁'), ('A所', NULL), ('A所', '经核实未发现持刀');
SELECT is((SELECT count(*) FROM prevent.alert), 1::bigint, 'no alert for routine, NULL or negated narratives');

-- multi-row INSERT: low (pending review), medium (pending), high (issued, tier 1)
INSERT INTO incident (station, caller_phone, narrative, reported_at) VALUES
	('B所', '13900002222', '邻里纠纷', '2026-03-02 09:00+08'),
	('B所', '13900003333', '对方扬言报复', '2026-03-02 09:10+08'),
	('B所', '13900004444', '男子持刀在街上游荡', '2026-03-02 09:20+08');
SELECT results_eq($$SELECT source_key, level::text, status FROM prevent.alert WHERE unit = 'B所' ORDER BY id$$,
	$$VALUES ('5', 'low', 'pending'), ('6', 'medium', 'pending'), ('7', 'high', 'issued')$$,
	'a multi-row INSERT raises one alert per risky row; only high and above issue at once');
SELECT results_eq($$SELECT e.tier, e.reason FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id WHERE w.unit = 'B所'$$,
	$$VALUES (1::smallint, 'risk_level')$$, 'a high order is followed by tier 1');

-- COPY
COPY incident (station, caller_phone, narrative, reported_at) FROM STDIN;
C所	13700005555	甲乙双方因宅基地纠纷争吵	2026-03-03 08:00:00+08
C所	\N	今日无事	2026-03-03 08:05:00+08
C所	13700006666	嫌疑人持刀扬言同归于尽	2026-03-03 08:10:00+08
\.
SELECT results_eq($$SELECT source_key, level::text, status FROM prevent.alert WHERE unit = 'C所' ORDER BY id$$,
	$$VALUES ('8', 'low', 'pending'), ('10', 'critical', 'issued')$$, 'COPY raises alerts too');

-- a rolled-back insert leaves nothing behind
SAVEPOINT before_rollback;
INSERT INTO incident (station, narrative) VALUES ('D所', '持刀同归于尽');
SELECT is((SELECT count(*) FROM prevent.alert WHERE unit = 'D所'), 1::bigint, 'alert exists inside the transaction');
ROLLBACK TO SAVEPOINT before_rollback;
SELECT is((SELECT count(*) FROM prevent.alert WHERE unit = 'D所') + (SELECT count(*) FROM prevent.work_order WHERE unit = 'D所')
	+ (SELECT count(*) FROM prevent.escalation WHERE unit = 'D所'), 0::bigint, 'rolled back with the incident');

-- review: the second judgement
SELECT is((prevent.review(a.id, true, '二次研判：需要处置')).status, 'issued', 'review issues a pending alert')
  FROM prevent.alert a WHERE source_key = '5';
SELECT results_eq($$SELECT w.reason, w.level::text, w.status FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = '5'$$,
	$$VALUES ('review', 'low', 'issued')$$, 'the reviewed alert got its order');
SELECT is((prevent.review(a.id, false, '误报')).status, 'dismissed', 'review dismisses a pending alert')
  FROM prevent.alert a WHERE source_key = '6';
SELECT throws_ok(format('SELECT prevent.review(%s, true)', (SELECT id FROM prevent.alert WHERE source_key = '6')),
	'55000', NULL, 'an alert is reviewed once');
SELECT throws_ok($$SELECT prevent.review(999999, true)$$, 'P0002', 'alert 999999 does not exist', 'review of a missing alert');
SELECT throws_ok(format('SELECT prevent.review(%s, NULL)', (SELECT id FROM prevent.alert WHERE source_key = '8')),
	'22004', NULL, 'review needs a decision');

-- the lifecycle
-- (this order was issued a week ago: stage times may not lie in the future)
UPDATE prevent.work_order w SET issued_at = w.issued_at - interval '7 days', accept_due = w.accept_due - interval '7 days',
	due_at = w.due_at - interval '7 days', close_due = w.close_due - interval '7 days'
  FROM prevent.alert a WHERE a.id = w.alert_id AND a.source_key = '7';
CREATE TEMP TABLE o AS SELECT w.id, w.issued_at FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = '7';
SELECT throws_ok(format('SELECT prevent.feedback(%s, %L)', (SELECT id FROM o), '已处置'), '55000',
	format('cannot feedback work order %s: it is issued', (SELECT id FROM o)), 'feedback before accept');
SELECT throws_ok(format('SELECT prevent.close(%s, true)', (SELECT id FROM o)), '55000', NULL, 'close before feedback');
SELECT throws_ok(format('SELECT prevent.evaluate(%s, 5)', (SELECT id FROM o)), '55000', NULL, 'evaluate before close');
SELECT throws_ok(format('SELECT prevent.accept(%s, NULL, %L)', (SELECT id FROM o), (SELECT issued_at - interval '1 minute' FROM o)),
	'22023', NULL, 'accept before the order was issued');
SELECT throws_ok(format('SELECT prevent.accept(%s, NULL, %L)', (SELECT id FROM o), now() + interval '1 day'),
	'22023', NULL, 'accept in the future');
SELECT throws_ok($$SELECT prevent.accept(999999)$$, 'P0002', 'work order 999999 does not exist', 'accept a missing order');
SELECT is((prevent.accept(id, '收到', issued_at + interval '10 minutes')).status, 'accepted', 'accept') FROM o;
SELECT throws_ok(format('SELECT prevent.accept(%s)', (SELECT id FROM o)), '55000', NULL, 'accept twice');
SELECT throws_ok(format('SELECT prevent.feedback(%s, NULL)', (SELECT id FROM o)), '22004', 'feedback needs a note', 'feedback without a note');
SELECT throws_ok(format('SELECT prevent.feedback(%s, %L, %L)', (SELECT id FROM o), '已出警', (SELECT issued_at + interval '5 minutes' FROM o)),
	'22023', NULL, 'feedback before acceptance');
SELECT is((prevent.feedback(id, '已出警，当事人情绪稳定', issued_at + interval '3 hours')).status, 'fed_back', 'feedback') FROM o;
SELECT is((prevent.feedback(id, '补充：已联系家属', issued_at + interval '5 hours')).fed_back_at, issued_at + interval '3 hours',
	'more feedback keeps the first feedback time') FROM o;
SELECT throws_ok(format('SELECT prevent.close(%s, NULL)', (SELECT id FROM o)), '22004', NULL, 'close needs resolved');
SELECT is((prevent.close(id, true, '已化解', issued_at + interval '1 day')).resolved, true, 'close, resolved') FROM o;
SELECT throws_ok(format('SELECT prevent.feedback(%s, %L)', (SELECT id FROM o), '再次反馈'), '55000', NULL, 'no feedback after closing');
SELECT throws_ok(format('SELECT prevent.evaluate(%s, 6)', (SELECT id FROM o)), '22023', 'rating 6 is out of range', 'rating out of range');
SELECT is((prevent.evaluate(id, 4, '处置及时', issued_at + interval '2 days')).status, 'evaluated', 'evaluate') FROM o;
SELECT results_eq($$SELECT e.action, e.from_status, e.to_status, e.actor::text FROM prevent.event e JOIN o ON o.id = e.work_order_id ORDER BY e.id$$,
	$$VALUES ('issue', NULL, 'issued', current_user::text), ('accept', 'issued', 'accepted', current_user::text),
			 ('feedback', 'accepted', 'fed_back', current_user::text), ('feedback', 'fed_back', 'fed_back', current_user::text),
			 ('close', 'fed_back', 'closed', current_user::text), ('evaluate', 'closed', 'evaluated', current_user::text)$$,
	'every transition is in the event log with the acting role');
SELECT results_eq($$SELECT w.accepted_at - w.issued_at, w.fed_back_at - w.issued_at, w.closed_at - w.issued_at, w.evaluated_at - w.issued_at, w.rating
					  FROM prevent.work_order w JOIN o USING (id)$$,
	$$VALUES (interval '10 minutes', interval '3 hours', interval '1 day', interval '2 days', 4)$$, 'stage times are the given ones');

-- overdue escalation at fixed times, idempotent
CREATE TEMP TABLE c AS SELECT w.id, w.issued_at FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = '10';
SELECT is(prevent.escalate_overdue((SELECT issued_at + interval '20 minutes' FROM c)), 0, 'nothing is overdue before the first deadline');
SELECT is(prevent.escalate_overdue((SELECT issued_at + interval '31 minutes' FROM c)), 2, 'the two unaccepted critical orders are overdue at 31 minutes');
SELECT is(prevent.escalate_overdue((SELECT issued_at + interval '31 minutes' FROM c)), 0, 'running again escalates nothing more');
SELECT results_eq($$SELECT e.tier, e.breach FROM prevent.escalation e JOIN c ON c.id = e.work_order_id WHERE e.reason = 'overdue'$$,
	$$VALUES (1::smallint, 'accept')$$, 'one tier up from tier 1 stays at the command center');
SELECT is(prevent.escalate_overdue((SELECT issued_at + interval '3 days' FROM c)), 6,
	'three days later: feedback and close of both critical orders, accept and feedback of the reviewed low one');
SELECT is(prevent.escalate_overdue((SELECT issued_at + interval '3 days' FROM c)), 0, 'and only once');
SELECT throws_ok($$SELECT prevent.escalate_overdue(NULL)$$, '22004', NULL, 'escalate_overdue(NULL)');
SELECT results_eq($$SELECT e.tier, e.breach FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
					 JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = '5' AND e.reason = 'overdue' ORDER BY e.id$$,
	$$VALUES (3::smallint, 'accept'), (2::smallint, 'feedback')$$,
	'an order with no tier goes to tier 3, then 2');

-- repeat incidents: the same caller again, in another unit, within the window
INSERT INTO incident (station, caller_phone, narrative, reported_at)
	VALUES ('E所', '+86 138-0000-1111', '又是该报警人，称邻居扬言报复', '2026-03-10 10:00+08');
SELECT results_eq($$SELECT level::text, repeat, status FROM prevent.alert WHERE unit = 'E所'$$,
	$$VALUES ('medium', true, 'issued')$$, 'a repeat is flagged and issued even below the auto-issue level');
SELECT results_eq($$SELECT w.unit, w.reason FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.unit = 'E所' ORDER BY w.unit$$,
	$$VALUES ('A所', 'cross_jurisdiction'), ('E所', 'repeat')$$, 'each unit of the party''s incidents gets its own order');
SELECT results_eq($$SELECT w.unit, e.tier, e.reason FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
					 JOIN prevent.alert a ON a.id = w.alert_id WHERE a.unit = 'E所' ORDER BY w.unit, e.tier$$,
	$$VALUES ('A所', 1::smallint, 'cross_jurisdiction'), ('A所', 3::smallint, 'repeat'),
			 ('E所', 1::smallint, 'cross_jurisdiction'), ('E所', 3::smallint, 'repeat')$$,
	'repeat and cross-jurisdiction escalations');
INSERT INTO incident (station, caller_phone, narrative, reported_at)
	VALUES ('E所', '13800001111', '该报警人再次称邻居扬言报复', '2026-06-10 10:00+08');
SELECT is((SELECT repeat FROM prevent.alert WHERE occurred_at = '2026-06-10 10:00+08'), false, 'outside the window it is no repeat');
SELECT results_eq($$SELECT party, incidents, units FROM prevent.repeat_incidents$$,
	$$VALUES ('13800001111', 3::bigint, '{A所,E所}'::text[])$$, 'prevent.repeat_incidents: the party, its alerted incidents and their units');
SELECT results_eq($$SELECT party, unit, incidents FROM prevent.repeat_party ORDER BY unit$$,
	$$VALUES ('13800001111', 'A所', 1::bigint), ('13800001111', 'E所', 2::bigint)$$,
	'the alert writer filled the party''s earlier alerts in at its first repeat and counted on');
CREATE TEMP TABLE repeat_kept AS SELECT * FROM prevent.repeat_party;
SELECT lives_ok($$SELECT prevent.refresh_stats()$$, 'prevent.refresh_stats()');
SELECT set_eq($$SELECT * FROM prevent.repeat_party$$, $$SELECT * FROM repeat_kept$$,
	'prevent.repeat_party kept by the alert writer equals the one rebuilt from the alerts');

-- parties: from columns and from the narrative
SELECT is(prevent.parties('报警人电话138 1234 5678，对方电话+86-139-8765-4321', '{}'), '{13812345678,13987654321}', 'phone numbers in the narrative');
SELECT is(prevent.parties('当事人身份证号11010519491231002X，另一号码110105194912310021', '{}'), '{11010519491231002X}',
	'resident ID numbers with a valid checksum only');
SELECT is(prevent.parties('订单号1381234567890123无关', '{}'), '{}', 'digits inside a longer number are no phone');
SELECT is(prevent.parties(NULL, '{" 0086 13812345678", 张三, NULL, ""}'), '{13812345678,张三}', 'party columns, normalized');
SELECT is(prevent.parties('电话１３８１２３４５６７８', '{}'), '{13812345678}', 'full-width digits');
SELECT is(prevent.parties('报警人13800001111，13900002222称；又报13700003333 13600004444、13500005555/13400006666', '{}'),
	'{13400006666,13500005555,13600004444,13700003333,13800001111,13900002222}',
	'numbers separated by ，, a space, 、 or / are each a party');
SELECT is(prevent.parties('号码13800001111，身份证11010519491231002X；身份证110105194912310021，13800002222', '{}'),
	'{11010519491231002X,13800001111}', 'a list divides only into valid numbers');
SELECT is(prevent.parties('卡号6222021234567890123456，订单1380000111113900002222333', '{}'), '{}',
	'a run of digits that does not divide into numbers gives none');
INSERT INTO incident (station, narrative, reported_at) VALUES ('F所', '当事人身份证11010519491231002x扬言报复', '2026-03-11 10:00+08');
SELECT is((SELECT parties FROM prevent.alert WHERE unit = 'F所'), '{11010519491231002X}', 'ID numbers in the narrative are parties of the alert');

-- privileges: an application role that may only INSERT into its table
CREATE ROLE prevent_test_app;
CREATE ROLE prevent_test_staff_a;
CREATE ROLE prevent_test_staff_b;
GRANT INSERT ON incident TO prevent_test_app;
SELECT prevent.add_member('prevent_test_staff_a', 'A所', 'act');
SELECT prevent.add_member('prevent_test_staff_b', 'B所', 'act');
SET ROLE prevent_test_app;
SELECT lives_ok($$INSERT INTO incident (station, narrative) VALUES ('A所', '嫌疑人持刀扬言要同归于尽')$$,
	'an INSERT-only role inserts a risky incident');
SELECT throws_ok($$SELECT count(*) FROM prevent.alert$$, '42501', NULL, 'it cannot read alerts');
SELECT throws_ok($$SELECT prevent._transition(1, 'accept', now(), NULL, NULL, NULL, 'x')$$,
	'42501', NULL, 'it cannot call the internal functions');
SELECT throws_ok($$INSERT INTO prevent.alert (source, source_key, occurred_at, score, level, categories, terms) VALUES ('incident', 'x', now(), 1, 'low', '{}', '{}')$$,
	'42501', NULL, 'it cannot write alerts');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category) VALUES ('x词', 'threat')$$, '42501', NULL, 'it cannot edit the lexicon');
SELECT throws_ok($$SELECT prevent.accept(1)$$, '42501', NULL, 'it cannot act on orders');
RESET ROLE;
SELECT is((SELECT count(*) FROM prevent.alert WHERE unit = 'A所' AND source_key = (SELECT max(id)::text FROM incident)), 1::bigint,
	'its alert was created');
SELECT is((SELECT count(*) FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = (SELECT max(id)::text FROM incident)),
	1::bigint, 'and its work order');

-- row-level security: staff see and act on their own unit only
SET ROLE prevent_test_staff_b;
SELECT is((SELECT array_agg(DISTINCT unit) FROM prevent.alert), '{B所}', 'staff of B see only B''s alerts');
SELECT is((SELECT array_agg(DISTINCT unit) FROM prevent.work_order), '{B所}', 'and only B''s orders');
SELECT is((SELECT count(*) FROM prevent.event WHERE unit <> 'B所'), 0::bigint, 'and only B''s events');
SELECT throws_ok(format('SELECT prevent.accept(%s)', (SELECT min(w.id) FROM prevent.work_order w)), '55000', NULL,
	'acting on an own order is checked as usual');
RESET ROLE;
CREATE TEMP TABLE a_order AS SELECT w.id FROM prevent.work_order w WHERE w.unit = 'A所' AND w.status = 'issued' ORDER BY w.id LIMIT 1;
GRANT SELECT ON a_order TO prevent_test_staff_b, prevent_test_staff_a;
SET ROLE prevent_test_staff_b;
SELECT throws_ok(format('SELECT prevent.accept(%s)', (SELECT id FROM a_order)), '42501',
	format('role "prevent_test_staff_b" may not act on work order %s', (SELECT id FROM a_order)),
	'an order of another unit is refused, and the message does not name its unit');
RESET ROLE;
SET ROLE prevent_test_staff_a;
SELECT is((prevent.accept(id, '收到')).status, 'accepted', 'the unit''s own staff accept it') FROM a_order;
RESET ROLE;
SELECT is((SELECT actor::text || ' as ' || acting_role::text FROM prevent.event WHERE action = 'accept' ORDER BY id DESC LIMIT 1),
	session_user || ' as prevent_test_staff_a', 'the event log names the login (actor) and the staff role it acted as');
SELECT ok(NOT has_function_privilege('public', 'prevent.watch(regclass, name, name, name, name[], name, prevent.risk_level, interval, int)', 'EXECUTE'),
	'PUBLIC cannot watch tables');
SELECT ok(NOT has_table_privilege('public', 'prevent.work_order', 'SELECT') AND NOT has_table_privilege('public', 'prevent.alert', 'INSERT'),
	'PUBLIC has no access to orders and alerts');

-- event triggers: renaming a watched column follows it, dropping one is refused
ALTER TABLE incident RENAME COLUMN narrative TO content;
SELECT is((SELECT text_column::text FROM prevent.watched WHERE source = 'incident'::regclass), 'content', 'a renamed column is followed');
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
