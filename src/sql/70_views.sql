/* ------------------------------------------------------------------------
 * Views for BI tools.  (OFFSET 0 keeps the report time zone a one-row
 * subquery evaluated once, instead of a function call per order.)  (The small SQL helpers below carry no SET clause so
 * that the planner can inline them; they name every object with its schema.)  Plain views (security_invoker, so row-level
 * security by unit applies to whoever reads them), stable column names,
 * counts beside every rate so a BI tool can re-aggregate; rates are
 * percentages rounded to 2 decimals, NULL where the denominator is 0.
 * Months are calendar months in the report time zone (setting
 * report_time_zone, default Asia/Shanghai), not the session's.
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent.report_time_zone() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce((SELECT value FROM prevent.setting WHERE name OPERATOR(pg_catalog.=) 'report_time_zone'), 'Asia/Shanghai') $$;
COMMENT ON FUNCTION prevent.report_time_zone() IS 'Time zone in which the views cut months and days (setting report_time_zone)';

CREATE FUNCTION prevent.rate(part bigint, whole bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN whole > 0 THEN pg_catalog.round(100.0 * part / whole, 2) END $$;
COMMENT ON FUNCTION prevent.rate(bigint, bigint) IS 'part / whole in percent, rounded to 2 decimals; NULL when whole is 0';

INSERT INTO prevent.setting (name, value, description, builtin) VALUES
	('report_time_zone', 'Asia/Shanghai', 'Time zone in which the views cut months and days', true);

CREATE TABLE prevent.feedback_bucket (
	upper_bound interval PRIMARY KEY CONSTRAINT feedback_bucket_positive CHECK (upper_bound > '0'::interval),
	label text NOT NULL UNIQUE,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.feedback_bucket IS 'Service-level buckets of time to first feedback, by upper bound; longer times fall into the last, open bucket of prevent.feedback_time';
CREATE FUNCTION prevent.feedback_bucket_before_insert() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	/* pg_restore of a built-in row: take the restored values */
	IF EXISTS (SELECT 1 FROM prevent.feedback_bucket b WHERE b.upper_bound = NEW.upper_bound AND b.builtin) THEN
		UPDATE prevent.feedback_bucket b SET label = NEW.label, builtin = NEW.builtin WHERE b.upper_bound = NEW.upper_bound;
		RETURN NULL;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER feedback_bucket_before_insert BEFORE INSERT ON prevent.feedback_bucket
	FOR EACH ROW EXECUTE FUNCTION prevent.feedback_bucket_before_insert();

INSERT INTO prevent.feedback_bucket (upper_bound, label, builtin) VALUES
	('30 minutes', '<= 30 min', true), ('1 hour', '30-60 min', true), ('2 hours', '1-2 h', true),
	('4 hours', '2-4 h', true), ('24 hours', '4-24 h', true);

-- closure rate: orders issued in a month, and how many of those are closed (whenever closed)
CREATE VIEW prevent.closure_rate WITH (security_invoker = true) AS
SELECT w.unit,
	   (pg_catalog.date_trunc('month', w.issued_at AT TIME ZONE z.tz))::date AS month,
	   count(*) AS issued,
	   count(*) FILTER (WHERE w.closed_at IS NOT NULL) AS closed,
	   prevent.rate(count(*) FILTER (WHERE w.closed_at IS NOT NULL), count(*)) AS closure_rate
  FROM prevent.work_order w
 CROSS JOIN (SELECT prevent.report_time_zone() AS tz OFFSET 0) z
 GROUP BY 1, 2;
COMMENT ON VIEW prevent.closure_rate IS 'Closure rate of work orders per unit and month of issue (one row per unit and month, no totals; see prevent.department_closure_rate)';
COMMENT ON COLUMN prevent.closure_rate.unit IS 'Unit (police station) the orders were issued to';
COMMENT ON COLUMN prevent.closure_rate.month IS 'First day of the month the orders were issued in (report time zone)';
COMMENT ON COLUMN prevent.closure_rate.issued IS 'Orders issued in the month (denominator)';
COMMENT ON COLUMN prevent.closure_rate.closed IS 'Of those, orders closed by now, in any month (numerator)';
COMMENT ON COLUMN prevent.closure_rate.closure_rate IS 'closed / issued in percent, 2 decimals';

