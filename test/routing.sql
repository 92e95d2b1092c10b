-- pgTAP: routing by category (prevent.route) — the table and its errors; one extra order per
-- recipient for alerts of a routed category at or above the route's level, issued with the
-- incident's own (INSERT, COPY, multi-row INSERT, review, repeat), exactly once per unit; none
-- for other categories, lower levels, disabled or deleted routes; the recipient's own tier and
-- deadlines; row-level security, the lifecycle and escalate_overdue() on the recipient's orders;
-- prevent.alert_counts against a GROUP BY over prevent.alert; and the seed's figure (21,718
-- disputes pushed to one recipient, 20,784 resolved: 95.70 %) through the public API.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(51);

\ir fixtures/lexicon.sql
INSERT INTO prevent.keyword (term, category, weight) VALUES ('未成年', 'minor', 12);
\ir fixtures/incident_watched.sql

-- the table: empty by default, readable by PUBLIC, writable by no one else
SELECT is((SELECT count(*) FROM prevent.route), 0::bigint, 'no route by default: no recipient is assumed');
SELECT ok(has_table_privilege('public', 'prevent.route', 'SELECT')
		  AND NOT has_table_privilege('public', 'prevent.route', 'INSERT')
		  AND NOT has_table_privilege('public', 'prevent.route', 'UPDATE')
		  AND NOT has_table_privilege('public', 'prevent.route', 'DELETE'),
	'PUBLIC may read the routes, not write them');
SELECT ok(EXISTS (SELECT 1 FROM pg_extension e WHERE e.extname = 'prevent'
				   AND 'prevent.route'::regclass = ANY (e.extconfig)), 'pg_dump keeps the routes');

-- bad input: SQLSTATE and hint
SELECT throws_ok($$INSERT INTO prevent.route (category, unit) VALUES ('gambling', '综治中心')$$,
	'23503', 'unknown category "gambling"', 'an unknown category');
SELECT throws_ok($$INSERT INTO prevent.route (category, unit, min_level) VALUES ('neighbour', '综治中心', 'none')$$,
	'23514', 'min_level of a route must not be none', 'level none');
SELECT throws_ok($$INSERT INTO prevent.route (category, unit) VALUES ('neighbour', '  ')$$,
	'23514', 'unit of a route must not be empty', 'an empty recipient');
SELECT throws_ok($$INSERT INTO prevent.route (category, unit, tier) VALUES ('neighbour', '综治中心', 4)$$,
	'23514', 'tier 4 of a route is out of range', 'a tier out of 1..3');
SELECT throws_ok($$INSERT INTO prevent.route (category, unit, accept_within, feedback_within, close_within)
	VALUES ('neighbour', '综治中心', '2 days', '1 day', '7 days')$$,
	'23514', 'deadlines of a route must be all given and increasing, or all NULL', 'deadlines not increasing');
SELECT throws_ok($$INSERT INTO prevent.route (category, unit, accept_within) VALUES ('neighbour', '综治中心', '2 hours')$$,
	'23514', 'deadlines of a route must be all given and increasing, or all NULL', 'one deadline alone');
SELECT throws_ok($$INSERT INTO prevent.route (category, unit, reason) VALUES ('neighbour', '综治中心', 'risk_level')$$,
	'23514', 'invalid reason "risk_level" for a route', 'a reason other than category_push');
CREATE FUNCTION pg_temp.hint_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text;
BEGIN
	EXECUTE stmt;
	RETURN NULL;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
	RETURN h;
END $$;
SELECT ok(pg_temp.hint_of($$INSERT INTO prevent.route (category, unit, tier) VALUES ('neighbour', '综治中心', 0)$$) LIKE 'Tiers are 1%'
		  AND pg_temp.hint_of($$INSERT INTO prevent.route (category, unit, min_level) VALUES ('neighbour', 'X', 'none')$$) LIKE 'Only alerts%'
		  AND pg_temp.hint_of($$INSERT INTO prevent.route (category, unit) VALUES ('gambling', 'X')$$) LIKE 'Add it first%'
		  AND pg_temp.hint_of($$INSERT INTO prevent.route (category, unit) VALUES ('neighbour', '')$$) LIKE 'Give the code%'
		  AND pg_temp.hint_of($$INSERT INTO prevent.route (category, unit, accept_within, feedback_within, close_within)
								VALUES ('neighbour', 'X', '1 day', '2 days', '1 day')$$) LIKE 'Give 0 < accept_within%',
	'each error has a hint');

