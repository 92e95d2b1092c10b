-- pgTAP: privileges of a watched table — an application role that may only INSERT,
-- staff roles that are members of a unit (row-level security: they see and act on
-- their own unit only), the event log naming login and role, PUBLIC's rights.
-- (The security audit's attacks: security.sql.)
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(17);

\ir fixtures/lexicon.sql
\ir fixtures/incident_watched.sql
\ir fixtures/incident_rows.sql
\ir fixtures/worked_orders.sql

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
SELECT ok(NOT has_function_privilege('public', 'prevent.watch(regclass, name, name, name, name[], name, prevent.risk_level, interval, int, name[])', 'EXECUTE'),
	'PUBLIC cannot watch tables');
SELECT ok(NOT has_table_privilege('public', 'prevent.work_order', 'SELECT') AND NOT has_table_privilege('public', 'prevent.alert', 'INSERT'),
	'PUBLIC has no access to orders and alerts');

SELECT * FROM finish();
ROLLBACK;
