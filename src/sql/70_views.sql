/* ------------------------------------------------------------------------
 * Views for BI tools.  Plain views (security_invoker, so row-level security
 * by unit applies to whoever reads them), stable column names, counts beside
 * every rate so a BI tool can re-aggregate; rates are percentages rounded to
 * 2 decimals, NULL where the denominator is 0.  Months are calendar months
 * in the report time zone (setting report_time_zone, default Asia/Shanghai),
 * not the session's.  The rate views add up prevent.order_stats (kept by
 * triggers, see 60_stats.sql); the others read the tables through indexes
 * on what is open, pending or recent.
 * ------------------------------------------------------------------------ */

-- closure rate: orders issued in a month, and how many of those are closed (whenever closed)
CREATE VIEW prevent.closure_rate WITH (security_invoker = true) AS
SELECT s.unit, s.month, sum(s.issued)::bigint AS issued, sum(s.closed)::bigint AS closed,
	   prevent.rate(sum(s.closed)::bigint, sum(s.issued)::bigint) AS closure_rate
  FROM prevent.order_stats s
 WHERE s.bucket = 0
 GROUP BY s.unit, s.month
HAVING sum(s.issued) <> 0;
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
SELECT s.unit, s.month, sum(s.issued)::bigint AS issued, sum(s.fed_back_24h)::bigint AS fed_back_24h,
	   prevent.rate(sum(s.fed_back_24h)::bigint, sum(s.issued)::bigint) AS feedback_rate
  FROM prevent.order_stats s
 WHERE s.bucket = 0
 GROUP BY s.unit, s.month
HAVING sum(s.issued) <> 0;
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
SELECT s.unit, s.month, sum(s.closed_in)::bigint AS closed, sum(s.resolved_in)::bigint AS resolved,
	   prevent.rate(sum(s.resolved_in)::bigint, sum(s.closed_in)::bigint) AS resolution_rate
  FROM prevent.order_stats s
 WHERE s.bucket = 0
 GROUP BY s.unit, s.month
HAVING sum(s.closed_in) <> 0;
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
SELECT t.issued, t.closed, prevent.rate(t.closed, t.issued) AS closure_rate,
	   t.fed_back_24h, prevent.rate(t.fed_back_24h, t.issued) AS feedback_rate,
	   t.resolved, prevent.rate(t.resolved, t.closed) AS resolution_rate,
	   t.issued - t.closed AS open
  FROM (SELECT coalesce(sum(s.issued), 0)::bigint AS issued, coalesce(sum(s.closed), 0)::bigint AS closed,
			   coalesce(sum(s.fed_back_24h), 0)::bigint AS fed_back_24h, coalesce(sum(s.resolved_in), 0)::bigint AS resolved
		  FROM prevent.order_stats s
		 WHERE s.bucket = 0) t;
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
SELECT f.unit, f.month, f.bucket,
	   coalesce(k.labels[f.bucket], '> ' || k.labels[pg_catalog.array_length(k.labels, 1)]) AS label,
	   f.orders
  FROM (SELECT s.unit, s.month, s.bucket, sum(s.fed_back)::bigint AS orders
		  FROM prevent.order_stats s
		 WHERE s.bucket > 0
		 GROUP BY s.unit, s.month, s.bucket
		HAVING sum(s.fed_back) <> 0) f
 CROSS JOIN (SELECT coalesce(array_agg(b.label ORDER BY b.upper_bound), '{}') AS labels FROM prevent.feedback_bucket b) k;
COMMENT ON VIEW prevent.feedback_time IS 'Fed-back work orders per unit, month of issue and bucket of time to first feedback (buckets from prevent.feedback_bucket)';
COMMENT ON COLUMN prevent.feedback_time.unit IS 'Unit the orders were issued to';
COMMENT ON COLUMN prevent.feedback_time.month IS 'First day of the month the orders were issued in (report time zone)';
COMMENT ON COLUMN prevent.feedback_time.bucket IS 'Bucket number, 1 = fastest';
COMMENT ON COLUMN prevent.feedback_time.label IS 'Bucket label, e.g. <= 30 min';
COMMENT ON COLUMN prevent.feedback_time.orders IS 'Orders whose first feedback fell in the bucket';

