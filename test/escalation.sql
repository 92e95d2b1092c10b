-- pgTAP: escalation of overdue work orders — escalate_overdue() at fixed times: which
-- deadlines are missed, the tier each escalation goes to, once per missed deadline.
-- What a run reads: only orders whose next_escalation_due has passed; how a transition
-- moves that deadline.  (Orders another transaction has locked, and concurrent runs:
-- specs/escalation_concurrent.spec.  The tiers that follow an order at its issue: watch.sql.)
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(19);

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

-- what a run reads: next_escalation_due, through its index
INSERT INTO incident (station, narrative, reported_at) VALUES ('D所', '报警人称其丈夫持刀威胁要同归于尽', now());
CREATE TEMP TABLE d AS SELECT w.id, w.issued_at, w.accept_due, w.due_at, w.close_due
  FROM prevent.work_order w WHERE w.unit = 'D所';
SELECT is((SELECT next_escalation_due FROM prevent.work_order JOIN d USING (id)), '-infinity',
	'a new order is not looked at yet: the next run will');
SELECT is(prevent.escalate_overdue((SELECT issued_at + interval '20 minutes' FROM d)), 0, 'nothing of it is due at 20 minutes');
SELECT is((SELECT w.next_escalation_due FROM prevent.work_order w JOIN d USING (id)), (SELECT accept_due FROM d),
	'the run looked at it: its next deadline to escalate is the acceptance');
UPDATE prevent.work_order w SET next_escalation_due = d.issued_at + interval '1 hour' FROM d WHERE w.id = d.id;
SELECT is(prevent.escalate_overdue((SELECT issued_at + interval '31 minutes' FROM d)), 0,
	'an order is read only once its next_escalation_due has passed (not by scanning the open orders)');
UPDATE prevent.work_order w SET next_escalation_due = d.accept_due FROM d WHERE w.id = d.id;
SELECT is(prevent.escalate_overdue((SELECT issued_at + interval '31 minutes' FROM d)), 1, 'escalated at 31 minutes');
SELECT is((SELECT w.next_escalation_due FROM prevent.work_order w JOIN d USING (id)), (SELECT due_at FROM d),
	'then its next deadline to escalate is the feedback');
SELECT is((SELECT count(*)::int FROM prevent.work_order WHERE next_escalation_due < (SELECT issued_at + interval '31 minutes' FROM d)), 0,
	'and no order is left due at that time');

-- a transition moves the deadline: issued a day ago (by hand, so the next run derives it again) ...
UPDATE prevent.work_order w SET issued_at = w.issued_at - interval '1 day', accept_due = w.accept_due - interval '1 day',
	due_at = w.due_at - interval '1 day', close_due = w.close_due - interval '1 day', next_escalation_due = '-infinity'
  FROM d WHERE w.id = d.id;
UPDATE prevent.escalation e SET created_at = e.created_at - interval '1 day' FROM d WHERE e.work_order_id = d.id;
UPDATE d SET issued_at = issued_at - interval '1 day', accept_due = accept_due - interval '1 day',
	due_at = due_at - interval '1 day', close_due = close_due - interval '1 day';
-- ... accepted late (its acceptance was escalated), fed back late before any run saw it
SELECT is((prevent.accept(id, '收到', issued_at + interval '2 hours')).next_escalation_due, due_at,
	'a late acceptance: the next deadline is the feedback, missed but not escalated yet') FROM d;
SELECT is((prevent.feedback(id, '已出警', issued_at + interval '13 hours')).next_escalation_due, close_due,
	'fed back late, before a run saw it: the next deadline is the close, as a run would see it') FROM d;
SELECT is(prevent.escalate_overdue((SELECT issued_at + interval '14 hours' FROM d)), 0,
	'a deadline met before any run saw it missed is not escalated (as before)');
SELECT is((prevent.close(id, true, NULL, issued_at + interval '20 hours')).next_escalation_due, NULL,
	'closed: nothing left to escalate, the order leaves the index') FROM d;

SELECT * FROM finish();
ROLLBACK;