-- the routes of the practice: disputes to the governance center (its own tier and deadlines),
-- minors to the protection unit, weapons to a squad only when critical
INSERT INTO prevent.route (category, unit, tier, accept_within, feedback_within, close_within, note)
	VALUES ('neighbour', '综治中心', 2, '2 hours', '48 hours', '15 days', '矛盾纠纷推送综治中心');
INSERT INTO prevent.route (category, unit, note) VALUES ('minor', '未成年人保护', '双推送');
INSERT INTO prevent.route (category, unit, min_level) VALUES ('weapon', '治安大队', 'critical');

-- INSERT: at once for the levels that issue at once
INSERT INTO incident (station, narrative) VALUES ('A所', '持刀'), ('A所', '持刀扬言同归于尽'), ('A所', '扬言');
SELECT results_eq($$SELECT a.source_key, w.unit, w.reason FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id
					 WHERE a.source_key IN ('1', '2', '3') ORDER BY a.source_key, w.id$$,
	$$VALUES ('1', 'A所', 'risk_level'), ('2', 'A所', 'risk_level'), ('2', '治安大队', 'category_push')$$,
	'a critical weapon alert is pushed to the squad, a high one (below min_level) is not, a threat (no route) waits for review');

-- COPY: each row its recipients, once each
COPY incident (station, narrative) FROM STDIN;
B所	未成年持刀
B所	持刀纠纷
B所	持刀
\.
SELECT results_eq($$SELECT a.source_key, array_agg(w.unit || ':' || w.reason ORDER BY w.id)
					 FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id
					 WHERE a.source_key IN ('4', '5', '6') GROUP BY a.source_key ORDER BY a.source_key$$,
	$$VALUES ('4', '{B所:risk_level,未成年人保护:category_push}'::text[]),
			 ('5', '{B所:risk_level,综治中心:category_push}'::text[]),
			 ('6', '{B所:risk_level}'::text[])$$,
	'COPY: a minor''s incident pushed to the protection unit, a dispute to the governance center, a weapon alone to no one');
-- the recipient's own deadlines and tier, for its order only
SELECT results_eq($$SELECT w.unit, w.accept_due - w.issued_at, w.due_at - w.issued_at, w.close_due - w.issued_at,
						  (SELECT array_agg(e.tier || ' ' || e.reason ORDER BY e.tier, e.reason) FROM prevent.escalation e WHERE e.work_order_id = w.id)
					 FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id WHERE a.source_key = '5' ORDER BY w.id$$,
	$$VALUES ('B所', '1 hour'::interval, '24 hours'::interval, '3 days'::interval, '{"1 risk_level"}'::text[]),
			 ('综治中心', '2 hours'::interval, '48 hours'::interval, '15 days'::interval, '{"1 risk_level","2 category_push"}'::text[])$$,
	'the governance center''s order has the route''s deadlines and is followed by its tier 2 as well; the station''s has the level''s');
SELECT results_eq($$SELECT w.accept_due - w.issued_at, w.close_due - w.issued_at
					 FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id WHERE a.source_key = '4' AND w.unit = '未成年人保护'$$,
	$$VALUES ('1 hour'::interval, '3 days'::interval)$$, 'a route without deadlines: the level''s');

-- multi-row INSERT of disputes (low: they wait for review), then the review pushes them
INSERT INTO incident (station, narrative) VALUES ('C所', '邻里纠纷'), ('C所', '债务纠纷'), ('C所', '扬言');
SELECT is((SELECT count(*) FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key IN ('7', '8', '9')),
	0::bigint, 'pending alerts have no orders, routed or not');
SELECT is((SELECT count(prevent.review(id, true, '推送')) FROM prevent.alert WHERE source_key IN ('7', '8', '9')), 3::bigint, 'three reviews issue');
SELECT results_eq($$SELECT a.source_key, array_agg(w.unit || ':' || w.reason ORDER BY w.id)
					 FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id
					 WHERE a.source_key IN ('7', '8', '9') GROUP BY a.source_key ORDER BY a.source_key$$,
	$$VALUES ('7', '{C所:review,综治中心:category_push}'::text[]),
			 ('8', '{C所:review,综治中心:category_push}'::text[]),
			 ('9', '{C所:review}'::text[])$$,
	'review: the disputes'' recipients get their orders with the station''s; the threat has no route');
