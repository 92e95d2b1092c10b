-- pgTAP: escalation of overdue work orders — escalate_overdue() at fixed times: which
-- deadlines are missed, the tier each escalation goes to, once per missed deadline.
-- (The tiers that follow an order at its issue: watch.sql.)
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS prevent;

BEGIN;
SELECT plan(8);

\ir fixtures/lexicon.sql
\ir fixtures/incident_watched.sql
\ir fixtures/incident_rows.sql
\ir fixtures/worked_orders.sql

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

SELECT * FROM finish();
ROLLBACK;
