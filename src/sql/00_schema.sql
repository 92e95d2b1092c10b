\echo Use "CREATE EXTENSION prevent" to load this file. \quit

/*
 * prevent — install script, built from the pieces in src/sql, in name order
 * (its version: the Makefile's EXTVERSION; updates: prevent--A--B.sql).
 * Everything lives in schema prevent (not relocatable).
 */

DO $$
BEGIN
	IF pg_catalog.getdatabaseencoding() OPERATOR(pg_catalog.<>) 'UTF8' THEN
		RAISE EXCEPTION 'prevent requires a UTF8 database'
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = pg_catalog.format('The current database uses encoding %s.', pg_catalog.getdatabaseencoding()),
				  HINT = 'Create the database with ENCODING ''UTF8''.';
	END IF;
END
$$;

/*
 * The schema prevent must be the installing role's own and empty: a schema
 * prevent made earlier by another role would let that role replace or
 * overload what prevent's views and owner-run code call, or rename the
 * schema after the install.  CREATE EXTENSION makes the schema when it does
 * not exist (the usual case); a DBA who made it beforehand must make it as
 * the installing role and leave it empty.
 */
DO $$
DECLARE
	nsp oid := (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) 'prevent');
	owner pg_catalog.name;
BEGIN
	SELECT r.rolname INTO owner FROM pg_catalog.pg_namespace n
	  JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
	 WHERE n.oid OPERATOR(pg_catalog.=) nsp;
	IF owner OPERATOR(pg_catalog.<>) CURRENT_USER THEN
		RAISE EXCEPTION 'schema "prevent" is owned by role "%", not by the installing role "%"', owner, CURRENT_USER
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'The owner of the schema could replace the objects prevent relies on.',
				  HINT = 'Drop the schema or give it to the installing role (ALTER SCHEMA prevent OWNER TO ...), then install again.';
	END IF;
	IF EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.relnamespace OPERATOR(pg_catalog.=) nsp)
	   OR EXISTS (SELECT FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) nsp)
	   OR EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.typnamespace OPERATOR(pg_catalog.=) nsp)
	   OR EXISTS (SELECT FROM pg_catalog.pg_operator o WHERE o.oprnamespace OPERATOR(pg_catalog.=) nsp)
	   OR EXISTS (SELECT FROM pg_catalog.pg_opfamily f WHERE f.opfnamespace OPERATOR(pg_catalog.=) nsp)
	   OR EXISTS (SELECT FROM pg_catalog.pg_collation c WHERE c.collnamespace OPERATOR(pg_catalog.=) nsp)
	   OR EXISTS (SELECT FROM pg_catalog.pg_conversion c WHERE c.connamespace OPERATOR(pg_catalog.=) nsp)
	   OR EXISTS (SELECT FROM pg_catalog.pg_ts_config c WHERE c.cfgnamespace OPERATOR(pg_catalog.=) nsp)
	   OR EXISTS (SELECT FROM pg_catalog.pg_ts_dict d WHERE d.dictnamespace OPERATOR(pg_catalog.=) nsp)
	   OR EXISTS (SELECT FROM pg_catalog.pg_statistic_ext s WHERE s.stxnamespace OPERATOR(pg_catalog.=) nsp) THEN
		RAISE EXCEPTION 'schema "prevent" is not empty'
			USING ERRCODE = 'duplicate_schema',
				  DETAIL = 'prevent installs only into a schema of its own.',
				  HINT = 'Drop or rename the existing schema prevent, then install again.';
	END IF;
	-- nobody but the owner creates in it
	REVOKE ALL ON SCHEMA prevent FROM PUBLIC;
	IF EXISTS (SELECT FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
				WHERE n.oid OPERATOR(pg_catalog.=) nsp AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
				  AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner) THEN
		RAISE EXCEPTION 'roles other than its owner may create objects in schema "prevent"'
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'REVOKE CREATE ON SCHEMA prevent FROM those roles, then install again.';
	END IF;
END
$$;

CREATE TYPE prevent.risk_level AS ENUM ('none', 'low', 'medium', 'high', 'critical');
COMMENT ON TYPE prevent.risk_level IS 'Risk levels, ordered: none < low < medium < high < critical';

CREATE TYPE prevent.assessment AS (
	score int,
	level prevent.risk_level,
	categories text[],
	terms text[]
);
COMMENT ON TYPE prevent.assessment IS 'Result of prevent.assess(): score 0-100, its level, the categories and distinct terms found';

/*
 * The matcher's limits, as the C core defines them (core/matcher.h): the
 * lexicon's checks read them from there.
 */
CREATE FUNCTION prevent.max_term_length() RETURNS int
LANGUAGE c IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_max_term_length';
COMMENT ON FUNCTION prevent.max_term_length() IS 'Longest term, in characters, as written and after normalization';
CREATE FUNCTION prevent.max_window() RETURNS int
LANGUAGE c IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_max_window';
COMMENT ON FUNCTION prevent.max_window() IS 'Largest negation window and proximity distance, in characters';

/*
 * Tables that ship with rows (builtin = true) and that a DBA may edit are
 * dumped by pg_dump whole.  On restore, CREATE EXTENSION has made the
 * built-in rows already; a restored row whose key equals a built-in row's
 * replaces it, so a dump and restore round-trips exactly.  One BEFORE
 * INSERT trigger does it for every such table, the key column its argument
 * (its name sorts after the table's validation trigger, so the row is
 * checked first).
 *
 * Lexicon tables keyed by a generated id name their natural key too (the
 * normalized term): the ids of built-in rows differ between a fresh install
 * and a database updated from an older release (the update numbers the new
 * built-in rows after the DBA's), so there a restored row replaces the
 * built-in row with its natural key, taking over its id; a built-in row
 * that holds that id under another term moves to a new id (its own row,
 * later in the dump, finds it by its term).  For these tables a row a DBA
 * inserts with a built-in row's term replaces that row too.
 */
CREATE FUNCTION prevent._restore_builtin() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key name := TG_ARGV[0];
	natural_key name := CASE WHEN TG_NARGS > 1 THEN TG_ARGV[1] END;
	match_on name := coalesce(natural_key, key);
	assignments text;
	replaced bigint;
BEGIN
	IF natural_key IS NOT NULL THEN
		EXECUTE format('UPDATE %I.%I t SET %I = pg_catalog.nextval(%L) WHERE t.%I = ($1).%I AND t.%I IS DISTINCT FROM ($1).%I AND t.builtin',
					   TG_TABLE_SCHEMA, TG_TABLE_NAME, key,
					   pg_catalog.pg_get_serial_sequence(format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), key),
					   key, key, natural_key, natural_key)
			USING NEW;
	END IF;
	SELECT string_agg(format('%I = ($1).%I', a.attname, a.attname), ', ' ORDER BY a.attnum) INTO assignments
	  FROM pg_attribute a
	 WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> match_on;
	EXECUTE format('UPDATE %I.%I t SET %s WHERE t.%I = ($1).%I AND t.builtin',
				   TG_TABLE_SCHEMA, TG_TABLE_NAME, assignments, match_on, match_on)
		USING NEW;
	GET DIAGNOSTICS replaced = ROW_COUNT;
	IF replaced > 0 THEN
		RETURN NULL;
	END IF;
	RETURN NEW;
END
$$;