CREATE VIEW prevent.department_closure_rate WITH (security_invoker = true) AS
SELECT c.month, sum(c.issued)::bigint AS issued, sum(c.closed)::bigint AS closed,
	   prevent.rate(sum(c.closed)::bigint, sum(c.issued)::bigint) AS closure_rate
  FROM prevent.closure_rate c
 GROUP BY c.month;
COMMENT ON VIEW prevent.department_closure_rate IS 'Closure rate of all units'' work orders per month of issue';
COMMENT ON COLUMN prevent.department_closure_rate.month IS 'First day of the month the orders were issued in (report time zone)';
COMMENT ON COLUMN prevent.department_closure_rate.issued IS 'Orders issued in the month (denominator)';
COMMENT ON COLUMN prevent.department_closure_rate.closed IS 'Of those, orders closed by now (numerator)';
COMMENT ON COLUMN prevent.department_closure_rate.closure_rate IS 'closed / issued in percent, 2 decimals';

-- 24-hour feedback rate: orders issued in a month, and how many got their first feedback within 24 hours
CREATE VIEW prevent.feedback_rate WITH (security_invoker = true) AS
SELECT w.unit,
	   (pg_catalog.date_trunc('month', w.issued_at AT TIME ZONE z.tz))::date AS month,
	   count(*) AS issued,
	   count(*) FILTER (WHERE w.fed_back_at <= w.issued_at + interval '24 hours') AS fed_back_24h,
	   prevent.rate(count(*) FILTER (WHERE w.fed_back_at <= w.issued_at + interval '24 hours'), count(*)) AS feedback_rate
  FROM prevent.work_order w
 CROSS JOIN (SELECT prevent.report_time_zone() AS tz OFFSET 0) z
 GROUP BY 1, 2;
COMMENT ON VIEW prevent.feedback_rate IS '24-hour feedback rate of work orders per unit and month of issue';
COMMENT ON COLUMN prevent.feedback_rate.unit IS 'Unit the orders were issued to';
COMMENT ON COLUMN prevent.feedback_rate.month IS 'First day of the month the orders were issued in (report time zone)';
COMMENT ON COLUMN prevent.feedback_rate.issued IS 'Orders issued in the month (denominator)';
COMMENT ON COLUMN prevent.feedback_rate.fed_back_24h IS 'Of those, orders whose first feedback came within 24 hours of issue (numerator)';
COMMENT ON COLUMN prevent.feedback_rate.feedback_rate IS 'fed_back_24h / issued in percent, 2 decimals';

CREATE VIEW prevent.department_feedback_rate WITH (security_invoker = true) AS
SELECT f.month, sum(f.issued)::bigint AS issued, sum(f.fed_back_24h)::bigint AS fed_back_24h,
	   prevent.rate(sum(f.fed_back_24h)::bigint, sum(f.issued)::bigint) AS feedback_rate
  FROM prevent.feedback_rate f
 GROUP BY f.month;
COMMENT ON VIEW prevent.department_feedback_rate IS '24-hour feedback rate of all units'' work orders per month of issue';
COMMENT ON COLUMN prevent.department_feedback_rate.month IS 'First day of the month the orders were issued in (report time zone)';
COMMENT ON COLUMN prevent.department_feedback_rate.issued IS 'Orders issued in the month (denominator)';
COMMENT ON COLUMN prevent.department_feedback_rate.fed_back_24h IS 'Of those, orders first fed back within 24 hours of issue (numerator)';
COMMENT ON COLUMN prevent.department_feedback_rate.feedback_rate IS 'fed_back_24h / issued in percent, 2 decimals';

