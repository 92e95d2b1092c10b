/* ------------------------------------------------------------------------
 * Alerts, work orders and their lifecycle.
 *
 * Functions whose name starts with _ are internal: PUBLIC may not execute
 * them.  The C trigger on watched tables and the C wrappers behind
 * prevent.review/accept/feedback/close/evaluate run them as the extension's
 * owner (as PostgreSQL's own foreign-key triggers run as the table owner),
 * passing the calling role as the actor, so an application that may only
 * INSERT into its incident table still gets alerts and orders created, and
 * station staff act only through the lifecycle functions.
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent.resident_id_valid(id text) RETURNS boolean
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_resident_id_valid';
COMMENT ON FUNCTION prevent.resident_id_valid(text) IS
'Whether an 18-character resident ID number has a valid checksum (GB 11643)';

CREATE FUNCTION prevent.parties(narrative text, party_values text[] DEFAULT '{}') RETURNS text[]
LANGUAGE c IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_parties';
COMMENT ON FUNCTION prevent.parties(text, text[]) IS
'Parties of an incident, sorted: the normalized party-column values plus mainland mobile numbers (11 digits, +86 and separators dropped) and checksum-valid resident ID numbers (X upper case) found in the narrative';

CREATE FUNCTION prevent.setting_int(setting_name text, fallback int) RETURNS int
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN coalesce((SELECT value::int FROM prevent.setting WHERE name = setting_name), fallback); END $$;

-- may a role act for a unit? (an acting membership of the unit or of '*', held directly or
-- through a role it is a member of; superusers always)
CREATE FUNCTION prevent.may_act(actor name, unit text) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = actor AND r.rolsuper)
		OR EXISTS (SELECT 1 FROM prevent.unit_member m JOIN pg_roles r ON r.oid = m.member::oid
					WHERE (m.unit = may_act.unit OR m.unit = '*') AND m.access = 'act'
					  AND pg_has_role(actor, r.oid, 'MEMBER'));
END
$$;
COMMENT ON FUNCTION prevent.may_act(name, text) IS
'Whether a role may review alerts and move work orders of a unit (an acting membership, see prevent.add_member)';

-- refuse an actor who may not act for a unit (the message names the object, not its unit)
CREATE FUNCTION prevent._require_unit(actor name, unit text, what text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT prevent.may_act(actor, unit) THEN
		RAISE EXCEPTION 'role "%" may not act on %', actor, what
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Acting needs an acting membership of the unit: prevent.add_member(role, unit, ''act'').';
	END IF;
END
$$;

/*
 * Issuing work orders: the one place that says which orders an alert gets,
 * their deadlines and the tiers that follow them.  The alert writer (every
 * batch, and each row in row mode) and prevent.review() both call it.
 *
 * A request names an alert (with the fields of it that issuing needs: the
 * writer's alerts are not visible to the snapshot of a SERIALIZABLE
 * caller, and reading them would only add serialization conflicts), why
 * it is issued to the alert's own unit (risk_level: its level issues at
 * once; repeat: a repeat incident below that level; review: the second
 * judgement), and the other units whose earlier incidents make it a
 * repeat: each of those gets an order too (cross_jurisdiction).  Deadlines and the level's tiers come from
 * prevent.level_policy; a repeat alert's orders are followed by tier
 * repeat_tier, and an alert issued to several units by tier
 * cross_jurisdiction_tier.  Every order gets an 'issue' event.
 */
CREATE TYPE prevent._issue_request AS (
	alert_id bigint,
	level prevent.risk_level,
	unit text,
	repeat boolean,
	reason text,
	other_units text[]
);

CREATE FUNCTION prevent._issue(requests prevent._issue_request[], actor name, at timestamptz) RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n int;
	missing bigint;
