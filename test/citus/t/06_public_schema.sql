-- pgTAP on the Citus cluster of run.sh: a watched table in schema public.  Its alerts are
-- written on the workers, and alert.source (a regclass) crosses to the coordinator as text:
-- printed there with its schema (distribute() gives the workers' sessions a search_path of
-- pg_catalog), so it resolves on the coordinator whatever the search_path of the reader.
\ir ../fixture.sql
SET search_path = "$user", public;
SELECT min(unit) FILTER (WHERE nodeport = (SELECT min(nodeport) FROM unit_node)) AS ua,
	   max(unit) FILTER (WHERE nodeport = (SELECT max(nodeport) FROM unit_node)) AS ub
  FROM unit_node
 WHERE unit NOT IN (SELECT a.unit FROM prevent.alert a) \gset
SELECT plan(9);

CREATE TABLE public.jq_public (
	gxdw text NOT NULL,
	jjbh text NOT NULL,
	bjdh text,
	bjnr text,
	bjsj timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (gxdw, jjbh)
);
SELECT create_distributed_table('public.jq_public', 'gxdw', colocate_with => 'prevent.alert') \gset
SELECT lives_ok($$SELECT prevent.watch('public.jq_public', text_column => 'bjnr', key_column => 'jjbh', unit_column => 'gxdw',
										party_columns => '{bjdh}', occurred_column => 'bjsj')$$, 'watch() a table in public');
SELECT lives_ok(format($$INSERT INTO jq_public (gxdw, jjbh, bjdh, bjnr) VALUES
	(%L, 'pub1', '13900000071', '持刀威胁要杀人'), (%L, 'pub2', '13900000071', '家暴'),
	(%L, 'pub3', '13900000071', '持刀威胁要杀人')$$, :'ua', :'ub', :'ub'),
	'an insert on workers for two units');

-- read with a search_path that does not hold public (as prevent's own functions, which pin
-- theirs: review(), accept(), link_alerts() below)
SET search_path = pg_catalog;
WITH x AS MATERIALIZED (SELECT a.source, a.source_key FROM prevent.alert a
						  WHERE a.unit IN (:'ua', :'ub') AND a.source_key LIKE 'pub_')
SELECT string_agg(x.source::text || ':' || x.source_key, ',' ORDER BY x.source_key) AS sources,
	   bool_and(x.source OPERATOR(pg_catalog.=) 'public.jq_public'::regclass) AS resolved
  FROM x \gset
RESET search_path;
SELECT is(:'sources'::text, 'public.jq_public:pub1,public.jq_public:pub2,public.jq_public:pub3',
	'alert.source names the table with its schema');
SELECT ok(:'resolved'::boolean, 'and resolves to it on the coordinator');
SELECT a.id AS pending_id FROM prevent.alert a WHERE a.unit = :'ub' AND a.source_key = 'pub2' \gset
SELECT is((prevent.review(:pending_id, true, 'issue it')).status, 'issued', 'review() of its alert');
SELECT o.id AS order_id FROM prevent.work_order o JOIN prevent.alert a ON a.unit = o.unit AND a.id = o.alert_id
 WHERE a.unit = :'ua' AND a.source_key = 'pub1' AND o.reason = 'risk_level' \gset
SELECT is((prevent.accept(:order_id, 'on the way')).status, 'accepted', 'accept() of its order');
SELECT prevent.link_alerts() AS linked \gset
SELECT cmp_ok(:linked::bigint, '>=', 3::bigint, 'link_alerts() links its alerts');
SELECT count(*) AS repeats FROM prevent.alert a WHERE a.unit IN (:'ua', :'ub') AND a.source_key LIKE 'pub_' AND a.repeat \gset
SELECT ok(:repeats > 0, 'the repeat of its party is flagged across units');
SELECT lives_ok('SELECT count(*) FROM prevent.overdue_orders', 'the views read its orders');

SELECT * FROM finish();
