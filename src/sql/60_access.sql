/* ------------------------------------------------------------------------
 * Row-level security by unit, and granting a role to act for a unit.
 * ------------------------------------------------------------------------ */

-- the units the current role acts for (through membership in prevent.unit_member roles)
CREATE FUNCTION prevent.my_units() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT DISTINCT m.unit FROM prevent.unit_member m
	 WHERE EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = m.member)
	   AND pg_has_role(current_user, m.member, 'MEMBER')
$$;
COMMENT ON FUNCTION prevent.my_units() IS 'Units the current role acts for (''*'' means every unit)';

-- (both lookups are uncorrelated: evaluated once per query, not per row)
ALTER TABLE prevent.alert ENABLE ROW LEVEL SECURITY;
ALTER TABLE prevent.work_order ENABLE ROW LEVEL SECURITY;
ALTER TABLE prevent.escalation ENABLE ROW LEVEL SECURITY;
ALTER TABLE prevent.event ENABLE ROW LEVEL SECURITY;

CREATE POLICY alert_by_unit ON prevent.alert FOR SELECT
	USING (EXISTS (SELECT 1 FROM prevent.my_units() m WHERE m = '*') OR unit = ANY (ARRAY(SELECT prevent.my_units())));
CREATE POLICY work_order_by_unit ON prevent.work_order FOR SELECT
	USING (EXISTS (SELECT 1 FROM prevent.my_units() m WHERE m = '*') OR unit = ANY (ARRAY(SELECT prevent.my_units())));
CREATE POLICY escalation_by_unit ON prevent.escalation FOR SELECT
	USING (EXISTS (SELECT 1 FROM prevent.my_units() m WHERE m = '*') OR unit = ANY (ARRAY(SELECT prevent.my_units())));
CREATE POLICY event_by_unit ON prevent.event FOR SELECT
	USING (EXISTS (SELECT 1 FROM prevent.my_units() m WHERE m = '*') OR unit = ANY (ARRAY(SELECT prevent.my_units())));

CREATE FUNCTION prevent.add_member(member regrole, unit text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF member IS NULL OR unit IS NULL OR btrim(unit) = '' THEN
		RAISE EXCEPTION 'member and unit must be given' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	INSERT INTO prevent.unit_member (member, unit) VALUES (member::text, unit) ON CONFLICT DO NOTHING;
	EXECUTE pg_catalog.format('GRANT SELECT ON prevent.alert, prevent.work_order, prevent.escalation, prevent.event, prevent.order_stats, prevent.repeat_party TO %I', member::text);
	-- the BI views, where they exist (they are created after this function)
	PERFORM 1 FROM pg_views v WHERE v.schemaname = 'prevent';
	IF FOUND THEN
		EXECUTE (SELECT pg_catalog.format('GRANT SELECT ON %s TO %I',
						string_agg(pg_catalog.format('prevent.%I', v.viewname), ', '), member::text)
				   FROM pg_views v WHERE v.schemaname = 'prevent');
	END IF;
	EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION prevent.review(bigint, boolean, text), '
		'prevent.accept(bigint, text, timestamptz), prevent.feedback(bigint, text, timestamptz), '
		'prevent.close(bigint, boolean, text, timestamptz), prevent.evaluate(bigint, int, text, timestamptz) TO %I',
		member::text);
END
$$;
COMMENT ON FUNCTION prevent.add_member(regrole, text) IS
'Let a role (and its members) see and act on one unit''s alerts and work orders (unit ''*'': every unit)';

CREATE FUNCTION prevent.remove_member(member regrole, unit text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM prevent.unit_member m WHERE m.member = remove_member.member::text AND m.unit = remove_member.unit;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'role % is not a member of unit "%"', member, unit USING ERRCODE = 'undefined_object';
	END IF;
END
$$;
COMMENT ON FUNCTION prevent.remove_member(regrole, text) IS 'Undo prevent.add_member() for one unit';
