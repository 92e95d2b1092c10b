-- The cluster of test/citus/run.sh: prevent distributed, and an incident table of the
-- form the issue names (a 110 table: unit gxdw, key jjbh), distributed by unit, co-located
-- with prevent.alert, watched.  It lives in a schema of its own, which the test files put on
-- their search_path (t/06_public_schema.sql watches a table in public).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION pgtap;
CREATE EXTENSION prevent;
SELECT prevent.distribute();
CREATE SCHEMA jingqing;
CREATE TABLE jingqing.jq (
	gxdw text NOT NULL,
	jjbh text NOT NULL,
	bjdh text,
	bjnr text,
	bjsj timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (gxdw, jjbh)
);
SELECT create_distributed_table('jingqing.jq', 'gxdw', colocate_with => 'prevent.alert');
SELECT prevent.watch('jingqing.jq', text_column => 'bjnr', key_column => 'jjbh', unit_column => 'gxdw',
					 party_columns => '{bjdh}', occurred_column => 'bjsj');
-- units whose shards lie on different workers: test files pick them from here
CREATE TABLE unit_node AS
SELECT u AS unit, p.nodeport
  FROM (SELECT 'pcs' || i AS u FROM generate_series(1, 40) i) x
  JOIN pg_dist_shard_placement p ON p.shardid = get_shard_id_for_distribution_column('prevent.alert', x.u);
