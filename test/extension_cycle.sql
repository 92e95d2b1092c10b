-- pgTAP: the extension dropped and created again many times in one session, and then
-- its whole lifecycle in that session: watch a table, an INSERT that raises a high
-- alert and issues a work order at once, one that waits for review, review, accept,
-- feedback, close, evaluate, escalate_overdue.
--
-- What it guards: state kept per backend in C (plans, caches) must follow the
-- extension's objects when they are dropped and made again with new OIDs, as a
-- connection pool or a test harness that re-creates the extension does.  Every
-- cycle calls each lifecycle function once, so a cache keyed by function OID that
-- never forgets sees five new OIDs per cycle; 12 cycles (60 OIDs) are well past
-- any small fixed size (watch.h keeps 16).  More cycles would only fill the shared
-- lock table: each holds a lock on every object of the extension until the end of
-- the transaction, and with default settings 24 of them no longer fit.
--
-- All of it, the dropped and created extension included, is rolled back at the end.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(12);

-- one cycle: drop and create the extension, then call each lifecycle function once on an
-- alert or order that does not exist (its "does not exist" error is the expected answer;
-- any other error ends the cycle).  Dynamic SQL: the functions have new OIDs every time.
CREATE FUNCTION pg_temp.recreate_and_call_lifecycle() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	call text;
BEGIN
	DROP EXTENSION prevent CASCADE;
	CREATE EXTENSION prevent;
	FOREACH call IN ARRAY ARRAY['SELECT prevent.review(0, true)', 'SELECT prevent.accept(0)',
								'SELECT prevent.feedback(0, ''x'')', 'SELECT prevent.close(0, true)',
								'SELECT prevent.evaluate(0, 3)'] LOOP
		BEGIN
			EXECUTE call;
			RAISE EXCEPTION '% did not fail on a missing row', call;
		EXCEPTION WHEN no_data_found THEN
			NULL;
		END;
	END LOOP;
END
$$;

SELECT lives_ok($$SELECT pg_temp.recreate_and_call_lifecycle() FROM generate_series(1, 12)$$,
	'12 times in one session: drop and create the extension, call each lifecycle function');

-- then the whole lifecycle, in the same session, on the extension as the last cycle left it
-- (its default lexicon: 持刀 alone is high, 邻里纠纷 low)
CREATE TABLE cycle_incident (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, station text, narrative text);
SELECT lives_ok($$SELECT prevent.watch('cycle_incident', 'narrative', unit_column => 'station')$$, 'watch a table');
INSERT INTO cycle_incident (station, narrative) VALUES ('甲所', '男子持刀在街上游荡'), ('甲所', '邻里纠纷');
SELECT results_eq($$SELECT source_key, level::text, status FROM prevent.alert WHERE source = 'cycle_incident'::regclass ORDER BY id$$,
	$$VALUES ('1', 'high', 'issued'), ('2', 'low', 'pending')$$, 'a high alert issued at once, a low one pending review');
SELECT results_eq($$SELECT w.level::text, w.reason, w.status FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
					 WHERE a.source = 'cycle_incident'::regclass$$,
	$$VALUES ('high', 'risk_level', 'issued')$$, 'the high alert''s work order');

CREATE TEMP TABLE cycle_order AS
	SELECT w.id FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
	 WHERE a.source = 'cycle_incident'::regclass AND a.source_key = '1';
SELECT is((SELECT (prevent.review(id, true, '二次研判：需要处置')).status FROM prevent.alert
			WHERE source = 'cycle_incident'::regclass AND source_key = '2'), 'issued', 'review');
SELECT is((SELECT (prevent.accept(id, '收到')).status FROM cycle_order), 'accepted', 'accept');
SELECT is((SELECT (prevent.feedback(id, '已出警')).status FROM cycle_order), 'fed_back', 'feedback');
SELECT is((SELECT (prevent.close(id, true, '已化解')).status FROM cycle_order), 'closed', 'close');
SELECT is((SELECT (prevent.evaluate(id, 5, '处置及时')).status FROM cycle_order), 'evaluated', 'evaluate');
SELECT results_eq($$SELECT e.action FROM prevent.event e JOIN cycle_order o ON o.id = e.work_order_id ORDER BY e.id$$,
	$$VALUES ('issue'), ('accept'), ('feedback'), ('close'), ('evaluate')$$, 'every transition in the event log');
-- two days on, the reviewed low order is past its accept (4 hours) and feedback (24 hours)
-- deadlines; the evaluated one is not open
SELECT is(prevent.escalate_overdue(now() + interval '2 days'), 2, 'escalate_overdue');
SELECT results_eq($$SELECT e.tier, e.breach FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
					 JOIN prevent.alert a ON a.id = w.alert_id
					 WHERE a.source = 'cycle_incident'::regclass AND e.reason = 'overdue' ORDER BY e.id$$,
	$$VALUES (3::smallint, 'accept'), (2::smallint, 'feedback')$$, 'the overdue escalations');

SELECT * FROM finish();
ROLLBACK;
