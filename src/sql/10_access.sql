/* ------------------------------------------------------------------------
 * Access by unit: who sees (read) and who acts (act) for which unit, the
 * row-level security rule every table of unit rows uses, and what a
 * membership grants.
 * ------------------------------------------------------------------------ */

/*
 * Who sees and acts for which unit.  A role is kept by its OID (regrole), so
 * a membership follows the role through renames and is not inherited by a
 * new role that takes a dropped role's name; rows of dropped roles are
 * ignored and removed by add_member/remove_member.
 */
CREATE TABLE prevent.unit_member (
	member regrole NOT NULL,
	unit text NOT NULL,
	access text NOT NULL DEFAULT 'read'
		CONSTRAINT unit_member_access_check CHECK (access IN ('read', 'act')),
	PRIMARY KEY (member, unit)
);
COMMENT ON TABLE prevent.unit_member IS 'Which roles see (access read) or see and act for (access act) which unit (police station); unit ''*'' means every unit. Members of a role inherit its units';
COMMENT ON COLUMN prevent.unit_member.access IS 'read: sees the unit''s alerts, orders and views (BI, command center); act: also reviews alerts and moves orders through their lifecycle';

-- the units the current role sees (through read or act memberships in prevent.unit_member)
CREATE FUNCTION prevent.my_units() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	-- roles that exist (a regrole outlives its role), of which the current one is a member;
	-- no join with pg_roles (Citus, when prevent.unit_member is a reference table, would read
	-- pg_authid itself, which only superusers may)
	SELECT DISTINCT m.unit FROM prevent.unit_member m
	 WHERE to_regrole(m.member::text) IS NOT NULL AND pg_has_role(current_user, m.member::oid, 'MEMBER')
$$;
COMMENT ON FUNCTION prevent.my_units() IS 'Units the current role sees (''*'' means every unit)';

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

/*
 * A membership grants what its access needs, and no more: read gives SELECT
 * on the alert, order, escalation, event and counter tables and on every
 * view (row-level security then shows the member's units only); act also
 * gives EXECUTE on review, the lifecycle functions and record_contact (a
 * contact with a person of concern).  remove_member takes
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
		'prevent.evaluate(bigint, int, text, timestamptz), prevent.record_contact(bigint, text, timestamptz)';
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

-- memberships of roles that exist: a dropped role's OID would attach to another role on restore
SELECT pg_catalog.pg_extension_config_dump('prevent.unit_member',
	'WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) member::pg_catalog.oid)');
