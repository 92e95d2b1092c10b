-- pgTAP on the Citus cluster of run.sh: watching a distributed table.  INSERT, multi-row
-- INSERT, COPY and rollback; the alerts, orders, escalations and events written on the
-- worker of their unit's shard (co-located), with ids unique across nodes.
\ir ../fixture.sql
SELECT min(unit) FILTER (WHERE nodeport = (SELECT min(nodeport) FROM unit_node)) AS ua,
	   min(unit) FILTER (WHERE nodeport = (SELECT max(nodeport) FROM unit_node)) AS ub
  FROM unit_node \gset
SELECT plan(14);

SELECT is((SELECT count(DISTINCT nodeport) FROM unit_node WHERE unit IN (:'ua', :'ub')), 2::bigint,
	'the two test units lie on different workers');
SELECT is((SELECT count(DISTINCT colocationid) FROM pg_dist_partition
			WHERE logicalrelid IN ('jingqing.jq'::regclass, 'prevent.alert'::regclass, 'prevent.work_order'::regclass,
								   'prevent.escalation'::regclass, 'prevent.event'::regclass)), 1::bigint,
	'the incident table and the per-unit tables are co-located');

-- INSERT
INSERT INTO jq (gxdw, jjbh, bjdh, bjnr) VALUES (:'ua', 'w1', '13900000001', '他扬言要杀了她全家，持刀威胁');
SELECT results_eq($$SELECT unit, level::text, status, source::text FROM prevent.alert WHERE source_key = 'w1'$$,
	format($$VALUES (%L, 'critical', 'issued', 'jingqing.jq')$$, :'ua'), 'INSERT: an issued alert, its table named on the coordinator');
SELECT results_eq($$SELECT o.unit, o.reason, o.status FROM prevent.work_order o JOIN prevent.alert a
					 ON a.unit = o.unit AND a.id = o.alert_id WHERE a.source_key = 'w1'$$,
	format($$VALUES (%L, 'risk_level', 'issued')$$, :'ua'), 'its own unit''s order, joined by unit');
SELECT results_eq($$SELECT e.tier::int FROM prevent.escalation e JOIN prevent.work_order o ON o.unit = e.unit AND o.id = e.work_order_id
					 JOIN prevent.alert a ON a.unit = o.unit AND a.id = o.alert_id WHERE a.source_key = 'w1' ORDER BY 1$$,
	$$VALUES (1), (2), (3)$$, 'a critical order''s escalations to tiers 1, 2 and 3');
SELECT is((SELECT count(*) FROM prevent.event v JOIN prevent.alert a ON a.unit = v.unit AND a.id = v.alert_id
			WHERE a.source_key = 'w1' AND v.action = 'issue'), 1::bigint, 'and its issue event');
SELECT is((SELECT p.nodeport FROM run_command_on_placements('prevent.alert',
				$$SELECT count(*) FROM %s WHERE source_key = 'w1'$$) p WHERE p.result = '1'),
	(SELECT nodeport FROM unit_node WHERE unit = :'ua'), 'the alert is on the worker of its unit');

-- multi-row INSERT over both workers, one caller in both units (no party lock across nodes,
-- nothing to deadlock on): a benign row makes none
INSERT INTO jq (gxdw, jjbh, bjdh, bjnr) VALUES
	(:'ua', 'm1', '13900000002', '有人持刀砍人'),
	(:'ub', 'm2', '13900000002', '他扬言要杀了她全家'),
	(:'ub', 'm3', '13900000004', '邻居因停车位发生口角，已调解');
SELECT results_eq($$SELECT source_key, unit FROM prevent.alert WHERE source_key LIKE 'm%' ORDER BY 1$$,
	format($$VALUES ('m1', %L), ('m2', %L)$$, :'ua', :'ub'), 'multi-row INSERT: one alert per risky row, in its unit');

-- COPY
COPY jq (gxdw, jjbh, bjdh, bjnr) FROM STDIN;
pcs1	c1	13900000005	持刀威胁要杀人
pcs2	c2	13900000006	家中漏水
pcs3	c3	13900000007	他扬言要杀了她全家
\.
SELECT results_eq($$SELECT source_key FROM prevent.alert WHERE source_key LIKE 'c%' ORDER BY 1$$,
	$$VALUES ('c1'), ('c3')$$, 'COPY: one alert per risky row');

-- rollback
BEGIN;
INSERT INTO jq (gxdw, jjbh, bjdh, bjnr) VALUES (:'ub', 'r1', '13900000008', '持刀威胁要杀人');
SELECT count(*) AS in_transaction FROM prevent.alert WHERE source_key = 'r1' \gset
ROLLBACK;
SELECT is(:in_transaction::bigint, 1::bigint, 'inside the transaction, its alert');
SELECT is((SELECT count(*) FROM prevent.alert WHERE source_key = 'r1'), 0::bigint, 'rolled back: no alert');
-- (a value first: Citus would push the whole statement, pgTAP's call too, to a worker)
SELECT count(*) AS orphans FROM prevent.work_order o WHERE o.unit = :'ub' AND NOT EXISTS
	(SELECT 1 FROM prevent.alert a WHERE a.unit = o.unit AND a.id = o.alert_id) \gset
SELECT is(:orphans::bigint, 0::bigint, 'and no order');

-- ids: each node draws from its own range
SELECT is((SELECT count(DISTINCT id) FROM prevent.alert), (SELECT count(*) FROM prevent.alert), 'alert ids are unique');
SELECT is((SELECT count(DISTINCT id OPERATOR(pg_catalog.>>) 48) FROM prevent.alert WHERE unit IN (:'ua', :'ub')), 2::bigint,
	'the two workers'' alerts have ids from their own ranges');

SELECT * FROM finish();
