/* ------------------------------------------------------------------------
 * Counters behind the rate views.
 *
 * The rate views do not read the work orders: they add up prevent.order_stats,
 * counters per unit, month (in the report time zone) and feedback-time
 * bucket, kept exact by statement triggers on prevent.work_order in the
 * transaction that changes the orders.  Writers only add rows (a key may
 * have several; the views sum them), so they never wait for one another on a
 * counter; every so often a writer folds each key's rows into one.
 * Changing report_time_zone or prevent.feedback_bucket rebuilds the counters
 * (prevent.refresh_stats()); so does a pg_restore, through the same triggers.
 * prevent.alert_stats does the same for alerts per unit, month, category and
 * level (prevent.alert_counts), kept by statement triggers on prevent.alert.
 * ------------------------------------------------------------------------ */

/*
 * The SQL functions below are inlined into the views and triggers that call
 * them; their bodies are bound when the extension is created (RETURN / BEGIN
 * ATOMIC), so no operator or function of the caller's search_path can be
 * resolved in them.
 */
CREATE FUNCTION prevent.report_time_zone() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT coalesce((SELECT s.value FROM prevent.setting s WHERE s.name OPERATOR(pg_catalog.=) 'report_time_zone'), 'Asia/Shanghai');
END;
COMMENT ON FUNCTION prevent.report_time_zone() IS 'Time zone in which the views cut months and days (setting report_time_zone)';

