-- pgTAP on the Citus cluster of run.sh: review and the lifecycle on the coordinator, for
-- orders on the workers; the views; row-level security as a station's LOGIN role, which sees
-- its unit only; escalate_overdue().  Every view, as both: t/05_views.sql.
\ir ../fixture.sql
SELECT min(unit) FILTER (WHERE nodeport = (SELECT min(nodeport) FROM unit_node)) AS ua,
	   max(unit) FILTER (WHERE nodeport = (SELECT max(nodeport) FROM unit_node)) AS ub
  FROM unit_node \gset
SELECT plan(16);

INSERT INTO jq (gxdw, jjbh, bjdh, bjnr) VALUES
	(:'ua', 'l1', '13500000001', '持刀威胁要杀人'), (:'ub', 'l2', '13500000002', '家暴');
SELECT o.id AS order_id FROM prevent.work_order o JOIN prevent.alert a ON a.unit = o.unit AND a.id = o.alert_id
 WHERE a.source_key = 'l1' \gset
SELECT id AS pending_id FROM prevent.alert WHERE source_key = 'l2' \gset

-- the lifecycle, on the coordinator
SELECT is((prevent.accept(:order_id, 'on the way')).status, 'accepted', 'accept');
SELECT is((prevent.feedback(:order_id, 'talked to both')).status, 'fed_back', 'feedback');
SELECT is((prevent.close(:order_id, true, 'settled')).status, 'closed', 'close');
SELECT is((prevent.evaluate(:order_id, 5, 'good')).status, 'evaluated', 'evaluate');
SELECT results_eq(format($$SELECT action FROM prevent.event WHERE work_order_id = %s ORDER BY at$$, :order_id),
	$$VALUES ('issue'), ('accept'), ('feedback'), ('close'), ('evaluate')$$, 'each step an event, in its unit');
SELECT is((prevent.review(:pending_id, true, 'issue it')).status, 'issued', 'review issues a pending alert');
SELECT count(*) AS review_orders FROM prevent.work_order WHERE alert_id = :pending_id AND reason = 'review' \gset
SELECT is(:review_orders::bigint, 1::bigint, 'with its order');

-- overdue escalation: the review's order missed its acceptance deadline
SELECT id AS review_order FROM prevent.work_order WHERE alert_id = :pending_id AND reason = 'review' \gset
UPDATE prevent.work_order SET issued_at = now() - interval '3 hours', accept_due = now() - interval '1 hour',
	   next_escalation_due = '-infinity'
 WHERE unit = :'ub' AND id = :review_order;
SELECT is(prevent.escalate_overdue(), 1, 'escalate_overdue() on the coordinator escalates the missed deadline');
SELECT count(*) AS overdue FROM prevent.escalation
 WHERE work_order_id = :review_order AND reason = 'overdue' AND breach = 'accept' \gset
SELECT is(:overdue::bigint, 1::bigint, 'an overdue escalation for the acceptance, in the order''s unit');
SELECT is(prevent.escalate_overdue(), 0, 'and once');

-- views
SELECT lives_ok('SELECT prevent.refresh_stats()', 'refresh_stats() counts the distributed tables');
SELECT ok((SELECT count(*) FROM prevent.alert_counts) > 0, 'alert_counts has rows');
SELECT ok((SELECT count(*) FROM prevent.department_summary) > 0, 'department_summary has rows');
SELECT ok((SELECT count(*) FROM prevent.review_outcome) > 0, 'review_outcome has rows');

-- row-level security: a station's LOGIN role (Citus connects to the workers as it)
CREATE ROLE station_a LOGIN;
SELECT prevent.add_member('station_a', :'ua', 'act');
SET ROLE station_a;
SELECT count(*) FILTER (WHERE unit = :'ua') AS own, count(*) FILTER (WHERE unit <> :'ua') AS others FROM prevent.alert \gset
RESET ROLE;
SELECT ok(:own > 0, 'the station sees its unit''s alerts');
SELECT is(:others::bigint, 0::bigint, 'and no other unit''s');

SELECT * FROM finish();