BEGIN
	-- an alert of a level with no policy row (a DBA deleted it) cannot be issued
	SELECT q.alert_id INTO missing
	  FROM unnest(requests) q
	  LEFT JOIN prevent.level_policy p ON p.level = q.level
	 WHERE p.level IS NULL
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'alert % cannot be issued: its level has no row in prevent.level_policy', missing
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Insert the level''s row into prevent.level_policy again.';
	END IF;
	WITH r AS MATERIALIZED (
		SELECT q.ord, q.alert_id, q.level, q.unit, q.repeat, q.reason, q.other_units,
			   p.tiers, p.accept_within, p.feedback_within, p.close_within
		  FROM unnest(requests) WITH ORDINALITY AS q(alert_id, level, unit, repeat, reason, other_units, ord)
		  JOIN prevent.level_policy p ON p.level = q.level
	), orders AS MATERIALIZED (
		-- the alert's own unit first, then the other units in order: ids follow that order
		SELECT o.*, nextval('prevent.work_order_id_seq'::regclass) AS order_id,
			   count(*) OVER (PARTITION BY o.ord) AS nunits
		  FROM (SELECT r.ord, r.unit, r.reason FROM r
				UNION
				SELECT r.ord, u.unit, 'cross_jurisdiction'
				  FROM r CROSS JOIN LATERAL unnest(r.other_units) u(unit)
				 WHERE u.unit IS DISTINCT FROM r.unit) o
		 ORDER BY o.ord, o.reason = 'cross_jurisdiction', o.unit
	), ins_order AS (
		INSERT INTO prevent.work_order (id, alert_id, unit, level, reason, issued_at, accept_due, due_at, close_due)
		SELECT o.order_id, r.alert_id, o.unit, r.level, o.reason, _issue.at,
			   _issue.at + r.accept_within, _issue.at + r.feedback_within, _issue.at + r.close_within
		  FROM orders o JOIN r ON r.ord = o.ord
		RETURNING 1
	), ins_escalation AS (
		INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, created_at)
		SELECT o.order_id, o.unit, e.tier, e.reason, _issue.at
		  FROM orders o JOIN r ON r.ord = o.ord
		 CROSS JOIN LATERAL (
				SELECT t.tier, 'risk_level' AS reason
				  FROM unnest(CASE WHEN r.reason <> 'repeat' THEN r.tiers END) t(tier)
				UNION ALL
				SELECT prevent.setting_int('repeat_tier', 3)::smallint, 'repeat' WHERE r.repeat
				UNION ALL
				SELECT prevent.setting_int('cross_jurisdiction_tier', 1)::smallint, 'cross_jurisdiction'
				 WHERE o.nunits > 1) e
		RETURNING 1
	), ins_event AS (
		INSERT INTO prevent.event (work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role)
		SELECT o.order_id, r.alert_id, o.unit, 'issue', NULL, 'issued', _issue.at, SESSION_USER, _issue.actor
		  FROM orders o JOIN r ON r.ord = o.ord
		RETURNING 1
	)
	SELECT count(*) INTO n FROM orders;
	RETURN n;
END
$$;

/* one alert candidate, as the trigger on a watched table hands it over */
CREATE TYPE prevent._alert_input AS (
	source regclass,
	source_key text,
	unit text,
	occurred_at timestamptz,
	score int,
	level prevent.risk_level,
	categories text[],
	terms text[],
	parties text[],
	repeat_window interval,
	repeat_threshold int
);

/*
 * Alerts are written by the triggers on watched tables (src/watch/), as
 * the extension owner, with one set-based statement per batch
 * (src/watch/alert_batch.sql), which hands the alerts to issue to
 * prevent._issue().
 */

-- the second judgement of a pending alert
CREATE FUNCTION prevent._review(alert_id bigint, issue boolean, note text, actor name) RETURNS prevent.alert
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	a prevent.alert;
BEGIN
	IF issue IS NULL THEN
		RAISE EXCEPTION 'issue must be true or false'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO a FROM prevent.alert WHERE id = alert_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'alert % does not exist', alert_id
			USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM prevent._require_unit(actor, a.unit, pg_catalog.format('alert %s', alert_id));
	IF a.status <> 'pending' THEN
		RAISE EXCEPTION 'alert % was already reviewed or issued', alert_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('Its status is %s.', a.status);
	END IF;
	UPDATE prevent.alert
	   SET status = CASE WHEN issue THEN 'issued' ELSE 'dismissed' END,
		   reviewed_at = pg_catalog.now(), reviewed_by = SESSION_USER, review_note = note
	 WHERE id = alert_id
	RETURNING * INTO a;
	INSERT INTO prevent.event (alert_id, unit, action, from_status, to_status, at, actor, acting_role, note)
	VALUES (a.id, a.unit, 'review', 'pending', a.status, pg_catalog.now(), SESSION_USER, actor, note);
	IF issue THEN
		PERFORM prevent._issue(ARRAY[ROW(a.id, a.level, a.unit, a.repeat, 'review', NULL)::prevent._issue_request],
							   actor, pg_catalog.now());
	END IF;
	RETURN a;