-- resolution rate: orders closed in a month, and how many of those were resolved
CREATE VIEW prevent.resolution_rate WITH (security_invoker = true) AS
SELECT w.unit,
	   (pg_catalog.date_trunc('month', w.closed_at AT TIME ZONE z.tz))::date AS month,
	   count(*) AS closed,
	   count(*) FILTER (WHERE w.resolved) AS resolved,
	   prevent.rate(count(*) FILTER (WHERE w.resolved), count(*)) AS resolution_rate
  FROM prevent.work_order w
 CROSS JOIN (SELECT prevent.report_time_zone() AS tz OFFSET 0) z
 WHERE w.closed_at IS NOT NULL
 GROUP BY 1, 2;
COMMENT ON VIEW prevent.resolution_rate IS 'Resolution rate of closed work orders per unit and month of closing';
COMMENT ON COLUMN prevent.resolution_rate.unit IS 'Unit the orders were issued to';
COMMENT ON COLUMN prevent.resolution_rate.month IS 'First day of the month the orders were closed in (report time zone)';
COMMENT ON COLUMN prevent.resolution_rate.closed IS 'Orders closed in the month (denominator)';
COMMENT ON COLUMN prevent.resolution_rate.resolved IS 'Of those, orders closed as resolved (numerator)';
COMMENT ON COLUMN prevent.resolution_rate.resolution_rate IS 'resolved / closed in percent, 2 decimals';

CREATE VIEW prevent.department_resolution_rate WITH (security_invoker = true) AS
SELECT r.month, sum(r.closed)::bigint AS closed, sum(r.resolved)::bigint AS resolved,
	   prevent.rate(sum(r.resolved)::bigint, sum(r.closed)::bigint) AS resolution_rate
  FROM prevent.resolution_rate r
 GROUP BY r.month;
COMMENT ON VIEW prevent.department_resolution_rate IS 'Resolution rate of all units'' closed work orders per month of closing';
COMMENT ON COLUMN prevent.department_resolution_rate.month IS 'First day of the month the orders were closed in (report time zone)';
COMMENT ON COLUMN prevent.department_resolution_rate.closed IS 'Orders closed in the month (denominator)';
COMMENT ON COLUMN prevent.department_resolution_rate.resolved IS 'Of those, orders closed as resolved (numerator)';
COMMENT ON COLUMN prevent.department_resolution_rate.resolution_rate IS 'resolved / closed in percent, 2 decimals';

-- headline figures over all time, one row
CREATE VIEW prevent.department_summary WITH (security_invoker = true) AS
SELECT count(*) AS issued,
	   count(*) FILTER (WHERE w.closed_at IS NOT NULL) AS closed,
	   prevent.rate(count(*) FILTER (WHERE w.closed_at IS NOT NULL), count(*)) AS closure_rate,
	   count(*) FILTER (WHERE w.fed_back_at <= w.issued_at + interval '24 hours') AS fed_back_24h,
	   prevent.rate(count(*) FILTER (WHERE w.fed_back_at <= w.issued_at + interval '24 hours'), count(*)) AS feedback_rate,
	   count(*) FILTER (WHERE w.resolved) AS resolved,
	   prevent.rate(count(*) FILTER (WHERE w.resolved), count(*) FILTER (WHERE w.closed_at IS NOT NULL)) AS resolution_rate,
	   count(*) FILTER (WHERE w.closed_at IS NULL) AS open
  FROM prevent.work_order w;
COMMENT ON VIEW prevent.department_summary IS 'Headline figures over all work orders: one row';
COMMENT ON COLUMN prevent.department_summary.issued IS 'All work orders issued';
COMMENT ON COLUMN prevent.department_summary.closed IS 'Orders closed';
COMMENT ON COLUMN prevent.department_summary.closure_rate IS 'closed / issued in percent';
COMMENT ON COLUMN prevent.department_summary.fed_back_24h IS 'Orders first fed back within 24 hours of issue';
COMMENT ON COLUMN prevent.department_summary.feedback_rate IS 'fed_back_24h / issued in percent';
COMMENT ON COLUMN prevent.department_summary.resolved IS 'Orders closed as resolved';
COMMENT ON COLUMN prevent.department_summary.resolution_rate IS 'resolved / closed in percent';
COMMENT ON COLUMN prevent.department_summary.open IS 'Orders not closed yet';