CREATE FUNCTION prevent.rate(part bigint, whole bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN whole OPERATOR(pg_catalog.>) 0
			THEN pg_catalog.round((100.0 OPERATOR(pg_catalog.*) part::pg_catalog.numeric)
								  OPERATOR(pg_catalog./) whole::pg_catalog.numeric, 2) END;
COMMENT ON FUNCTION prevent.rate(bigint, bigint) IS 'part / whole in percent, rounded to 2 decimals; NULL when whole is 0';

CREATE TABLE prevent.feedback_bucket (
	upper_bound interval PRIMARY KEY CONSTRAINT feedback_bucket_positive CHECK (upper_bound > '0'::interval),
	label text NOT NULL UNIQUE,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.feedback_bucket IS 'Service-level buckets of time to first feedback, by upper bound; longer times fall into the last, open bucket of prevent.feedback_time';
CREATE TRIGGER feedback_bucket_restore_builtin BEFORE INSERT ON prevent.feedback_bucket
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('upper_bound');

INSERT INTO prevent.feedback_bucket (upper_bound, label, builtin) VALUES
	('30 minutes', '<= 30 min', true), ('1 hour', '30-60 min', true), ('2 hours', '1-2 h', true),
	('4 hours', '2-4 h', true), ('24 hours', '4-24 h', true);

-- the bounds of prevent.feedback_bucket, in order: what the bucket numbers are cut by (this and
-- report_time_zone(): bodies of BEGIN ATOMIC, not RETURN, which Citus fails on when they read a table)
CREATE FUNCTION prevent._feedback_bounds() RETURNS interval[]
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT coalesce(pg_catalog.array_agg(b.upper_bound ORDER BY b.upper_bound), '{}') FROM prevent.feedback_bucket b;
END;

-- what the counters are cut by now
CREATE TABLE prevent.stats_state (
	one boolean PRIMARY KEY DEFAULT true CONSTRAINT stats_state_one_row CHECK (one),
	time_zone text NOT NULL,
	bounds interval[] NOT NULL,
	refreshed_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE prevent.stats_state IS 'The report time zone and feedback-bucket bounds prevent.order_stats is cut by (one row; kept in step by triggers)';
INSERT INTO prevent.stats_state (time_zone, bounds) VALUES (prevent.report_time_zone(), prevent._feedback_bounds());

CREATE TABLE prevent.order_stats (
	unit text,
	month date NOT NULL,
	bucket int NOT NULL,
	issued bigint NOT NULL DEFAULT 0,
	closed bigint NOT NULL DEFAULT 0,
	fed_back_24h bigint NOT NULL DEFAULT 0,
	closed_in bigint NOT NULL DEFAULT 0,
	resolved_in bigint NOT NULL DEFAULT 0,
	fed_back bigint NOT NULL DEFAULT 0
);
CREATE INDEX order_stats_key_idx ON prevent.order_stats (unit, month, bucket);
COMMENT ON TABLE prevent.order_stats IS 'Work-order counters per unit, month and feedback bucket, kept by triggers on prevent.work_order; read them through the rate views (a key may have several rows: add them up)';
COMMENT ON COLUMN prevent.order_stats.month IS 'First day of a month in the report time zone';
COMMENT ON COLUMN prevent.order_stats.bucket IS '0: the order counters; 1..n: fed_back counts the orders of the month whose first feedback fell in feedback bucket n';
COMMENT ON COLUMN prevent.order_stats.issued IS 'Orders issued in the month';
COMMENT ON COLUMN prevent.order_stats.closed IS 'Orders issued in the month and closed (in any month)';
COMMENT ON COLUMN prevent.order_stats.fed_back_24h IS 'Orders issued in the month and first fed back within 24 hours';
COMMENT ON COLUMN prevent.order_stats.closed_in IS 'Orders closed in the month';
COMMENT ON COLUMN prevent.order_stats.resolved_in IS 'Orders closed in the month as resolved';
COMMENT ON COLUMN prevent.order_stats.fed_back IS 'Bucket rows: orders issued in the month first fed back within the bucket';

SELECT prevent._restrict_to_unit('prevent.order_stats');

-- what one work order adds to the counters (p_sign -1: what it takes away)
CREATE FUNCTION prevent._order_contribution(p_unit text, p_issued_at timestamptz, p_fed_back_at timestamptz,
	p_closed_at timestamptz, p_resolved boolean, p_sign int, p_time_zone text, p_bounds interval[])
RETURNS TABLE (unit text, month date, bucket int, issued int, closed int, fed_back_24h int,
			   closed_in int, resolved_in int, fed_back int)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT p_unit, (pg_catalog.date_trunc('month', p_issued_at AT TIME ZONE p_time_zone))::pg_catalog.date, 0,
		   p_sign, CASE WHEN p_closed_at IS NOT NULL THEN p_sign ELSE 0 END,
		   CASE WHEN p_fed_back_at OPERATOR(pg_catalog.<=) (p_issued_at OPERATOR(pg_catalog.+) interval '24 hours')
				THEN p_sign ELSE 0 END, 0, 0, 0
	UNION ALL
	SELECT p_unit, (pg_catalog.date_trunc('month', p_closed_at AT TIME ZONE p_time_zone))::pg_catalog.date, 0,
		   0, 0, 0, p_sign, CASE WHEN p_resolved THEN p_sign ELSE 0 END, 0
	 WHERE p_closed_at IS NOT NULL
	UNION ALL
	-- bounds are upper-inclusive: the bucket is 1 + the number of bounds below the time
	SELECT p_unit, (pg_catalog.date_trunc('month', p_issued_at AT TIME ZONE p_time_zone))::pg_catalog.date,
		   pg_catalog.width_bucket((p_fed_back_at OPERATOR(pg_catalog.-) p_issued_at)
								   OPERATOR(pg_catalog.-) interval '1 microsecond', p_bounds) OPERATOR(pg_catalog.+) 1,
		   0, 0, 0, 0, 0, p_sign
	 WHERE p_fed_back_at IS NOT NULL;
END;

-- whether any of a key's counters is not zero
CREATE FUNCTION prevent._counts_nonzero(a numeric, b numeric, c numeric, d numeric, e numeric, f numeric) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN a OPERATOR(pg_catalog.<>) 0 OR b OPERATOR(pg_catalog.<>) 0 OR c OPERATOR(pg_catalog.<>) 0
	OR d OPERATOR(pg_catalog.<>) 0 OR e OPERATOR(pg_catalog.<>) 0 OR f OPERATOR(pg_catalog.<>) 0;

-- fold every key's rows into one (rows other transactions are adding now are not seen, and stay)
CREATE FUNCTION prevent._compact_order_stats() RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
	WITH gone AS (DELETE FROM prevent.order_stats s RETURNING s.*)
	INSERT INTO prevent.order_stats (unit, month, bucket, issued, closed, fed_back_24h, closed_in, resolved_in, fed_back)
	SELECT g.unit, g.month, g.bucket, sum(g.issued), sum(g.closed), sum(g.fed_back_24h), sum(g.closed_in),
		   sum(g.resolved_in), sum(g.fed_back)
	  FROM gone g
	 GROUP BY g.unit, g.month, g.bucket
	HAVING prevent._counts_nonzero(sum(g.issued), sum(g.closed), sum(g.fed_back_24h), sum(g.closed_in),
								   sum(g.resolved_in), sum(g.fed_back))
$$;

-- counts the rows written to prevent.order_stats, to fold them every so often
CREATE SEQUENCE prevent.order_stats_writes CYCLE;

/*
 * Whether a writer that just added rows to a counters table folds it now:
 * when one of them is the 1,024th since the last fold (the sequence writes
 * counts them), and no other writer holds the job's row of
 * prevent._job_lock (taken here until the end of the transaction).  For
 * prevent.order_stats and prevent.alert_stats.
 */
CREATE FUNCTION prevent._fold_due(writes regclass, job text, added bigint) RETURNS boolean
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (SELECT FROM pg_catalog.generate_series(1, added) WHERE pg_catalog.nextval(writes) % 1024 = 0)
	   AND EXISTS (SELECT FROM prevent._job_lock j WHERE j.job = _fold_due.job FOR UPDATE SKIP LOCKED)
$$;

/*
 * Statement trigger on prevent.work_order: the statement's changes to each
 * key's counters, summed in one set-based statement, are added as new rows
 * (a pg_restore of a million orders is one statement; an order's transition
 * adds a row or two).  Only adding rows, a writer never waits for another,
 * and a long transaction that changes thousands of orders one by one does not
 * build a chain of row versions.  Every 1,024 rows the writer that gets the
 * fold lock folds each key's rows into one.  new_rows exists only for INSERT
 * and UPDATE, old_rows only for UPDATE and DELETE.
 */
CREATE FUNCTION prevent._work_order_stats() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st prevent.stats_state;
	added bigint;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM prevent.order_stats;
		RETURN NULL;
	END IF;
	-- a statement trigger fires for no rows too (the alert writer's statement for an alert with no order)
	IF TG_OP = 'DELETE' THEN
		PERFORM FROM old_rows LIMIT 1;
	ELSE
		PERFORM FROM new_rows LIMIT 1;
	END IF;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	-- an update that changed none of the columns counted (escalate_overdue() moving
	-- next_escalation_due, a repeated feedback) nets to zero: not worth summing
	-- (the query is planned only for UPDATE: old_rows exists for no other event)
	IF TG_OP = 'UPDATE' THEN
		IF NOT EXISTS (SELECT o.unit, o.issued_at, o.fed_back_at, o.closed_at, o.resolved FROM old_rows o
					   EXCEPT ALL
					   SELECT n.unit, n.issued_at, n.fed_back_at, n.closed_at, n.resolved FROM new_rows n) THEN
			RETURN NULL;
		END IF;
	END IF;
	-- FOR SHARE: a REPEATABLE READ writer that missed a rebuild fails instead of counting in old months
	SELECT * INTO st FROM prevent.stats_state FOR SHARE;
	-- one statement per event (a transition table exists only for its events); keys that net to
	-- zero (an order accepted: nothing counted changes) are not written
	IF TG_OP = 'INSERT' THEN
		INSERT INTO prevent.order_stats (unit, month, bucket, issued, closed, fed_back_24h, closed_in, resolved_in, fed_back)
		SELECT x.unit, x.month, x.bucket, sum(x.issued), sum(x.closed), sum(x.fed_back_24h), sum(x.closed_in), sum(x.resolved_in), sum(x.fed_back)
		  FROM new_rows n, prevent._order_contribution(n.unit, n.issued_at, n.fed_back_at, n.closed_at, n.resolved, 1, st.time_zone, st.bounds) x
		 GROUP BY x.unit, x.month, x.bucket;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO prevent.order_stats (unit, month, bucket, issued, closed, fed_back_24h, closed_in, resolved_in, fed_back)
		SELECT x.unit, x.month, x.bucket, sum(x.issued), sum(x.closed), sum(x.fed_back_24h), sum(x.closed_in), sum(x.resolved_in), sum(x.fed_back)
		  FROM old_rows o, prevent._order_contribution(o.unit, o.issued_at, o.fed_back_at, o.closed_at, o.resolved, -1, st.time_zone, st.bounds) x
		 GROUP BY x.unit, x.month, x.bucket;
	ELSE
		INSERT INTO prevent.order_stats (unit, month, bucket, issued, closed, fed_back_24h, closed_in, resolved_in, fed_back)
		SELECT x.unit, x.month, x.bucket, sum(x.issued), sum(x.closed), sum(x.fed_back_24h), sum(x.closed_in), sum(x.resolved_in), sum(x.fed_back)
		  FROM (SELECT -1 AS sign, o.unit, o.issued_at, o.fed_back_at, o.closed_at, o.resolved FROM old_rows o
				UNION ALL
				SELECT 1, n.unit, n.issued_at, n.fed_back_at, n.closed_at, n.resolved FROM new_rows n) r,
			   prevent._order_contribution(r.unit, r.issued_at, r.fed_back_at, r.closed_at, r.resolved, r.sign, st.time_zone, st.bounds) x
		 GROUP BY x.unit, x.month, x.bucket
		HAVING prevent._counts_nonzero(sum(x.issued), sum(x.closed), sum(x.fed_back_24h), sum(x.closed_in), sum(x.resolved_in), sum(x.fed_back));
	END IF;
	GET DIAGNOSTICS added = ROW_COUNT;
	IF prevent._fold_due('prevent.order_stats_writes', 'order_stats', added) THEN
		PERFORM prevent._compact_order_stats();
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER work_order_stats_insert AFTER INSERT ON prevent.work_order
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._work_order_stats();
CREATE TRIGGER work_order_stats_update AFTER UPDATE ON prevent.work_order
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._work_order_stats();
CREATE TRIGGER work_order_stats_delete AFTER DELETE ON prevent.work_order
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._work_order_stats();
CREATE TRIGGER work_order_stats_truncate AFTER TRUNCATE ON prevent.work_order
	FOR EACH STATEMENT EXECUTE FUNCTION prevent._work_order_stats();

-- rebuild the order counters from the work orders
CREATE FUNCTION prevent._rebuild_order_stats() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	tz text;
	b interval[];
	orders bigint;
BEGIN
	IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
		RAISE EXCEPTION 'prevent''s order counters can only be rebuilt in a READ COMMITTED transaction'
			USING ERRCODE = 'invalid_transaction_state',
				  DETAIL = 'Changing report_time_zone or prevent.feedback_bucket rebuilds them, as does prevent.refresh_stats().',
				  HINT = 'Run it in a transaction of isolation level READ COMMITTED (the default).';
	END IF;
	-- no fold meanwhile (a row lock only the owner can take: an advisory lock any role could hold
	-- would make this wait while holding SHARE on work_order, blocking every alert that issues an order)
	PERFORM FROM prevent._job_lock j WHERE j.job = 'order_stats' FOR UPDATE;
	-- waits for the transactions writing orders now, and holds off new ones until commit
	LOCK TABLE prevent.work_order IN SHARE MODE;
	tz := prevent.report_time_zone();
	b := prevent._feedback_bounds();
	UPDATE prevent.stats_state SET time_zone = tz, bounds = b, refreshed_at = pg_catalog.now();
	DELETE FROM prevent.order_stats;
	INSERT INTO prevent.order_stats (unit, month, bucket, issued, closed, fed_back_24h, closed_in, resolved_in, fed_back)
	SELECT c.unit, c.month, c.bucket, sum(c.issued), sum(c.closed), sum(c.fed_back_24h), sum(c.closed_in),
		   sum(c.resolved_in), sum(c.fed_back)
	  FROM prevent.work_order w,
		   prevent._order_contribution(w.unit, w.issued_at, w.fed_back_at, w.closed_at, w.resolved, 1, tz, b) c
	 GROUP BY c.unit, c.month, c.bucket;
	SELECT coalesce(sum(s.issued), 0) INTO orders FROM prevent.order_stats s WHERE s.bucket = 0;
	RETURN orders;
END
$$;

/*
 * Alerts per unit, month (report time zone), category and level: what
 * prevent.alert_counts adds up, kept as prevent.order_stats is (statement
 * triggers on prevent.alert add rows, a writer folds them every 1,024 rows;
 * prevent.refresh_stats() and a change of report_time_zone rebuild them).
 * An alert counts once in each of its categories; one with none (raised by
 * a person of concern alone) under category NULL.
 */
CREATE TABLE prevent.alert_stats (
	unit text,
	month date NOT NULL,
	category text,
	level prevent.risk_level NOT NULL,
	alerts bigint NOT NULL
);
CREATE INDEX alert_stats_key_idx ON prevent.alert_stats (unit, month, category, level);
COMMENT ON TABLE prevent.alert_stats IS 'Alert counters per unit, month, category and level, kept by triggers on prevent.alert; read them through prevent.alert_counts (a key may have several rows: add them up)';
COMMENT ON COLUMN prevent.alert_stats.month IS 'First day of the month the incidents occurred in (report time zone)';
COMMENT ON COLUMN prevent.alert_stats.category IS 'One of the alerts'' categories (NULL: alerts with none)';
COMMENT ON COLUMN prevent.alert_stats.alerts IS 'Alerts (negative: taken away by a later change)';
SELECT prevent._restrict_to_unit('prevent.alert_stats');
INSERT INTO prevent._job_lock (job) VALUES ('alert_stats');

-- what one alert adds to the counters (p_sign -1: what it takes away)
CREATE FUNCTION prevent._alert_contribution(p_unit text, p_occurred_at timestamptz, p_categories text[],
	p_level prevent.risk_level, p_sign int, p_time_zone text)
RETURNS TABLE (unit text, month date, category text, level prevent.risk_level, alerts int)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT p_unit, (pg_catalog.date_trunc('month', p_occurred_at AT TIME ZONE p_time_zone))::pg_catalog.date,
		   c.category, p_level, p_sign
	  FROM pg_catalog.unnest(CASE WHEN pg_catalog.cardinality(p_categories) OPERATOR(pg_catalog.>) 0
								  THEN p_categories ELSE '{NULL}'::text[] END) c(category);
END;

-- fold every key's rows into one (rows other transactions are adding now are not seen, and stay)
CREATE FUNCTION prevent._compact_alert_stats() RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
	WITH gone AS (DELETE FROM prevent.alert_stats s RETURNING s.*)
	INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
	SELECT g.unit, g.month, g.category, g.level, sum(g.alerts)
	  FROM gone g
	 GROUP BY g.unit, g.month, g.category, g.level
	HAVING sum(g.alerts) <> 0
$$;

CREATE SEQUENCE prevent.alert_stats_writes CYCLE;

/*
 * Statement trigger on prevent.alert, as prevent._work_order_stats() is on
 * the orders: one set-based statement adds the statement's changes per key.
 */
CREATE FUNCTION prevent._alert_stats() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	tz text;
	added bigint;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM prevent.alert_stats;
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		PERFORM FROM old_rows LIMIT 1;
	ELSE
		PERFORM FROM new_rows LIMIT 1;
	END IF;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	-- a review (status) changes nothing counted
	IF TG_OP = 'UPDATE' THEN
		IF NOT EXISTS (SELECT o.unit, o.occurred_at, o.categories, o.level FROM old_rows o
					   EXCEPT ALL
					   SELECT n.unit, n.occurred_at, n.categories, n.level FROM new_rows n) THEN
			RETURN NULL;
		END IF;
	END IF;
	-- FOR SHARE: a REPEATABLE READ writer that missed a rebuild fails instead of counting in old months
	SELECT s.time_zone INTO tz FROM prevent.stats_state s FOR SHARE;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
		SELECT x.unit, x.month, x.category, x.level, sum(x.alerts)
		  FROM new_rows n, prevent._alert_contribution(n.unit, n.occurred_at, n.categories, n.level, 1, tz) x
		 GROUP BY x.unit, x.month, x.category, x.level;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
		SELECT x.unit, x.month, x.category, x.level, sum(x.alerts)
		  FROM old_rows o, prevent._alert_contribution(o.unit, o.occurred_at, o.categories, o.level, -1, tz) x
		 GROUP BY x.unit, x.month, x.category, x.level;
	ELSE
		INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
		SELECT x.unit, x.month, x.category, x.level, sum(x.alerts)
		  FROM (SELECT -1 AS sign, o.unit, o.occurred_at, o.categories, o.level FROM old_rows o
				UNION ALL
				SELECT 1, n.unit, n.occurred_at, n.categories, n.level FROM new_rows n) r,
			   prevent._alert_contribution(r.unit, r.occurred_at, r.categories, r.level, r.sign, tz) x
		 GROUP BY x.unit, x.month, x.category, x.level
		HAVING sum(x.alerts) <> 0;
	END IF;
	GET DIAGNOSTICS added = ROW_COUNT;
	IF prevent._fold_due('prevent.alert_stats_writes', 'alert_stats', added) THEN
		PERFORM prevent._compact_alert_stats();
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER alert_stats_insert AFTER INSERT ON prevent.alert
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_stats();
CREATE TRIGGER alert_stats_update AFTER UPDATE ON prevent.alert
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_stats();
CREATE TRIGGER alert_stats_delete AFTER DELETE ON prevent.alert
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_stats();
CREATE TRIGGER alert_stats_truncate AFTER TRUNCATE ON prevent.alert
	FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_stats();

-- rebuild the alert counters from the alerts (called by the owner's refresh_stats() and _stats_config_changed())
CREATE FUNCTION prevent._rebuild_alert_stats() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	tz text := prevent.report_time_zone();
BEGIN
	-- no fold meanwhile; then wait for the transactions writing alerts now (alert before the counters)
	PERFORM FROM prevent._job_lock j WHERE j.job = 'alert_stats' FOR UPDATE;
	LOCK TABLE prevent.alert IN SHARE MODE;
	DELETE FROM prevent.alert_stats;
	INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
	SELECT x.unit, x.month, x.category, x.level, sum(x.alerts)
	  FROM prevent.alert a, prevent._alert_contribution(a.unit, a.occurred_at, a.categories, a.level, 1, tz) x
	 GROUP BY x.unit, x.month, x.category, x.level;
END
$$;

-- and prevent.repeat_party from the alerts
CREATE FUNCTION prevent.refresh_stats() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	orders bigint;
BEGIN
	-- alert before work_order, the lock order of every writer (see 50_workflow.sql)
	LOCK TABLE prevent.alert IN SHARE MODE;
	PERFORM prevent._rebuild_alert_stats();
	orders := prevent._rebuild_order_stats();
	DELETE FROM prevent.party_incident;
	INSERT INTO prevent.party_incident (party, occurred_at, alert_id, unit)
	SELECT DISTINCT p.party, a.occurred_at, a.id, a.unit
	  FROM prevent.alert a CROSS JOIN LATERAL unnest(a.parties) p(party);
	DELETE FROM prevent.repeat_party;
	INSERT INTO prevent.repeat_party (party, unit, incidents, first_at, last_at)
	SELECT p.party, a.unit, count(*), min(a.occurred_at), max(a.occurred_at)
	  FROM prevent.alert a CROSS JOIN LATERAL unnest(a.parties) p(party)
	 WHERE p.party IN (SELECT q.party FROM prevent.alert r CROSS JOIN LATERAL unnest(r.parties) q(party) WHERE r.repeat)
	 GROUP BY p.party, a.unit;
	RETURN orders;
END
$$;
COMMENT ON FUNCTION prevent.refresh_stats() IS
'Rebuild the counters behind the rate views from prevent.work_order, those behind prevent.alert_counts, prevent.party_incident and prevent.repeat_party from prevent.alert (needed only after loading or changing orders or alerts with triggers disabled, or alerts other than through watch()); returns the orders counted';

-- report_time_zone or the buckets changed: rebuild
CREATE FUNCTION prevent._stats_config_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM prevent.stats_state s
					WHERE s.time_zone = prevent.report_time_zone() AND s.bounds = prevent._feedback_bounds()) THEN
		-- the alert counters are cut by the time zone only; alert before work_order
		IF NOT EXISTS (SELECT 1 FROM prevent.stats_state s WHERE s.time_zone = prevent.report_time_zone()) THEN
			PERFORM prevent._rebuild_alert_stats();
		END IF;
		PERFORM prevent._rebuild_order_stats();
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER setting_stats AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.setting
	FOR EACH STATEMENT EXECUTE FUNCTION prevent._stats_config_changed();
CREATE TRIGGER feedback_bucket_stats AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.feedback_bucket
	FOR EACH STATEMENT EXECUTE FUNCTION prevent._stats_config_changed();

/*
 * Repeat parties: for every party named by an alert flagged as a repeat, its
 * alerts per unit.  The alert writer (prevent.watch's trigger) keeps it in
 * the statement that writes the alerts, under the party locks it already
 * holds: a party's rows are filled from all its alerts when its first
 * repeat comes, then counted up with each new alert.  pg_dump keeps it with
 * the alerts; prevent.refresh_stats() rebuilds it.
 */
CREATE TABLE prevent.repeat_party (
	party text NOT NULL,
	unit text,
	incidents bigint NOT NULL,
	first_at timestamptz NOT NULL,
	last_at timestamptz NOT NULL,
	CONSTRAINT repeat_party_key UNIQUE NULLS NOT DISTINCT (party, unit)
);
COMMENT ON TABLE prevent.repeat_party IS 'Alerts per repeat party and unit, kept by the alert writer; read it through prevent.repeat_incidents';
COMMENT ON COLUMN prevent.repeat_party.party IS 'A party named by at least one alert flagged as a repeat';
COMMENT ON COLUMN prevent.repeat_party.incidents IS 'Alerts of the unit naming the party';
COMMENT ON COLUMN prevent.repeat_party.first_at IS 'When the first of them happened';
COMMENT ON COLUMN prevent.repeat_party.last_at IS 'When the last of them happened';
SELECT prevent._restrict_to_unit('prevent.repeat_party');


SELECT pg_catalog.pg_extension_config_dump('prevent.feedback_bucket', '');
-- derived, but kept by the alert writer only: dumped with the alerts it counts
-- (prevent.order_stats and stats_state are not dumped: the work_order triggers rebuild them on restore)
SELECT pg_catalog.pg_extension_config_dump('prevent.repeat_party', '');