END
$$;

/* one lifecycle step: issued -> accepted -> fed_back -> closed -> evaluated */
CREATE FUNCTION prevent._transition(order_id bigint, action text, at timestamptz, note text,
									resolved boolean, rating int, actor name) RETURNS prevent.work_order
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	o prevent.work_order;
	from_status text;
	to_status text;
	need text;
	previous timestamptz;
BEGIN
	IF order_id IS NULL THEN
		RAISE EXCEPTION 'order_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO o FROM prevent.work_order WHERE id = order_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'work order % does not exist', order_id
			USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM prevent._require_unit(actor, o.unit, pg_catalog.format('work order %s', order_id));
	from_status := o.status;
	CASE action
		WHEN 'accept' THEN need := 'issued'; to_status := 'accepted'; previous := o.issued_at;
		WHEN 'feedback' THEN need := 'accepted'; to_status := 'fed_back'; previous := o.accepted_at;
		WHEN 'close' THEN need := 'fed_back'; to_status := 'closed'; previous := o.fed_back_at;
		WHEN 'evaluate' THEN need := 'closed'; to_status := 'evaluated'; previous := o.closed_at;
		ELSE RAISE EXCEPTION 'unknown action "%"', action USING ERRCODE = 'invalid_parameter_value';
	END CASE;
	-- feedback may be given again while the order is open; the first one counts for the KPIs
	IF action = 'feedback' AND o.status = 'fed_back' THEN
		need := 'fed_back';
		to_status := 'fed_back';
		previous := o.fed_back_at;
	END IF;
	IF o.status <> need THEN
		RAISE EXCEPTION 'cannot % work order %: it is %', action, order_id, o.status
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('Only an order that is %s can be %s.', need, replace(to_status, '_', ' ')),
				  HINT = 'The lifecycle is issued -> accepted -> fed_back -> closed -> evaluated.';
	END IF;
	IF at < previous THEN
		RAISE EXCEPTION 'cannot % work order % at %: that precedes its previous stage (%)', action, order_id, at, previous
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF at > pg_catalog.now() + interval '5 minutes' THEN
		RAISE EXCEPTION 'cannot % work order % at %: that is in the future', action, order_id, at
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF action = 'feedback' AND (note IS NULL OR btrim(note) = '') THEN
		RAISE EXCEPTION 'feedback needs a note' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF action = 'close' AND resolved IS NULL THEN
		RAISE EXCEPTION 'closing work order % needs resolved true or false', order_id
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF action = 'evaluate' AND (rating IS NULL OR rating < 1 OR rating > 5) THEN
		RAISE EXCEPTION 'rating % is out of range', coalesce(rating::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Ratings are whole numbers from 1 to 5.';
	END IF;

	UPDATE prevent.work_order w
	   SET status = to_status,
		   accepted_at = CASE WHEN action = 'accept' THEN at ELSE w.accepted_at END,
		   fed_back_at = CASE WHEN action = 'feedback' THEN coalesce(w.fed_back_at, at) ELSE w.fed_back_at END,
		   closed_at = CASE WHEN action = 'close' THEN at ELSE w.closed_at END,
		   resolved = CASE WHEN action = 'close' THEN _transition.resolved ELSE w.resolved END,
		   evaluated_at = CASE WHEN action = 'evaluate' THEN at ELSE w.evaluated_at END,
		   rating = CASE WHEN action = 'evaluate' THEN _transition.rating ELSE w.rating END
	 WHERE w.id = order_id
	RETURNING * INTO o;
	INSERT INTO prevent.event (work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role, note)
	VALUES (o.id, o.alert_id, o.unit, action, from_status, to_status, at, SESSION_USER, actor, note);
	RETURN o;
END
$$;

CREATE FUNCTION prevent._accept(order_id bigint, note text, at timestamptz, actor name) RETURNS prevent.work_order
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN prevent._transition(order_id, 'accept', at, note, NULL, NULL, actor); END $$;
CREATE FUNCTION prevent._feedback(order_id bigint, note text, at timestamptz, actor name) RETURNS prevent.work_order
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN prevent._transition(order_id, 'feedback', at, note, NULL, NULL, actor); END $$;
CREATE FUNCTION prevent._close(order_id bigint, resolved boolean, note text, at timestamptz, actor name) RETURNS prevent.work_order
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN prevent._transition(order_id, 'close', at, note, resolved, NULL, actor); END $$;
CREATE FUNCTION prevent._evaluate(order_id bigint, rating int, note text, at timestamptz, actor name) RETURNS prevent.work_order
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN prevent._transition(order_id, 'evaluate', at, note, NULL, rating, actor); END $$;

/* the public lifecycle functions: C wrappers that run prevent._<name> as
 * the extension owner with the calling role as the actor */
CREATE FUNCTION prevent.review(alert_id bigint, issue boolean, note text DEFAULT NULL) RETURNS prevent.alert
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.review(bigint, boolean, text) IS
'Second judgement of a pending alert: issue a work order to its unit (true) or dismiss it (false)';
CREATE FUNCTION prevent.accept(order_id bigint, note text DEFAULT NULL, at timestamptz DEFAULT pg_catalog.now()) RETURNS prevent.work_order
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.accept(bigint, text, timestamptz) IS 'The unit accepts an issued work order';
CREATE FUNCTION prevent.feedback(order_id bigint, note text, at timestamptz DEFAULT pg_catalog.now()) RETURNS prevent.work_order
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.feedback(bigint, text, timestamptz) IS 'The unit reports back on an accepted work order (again while open; the first feedback counts)';
CREATE FUNCTION prevent.close(order_id bigint, resolved boolean, note text DEFAULT NULL, at timestamptz DEFAULT pg_catalog.now()) RETURNS prevent.work_order
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.close(bigint, boolean, text, timestamptz) IS 'The unit closes a fed-back work order, saying whether it was resolved';
CREATE FUNCTION prevent.evaluate(order_id bigint, rating int, note text DEFAULT NULL, at timestamptz DEFAULT pg_catalog.now()) RETURNS prevent.work_order
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.evaluate(bigint, int, text, timestamptz) IS 'The supervising tier evaluates a closed work order (rating 1-5)';

/*
 * Orders past a deadline (accept, feedback, close) are escalated one tier
 * up from the highest tier following them (3 -> 2 -> 1; none -> 3), once
 * per missed deadline.  Schedule it with pg_cron.
 */
CREATE FUNCTION prevent.escalate_overdue(at timestamptz DEFAULT pg_catalog.now()) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n int;
BEGIN
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- one run at a time, so concurrent runs cannot both escalate one breach (a row lock only
	-- the owner can take: any role could hold an advisory lock and stop the job)
	PERFORM FROM prevent._job_lock j WHERE j.job = 'escalate_overdue' FOR UPDATE;
	WITH breach AS (
		SELECT w.id, w.unit, b.breach, b.n
		  FROM prevent.work_order w
		  CROSS JOIN LATERAL prevent.order_breaches(w, at) b
		 WHERE prevent.order_is_open(w.status)
		   AND NOT EXISTS (SELECT 1 FROM prevent.escalation e
							WHERE e.work_order_id = w.id AND e.reason = 'overdue' AND e.breach = b.breach)
		 ORDER BY w.id, b.n
	), ins AS (
		INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, breach, created_at)
		SELECT b.id, b.unit,
			   greatest(1, coalesce((SELECT min(e.tier) FROM prevent.escalation e WHERE e.work_order_id = b.id), 4) - 1
						   - (row_number() OVER (PARTITION BY b.id ORDER BY b.n) - 1)::int),
			   'overdue', b.breach, at
		  FROM breach b
		ON CONFLICT DO NOTHING
		RETURNING 1
	)
	SELECT count(*) INTO n FROM ins;
	RETURN n;
END
$$;
COMMENT ON FUNCTION prevent.escalate_overdue(timestamptz) IS
'Escalate open work orders past a deadline one tier up, once per missed deadline; returns the number of escalations made. Meant for pg_cron; runs with the extension owner''s rights (EXECUTE is not granted to PUBLIC)';
