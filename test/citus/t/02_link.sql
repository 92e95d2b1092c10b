-- pgTAP on the Citus cluster of run.sh: the cross-unit job.  One caller in two units whose
-- shards are on different workers: the shard writer issues each unit's own order only;
-- prevent.link_alerts() flags the later incident a repeat and issues its orders to both
-- units, once, with their escalations, and does nothing more when run again.
\ir ../fixture.sql
SELECT min(unit) FILTER (WHERE nodeport = (SELECT min(nodeport) FROM unit_node)) AS ua,
	   max(unit) FILTER (WHERE nodeport = (SELECT max(nodeport) FROM unit_node)) AS ub
  FROM unit_node \gset
SELECT plan(11);

SELECT lives_ok('SELECT prevent.link_alerts()', 'the job links what earlier tests wrote');

-- a medium-level incident (pending, no order at once), then the same caller in another unit
INSERT INTO jq (gxdw, jjbh, bjdh, bjnr, bjsj) VALUES (:'ua', 'k1', '13700000001', '打架斗殴', now() - interval '2 days');
INSERT INTO jq (gxdw, jjbh, bjdh, bjnr, bjsj) VALUES (:'ub', 'k2', '13700000001', '打架斗殴', now() - interval '1 day');
SELECT results_eq($$SELECT source_key, repeat FROM prevent.alert WHERE source_key IN ('k1', 'k2') ORDER BY 1$$,
	$$VALUES ('k1', false), ('k2', false)$$, 'before the job: no repeat (each worker sees its unit only)');
SELECT count(*) AS orders_before FROM prevent.work_order o
 WHERE o.alert_id IN (SELECT a.id FROM prevent.alert a WHERE a.source_key IN ('k1', 'k2')) \gset

SELECT is(prevent.link_alerts(), 2::bigint, 'the job links the two new alerts');
SELECT results_eq($$SELECT source_key, repeat FROM prevent.alert WHERE source_key IN ('k1', 'k2') ORDER BY 1$$,
	$$VALUES ('k1', false), ('k2', true)$$, 'the later incident is a repeat, over both workers');
SELECT id AS k2 FROM prevent.alert WHERE source_key = 'k2' \gset
SELECT results_eq(format($$SELECT unit, reason FROM prevent.work_order WHERE alert_id = %s AND reason <> 'risk_level' ORDER BY 1$$, :k2),
	format($$VALUES (%L, 'cross_jurisdiction'), (%L, 'repeat')$$, :'ua', :'ub'),
	'a cross-jurisdiction order to the other unit, a repeat order to its own');
SELECT count(*) AS orders_after FROM prevent.work_order o WHERE o.alert_id = :k2 \gset
SELECT is(:orders_after::bigint, 2::bigint, 'one order per unit');
SELECT results_eq(format($$SELECT e.unit, e.tier::int, e.reason FROM prevent.escalation e JOIN prevent.work_order o
							ON o.unit = e.unit AND o.id = e.work_order_id WHERE o.alert_id = %s ORDER BY 1, 2, 3$$, :k2),
	format($$VALUES (%1$L, 1, 'cross_jurisdiction'), (%1$L, 3, 'repeat'), (%2$L, 1, 'cross_jurisdiction'), (%2$L, 3, 'repeat')$$,
		   least(:'ua', :'ub'), greatest(:'ua', :'ub')),
	'each order with the repeat and cross-jurisdiction escalations');
SELECT is((SELECT status FROM prevent.alert WHERE source_key = 'k2'), 'issued', 'the repeat is issued');

-- idempotent
SELECT is(prevent.link_alerts(), 0::bigint, 'run again: nothing new');
SELECT count(*) AS orders_again FROM prevent.work_order o WHERE o.alert_id = :k2 \gset
SELECT is(:orders_again::bigint, 2::bigint, 'and no order twice');
SELECT is((SELECT count(*) FROM prevent.alert_link WHERE alert_id = :k2), 1::bigint, 'the alert is linked once');

SELECT * FROM finish();
