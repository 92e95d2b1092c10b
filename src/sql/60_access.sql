/* ------------------------------------------------------------------------
 * Row-level security by unit, and granting a role to act for a unit.
 * ------------------------------------------------------------------------ */

-- the units the current role sees (through read or act memberships in prevent.unit_member)
CREATE FUNCTION prevent.my_units() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT DISTINCT m.unit FROM prevent.unit_member m JOIN pg_roles r ON r.oid = m.member::oid
	 WHERE pg_has_role(current_user, r.oid, 'MEMBER')
$$;
COMMENT ON FUNCTION prevent.my_units() IS 'Units the current role sees (''*'' means every unit)';

/*
 * Row-level security by unit: a table of prevent with a column unit shows a
 * role the rows of the units it is a member of (all rows for a member of
 * unit '*').  This is the one statement of that rule; every table that
 * holds rows of units calls it once, after it is created.  Both lookups are
 * uncorrelated: evaluated once per query, not per row.  Members get SELECT
 * on exactly these tables (prevent._grant_for_access).
 */
CREATE FUNCTION prevent._restrict_to_unit(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
	EXECUTE pg_catalog.format('CREATE POLICY %I ON %s FOR SELECT USING ('
		'EXISTS (SELECT 1 FROM prevent.my_units() m WHERE m OPERATOR(pg_catalog.=) ''*'') '
		'OR unit OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT prevent.my_units())))',
		(SELECT c.relname FROM pg_class c WHERE c.oid = tbl) || '_by_unit', tbl);
END
$$;

SELECT prevent._restrict_to_unit('prevent.alert');
SELECT prevent._restrict_to_unit('prevent.work_order');
SELECT prevent._restrict_to_unit('prevent.escalation');
SELECT prevent._restrict_to_unit('prevent.event');

/*
 * A membership grants what its access needs, and no more: read gives SELECT
 * on the alert, order, escalation, event and counter tables and on every
 * view (row-level security then shows the member's units only); act also
 * gives EXECUTE on review and the lifecycle functions.  remove_member takes
 * back what no remaining membership of the role needs.
 */
CREATE FUNCTION prevent._grant_for_access(member regrole) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	reads boolean := EXISTS (SELECT 1 FROM prevent.unit_member m WHERE m.member = _grant_for_access.member);
	acts boolean := EXISTS (SELECT 1 FROM prevent.unit_member m WHERE m.member = _grant_for_access.member AND m.access = 'act');
	tables text;
	lifecycle constant text := 'prevent.review(bigint, boolean, text), prevent.accept(bigint, text, timestamptz), '
		'prevent.feedback(bigint, text, timestamptz), prevent.close(bigint, boolean, text, timestamptz), '
		'prevent.evaluate(bigint, int, text, timestamptz)';
BEGIN
	-- the views, and the tables restricted to units (prevent._restrict_to_unit)
	SELECT string_agg(c.oid::regclass::text, ', ' ORDER BY c.relname) INTO tables
	  FROM pg_class c
	 WHERE c.relnamespace = 'prevent'::regnamespace
	   AND (c.relkind = 'v' OR (c.relkind = 'r' AND c.relrowsecurity));
	-- a regrole prints as a quoted identifier already: no %I
	EXECUTE pg_catalog.format('%s SELECT ON %s %s %s', CASE WHEN reads THEN 'GRANT' ELSE 'REVOKE' END,
							  tables, CASE WHEN reads THEN 'TO' ELSE 'FROM' END, member);
	EXECUTE pg_catalog.format('%s EXECUTE ON FUNCTION %s %s %s', CASE WHEN acts THEN 'GRANT' ELSE 'REVOKE' END,
							  lifecycle, CASE WHEN acts THEN 'TO' ELSE 'FROM' END, member);
END
$$;

CREATE FUNCTION prevent.add_member(member regrole, unit text, access text DEFAULT 'read') RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF member IS NULL OR unit IS NULL OR btrim(unit) = '' THEN
		RAISE EXCEPTION 'member and unit must be given' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF access IS NULL OR access NOT IN ('read', 'act') THEN
		RAISE EXCEPTION 'access must be read or act, not %', coalesce(pg_catalog.quote_literal(access), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'read: sees the unit''s alerts, orders and views; act: also reviews and moves orders.';
	END IF;
	-- memberships of roles dropped since
	DELETE FROM prevent.unit_member m WHERE NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = m.member::oid);
	INSERT INTO prevent.unit_member AS m (member, unit, access) VALUES (member, unit, access)
	ON CONFLICT ON CONSTRAINT unit_member_pkey DO UPDATE SET access = excluded.access;
	PERFORM prevent._grant_for_access(member);
END
$$;
COMMENT ON FUNCTION prevent.add_member(regrole, text, text) IS
'Let a role (and its members) see one unit''s alerts, work orders and views (access read), or also act on them (access act); unit ''*'': every unit. Calling it again changes the access';

CREATE FUNCTION prevent.remove_member(member regrole, unit text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM prevent.unit_member m WHERE m.member = remove_member.member AND m.unit = remove_member.unit;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'role % is not a member of unit "%"', member, unit USING ERRCODE = 'undefined_object';
	END IF;
	DELETE FROM prevent.unit_member m WHERE NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = m.member::oid);
	PERFORM prevent._grant_for_access(member);
END
$$;
COMMENT ON FUNCTION prevent.remove_member(regrole, text) IS 'Undo prevent.add_member() for one unit; privileges no remaining membership needs are revoked';