-- parties with repeat incidents
CREATE VIEW prevent.repeat_incidents WITH (security_invoker = true) AS
SELECT r.party,
	   sum(r.incidents)::bigint AS incidents,
	   array_agg(r.unit ORDER BY r.unit) FILTER (WHERE r.unit IS NOT NULL) AS units,
	   min(r.first_at) AS first_at,
	   max(r.last_at) AS last_at
  FROM prevent.repeat_party r
 GROUP BY r.party
HAVING sum(r.incidents) > 1;
COMMENT ON VIEW prevent.repeat_incidents IS 'Parties (phone numbers, ID numbers, party-column values) with more than one alerted incident, one of them flagged as a repeat; counts all their alerted incidents';
COMMENT ON COLUMN prevent.repeat_incidents.party IS 'The party: 11-digit mobile number, 18-character ID number or a party-column value';
COMMENT ON COLUMN prevent.repeat_incidents.incidents IS 'Alerts naming the party';
COMMENT ON COLUMN prevent.repeat_incidents.units IS 'Units of those incidents (more than one: across jurisdictions)';
COMMENT ON COLUMN prevent.repeat_incidents.first_at IS 'When the first of them happened';
COMMENT ON COLUMN prevent.repeat_incidents.last_at IS 'When the last of them happened';

-- the earliest deadline an open work order has missed at a time (NULL: none), in the order
-- order_breaches() lists them: one expression, which PostgreSQL inlines and a Citus cluster
-- evaluates on the shards (it refuses a table function with now() as argument there)
CREATE TYPE prevent.missed_deadline AS (breach text, due timestamptz);
COMMENT ON TYPE prevent.missed_deadline IS 'A deadline of a work order (accept, feedback, close) missed, and when it was due';
CREATE FUNCTION prevent.order_overdue(o prevent.work_order, at timestamptz) RETURNS prevent.missed_deadline
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN prevent.deadline_missed(o.status, o.accepted_at, o.accept_due, at)
			THEN ROW('accept', o.accept_due)::prevent.missed_deadline
			WHEN prevent.deadline_missed(o.status, o.fed_back_at, o.due_at, at)
			THEN ROW('feedback', o.due_at)::prevent.missed_deadline
			WHEN prevent.deadline_missed(o.status, o.closed_at, o.close_due, at)
			THEN ROW('close', o.close_due)::prevent.missed_deadline END;
COMMENT ON FUNCTION prevent.order_overdue(prevent.work_order, timestamptz) IS
'The earliest deadline (accept, feedback, close) an open work order has missed at a time, and when it was due (NULL: none)';

-- open orders past a deadline now.  Written as a Citus cluster can plan it (README, Distributed
-- deployment): the order passed to order_overdue() as a row of prevent.work_order (a whole-row
-- reference would be a shard's row type there), its escalations found by unit too (on a cluster,
-- prevent.distribute() makes that "=": units are not null there, and the join is co-located)
CREATE VIEW prevent.overdue_orders WITH (security_invoker = true) AS
SELECT w.id AS work_order_id, w.unit, w.level, w.status, w.issued_at, (w.b).breach,
	   (w.b).due AS due_at,
	   pg_catalog.now() - (w.b).due AS overdue_by,
	   (SELECT min(e.tier) FROM prevent.escalation e
		 WHERE e.unit IS NOT DISTINCT FROM w.unit AND e.work_order_id = w.id) AS tier
  FROM (SELECT o.id, o.unit, o.level, o.status, o.issued_at,
			   prevent.order_overdue(ROW(o.*)::prevent.work_order, pg_catalog.now()) AS b
		  FROM prevent.work_order o
		 WHERE prevent.order_is_open(o.status)) w
 WHERE (w.b).breach IS NOT NULL;
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
		   count(*) AS alerts_30d
	  FROM prevent.alert a
	 WHERE a.occurred_at >= pg_catalog.now() - interval '30 days'
	 GROUP BY a.terms
), hits AS (
	SELECT t.term, sum(s.alerts_7d) AS alerts_7d, sum(s.alerts_30d) AS alerts_30d
	  FROM per_set s CROSS JOIN LATERAL unnest(s.terms) AS t(term)
	 GROUP BY t.term
)
SELECT k.term,
	   k.category,
	   coalesce(h.alerts_7d, 0)::bigint AS alerts_7d,
	   coalesce(h.alerts_30d, 0)::bigint AS alerts_30d
  FROM prevent.keyword k
  LEFT JOIN hits h ON h.term = k.term
 WHERE k.kind = 'match';
