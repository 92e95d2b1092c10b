-- pgTAP: the BI views reproduce reported figures exactly through the public
-- API (watch, INSERT, accept/feedback/close), plus their edge cases: a unit
-- with no orders, month boundaries in the report time zone, orders closed
-- in a later month than issued, comments on every view and column.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(42);

TRUNCATE prevent.event, prevent.escalation, prevent.work_order, prevent.alert;
DELETE FROM prevent.proximity; DELETE FROM prevent.negation; DELETE FROM prevent.keyword;
INSERT INTO prevent.keyword (term, category, weight) VALUES ('持刀', 'weapon', 65), ('纠纷', 'neighbour', 12);
CREATE TABLE incident (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, station text, narrative text);
SELECT prevent.watch('incident', 'narrative', unit_column => 'station');

-- 1,913 orders issued to one unit, 1,861 of them closed: 97.28 %
INSERT INTO incident (station, narrative) SELECT '甲派出所', '男子持刀滋事' FROM generate_series(1, 1913);
SELECT is((SELECT count(*) FROM prevent.work_order WHERE unit = '甲派出所'), 1913::bigint, '1,913 orders issued');
SELECT is((SELECT count(prevent.accept(id)) FROM prevent.work_order WHERE unit = '甲派出所'), 1913::bigint, '1913 accepted');
SELECT is((SELECT count(prevent.feedback(id, '已出警处置')) FROM prevent.work_order WHERE unit = '甲派出所'), 1913::bigint, '1913 fed back');
SELECT is((SELECT count(prevent.close(id, true)) FROM (SELECT id FROM prevent.work_order WHERE unit = '甲派出所' ORDER BY id LIMIT 1861) o), 1861::bigint, '1861 closed');
SELECT results_eq($$SELECT issued, closed, closure_rate FROM prevent.closure_rate WHERE unit = '甲派出所'$$,
	$$VALUES (1913::bigint, 1861::bigint, 97.28)$$, 'closure rate 97.28');

-- 21,718 disputes pushed and closed, 20,784 resolved: 95.70 %
INSERT INTO incident (station, narrative) SELECT '乙派出所', '邻里纠纷' FROM generate_series(1, 21718);
SELECT is((SELECT count(*) FROM prevent.alert WHERE unit = '乙派出所' AND status = 'pending'), 21718::bigint, '21,718 dispute alerts wait for review');
SELECT is((SELECT count(prevent.review(id, true, '推送派出所')) FROM prevent.alert WHERE unit = '乙派出所'), 21718::bigint, '21718 reviewed and pushed');
SELECT is((SELECT count(prevent.accept(id)) FROM prevent.work_order WHERE unit = '乙派出所'), 21718::bigint, '21718 accepted');
SELECT is((SELECT count(prevent.feedback(id, '已调解')) FROM prevent.work_order WHERE unit = '乙派出所'), 21718::bigint, '21718 fed back');
SELECT is((SELECT count(prevent.close(id, rn <= 20784))
  FROM (SELECT id, row_number() OVER (ORDER BY id) rn FROM prevent.work_order WHERE unit = '乙派出所') o), 21718::bigint, '21718 closed');
SELECT results_eq($$SELECT closed, resolved, resolution_rate FROM prevent.resolution_rate WHERE unit = '乙派出所'$$,
	$$VALUES (21718::bigint, 20784::bigint, 95.70)$$, 'resolution rate 95.70');

-- 2,400 warnings, 2,390 fed back within 24 hours: 99.58 %
INSERT INTO incident (station, narrative) SELECT '丙派出所', '持刀' FROM generate_series(1, 2400);
SELECT is((SELECT count(prevent.accept(id)) FROM prevent.work_order WHERE unit = '丙派出所'), 2400::bigint, '2400 accepted');
SELECT is((SELECT count(prevent.feedback(id, '已反馈')) FROM (SELECT id FROM prevent.work_order WHERE unit = '丙派出所' ORDER BY id LIMIT 2390) o), 2390::bigint, '2390 fed back');
SELECT results_eq($$SELECT issued, fed_back_24h, feedback_rate FROM prevent.feedback_rate WHERE unit = '丙派出所'$$,
	$$VALUES (2400::bigint, 2390::bigint, 99.58)$$, '24-hour feedback rate 99.58');

-- department-wide companions add the units up; per-unit views have no total rows
SELECT results_eq($$SELECT issued, closed FROM prevent.department_closure_rate$$,
	$$VALUES (1913::bigint + 21718 + 2400, 1861::bigint + 21718)$$, 'department closure counts are the sum of the units');
SELECT is((SELECT count(*) FROM prevent.closure_rate WHERE unit IS NULL), 0::bigint, 'no total row in the per-unit view');
SELECT results_eq($$SELECT issued, closed, resolved, open FROM prevent.department_summary$$,
	$$VALUES (26031::bigint, 23579::bigint, 22645::bigint, 2452::bigint)$$, 'department summary');
