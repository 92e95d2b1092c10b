-- pgTAP on the Citus cluster of run.sh: a lexicon edit on the coordinator is seen by the
-- workers from the next statement (their sessions' compiled lexicon is invalidated through the
-- reference table's shards), and watching keeps working after citus_move_shard_placement
-- moved a unit's shards (the incident table's and prevent's, co-located) to the other worker.
\ir ../fixture.sql
SELECT min(unit) FILTER (WHERE nodeport = (SELECT min(nodeport) FROM unit_node)) AS ua,
	   max(unit) FILTER (WHERE nodeport = (SELECT max(nodeport) FROM unit_node)) AS ub
  FROM unit_node \gset
SELECT plan(7);

-- a term the lexicon does not know, in both workers' units: no alert (and each worker's
-- session has compiled its lexicon)
INSERT INTO jq (gxdw, jjbh, bjnr) VALUES (:'ua', 'x1', '门口放着一个液化气罐'), (:'ub', 'x2', '门口放着一个液化气罐');
SELECT is((SELECT count(*) FROM prevent.alert WHERE source_key IN ('x1', 'x2')), 0::bigint, 'before the edit: no alert');
INSERT INTO prevent.keyword (term, category, weight, min_level) VALUES ('液化气罐', 'weapon', 30, 'high');
INSERT INTO jq (gxdw, jjbh, bjnr) VALUES (:'ua', 'x3', '门口放着一个液化气罐'), (:'ub', 'x4', '门口放着一个液化气罐');
SELECT results_eq($$SELECT source_key, level::text, terms @> '{液化气罐}' FROM prevent.alert WHERE source_key IN ('x3', 'x4') ORDER BY 1$$,
	$$VALUES ('x3', 'high', true), ('x4', 'high', true)$$, 'the next statement on both workers uses the new term');
UPDATE prevent.keyword SET enabled = false WHERE term = '液化气罐';
INSERT INTO jq (gxdw, jjbh, bjnr) VALUES (:'ua', 'x5', '门口放着一个液化气罐'), (:'ub', 'x6', '门口放着一个液化气罐');
SELECT is((SELECT count(*) FROM prevent.alert WHERE source_key IN ('x5', 'x6') AND terms @> '{液化气罐}'), 0::bigint,
	'disabled again: no longer matched');

-- move the shards of unit ua to the worker of ub
SELECT get_shard_id_for_distribution_column('jingqing.jq', :'ua') AS shard,
	   (SELECT nodeport FROM unit_node WHERE unit = :'ua') AS from_port,
	   (SELECT nodeport FROM unit_node WHERE unit = :'ub') AS to_port \gset
SELECT lives_ok(format($$SELECT citus_move_shard_placement(%s, '127.0.0.1', %s, '127.0.0.1', %s, shard_transfer_mode => 'block_writes')$$,
					   :shard, :from_port, :to_port), 'move the shards of unit ' || :'ua');
SELECT is((SELECT nodeport FROM pg_dist_shard_placement
			WHERE shardid = get_shard_id_for_distribution_column('prevent.alert', :'ua')), :to_port,
	'prevent.alert''s shard moved with the incident table''s');
INSERT INTO jq (gxdw, jjbh, bjdh, bjnr) VALUES (:'ua', 'v1', '13600000001', '持刀威胁要杀人');
SELECT results_eq($$SELECT source_key, level::text, status FROM prevent.alert WHERE source_key = 'v1'$$,
	$$VALUES ('v1', 'critical', 'issued')$$, 'after the move, an INSERT in that unit raises its alert');
-- (a value first: Citus would route the whole statement, pgTAP's call too, to the unit's worker)
SELECT count(*) AS kept FROM prevent.alert WHERE unit = :'ua' AND source_key IN ('w1', 'x3') \gset
SELECT is(:kept::bigint, 2::bigint, 'and the alerts written before the move are still there');

SELECT * FROM finish();