COMMENT ON VIEW prevent.keyword_hits IS 'For each match term: alerts of the last 7 and 30 days it appeared in';
COMMENT ON COLUMN prevent.keyword_hits.term IS 'The match term as written in prevent.keyword';
COMMENT ON COLUMN prevent.keyword_hits.category IS 'Its category';
COMMENT ON COLUMN prevent.keyword_hits.alerts_7d IS 'Alerts of incidents in the last 7 days naming the term';
COMMENT ON COLUMN prevent.keyword_hits.alerts_30d IS 'The same over 30 days';

-- one row per unit: what needs attention now
CREATE VIEW prevent.unit_dashboard WITH (security_invoker = true) AS
WITH pending AS (
	SELECT a.unit, count(*) AS pending_reviews
	  FROM prevent.alert a
	 WHERE a.status = 'pending' AND a.unit IS NOT NULL
	 GROUP BY a.unit
), recent_alerts AS (
	SELECT a.unit,
		   count(*) FILTER (WHERE a.occurred_at >= pg_catalog.now() - interval '7 days') AS alerts_7d,
		   count(*) FILTER (WHERE a.repeat) AS repeats_30d
	  FROM prevent.alert a
	 WHERE a.occurred_at >= pg_catalog.now() - interval '30 days' AND a.unit IS NOT NULL
	 GROUP BY a.unit
), open_orders AS (
	SELECT w.unit,
		   count(*) AS open_orders,
		   count(*) FILTER (WHERE (prevent.order_overdue(ROW(w.*)::prevent.work_order, pg_catalog.now())).breach IS NOT NULL) AS overdue_orders
	  FROM prevent.work_order w
	 WHERE prevent.order_is_open(w.status) AND w.unit IS NOT NULL
	 GROUP BY w.unit
), recent_orders AS (
	SELECT w.unit,
		   count(*) AS issued_30d,
		   count(*) FILTER (WHERE w.closed_at IS NOT NULL) AS closed_30d,
		   count(*) FILTER (WHERE w.fed_back_at <= w.issued_at + interval '24 hours') AS fed_back_24h_30d
	  FROM prevent.work_order w
	 WHERE w.issued_at >= pg_catalog.now() - interval '30 days' AND w.unit IS NOT NULL
	 GROUP BY w.unit
), units AS (
	SELECT p.unit FROM pending p
	UNION SELECT r.unit FROM recent_alerts r
	UNION SELECT o.unit FROM open_orders o
	UNION SELECT r.unit FROM recent_orders r
	UNION SELECT s.unit FROM prevent.order_stats s WHERE s.unit IS NOT NULL
)
SELECT u.unit,
	   coalesce(p.pending_reviews, 0) AS pending_reviews,
	   coalesce(o.open_orders, 0) AS open_orders,
	   coalesce(o.overdue_orders, 0) AS overdue_orders,
	   coalesce(ra.alerts_7d, 0) AS alerts_7d,
	   coalesce(ra.repeats_30d, 0) AS repeats_30d,
	   coalesce(ro.issued_30d, 0) AS issued_30d,
	   prevent.rate(ro.closed_30d, ro.issued_30d) AS closure_rate_30d,
	   prevent.rate(ro.fed_back_24h_30d, ro.issued_30d) AS feedback_rate_30d
  FROM units u
  LEFT JOIN pending p ON p.unit = u.unit
  LEFT JOIN recent_alerts ra ON ra.unit = u.unit
  LEFT JOIN open_orders o ON o.unit = u.unit
  LEFT JOIN recent_orders ro ON ro.unit = u.unit;