SELECT is((SELECT sum(orders)::bigint FROM prevent.feedback_time), (SELECT count(*) FROM prevent.work_order WHERE fed_back_at IS NOT NULL),
	'feedback-time buckets hold every fed-back order once');

-- the rate views add up counters kept by triggers: rebuilt from the orders they are the same,
-- and the rows of ~50,000 order changes have been folded into a few per unit and month
CREATE TEMP TABLE counted AS
	SELECT 'closure' AS v, unit, month, issued AS n, closed AS m FROM prevent.closure_rate
	UNION ALL SELECT 'feedback', unit, month, issued, fed_back_24h FROM prevent.feedback_rate
	UNION ALL SELECT 'resolution', unit, month, closed, resolved FROM prevent.resolution_rate
	UNION ALL SELECT 'bucket ' || label, unit, month, bucket, orders FROM prevent.feedback_time;
SELECT cmp_ok((SELECT count(*) FROM prevent.order_stats), '<', 1100::bigint, 'the counter rows are folded as they are written');
SELECT is(prevent.refresh_stats(), 26031::bigint, 'prevent.refresh_stats() counts every order');
SELECT set_eq($$SELECT * FROM counted$$,
	$$SELECT 'closure' AS v, unit, month, issued AS n, closed AS m FROM prevent.closure_rate
	  UNION ALL SELECT 'feedback', unit, month, issued, fed_back_24h FROM prevent.feedback_rate
	  UNION ALL SELECT 'resolution', unit, month, closed, resolved FROM prevent.resolution_rate
	  UNION ALL SELECT 'bucket ' || label, unit, month, bucket, orders FROM prevent.feedback_time$$,
	'the counters kept by the triggers equal the counters rebuilt from the orders');
SELECT is((SELECT count(*) FROM prevent.order_stats), 6::bigint, 'rebuilt: one row per unit, month and bucket (three units, this month, all fed back within 30 minutes)');


INSERT INTO incident (station, narrative) VALUES ('丁派出所', '邻里纠纷');
SELECT results_eq($$SELECT pending_reviews, open_orders, issued_30d, closure_rate_30d FROM prevent.unit_dashboard WHERE unit = '丁派出所'$$,
	$$VALUES (1::bigint, 0::bigint, 0::bigint, NULL::numeric)$$, 'a unit with no orders');
SELECT is((SELECT count(*) FROM prevent.closure_rate WHERE unit = '丁派出所'), 0::bigint, 'and no closure-rate row');
SELECT is(prevent.rate(0, 0), NULL, 'a rate over nothing is NULL');

-- month boundaries are cut in the report time zone (Asia/Shanghai by default);
-- an order closed in a later month than issued counts for closure in its issue month
-- and for resolution in its closing month.  (Historic times are set directly here.)
INSERT INTO incident (station, narrative) VALUES ('戊派出所', '持刀'), ('戊派出所', '持刀');
UPDATE prevent.work_order w SET issued_at = '2026-01-31 23:30+08', accept_due = '2026-02-01 00:00+08',
	due_at = '2026-02-01 11:30+08', close_due = '2026-02-02 23:30+08', status = 'closed',
	accepted_at = '2026-01-31 23:40+08', fed_back_at = '2026-02-01 08:00+08', closed_at = '2026-02-02 10:00+08', resolved = true
 WHERE w.id = (SELECT min(id) FROM prevent.work_order WHERE unit = '戊派出所');
UPDATE prevent.work_order w SET issued_at = '2026-02-01 00:30+08', accept_due = '2026-02-01 01:00+08',
	due_at = '2026-02-01 12:30+08', close_due = '2026-02-03 00:30+08'
 WHERE w.id = (SELECT max(id) FROM prevent.work_order WHERE unit = '戊派出所');
SELECT results_eq($$SELECT month, issued, closed FROM prevent.closure_rate WHERE unit = '戊派出所' ORDER BY month$$,
	$$VALUES ('2026-01-01'::date, 1::bigint, 1::bigint), ('2026-02-01'::date, 1::bigint, 0::bigint)$$,
	'23:30 and 00:30 Beijing time fall in different months; the January order closed in February counts in January');
SELECT results_eq($$SELECT month, closed, resolved FROM prevent.resolution_rate WHERE unit = '戊派出所'$$,
	$$VALUES ('2026-02-01'::date, 1::bigint, 1::bigint)$$, 'resolution counts in the month of closing');
SELECT results_eq($$SELECT month, fed_back_24h FROM prevent.feedback_rate WHERE unit = '戊派出所' ORDER BY month$$,
	$$VALUES ('2026-01-01'::date, 1::bigint), ('2026-02-01'::date, 0::bigint)$$, 'feedback within 24 hours across midnight');