-- time to first feedback in service-level buckets
CREATE VIEW prevent.feedback_time WITH (security_invoker = true) AS
SELECT w.unit,
	   (pg_catalog.date_trunc('month', w.issued_at AT TIME ZONE k.tz))::date AS month,
	   -- bounds are upper-inclusive: the bucket is 1 + the number of bounds below the time
	   pg_catalog.width_bucket(w.fed_back_at - w.issued_at - interval '1 microsecond', k.bounds) + 1 AS bucket,
	   coalesce(k.labels[pg_catalog.width_bucket(w.fed_back_at - w.issued_at - interval '1 microsecond', k.bounds) + 1],
				'> ' || k.labels[pg_catalog.array_length(k.labels, 1)]) AS label,
	   count(*) AS orders
  FROM prevent.work_order w
 CROSS JOIN (SELECT prevent.report_time_zone() AS tz,
					coalesce(array_agg(b.upper_bound ORDER BY b.upper_bound), '{}') AS bounds,
					coalesce(array_agg(b.label ORDER BY b.upper_bound), '{}') AS labels
			   FROM prevent.feedback_bucket b) k
 WHERE w.fed_back_at IS NOT NULL
 GROUP BY 1, 2, 3, 4;
COMMENT ON VIEW prevent.feedback_time IS 'Fed-back work orders per unit, month of issue and bucket of time to first feedback (buckets from prevent.feedback_bucket)';
COMMENT ON COLUMN prevent.feedback_time.unit IS 'Unit the orders were issued to';
COMMENT ON COLUMN prevent.feedback_time.month IS 'First day of the month the orders were issued in (report time zone)';
COMMENT ON COLUMN prevent.feedback_time.bucket IS 'Bucket number, 1 = fastest';
COMMENT ON COLUMN prevent.feedback_time.label IS 'Bucket label, e.g. <= 30 min';
COMMENT ON COLUMN prevent.feedback_time.orders IS 'Orders whose first feedback fell in the bucket';

-- parties with repeat incidents
CREATE VIEW prevent.repeat_incidents WITH (security_invoker = true) AS
SELECT p.party,
	   count(*) AS incidents,
	   array_agg(DISTINCT a.unit ORDER BY a.unit) FILTER (WHERE a.unit IS NOT NULL) AS units,
	   min(a.occurred_at) AS first_at,
	   max(a.occurred_at) AS last_at
  FROM prevent.alert a
 CROSS JOIN LATERAL unnest(a.parties) AS p(party)
 WHERE p.party IN (SELECT q.party FROM prevent.alert r CROSS JOIN LATERAL unnest(r.parties) AS q(party) WHERE r.repeat)
 GROUP BY p.party
HAVING count(*) > 1;
COMMENT ON VIEW prevent.repeat_incidents IS 'Parties (phone numbers, ID numbers, party-column values) with more than one alerted incident, one of them flagged as a repeat; counts all their alerted incidents';
COMMENT ON COLUMN prevent.repeat_incidents.party IS 'The party: 11-digit mobile number, 18-character ID number or a party-column value';
COMMENT ON COLUMN prevent.repeat_incidents.incidents IS 'Alerts naming the party';
COMMENT ON COLUMN prevent.repeat_incidents.units IS 'Units of those incidents (more than one: across jurisdictions)';
COMMENT ON COLUMN prevent.repeat_incidents.first_at IS 'When the first of them happened';
COMMENT ON COLUMN prevent.repeat_incidents.last_at IS 'When the last of them happened';