COMMENT ON VIEW prevent.unit_dashboard IS 'One row per unit that has ever had a work order, or has alerts pending or of the last 30 days: pending reviews, open and overdue orders, recent alerts and repeats, 30-day closure and 24-hour feedback rates';
COMMENT ON COLUMN prevent.unit_dashboard.unit IS 'Unit (police station)';
COMMENT ON COLUMN prevent.unit_dashboard.pending_reviews IS 'Alerts waiting for prevent.review()';
COMMENT ON COLUMN prevent.unit_dashboard.open_orders IS 'Work orders issued, accepted or fed back, not closed';
COMMENT ON COLUMN prevent.unit_dashboard.overdue_orders IS 'Open orders past a deadline now';
COMMENT ON COLUMN prevent.unit_dashboard.alerts_7d IS 'Alerts of incidents in the last 7 days';
COMMENT ON COLUMN prevent.unit_dashboard.repeats_30d IS 'Repeat incidents in the last 30 days';
COMMENT ON COLUMN prevent.unit_dashboard.issued_30d IS 'Work orders issued in the last 30 days (denominator of the two rates)';
COMMENT ON COLUMN prevent.unit_dashboard.closure_rate_30d IS 'Closure rate of orders issued in the last 30 days, percent';
COMMENT ON COLUMN prevent.unit_dashboard.feedback_rate_30d IS '24-hour feedback rate of orders issued in the last 30 days, percent';

-- alerts by category: what the counters of prevent.alert_stats add up to (60_stats.sql)
CREATE VIEW prevent.alert_counts WITH (security_invoker = true) AS
SELECT s.unit, s.month, s.category, s.level, sum(s.alerts)::bigint AS alerts
  FROM prevent.alert_stats s
 GROUP BY s.unit, s.month, s.category, s.level
HAVING sum(s.alerts) <> 0;
COMMENT ON VIEW prevent.alert_counts IS 'Alerts per unit, month of occurrence, category and level (one row per key, no totals; see prevent.alert_counts_total). An alert with several categories counts once in each: add up over categories only for one category at a time';
COMMENT ON COLUMN prevent.alert_counts.unit IS 'Unit (police station) of the incidents';
COMMENT ON COLUMN prevent.alert_counts.month IS 'First day of the month the incidents occurred in (report time zone)';
COMMENT ON COLUMN prevent.alert_counts.category IS 'Risk category (prevent.category; NULL: alerts with no category, raised by a person of concern alone)';
COMMENT ON COLUMN prevent.alert_counts.level IS 'Alert level (low, medium, high, critical)';
COMMENT ON COLUMN prevent.alert_counts.alerts IS 'Alerts of the unit, month, category and level';

CREATE VIEW prevent.alert_counts_total WITH (security_invoker = true) AS
SELECT c.month, c.category, c.level, sum(c.alerts)::bigint AS alerts
  FROM prevent.alert_counts c
 GROUP BY c.month, c.category, c.level;
COMMENT ON VIEW prevent.alert_counts_total IS 'Alerts of all units per month of occurrence, category and level';
COMMENT ON COLUMN prevent.alert_counts_total.month IS 'First day of the month the incidents occurred in (report time zone)';
COMMENT ON COLUMN prevent.alert_counts_total.category IS 'Risk category (NULL: alerts with no category)';
COMMENT ON COLUMN prevent.alert_counts_total.level IS 'Alert level (low, medium, high, critical)';
COMMENT ON COLUMN prevent.alert_counts_total.alerts IS 'Alerts of the month, category and level';
