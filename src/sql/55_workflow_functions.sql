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

-- issue one work order per unit for an alert, with its escalations
CREATE FUNCTION prevent._issue(alert prevent.alert, units text[], first_reason text,
							   by_level boolean, actor name, at timestamptz) RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	pol prevent.level_policy;
	o prevent.work_order;
	u text;
	n int := 0;
BEGIN
	SELECT * INTO STRICT pol FROM prevent.level_policy WHERE level = alert.level;
	FOREACH u IN ARRAY units LOOP
		INSERT INTO prevent.work_order (alert_id, unit, level, reason, issued_at, accept_due, due_at, close_due)
		VALUES (alert.id, u, alert.level,
				CASE WHEN u IS NOT DISTINCT FROM alert.unit THEN first_reason ELSE 'cross_jurisdiction' END,
				at, at + pol.accept_within, at + pol.feedback_within, at + pol.close_within)
		ON CONFLICT (alert_id, unit) DO NOTHING
		RETURNING * INTO o;
		CONTINUE WHEN o.id IS NULL;
		n := n + 1;
		INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, created_at)
		SELECT o.id, u, e.tier, e.reason, at
		  FROM (SELECT t AS tier, 'risk_level' AS reason FROM unnest(CASE WHEN by_level THEN pol.tiers END) t
				UNION ALL SELECT prevent.setting_int('repeat_tier', 3)::smallint, 'repeat' WHERE alert.repeat
				UNION ALL SELECT prevent.setting_int('cross_jurisdiction_tier', 1)::smallint, 'cross_jurisdiction'
				 WHERE cardinality(units) > 1) e;
		INSERT INTO prevent.event (work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role)
		VALUES (o.id, alert.id, u, 'issue', NULL, 'issued', at, SESSION_USER, actor);
		o := NULL;
	END LOOP;
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
 * Alerts are written by the triggers on watched tables (src/watch.c), as
 * the extension owner, with one set-based statement per batch: see
 * alert_batch_sql there.
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
		PERFORM prevent._issue(a, ARRAY[a.unit], 'review', true, actor, pg_catalog.now());
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
		SELECT w.id, w.unit, b.breach
		  FROM prevent.work_order w
		  CROSS JOIN LATERAL (VALUES
				('accept', w.accepted_at IS NULL AND w.accept_due < at),
				('feedback', w.fed_back_at IS NULL AND w.due_at < at),
				('close', w.closed_at IS NULL AND w.close_due < at)) b(breach, late)
		 WHERE b.late AND w.status IN ('issued', 'accepted', 'fed_back')
		   AND NOT EXISTS (SELECT 1 FROM prevent.escalation e
							WHERE e.work_order_id = w.id AND e.reason = 'overdue' AND e.breach = b.breach)
		 ORDER BY w.id, array_position(ARRAY['accept', 'feedback', 'close'], b.breach)
	), ins AS (
		INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, breach, created_at)
		SELECT b.id, b.unit,
			   greatest(1, coalesce((SELECT min(e.tier) FROM prevent.escalation e WHERE e.work_order_id = b.id), 4) - 1
						   - (row_number() OVER (PARTITION BY b.id ORDER BY array_position(ARRAY['accept', 'feedback', 'close'], b.breach)) - 1)::int),
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