-- open orders past a deadline now
CREATE VIEW prevent.overdue_orders WITH (security_invoker = true) AS
SELECT o.work_order_id, o.unit, o.level, o.status, o.issued_at, o.breach,
	   o.due_at,
	   pg_catalog.now() - o.due_at AS overdue_by,
	   (SELECT min(e.tier) FROM prevent.escalation e WHERE e.work_order_id = o.work_order_id) AS tier
  FROM (SELECT w.id AS work_order_id, w.unit, w.level, w.status, w.issued_at,
			   CASE WHEN w.accepted_at IS NULL AND w.accept_due < pg_catalog.now() THEN 'accept'
					WHEN w.fed_back_at IS NULL AND w.due_at < pg_catalog.now() THEN 'feedback'
					WHEN w.closed_at IS NULL AND w.close_due < pg_catalog.now() THEN 'close' END AS breach,
			   CASE WHEN w.accepted_at IS NULL AND w.accept_due < pg_catalog.now() THEN w.accept_due
					WHEN w.fed_back_at IS NULL AND w.due_at < pg_catalog.now() THEN w.due_at
					WHEN w.closed_at IS NULL AND w.close_due < pg_catalog.now() THEN w.close_due END AS due_at
		  FROM prevent.work_order w
		 WHERE w.status IN ('issued', 'accepted', 'fed_back')) o
 WHERE o.breach IS NOT NULL;
COMMENT ON VIEW prevent.overdue_orders IS 'Open work orders past a deadline now: the earliest missed deadline, how late, and the highest tier now following the order';
COMMENT ON COLUMN prevent.overdue_orders.work_order_id IS 'The work order';
COMMENT ON COLUMN prevent.overdue_orders.unit IS 'Unit it was issued to';
COMMENT ON COLUMN prevent.overdue_orders.level IS 'Risk level of the order';
COMMENT ON COLUMN prevent.overdue_orders.status IS 'Its status now: issued, accepted or fed_back';
COMMENT ON COLUMN prevent.overdue_orders.issued_at IS 'When it was issued';
COMMENT ON COLUMN prevent.overdue_orders.breach IS 'The earliest missed deadline: accept, feedback or close';
COMMENT ON COLUMN prevent.overdue_orders.due_at IS 'When that deadline was';
COMMENT ON COLUMN prevent.overdue_orders.overdue_by IS 'How late the order is now';
COMMENT ON COLUMN prevent.overdue_orders.tier IS 'Highest tier following the order (1 command center, 2 specialist unit, 3 base-control center; NULL: only the unit)';

-- keyword hits in alerts
CREATE VIEW prevent.keyword_hits WITH (security_invoker = true) AS
WITH per_set AS (
	-- alerts counted per distinct set of terms first: far fewer rows to unnest
	SELECT a.terms,
		   count(*) FILTER (WHERE a.occurred_at >= pg_catalog.now() - interval '7 days') AS alerts_7d,
		   count(*) FILTER (WHERE a.occurred_at >= pg_catalog.now() - interval '30 days') AS alerts_30d,
		   count(*) AS alerts
	  FROM prevent.alert a
	 GROUP BY a.terms
), hits AS (
	SELECT t.term, sum(s.alerts_7d) AS alerts_7d, sum(s.alerts_30d) AS alerts_30d, sum(s.alerts) AS alerts
	  FROM per_set s CROSS JOIN LATERAL unnest(s.terms) AS t(term)
	 GROUP BY t.term
)
SELECT k.term,
	   k.category,
	   coalesce(h.alerts_7d, 0)::bigint AS alerts_7d,
	   coalesce(h.alerts_30d, 0)::bigint AS alerts_30d,
	   coalesce(h.alerts, 0)::bigint AS alerts
  FROM prevent.keyword k
  LEFT JOIN hits h ON h.term = k.term
 WHERE k.kind = 'match';
COMMENT ON VIEW prevent.keyword_hits IS 'For each match term: alerts it appeared in, over the last 7 and 30 days and in all';
COMMENT ON COLUMN prevent.keyword_hits.term IS 'The match term as written in prevent.keyword';
COMMENT ON COLUMN prevent.keyword_hits.category IS 'Its category';
COMMENT ON COLUMN prevent.keyword_hits.alerts_7d IS 'Alerts of incidents in the last 7 days naming the term';
COMMENT ON COLUMN prevent.keyword_hits.alerts_30d IS 'The same over 30 days';
COMMENT ON COLUMN prevent.keyword_hits.alerts IS 'The same over all time';