SELECT throws_ok(format('SELECT prevent.review(%s, true)', (SELECT id FROM prevent.alert WHERE source_key = '7')),
	'55000', NULL, 'a second review is refused: the recipient''s order is issued once');

-- repeats: the second dispute of a caller is a repeat and issues at once, to the recipient too
INSERT INTO incident (station, caller_phone, narrative) VALUES ('D所', '13900007777', '纠纷');
INSERT INTO incident (station, caller_phone, narrative) VALUES ('D所', '13900007777', '纠纷');
SELECT results_eq($$SELECT a.source_key, a.repeat, array_agg(w.unit || ':' || w.reason ORDER BY w.id)
					 FROM prevent.alert a LEFT JOIN prevent.work_order w ON w.alert_id = a.id
					 WHERE a.source_key IN ('10', '11') GROUP BY a.source_key, a.repeat ORDER BY a.source_key$$,
	$$VALUES ('10', false, '{NULL}'::text[]), ('11', true, '{D所:repeat,综治中心:category_push}'::text[])$$,
	'a repeat dispute is pushed to the governance center with the station''s repeat order');

-- one order per unit: the station is the recipient itself; a person''s unit is the recipient
INSERT INTO incident (station, narrative) VALUES ('综治中心', '持刀纠纷');
SELECT results_eq($$SELECT w.unit, w.reason FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id WHERE a.source_key = '12'$$,
	$$VALUES ('综治中心', 'risk_level')$$, 'the incident''s own unit routed to itself: one order, its own reason');
INSERT INTO prevent.person (identifier, kind, unit, valid_from) VALUES ('13900006666', 'minor', '综治中心', '2020-01-01+08');
INSERT INTO incident (station, caller_phone, narrative) VALUES ('E所', '13900006666', '纠纷');
SELECT results_eq($$SELECT w.unit, w.reason FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id
					 WHERE a.source_key = '13' ORDER BY w.id$$,
	$$VALUES ('E所', 'risk_level'), ('综治中心', 'managed_person')$$,
	'the person''s unit is also the route''s recipient: one order, the person''s reason first');
SELECT is((SELECT count(*) FROM (SELECT w.alert_id, w.unit FROM prevent.work_order w GROUP BY 1, 2 HAVING count(*) > 1) d), 0::bigint,
	'never two orders of one alert for one unit');

-- several categories routed to one recipient: one order
INSERT INTO prevent.route (category, unit) VALUES ('weapon', '综治中心');
INSERT INTO incident (station, narrative) VALUES ('F所', '持刀纠纷');
SELECT results_eq($$SELECT w.unit, w.reason FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id WHERE a.source_key = '14' ORDER BY w.id$$,
	$$VALUES ('F所', 'risk_level'), ('综治中心', 'category_push')$$, 'two of the alert''s categories routed to one unit: one order');
DELETE FROM prevent.route WHERE category = 'weapon' AND unit = '综治中心';

-- a disabled route pushes nothing
UPDATE prevent.route SET enabled = false WHERE category = 'minor';
INSERT INTO incident (station, narrative) VALUES ('F所', '未成年持刀');
SELECT results_eq($$SELECT w.unit FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id WHERE a.source_key = '15'$$,
	$$VALUES ('F所')$$, 'a disabled route pushes nothing');
UPDATE prevent.route SET enabled = true WHERE category = 'minor';

