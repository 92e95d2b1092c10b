-- pgTAP: the lifecycle of alerts and work orders — review() (the second judgement),
-- then accept, feedback, close and evaluate: their order, their times, the event log
-- of every transition with the acting role, and their errors.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(25);

\ir fixtures/lexicon.sql
\ir fixtures/incident_watched.sql
\ir fixtures/incident_rows.sql

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

SELECT * FROM finish();
ROLLBACK;