-- one row per unit: what needs attention now
CREATE VIEW prevent.unit_dashboard WITH (security_invoker = true) AS
WITH a AS (
	SELECT a.unit,
		   count(*) FILTER (WHERE a.status = 'pending') AS pending_reviews,
		   count(*) FILTER (WHERE a.occurred_at >= pg_catalog.now() - interval '7 days') AS alerts_7d,
		   count(*) FILTER (WHERE a.repeat AND a.occurred_at >= pg_catalog.now() - interval '30 days') AS repeats_30d
	  FROM prevent.alert a
	 WHERE a.unit IS NOT NULL
	 GROUP BY a.unit
), w AS (
	SELECT w.unit,
		   count(*) FILTER (WHERE w.status IN ('issued', 'accepted', 'fed_back')) AS open_orders,
		   count(*) FILTER (WHERE w.status IN ('issued', 'accepted', 'fed_back')
							  AND ((w.accepted_at IS NULL AND w.accept_due < pg_catalog.now())
								OR (w.fed_back_at IS NULL AND w.due_at < pg_catalog.now())
								OR (w.closed_at IS NULL AND w.close_due < pg_catalog.now()))) AS overdue_orders,
		   count(*) FILTER (WHERE w.issued_at >= pg_catalog.now() - interval '30 days') AS issued_30d,
		   count(*) FILTER (WHERE w.issued_at >= pg_catalog.now() - interval '30 days' AND w.closed_at IS NOT NULL) AS closed_30d,
		   count(*) FILTER (WHERE w.issued_at >= pg_catalog.now() - interval '30 days'
							  AND w.fed_back_at <= w.issued_at + interval '24 hours') AS fed_back_24h_30d
	  FROM prevent.work_order w
	 WHERE w.unit IS NOT NULL
	 GROUP BY w.unit
)
SELECT coalesce(a.unit, w.unit) AS unit,
	   coalesce(a.pending_reviews, 0) AS pending_reviews,
	   coalesce(w.open_orders, 0) AS open_orders,
	   coalesce(w.overdue_orders, 0) AS overdue_orders,
	   coalesce(a.alerts_7d, 0) AS alerts_7d,
	   coalesce(a.repeats_30d, 0) AS repeats_30d,
	   coalesce(w.issued_30d, 0) AS issued_30d,
	   prevent.rate(w.closed_30d, w.issued_30d) AS closure_rate_30d,
	   prevent.rate(w.fed_back_24h_30d, w.issued_30d) AS feedback_rate_30d
  FROM a FULL JOIN w ON w.unit = a.unit;
COMMENT ON VIEW prevent.unit_dashboard IS 'One row per unit: pending reviews, open and overdue orders, recent alerts and repeats, 30-day closure and 24-hour feedback rates';
COMMENT ON COLUMN prevent.unit_dashboard.unit IS 'Unit (police station)';
COMMENT ON COLUMN prevent.unit_dashboard.pending_reviews IS 'Alerts waiting for prevent.review()';
COMMENT ON COLUMN prevent.unit_dashboard.open_orders IS 'Work orders issued, accepted or fed back, not closed';
COMMENT ON COLUMN prevent.unit_dashboard.overdue_orders IS 'Open orders past a deadline now';
COMMENT ON COLUMN prevent.unit_dashboard.alerts_7d IS 'Alerts of incidents in the last 7 days';
COMMENT ON COLUMN prevent.unit_dashboard.repeats_30d IS 'Repeat incidents in the last 30 days';
COMMENT ON COLUMN prevent.unit_dashboard.issued_30d IS 'Work orders issued in the last 30 days (denominator of the two rates)';
COMMENT ON COLUMN prevent.unit_dashboard.closure_rate_30d IS 'Closure rate of orders issued in the last 30 days, percent';
COMMENT ON COLUMN prevent.unit_dashboard.feedback_rate_30d IS '24-hour feedback rate of orders issued in the last 30 days, percent';

CREATE INDEX work_order_closed_idx ON prevent.work_order (unit, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX alert_occurred_idx ON prevent.alert (occurred_at);
CREATE INDEX escalation_work_order_idx ON prevent.escalation (work_order_id);