SET LOCAL TIME ZONE 'UTC';
UPDATE prevent.setting SET value = 'UTC' WHERE name = 'report_time_zone';
SELECT results_eq($$SELECT month, issued FROM prevent.closure_rate WHERE unit = '戊派出所' ORDER BY month$$,
	$$VALUES ('2026-01-01'::date, 2::bigint)$$, 'with report_time_zone UTC both were issued in January');
UPDATE prevent.setting SET value = 'Asia/Shanghai' WHERE name = 'report_time_zone';
SELECT results_eq($$SELECT month, issued FROM prevent.closure_rate WHERE unit = '戊派出所' ORDER BY month$$,
	$$VALUES ('2026-01-01'::date, 1::bigint), ('2026-02-01'::date, 1::bigint)$$, 'the session time zone does not move months');
RESET TIME ZONE;
SELECT throws_ok($$UPDATE prevent.setting SET value = 'Mars/Olympus' WHERE name = 'report_time_zone'$$, '22023', NULL, 'a bad time zone is refused');

-- a new service-level bucket re-cuts feedback_time at once: the January order, first fed back
-- 8 h 30 min after issue, moves from bucket 5 to bucket 6 (both '4-24 h')
INSERT INTO prevent.feedback_bucket (upper_bound, label) VALUES ('3 hours', '2-3 h');
SELECT results_eq($$SELECT bucket, label, orders FROM prevent.feedback_time WHERE unit = '戊派出所'$$,
	$$VALUES (6, '4-24 h', 1::bigint)$$, 'a new bucket: feedback_time re-cut by it');
DELETE FROM prevent.feedback_bucket WHERE upper_bound = '3 hours';
SELECT results_eq($$SELECT bucket, label, orders FROM prevent.feedback_time WHERE unit = '戊派出所'$$,
	$$VALUES (5, '4-24 h', 1::bigint)$$, 'and back without it');

-- deleting an order takes it out of the counters
DELETE FROM prevent.event e USING prevent.work_order w WHERE e.work_order_id = w.id AND w.unit = '戊派出所' AND w.closed_at IS NULL;
DELETE FROM prevent.escalation e USING prevent.work_order w WHERE e.work_order_id = w.id AND w.unit = '戊派出所' AND w.closed_at IS NULL;
SAVEPOINT before_delete;
DELETE FROM prevent.work_order w WHERE w.unit = '戊派出所' AND w.closed_at IS NULL;
SELECT results_eq($$SELECT month, issued, closed FROM prevent.closure_rate WHERE unit = '戊派出所'$$,
	$$VALUES ('2026-01-01'::date, 1::bigint, 1::bigint)$$, 'a deleted order is no longer counted');
ROLLBACK TO SAVEPOINT before_delete;
SELECT results_eq($$SELECT month, issued FROM prevent.closure_rate WHERE unit = '戊派出所' ORDER BY month$$,
	$$VALUES ('2026-01-01'::date, 1::bigint), ('2026-02-01'::date, 1::bigint)$$, 'a rolled-back delete leaves the counters as they were');

-- a station's role sees its own unit's figures only
CREATE ROLE prevent_test_views_station;
SELECT prevent.add_member('prevent_test_views_station', '甲派出所');
SET LOCAL ROLE prevent_test_views_station;
SELECT results_eq($$SELECT unit, issued FROM prevent.closure_rate$$, $$VALUES ('甲派出所', 1913::bigint)$$,
	'row-level security: a station sees only its own closure rate');
RESET ROLE;


SELECT ok((SELECT count(*) FROM prevent.overdue_orders WHERE unit = '戊派出所') = 1, 'the open February order is overdue now');
SELECT is((SELECT breach FROM prevent.overdue_orders WHERE unit = '戊派出所'), 'accept', 'its earliest missed deadline is acceptance');
SELECT is((SELECT alerts_30d FROM prevent.keyword_hits WHERE term = '纠纷'), 21719::bigint, 'keyword hits count alerts per term');

-- every view and every column is documented
SELECT is((SELECT count(*) FROM pg_views v WHERE v.schemaname = 'prevent'
			AND obj_description(format('prevent.%I', v.viewname)::regclass, 'pg_class') IS NULL), 0::bigint, 'every view has a comment');
SELECT is((SELECT string_agg(c.relname || '.' || a.attname, ', ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
		   WHERE n.nspname = 'prevent' AND c.relkind = 'v' AND col_description(c.oid, a.attnum) IS NULL), NULL,
	'every view column has a comment');
SELECT ok((SELECT bool_and(coalesce(reloptions::text[] @> '{security_invoker=true}', false)) FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'prevent' AND c.relkind = 'v'),
	'every view applies the reader''s row-level security');

SELECT * FROM finish();
ROLLBACK;
