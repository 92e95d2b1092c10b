-- pgTAP on the Citus cluster of run.sh: every view of prevent on the coordinator, as the
-- superuser and as a station's LOGIN role (row-level security by unit); what the three views
-- rewritten for a cluster (overdue_orders, unit_dashboard, person_contact_status) return.
\ir ../fixture.sql
SELECT min(unit) FILTER (WHERE nodeport = (SELECT min(nodeport) FROM unit_node)) AS ua,
	   max(unit) FILTER (WHERE nodeport = (SELECT max(nodeport) FROM unit_node)) AS ub
  FROM unit_node
 WHERE unit NOT IN (SELECT a.unit FROM prevent.alert a) \gset
SELECT count(*) AS views FROM pg_views WHERE schemaname = 'prevent' \gset
SELECT plan(2 * :views + 12);

-- an order in each unit, on different workers; ua's missed its acceptance deadline
INSERT INTO jq (gxdw, jjbh, bjdh, bjnr) VALUES
	(:'ua', 'vw1', '13700000091', '持刀威胁要杀人'), (:'ub', 'vw2', '13700000092', '持刀威胁要杀人');
SELECT o.id AS late_order FROM prevent.work_order o JOIN prevent.alert a ON a.unit = o.unit AND a.id = o.alert_id
 WHERE a.unit = :'ua' AND a.source_key = 'vw1' \gset
UPDATE prevent.work_order SET issued_at = now() - interval '3 hours', accept_due = now() - interval '1 hour'
 WHERE unit = :'ua' AND id = :late_order;
-- a person of concern in each unit, named by its unit's alert (on a cluster the writer does
-- not look persons up: set here), one contact each
INSERT INTO prevent.person (identifier, kind, unit, full_name)
SELECT '13700000091', min(kind), :'ua', '甲' FROM prevent.person_kind
UNION ALL
SELECT '13700000092', min(kind), :'ub', '乙' FROM prevent.person_kind;
UPDATE prevent.alert a SET persons = ARRAY[p.id]
  FROM prevent.person p
 WHERE p.identifier = a.parties[1] AND a.source_key IN ('vw1', 'vw2') AND a.unit = p.unit;
SELECT id AS person_a FROM prevent.person WHERE identifier = '13700000091' AND unit = :'ua' \gset
CREATE ROLE station_v LOGIN;
SELECT prevent.add_member('station_v', :'ua', 'act');
SET ROLE station_v;
SELECT lives_ok(format('SELECT prevent.record_contact(%s, %L)', :person_a, '走访'), 'record_contact() as the station');
RESET ROLE;
SELECT prevent.refresh_stats();

-- every view, as the superuser
SELECT lives_ok(format('SELECT count(*) FROM prevent.%I', viewname), 'superuser reads prevent.' || viewname)
  FROM pg_views WHERE schemaname = 'prevent' ORDER BY viewname;

SELECT results_eq(format($$SELECT work_order_id, breach, tier FROM prevent.overdue_orders WHERE unit = %L$$, :'ua'),
	format($$VALUES (%s::bigint, 'accept'::text, 1::smallint)$$, :late_order),
	'overdue_orders: the late order, its missed deadline, its highest tier (escalations by unit)');
SELECT count(*) AS on_time FROM prevent.overdue_orders WHERE unit = :'ub' \gset
SELECT is(:on_time::bigint, 0::bigint,
	'overdue_orders: not the order on time');
SELECT results_eq(format($$SELECT open_orders, overdue_orders, alerts_7d, issued_30d FROM prevent.unit_dashboard WHERE unit = %L$$, :'ua'),
	$$VALUES (1::bigint, 1::bigint, 1::bigint, 1::bigint)$$, 'unit_dashboard: the first unit, one order overdue');
SELECT results_eq(format($$SELECT open_orders, overdue_orders FROM prevent.unit_dashboard WHERE unit = %L$$, :'ub'),
	$$VALUES (1::bigint, 0::bigint)$$, 'unit_dashboard: the second unit, none overdue');
SELECT results_eq(format($$SELECT identifier, contacts, incidents, last_incident_at IS NOT NULL FROM prevent.person_contact_status WHERE unit IN (%L, %L) ORDER BY identifier$$,
		:'ua', :'ub'),
	$$VALUES ('13700000091'::text, 1::bigint, 1::bigint, true), ('13700000092', 0, 1, true)$$,
	'person_contact_status: contacts and incidents per person, across workers');

-- every view, as the station: it sees its unit only
SET ROLE station_v;
SELECT lives_ok(format('SELECT count(*) FROM prevent.%I', viewname), 'the station reads prevent.' || viewname)
  FROM pg_views WHERE schemaname = 'prevent' AND viewname <> 'person_incidents' ORDER BY viewname;
-- a reference table outer-joined to a distributed one under row-level security: the
-- coordinator's backend crashes (Citus 13.2.2; README, Distributed deployment)
SELECT skip('person_incidents as a station crashes Citus 13.2.2', 1);
SELECT results_eq('SELECT DISTINCT unit FROM prevent.overdue_orders', format('VALUES (%L::text)', :'ua'),
	'overdue_orders: the station''s own late order');
SELECT results_eq('SELECT unit FROM prevent.unit_dashboard', format('VALUES (%L::text)', :'ua'),
	'unit_dashboard: the station''s unit only');
SELECT results_eq('SELECT identifier, contacts, incidents FROM prevent.person_contact_status',
	$$VALUES ('13700000091'::text, 1::bigint, 1::bigint)$$, 'person_contact_status: the station''s person only');
SELECT count(*) FILTER (WHERE unit <> :'ua') AS n, count(*) FILTER (WHERE unit = :'ua') AS own FROM prevent.alert_counts \gset
SELECT is(:n::bigint, 0::bigint,
	'alert_counts: no other unit''s counts');
SELECT ok(:own > 0, 'alert_counts: its own');
SELECT issued AS n FROM prevent.department_summary \gset
SELECT is(:n::bigint, 1::bigint,
	'department_summary: the station''s unit''s order only');
RESET ROLE;

SELECT * FROM finish();