-- row-level security and the lifecycle: the recipient's members see and act on its orders only
CREATE ROLE regress_routing_read;
CREATE ROLE regress_routing_act;
SELECT prevent.add_member('regress_routing_read', '综治中心') \g /dev/null
SELECT prevent.add_member('regress_routing_act', '综治中心', 'act') \g /dev/null
SELECT count(*) AS center_orders FROM prevent.work_order WHERE unit = '综治中心' \gset
SELECT id AS pushed_id FROM prevent.work_order w WHERE unit = '综治中心' AND reason = 'category_push' ORDER BY id LIMIT 1 \gset
SELECT id AS station_id FROM prevent.work_order w WHERE alert_id = (SELECT alert_id FROM prevent.work_order WHERE id = :pushed_id) AND unit <> '综治中心' \gset
SET ROLE regress_routing_read;
SELECT results_eq($$SELECT count(*), count(*) FILTER (WHERE unit <> '综治中心') FROM prevent.work_order$$,
	format($$VALUES (%s::bigint, 0::bigint)$$, :center_orders), 'a recipient''s member sees its orders, and only them');
SELECT is((SELECT sum(issued)::bigint FROM prevent.closure_rate), :center_orders::bigint, 'and the closure rate of its own orders');
SELECT results_eq($$SELECT count(*) > 0, count(*) FILTER (WHERE unit IS DISTINCT FROM '综治中心') FROM prevent.alert_counts$$,
	$$VALUES (true, 0::bigint)$$, 'alert_counts shows a member its own unit''s alerts only');
RESET ROLE;
SET ROLE regress_routing_act;
SELECT throws_ok(format('SELECT prevent.accept(%s)', :station_id), '42501', NULL, 'the recipient may not act on the station''s order');
SELECT lives_ok(format('SELECT prevent.accept(%s, %L)', :pushed_id, '已接收'), 'the recipient accepts its order');
SELECT lives_ok(format('SELECT prevent.feedback(%s, %L)', :pushed_id, '已组织调解'), 'feeds it back');
SELECT lives_ok(format('SELECT prevent.close(%s, true, %L)', :pushed_id, '调解成功'), 'closes it as resolved');
RESET ROLE;
SELECT results_eq(format($$SELECT status, resolved, (SELECT array_agg(e.action ORDER BY e.id) FROM prevent.event e WHERE e.work_order_id = %s)
							 FROM prevent.work_order WHERE id = %s$$, :pushed_id, :pushed_id),
	$$VALUES ('closed', true, '{issue,accept,feedback,close}'::text[])$$, 'the recipient''s order went through the lifecycle, logged');
SELECT results_eq($$SELECT closed, resolved FROM prevent.resolution_rate WHERE unit = '综治中心'$$,
	$$VALUES (1::bigint, 1::bigint)$$, 'resolution_rate counts it for the recipient');

-- escalate_overdue: the recipient's orders are escalated from their own tier and deadlines
SELECT id AS late_id FROM prevent.work_order w WHERE unit = '综治中心' AND reason = 'category_push' AND status = 'issued' ORDER BY id LIMIT 1 \gset
SELECT cmp_ok(prevent.escalate_overdue(now() + interval '3 hours'), '>', 0, 'escalate_overdue escalates orders past their deadlines');
SELECT results_eq(format($$SELECT tier, breach FROM prevent.escalation WHERE work_order_id = %s AND reason = 'overdue'$$, :late_id),
	$$VALUES (1::smallint, 'accept')$$, 'a recipient''s order not accepted within its 2 hours is escalated once, one tier above its highest');
SELECT is((SELECT count(*) FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
			WHERE w.unit = '综治中心' AND w.reason = 'category_push' AND e.breach = 'feedback'), 0::bigint,
	'its feedback deadline (48 hours) is not past yet');
SELECT is(prevent.escalate_overdue(now() + interval '3 hours'), 0, 'and once only');

-- a route deleted later leaves past orders alone, and pushes no more
SELECT count(*) AS before_delete FROM prevent.work_order WHERE unit = '综治中心' \gset
DELETE FROM prevent.route WHERE unit = '综治中心';
SELECT is((SELECT count(*) FROM prevent.work_order WHERE unit = '综治中心'), :before_delete::bigint, 'past orders stay when the route is deleted');
INSERT INTO incident (station, narrative) VALUES ('G所', '持刀纠纷');
SELECT results_eq($$SELECT w.unit FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id WHERE a.source_key = '16'$$,
	$$VALUES ('G所')$$, 'and new disputes are no longer pushed');

-- the counts by category: the counters equal a GROUP BY over the alerts
CREATE TEMP VIEW grouped AS
	SELECT a.unit, date_trunc('month', a.occurred_at AT TIME ZONE prevent.report_time_zone())::date AS month, c.category, a.level,
		   count(*) AS alerts
	  FROM prevent.alert a CROSS JOIN LATERAL unnest(CASE WHEN cardinality(a.categories) > 0 THEN a.categories ELSE '{NULL}' END) c(category)
	 GROUP BY 1, 2, 3, 4;
SELECT set_eq($$SELECT * FROM prevent.alert_counts$$, $$SELECT * FROM grouped$$, 'alert_counts equals a GROUP BY over prevent.alert');
SELECT set_eq($$SELECT * FROM prevent.alert_counts_total$$,
	$$SELECT month, category, level, sum(alerts)::bigint FROM grouped GROUP BY 1, 2, 3$$, 'alert_counts_total adds up the units');
DELETE FROM prevent.event WHERE alert_id IN (SELECT id FROM prevent.alert WHERE source_key = '16');
DELETE FROM prevent.escalation WHERE work_order_id IN (SELECT w.id FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = '16');
DELETE FROM prevent.work_order WHERE alert_id IN (SELECT id FROM prevent.alert WHERE source_key = '16');
DELETE FROM prevent.alert WHERE source_key = '16';
UPDATE prevent.alert SET occurred_at = '2026-01-31 20:00+00' WHERE source_key = '15';
SELECT set_eq($$SELECT * FROM prevent.alert_counts$$, $$SELECT * FROM grouped$$, 'after deleting and moving alerts too');
UPDATE prevent.setting SET value = 'UTC' WHERE name = 'report_time_zone';
SELECT set_eq($$SELECT * FROM prevent.alert_counts$$, $$SELECT * FROM grouped$$, 'after report_time_zone changed (the month of an alert moved)');
UPDATE prevent.setting SET value = 'Asia/Shanghai' WHERE name = 'report_time_zone';
DELETE FROM prevent.alert_stats;
SELECT lives_ok($$SELECT prevent.refresh_stats()$$, 'refresh_stats() rebuilds the counters');
SELECT set_eq($$SELECT * FROM prevent.alert_counts$$, $$SELECT * FROM grouped$$, 'and after prevent.refresh_stats()');

-- the seed's figure: 21,718 disputes pushed to one recipient, 20,784 closed as resolved: 95.70 %
INSERT INTO prevent.route (category, unit) VALUES ('neighbour', '区综治中心');
CREATE TABLE dispute (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, station text, narrative text);
SELECT prevent.watch('dispute', 'narrative', unit_column => 'station') \g /dev/null
INSERT INTO dispute (station, narrative) SELECT '乙派出所', '邻里纠纷' FROM generate_series(1, 21718);
SELECT is((SELECT count(prevent.review(id, true, '推送综治中心')) FROM prevent.alert WHERE source = 'dispute'::regclass), 21718::bigint,
	'21,718 dispute alerts reviewed and issued');
SELECT is((SELECT count(*) FROM prevent.work_order WHERE unit = '区综治中心' AND reason = 'category_push'), 21718::bigint,
	'21,718 orders pushed to the governance center');
SELECT count(prevent.accept(id)) FROM prevent.work_order WHERE unit = '区综治中心' \g /dev/null
SELECT count(prevent.feedback(id, '已调解')) FROM prevent.work_order WHERE unit = '区综治中心' \g /dev/null
SELECT is((SELECT count(prevent.close(id, rn <= 20784, CASE WHEN rn <= 20784 THEN '调解成功' ELSE '未化解' END))
		   FROM (SELECT id, row_number() OVER (ORDER BY id) rn FROM prevent.work_order WHERE unit = '区综治中心') o), 21718::bigint,
	'the center accepts, feeds back and closes them');
SELECT results_eq($$SELECT closed, resolved, resolution_rate FROM prevent.resolution_rate WHERE unit = '区综治中心'$$,
	$$VALUES (21718::bigint, 20784::bigint, 95.70)$$, 'resolution_rate of the recipient: 95.70');
SELECT results_eq($$SELECT sum(alerts)::bigint FROM prevent.alert_counts WHERE unit = '乙派出所' AND category = 'neighbour'$$,
	$$VALUES (21718::bigint)$$, 'alert_counts: the 21,718 disputes');

SELECT * FROM finish();
ROLLBACK;
