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
/* ------------------------------------------------------------------------
 * Settings: one table of named values, each validated on write, each with
 * its default here.  The lexicon cache reads negation_scope, watch() reads
 * watch_mode, the issuing reads the tiers, the rate views report_time_zone.
 * ------------------------------------------------------------------------ */

CREATE TABLE prevent.setting (
	name text PRIMARY KEY,
	value text NOT NULL,
	description text,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.setting IS 'Engine settings (name, value); unknown names and invalid values are refused';

CREATE FUNCTION prevent.setting_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	valid boolean;
BEGIN
	CASE NEW.name
		WHEN 'negation_scope' THEN
			IF NEW.value IS NULL OR NEW.value NOT IN ('occurrence', 'category') THEN
				RAISE EXCEPTION 'invalid value "%" for setting "negation_scope"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Use ''occurrence'' (a cue cancels the match after it) or ''category'' (and every match of that category in the text).';
			END IF;
		WHEN 'watch_mode' THEN
			IF NEW.value IS NULL OR NEW.value NOT IN ('batch', 'row') THEN
				RAISE EXCEPTION 'invalid value "%" for setting "watch_mode"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Use ''batch'' (alerts of a statement written together) or ''row'' (each alert at once, for distributed tables).';
			END IF;
		WHEN 'report_time_zone' THEN
			IF NEW.value IS NULL OR NOT EXISTS (SELECT 1 FROM pg_timezone_names z WHERE z.name = NEW.value) THEN
				RAISE EXCEPTION 'invalid value "%" for setting "report_time_zone"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Use a time zone name from pg_timezone_names, e.g. Asia/Shanghai.';
			END IF;
		WHEN 'cross_jurisdiction_max_units' THEN
			IF NEW.value IS NULL OR NEW.value !~ '^[0-9]{1,3}$' OR NEW.value::int NOT BETWEEN 0 AND 100 THEN
				RAISE EXCEPTION 'invalid value "%" for setting "cross_jurisdiction_max_units"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'A number of units from 0 (no cross-jurisdiction orders) to 100.';
			END IF;
		WHEN 'backfill_orders_within' THEN
			BEGIN
				valid := NEW.value::interval >= '0'::interval;
			EXCEPTION WHEN data_exception THEN
				valid := false;
			END;
			IF valid IS NOT TRUE THEN
				RAISE EXCEPTION 'invalid value "%" for setting "backfill_orders_within"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'An interval of zero or more, e.g. ''7 days'' (''0'': historic alerts never issue orders).';
			END IF;
		WHEN 'dismiss_on_update' THEN
			IF NEW.value IS NULL OR NEW.value NOT IN ('on', 'off') THEN
				RAISE EXCEPTION 'invalid value "%" for setting "dismiss_on_update"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Use ''on'' (a pending alert whose row an UPDATE takes below its table''s alert level is dismissed) or ''off'' (it stays pending).';
			END IF;
		WHEN 'repeat_tier', 'cross_jurisdiction_tier', 'managed_person_tier' THEN
			IF NEW.value IS NULL OR NEW.value NOT IN ('1', '2', '3') THEN
				RAISE EXCEPTION 'invalid value "%" for setting "%"', NEW.value, NEW.name
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Tiers are 1 (command center), 2 (specialist unit) and 3 (base-control center).';
			END IF;
		ELSE
			RAISE EXCEPTION 'unknown setting "%"', NEW.name
				USING ERRCODE = 'undefined_object',
					  DETAIL = (SELECT 'Known settings: ' || string_agg(s.name, ', ' ORDER BY s.name) FROM prevent.setting s);
	END CASE;
	RETURN NEW;
END
$$;

CREATE TRIGGER setting_before_write BEFORE INSERT OR UPDATE ON prevent.setting
	FOR EACH ROW EXECUTE FUNCTION prevent.setting_before_write();
CREATE TRIGGER setting_restore_builtin BEFORE INSERT ON prevent.setting
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('name');

/*
 * Settings: every one with its default, here and nowhere else.
 *
 * Negation scope: 'category'.  Police narratives state the suspicion first
 * and rule it out later ("担心其有轻生念头 ... 未发现自杀倾向", "怀疑家长虐待孩子
 * ... 不存在虐待情况"); with 'occurrence' only the denied mention is
 * cancelled and the earlier one still raises an alert.  On the eval corpus
 * (bench/eval.sh) 'category' brings false alerts on ruled-out reports from
 * 18 of 22 down to 0 without losing a true alert: only the denied category
 * is dropped, the other categories of the text still count ("此次没有动手,
 * 但 ... 扬言离婚就不会放过你" keeps its threat).
 */
INSERT INTO prevent.setting (name, value, description, builtin) VALUES
	('negation_scope', 'category',
	 'occurrence: a negation cue cancels the match it precedes; category: it also cancels every match of that category in the text', true),
	('repeat_tier', '3', 'Tier that follows a repeat incident''s work orders (1 command center, 2 specialist unit, 3 base-control center)', true),
	('watch_mode', 'batch', 'batch: the alerts of one INSERT or COPY are written together at its end; row: each at once (for tables distributed by unit). Read by prevent.watch()', true),
	('cross_jurisdiction_tier', '1', 'Tier that follows work orders pushed to several units for one repeat incident', true),
	('managed_person_tier', '1', 'Tier that follows the work orders of an incident naming a person of concern (prevent.person): one under management is the command center''s to watch', true),
	('cross_jurisdiction_max_units', '5', 'Most other units a repeat incident''s orders are pushed to: those of the party''s latest incidents (a shared number that slipped past prevent.party_ignore cannot fan one alert out to every station)', true),
	('report_time_zone', 'Asia/Shanghai', 'Time zone in which the views cut months and days', true),
	('dismiss_on_update', 'off', 'on: a pending alert whose row an UPDATE takes below its table''s alert level is dismissed, the review note saying so; off: it stays pending for the second judgement. Issued orders are never touched', true),
	('backfill_orders_within', '7 days', 'Historic alerts (prevent.backfill, prevent.rescan) of incidents that occurred within this interval before now are issued or wait for review as new ones do; older ones are recorded only (status recorded)', true);

SELECT pg_catalog.pg_extension_config_dump('prevent.setting', '');
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
	SELECT DISTINCT m.unit FROM prevent.unit_member m JOIN pg_roles r ON r.oid = m.member::oid
	 WHERE pg_has_role(current_user, r.oid, 'MEMBER')
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
/* ------------------------------------------------------------------------
 * Lexicon tables.  All user-editable and kept by pg_dump.  Rows created by
 * CREATE EXTENSION carry builtin = true; a restored row whose key equals a
 * built-in row's replaces it (that is how pg_dump brings back edits of
 * built-in rows), so dump and restore round-trip exactly.
 * ------------------------------------------------------------------------ */

CREATE TABLE prevent.category (
	name text PRIMARY KEY
		CONSTRAINT category_name_format CHECK (name OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]{0,62}$'),
	label text NOT NULL,
	description text,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.category IS 'Risk categories of keywords (threat, weapon, suicide, ...)';
COMMENT ON COLUMN prevent.category.name IS 'Category code: lower-case ASCII letters, digits and _';
COMMENT ON COLUMN prevent.category.label IS 'Display name (Chinese)';
COMMENT ON COLUMN prevent.category.builtin IS 'Row shipped with the extension';

CREATE TABLE prevent.keyword (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	term text NOT NULL,
	category text REFERENCES prevent.category (name) ON UPDATE CASCADE,
	weight int NOT NULL DEFAULT 10
		CONSTRAINT keyword_weight_range CHECK (weight BETWEEN 1 AND 100),
	kind text NOT NULL DEFAULT 'match'
		CONSTRAINT keyword_kind_check CHECK (kind IN ('match', 'exclude', 'disposition', 'signal')),
	min_level prevent.risk_level
		CONSTRAINT keyword_min_level_check CHECK (min_level OPERATOR(pg_catalog.<>) 'none'),
	signal text
		CONSTRAINT keyword_signal_format CHECK (signal OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]{0,62}$'),
	enabled boolean NOT NULL DEFAULT true,
	note text,
	builtin boolean NOT NULL DEFAULT false,
	term_norm text NOT NULL,
	CONSTRAINT keyword_term_norm_key UNIQUE (term_norm),
	CONSTRAINT keyword_match_has_category CHECK (kind OPERATOR(pg_catalog.<>) 'match' OR category IS NOT NULL),
	CONSTRAINT keyword_signal_has_class CHECK (kind OPERATOR(pg_catalog.<>) 'signal' OR (signal IS NOT NULL AND category IS NULL))
);
CREATE INDEX keyword_category_idx ON prevent.keyword (category);
COMMENT ON TABLE prevent.keyword IS 'Risk terms (kind match), innocent phrases that suppress matches inside them (kind exclude), dispositions that rule out the risks written before them (kind disposition: 经核实系误会), and evidence of a signal class for prevent.combination only (kind signal: 今晚)';
COMMENT ON COLUMN prevent.keyword.term IS 'The term as written; matched after normalization, so 殺人, 杀 人 and 杀人 are one term';
COMMENT ON COLUMN prevent.keyword.category IS 'Category of a match term (required for kind match)';
COMMENT ON COLUMN prevent.keyword.weight IS 'Score contribution, 1-100, counted once per text however often the term occurs';
COMMENT ON COLUMN prevent.keyword.kind IS 'match: a risk term; exclude: an innocent phrase suppressing every match inside its span; disposition: a finding that rules out every match before it in the text (of its category, or of all when category is NULL); signal: evidence of its signal class only (no score, no category, not a term of prevent.terms()), which prevent.combination may pair with a category';
COMMENT ON COLUMN prevent.keyword.signal IS 'A signal class the term is evidence of, beside its category (minor_age, missing, means, farewell ...), for prevent.combination';
COMMENT ON COLUMN prevent.keyword.min_level IS 'Level the term reaches on its own, whatever the score (NULL: none); e.g. high for 炸药 or 烧炭';
COMMENT ON COLUMN prevent.keyword.term_norm IS 'The normalized term (maintained automatically, unique)';

CREATE TABLE prevent.negation (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	cue text NOT NULL,
	"window" int NOT NULL DEFAULT 6
		CONSTRAINT negation_window_range CHECK ("window" BETWEEN 0 AND prevent.max_window()),
	enabled boolean NOT NULL DEFAULT true,
	note text,
	builtin boolean NOT NULL DEFAULT false,
	cue_norm text NOT NULL,
	CONSTRAINT negation_cue_norm_key UNIQUE (cue_norm)
);
COMMENT ON TABLE prevent.negation IS 'Negation cues (未发现, 否认, 没有, ...) that cancel a match starting within "window" characters after the cue, in the same clause';
COMMENT ON COLUMN prevent.negation."window" IS 'Largest number of normalized characters between the cue and the match it cancels (0 to prevent.max_window(), 64)';

CREATE TABLE prevent.proximity (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	term_a text NOT NULL,
	term_b text NOT NULL,
	within int NOT NULL DEFAULT 10
		CONSTRAINT proximity_within_range CHECK (within BETWEEN 0 AND prevent.max_window()),
	category text NOT NULL REFERENCES prevent.category (name) ON UPDATE CASCADE,
	weight int NOT NULL DEFAULT 10
		CONSTRAINT proximity_weight_range CHECK (weight BETWEEN 1 AND 100),
	min_level prevent.risk_level
		CONSTRAINT proximity_min_level_check CHECK (min_level OPERATOR(pg_catalog.<>) 'none'),
	enabled boolean NOT NULL DEFAULT true,
	note text,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.proximity IS 'Proximity rules: term_a and term_b in one clause, at most "within" characters apart (either order), add weight in category';
COMMENT ON COLUMN prevent.proximity.min_level IS 'Level the rule reaches on its own when it fires (NULL: none); e.g. critical for intent next to means';

/*
 * Combinations of signals: when every category (or signal class, see
 * keyword.signal) of a row has matched terms (not excluded, negated or
 * ruled out) weighing at least min_weight in all, the level is at least the
 * row's level.  A threat and a weapon together are high however small each
 * score is on its own; so are a child's age and a child gone missing.
 */
CREATE TABLE prevent.combination (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	categories text[] NOT NULL,
	min_weight int NOT NULL DEFAULT 10
		CONSTRAINT combination_min_weight_range CHECK (min_weight BETWEEN 1 AND 100),
	level prevent.risk_level NOT NULL
		CONSTRAINT combination_level_check CHECK (level OPERATOR(pg_catalog.<>) 'none'),
	enabled boolean NOT NULL DEFAULT true,
	note text,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.combination IS 'Signal combinations: every listed category matched with at least min_weight gives at least level';
COMMENT ON COLUMN prevent.combination.categories IS 'Two or more categories of prevent.category or signal classes of prevent.keyword.signal, all of which must be present';
COMMENT ON COLUMN prevent.combination.min_weight IS 'Smallest summed weight of a category''s matched terms for it to count as present';

CREATE TABLE prevent.risk_threshold (
	level prevent.risk_level PRIMARY KEY
		CONSTRAINT risk_threshold_level_check CHECK (level OPERATOR(pg_catalog.<>) 'none'),
	min_score int NOT NULL
		CONSTRAINT risk_threshold_score_range CHECK (min_score BETWEEN 1 AND 100),
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.risk_threshold IS 'Lowest score of each risk level; scores below the low threshold are level none';

/* ------------------------------------------------------------------------
 * Lexicon validation: clear errors on write; built-in rows restored by
 * pg_restore replace the shipped ones (prevent._restore_builtin).  Terms are checked after normalization, the way they match.
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent.check_term(what text, term text) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	norm text := prevent.normalize(term);
	longest constant int := prevent.max_term_length();
BEGIN
	IF norm = '' THEN
		RAISE EXCEPTION '% "%" is empty after normalization', what, term
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Whitespace, punctuation, symbols and emoji are dropped when text is normalized.',
				  HINT = 'A term needs at least one letter, digit or Chinese character.';
	END IF;
	IF length(term) > longest OR length(norm) > longest THEN
		RAISE EXCEPTION '% "%" is longer than % characters', what, left(term, 20) || '...', longest
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('It has %s characters (%s after normalization).', length(term), length(norm));
	END IF;
	IF norm ~ '[。!?;\n]' THEN
		RAISE EXCEPTION '% "%" contains a clause break', what, term
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Matches never cross 。！？；!?; or line breaks, so such a term could never match.',
				  HINT = 'Split it into two terms, or use a proximity rule.';
	END IF;
	RETURN norm;
END
$$;

CREATE FUNCTION prevent.check_category(category text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM prevent.category c WHERE c.name = category) THEN
		RAISE EXCEPTION 'unknown category "%"', category
			USING ERRCODE = 'foreign_key_violation',
				  DETAIL = (SELECT 'Known categories: ' || string_agg(name, ', ' ORDER BY name) FROM prevent.category),
				  HINT = 'Add it first: INSERT INTO prevent.category(name, label) VALUES (...).';
	END IF;
END
$$;

CREATE FUNCTION prevent.check_weight(what text, weight int) RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF weight IS NULL OR weight < 1 OR weight > 100 THEN
		RAISE EXCEPTION '% % is out of range', what, coalesce(weight::text, 'NULL')
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Weights are whole numbers from 1 to 100.';
	END IF;
END
$$;

CREATE FUNCTION prevent.keyword_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	dup record;
BEGIN
	IF NEW.kind IS NULL OR NEW.kind NOT IN ('match', 'exclude', 'disposition', 'signal') THEN
		RAISE EXCEPTION 'invalid keyword kind "%"', NEW.kind
			USING ERRCODE = 'check_violation',
				  HINT = 'Use ''match'' for a risk term, ''exclude'' for an innocent phrase, ''disposition'' for a finding that rules the risk out, ''signal'' for evidence of a signal class.';
	END IF;
	IF NEW.signal IS NOT NULL AND (NEW.kind NOT IN ('match', 'signal') OR EXISTS (SELECT 1 FROM prevent.category c WHERE c.name = NEW.signal)) THEN
		RAISE EXCEPTION 'invalid signal "%" for keyword "%"', NEW.signal, NEW.term
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Only a match or signal term carries a signal class, and a signal may not be named like a category.';
	END IF;
	IF NEW.kind = 'signal' AND (NEW.signal IS NULL OR NEW.category IS NOT NULL) THEN
		RAISE EXCEPTION 'keyword "%" of kind signal needs a signal class and no category', NEW.term
			USING ERRCODE = 'check_violation',
				  HINT = 'A signal term is evidence of its class only: e.g. (term, kind, signal) = (''今晚'', ''signal'', ''imminent'').';
	END IF;
	IF NEW.min_level IS NOT NULL AND NEW.kind <> 'match' THEN
		RAISE EXCEPTION 'only a match term can have a min_level'
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('Keyword "%s" is of kind %s.', NEW.term, NEW.kind);
	END IF;
	NEW.term_norm := prevent.check_term('keyword term', NEW.term);
	IF NEW.kind = 'match' THEN
		IF NEW.category IS NULL THEN
			RAISE EXCEPTION 'keyword "%" has no category', NEW.term
				USING ERRCODE = 'not_null_violation',
					  HINT = 'Every match term needs a category from prevent.category.';
		END IF;
		PERFORM prevent.check_category(NEW.category);
	ELSIF NEW.category IS NOT NULL THEN
		PERFORM prevent.check_category(NEW.category);
	END IF;
	PERFORM prevent.check_weight('keyword weight', NEW.weight);

	-- (an inserted row with a built-in row's term replaces it: keyword_restore_builtin)
	SELECT k.id, k.term INTO dup FROM prevent.keyword k
	 WHERE k.term_norm = NEW.term_norm AND k.id IS DISTINCT FROM NEW.id
	   AND (TG_OP = 'INSERT' OR k.id <> OLD.id)
	   AND NOT (TG_OP = 'INSERT' AND k.builtin);
	IF FOUND THEN
		RAISE EXCEPTION 'keyword "%" duplicates keyword % "%"', NEW.term, dup.id, dup.term
			USING ERRCODE = 'unique_violation',
				  DETAIL = pg_catalog.format('Both normalize to "%s".', NEW.term_norm),
				  HINT = 'Update the existing keyword instead.';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER keyword_before_write BEFORE INSERT OR UPDATE ON prevent.keyword
	FOR EACH ROW EXECUTE FUNCTION prevent.keyword_before_write();
CREATE TRIGGER keyword_restore_builtin BEFORE INSERT ON prevent.keyword
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('id', 'term_norm');

CREATE FUNCTION prevent.negation_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	NEW.cue_norm := prevent.check_term('negation cue', NEW.cue);
	IF NEW."window" IS NULL OR NEW."window" < 0 OR NEW."window" > prevent.max_window() THEN
		RAISE EXCEPTION 'negation window % is out of range', coalesce(NEW."window"::text, 'NULL')
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('The window is a number of characters from 0 to %s.', prevent.max_window());
	END IF;
	-- (an inserted row with a built-in row's cue replaces it: negation_restore_builtin)
	IF EXISTS (SELECT 1 FROM prevent.negation n WHERE n.cue_norm = NEW.cue_norm AND n.id <> NEW.id
				AND (TG_OP = 'INSERT' OR n.id <> OLD.id) AND NOT (TG_OP = 'INSERT' AND n.builtin)) THEN
		RAISE EXCEPTION 'negation cue "%" already exists', NEW.cue
			USING ERRCODE = 'unique_violation',
				  DETAIL = pg_catalog.format('It normalizes to "%s".', NEW.cue_norm);
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER negation_before_write BEFORE INSERT OR UPDATE ON prevent.negation
	FOR EACH ROW EXECUTE FUNCTION prevent.negation_before_write();
CREATE TRIGGER negation_restore_builtin BEFORE INSERT ON prevent.negation
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('id', 'cue_norm');

CREATE FUNCTION prevent.proximity_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM prevent.check_term('proximity term', NEW.term_a);
	PERFORM prevent.check_term('proximity term', NEW.term_b);
	PERFORM prevent.check_category(NEW.category);
	PERFORM prevent.check_weight('proximity weight', NEW.weight);
	IF NEW.within IS NULL OR NEW.within < 0 OR NEW.within > prevent.max_window() THEN
		RAISE EXCEPTION 'proximity distance % is out of range', coalesce(NEW.within::text, 'NULL')
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('The distance is a number of characters from 0 to %s.', prevent.max_window());
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER proximity_before_write BEFORE INSERT OR UPDATE ON prevent.proximity
	FOR EACH ROW EXECUTE FUNCTION prevent.proximity_before_write();
CREATE TRIGGER proximity_restore_builtin BEFORE INSERT ON prevent.proximity
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('id');

CREATE FUNCTION prevent.combination_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	c text;
BEGIN
	IF NEW.categories IS NULL OR cardinality(NEW.categories) < 2
	   OR cardinality(NEW.categories) <> (SELECT count(DISTINCT x) FROM unnest(NEW.categories) x WHERE x IS NOT NULL) THEN
		RAISE EXCEPTION 'a combination needs two or more distinct categories'
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('Got %s.', coalesce(NEW.categories::text, 'NULL'));
	END IF;
	-- a category, or a signal class (keyword.signal); a signal no keyword carries yet is
	-- accepted (pg_restore loads combinations before keywords) and simply never present
	FOREACH c IN ARRAY NEW.categories LOOP
		IF c IS NULL OR c !~ '^[a-z][a-z0-9_]{0,62}$' THEN
			RAISE EXCEPTION 'invalid category or signal "%" in a combination', c
				USING ERRCODE = 'check_violation',
					  HINT = 'Name categories of prevent.category or signal classes of prevent.keyword.signal.';
		END IF;
	END LOOP;
	PERFORM prevent.check_weight('combination min_weight', NEW.min_weight);
	RETURN NEW;
END
$$;

CREATE TRIGGER combination_before_write BEFORE INSERT OR UPDATE ON prevent.combination
	FOR EACH ROW EXECUTE FUNCTION prevent.combination_before_write();
CREATE TRIGGER combination_restore_builtin BEFORE INSERT ON prevent.combination
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('id');

CREATE FUNCTION prevent.category_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.name IS NULL OR NEW.name !~ '^[a-z][a-z0-9_]{0,62}$' THEN
		RAISE EXCEPTION 'invalid category name "%"', NEW.name
			USING ERRCODE = 'check_violation',
				  HINT = 'Category names are lower-case ASCII letters, digits and _, starting with a letter.';
	END IF;
	IF NEW.label IS NULL OR btrim(NEW.label) = '' THEN
		RAISE EXCEPTION 'category "%" needs a label', NEW.name
			USING ERRCODE = 'not_null_violation';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER category_before_write BEFORE INSERT OR UPDATE ON prevent.category
	FOR EACH ROW EXECUTE FUNCTION prevent.category_before_write();
CREATE TRIGGER category_restore_builtin BEFORE INSERT ON prevent.category
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('name');

/* combinations name categories in an array (no foreign key): follow a rename, refuse a delete */
CREATE FUNCTION prevent.category_after_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.name <> OLD.name THEN
		UPDATE prevent.combination c SET categories = array_replace(c.categories, OLD.name, NEW.name)
		 WHERE OLD.name = ANY (c.categories);
	ELSIF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM prevent.combination c WHERE OLD.name = ANY (c.categories)) THEN
		RAISE EXCEPTION 'category "%" is used by a combination', OLD.name
			USING ERRCODE = 'foreign_key_violation',
				  HINT = 'Delete or change the rows of prevent.combination that name it first.';
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER category_after_write AFTER UPDATE OR DELETE ON prevent.category
	FOR EACH ROW EXECUTE FUNCTION prevent.category_after_write();

CREATE FUNCTION prevent.risk_threshold_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.min_score IS NULL OR NEW.min_score < 1 OR NEW.min_score > 100 THEN
		RAISE EXCEPTION 'threshold % of level % is out of range', coalesce(NEW.min_score::text, 'NULL'), NEW.level
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Thresholds are scores from 1 to 100.';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER risk_threshold_before_write BEFORE INSERT OR UPDATE ON prevent.risk_threshold
	FOR EACH ROW EXECUTE FUNCTION prevent.risk_threshold_before_write();
CREATE TRIGGER risk_threshold_restore_builtin BEFORE INSERT ON prevent.risk_threshold
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('level');

/* thresholds must rise with the level; checked once per statement */
CREATE FUNCTION prevent.risk_threshold_after_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	bad record;
BEGIN
	SELECT a.level AS lo, a.min_score AS lo_score, b.level AS hi, b.min_score AS hi_score INTO bad
	  FROM prevent.risk_threshold a JOIN prevent.risk_threshold b ON a.level < b.level
	 WHERE a.min_score >= b.min_score
	 ORDER BY a.level, b.level LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'risk thresholds must rise with the level'
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('Level %s starts at %s, but the higher level %s starts at %s.',
											 bad.lo, bad.lo_score, bad.hi, bad.hi_score);
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER risk_threshold_after_write AFTER INSERT OR UPDATE ON prevent.risk_threshold
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.risk_threshold_after_write();

/*
 * Any change to a lexicon table makes every backend drop its compiled
 * matcher: the C trigger sends a relcache invalidation for the table, which
 * other sessions process before their next statement.
 */
CREATE FUNCTION prevent.lexicon_changed() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'prevent_lexicon_changed';

CREATE TRIGGER category_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.category
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();
CREATE TRIGGER keyword_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.keyword
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();
CREATE TRIGGER negation_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.negation
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();
CREATE TRIGGER proximity_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.proximity
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();
CREATE TRIGGER combination_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.combination
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();
CREATE TRIGGER risk_threshold_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.risk_threshold
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();
CREATE TRIGGER setting_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.setting
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();

/* ------------------------------------------------------------------------
 * Default categories, thresholds and settings.
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.category (name, label, description, builtin) VALUES
	('threat',    '扬言威胁', '扬言伤害、杀人、报复他人', true),
	('weapon',    '持械凶器', '持刀、枪、爆炸物、汽油等凶器', true),
	('suicide',   '自杀轻生', '自杀、自伤、轻生', true),
	('extreme',   '极端行为', '同归于尽、报复社会、纵火、爆炸等极端行为', true),
	('domestic',  '家庭婚恋', '家庭暴力、婚恋纠纷', true),
	('debt',      '债务经济', '债务、欠薪、经济纠纷', true),
	('neighbour', '邻里纠纷', '邻里、土地、宅基地纠纷', true),
	('mental',    '精神障碍', '精神病人停药、发病、肇事肇祸', true),
	('minor',     '未成年人', '未成年人离家出走、失联、辍学、被侵害', true);

INSERT INTO prevent.risk_threshold (level, min_score, builtin) VALUES
	('low', 10, true), ('medium', 30, true), ('high', 60, true), ('critical', 90, true);

SELECT pg_catalog.pg_extension_config_dump('prevent.category', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.keyword', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.keyword_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.negation', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.negation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.proximity', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.proximity_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.combination', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.combination_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.risk_threshold', '');
/* ------------------------------------------------------------------------
 * Normalization and matching (C).
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent.normalize(doc text) RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_normalize';
COMMENT ON FUNCTION prevent.normalize(text) IS
'Normalized text: NFKC with case folding, Traditional -> Simplified, noise (whitespace, punctuation, symbols, emoji, zero-width) dropped, clause breaks kept';

CREATE FUNCTION prevent.version(OUT extension text, OUT unicode text, OUT icu text)
RETURNS record
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_version';
COMMENT ON FUNCTION prevent.version() IS
'Version of the loaded prevent module, and the Unicode and ICU versions its normalization table was generated from (they decide prevent.normalize() and the prevent.gin_ops keys)';

CREATE FUNCTION prevent.match(doc text,
	OUT keyword_id bigint, OUT term text, OUT category text,
	OUT weight int, OUT "position" int, OUT length int)
RETURNS SETOF record
LANGUAGE c STABLE STRICT PARALLEL SAFE ROWS 4
AS 'MODULE_PATHNAME', 'prevent_match';
COMMENT ON FUNCTION prevent.match(text) IS
'One row per keyword occurrence not suppressed by an exclusion or a negation; position and length are in characters of doc, so substr(doc, position, length) is the matched original text';

CREATE FUNCTION prevent.assess(doc text) RETURNS prevent.assessment
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_assess';
COMMENT ON FUNCTION prevent.assess(text) IS
'Score (0-100), risk level, categories and distinct terms of doc';

-- narrative columns (e.g. the call-taker's and the officer's) assessed as one text: the elements
-- joined with line breaks (a hard clause break: no term matches across two, no negation or
-- disposition reaches into the next), a NULL element as empty, an empty array as no text
CREATE FUNCTION prevent.assess(docs text[]) RETURNS prevent.assessment
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_assess_columns';
COMMENT ON FUNCTION prevent.assess(text[]) IS
'Score (0-100), risk level, categories and distinct terms of narrative columns as one text: the elements of docs joined with line breaks (no term matches across two; a NULL element is empty)';

CREATE FUNCTION prevent.score(doc text) RETURNS int
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_score';
COMMENT ON FUNCTION prevent.score(text) IS
'min(100, sum of the weights of the distinct keywords and proximity rules matched in doc)';

CREATE FUNCTION prevent.score(docs text[]) RETURNS int
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_score_columns';
COMMENT ON FUNCTION prevent.score(text[]) IS
'min(100, sum of the weights of the distinct keywords and proximity rules matched in the elements of docs joined with line breaks (no term matches across two; a NULL element is empty)';

CREATE FUNCTION prevent.level(score int) RETURNS prevent.risk_level
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_level';
COMMENT ON FUNCTION prevent.level(int) IS
'Risk level of a score under prevent.risk_threshold';

CREATE FUNCTION prevent.highlight(doc text, open text DEFAULT '【', close text DEFAULT '】') RETURNS text
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_highlight';
COMMENT ON FUNCTION prevent.highlight(text, text, text) IS
'doc with every keyword occurrence wrapped in open and close (overlapping occurrences merged)';

CREATE FUNCTION prevent.highlight(docs text[], open text DEFAULT '【', close text DEFAULT '】') RETURNS text[]
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_highlight_columns';
COMMENT ON FUNCTION prevent.highlight(text[], text, text) IS
'docs with every keyword occurrence of their joined text (the elements joined with line breaks) wrapped in open and close, in the element it is in; NULL elements stay NULL';

CREATE FUNCTION prevent.terms(category text DEFAULT NULL) RETURNS text[]
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_terms';
COMMENT ON FUNCTION prevent.terms(text) IS
'Enabled match terms, of one category or (NULL) of all';

CREATE FUNCTION prevent.explain(doc text,
	OUT signal text, OUT detail text, OUT category text, OUT "position" int, OUT length int,
	OUT weight int, OUT level prevent.risk_level, OUT effect text)
RETURNS SETOF record
LANGUAGE c STABLE STRICT PARALLEL SAFE ROWS 8
AS 'MODULE_PATHNAME', 'prevent_explain';
COMMENT ON FUNCTION prevent.explain(text) IS
'Why doc gets its level: one row per signal (term occurrences with what they added or what removed them, dispositions, proximity rules, combinations), then the score and the level';

CREATE FUNCTION prevent.explain(docs text[],
	OUT signal text, OUT detail text, OUT category text, OUT column_no int, OUT "position" int, OUT length int,
	OUT weight int, OUT level prevent.risk_level, OUT effect text)
RETURNS SETOF record
LANGUAGE c STABLE STRICT PARALLEL SAFE ROWS 8
AS 'MODULE_PATHNAME', 'prevent_explain_columns';
COMMENT ON FUNCTION prevent.explain(text[]) IS
'Why narrative columns get their level, assessed as one text (the elements of docs joined with line breaks): the rows of explain(text), with column_no, the subscript of the element an occurrence is in, and its position within that element, so that substr(docs[column_no], position, length) is the matched original text';
/* ------------------------------------------------------------------------
 * Index support: containment operators over normalized text and the GIN
 * operator class prevent.gin_ops that serves them (src/contains.c, src/gin.c).
 *
 *   doc &~ term      prevent.normalize(term) is a substring of prevent.normalize(doc)
 *   doc &~| terms    doc &~ t for at least one non-NULL element t of terms
 *
 * The operators live in schema prevent: put prevent on the search_path, or
 * write OPERATOR(prevent.&~).  Estimates come from matchingsel, which runs
 * the operator over the column's most common values and histogram, so the
 * planner takes the index for rare terms and a sequential scan for common
 * ones.  Both functions normalize the whole text, hence COST 100 (that of
 * to_tsvector): cheaper conditions are tested first, and rechecks weigh.  The operator class also serves LIKE on the raw text (strategy 3):
 * normalization maps each character on its own, so whatever a LIKE pattern's
 * literal parts need in the normalized text, the index can look up.
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent.contains(doc text, term text) RETURNS boolean
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE COST 100
AS 'MODULE_PATHNAME', 'prevent_contains';
COMMENT ON FUNCTION prevent.contains(text, text) IS
'True when prevent.normalize(term) is a substring of prevent.normalize(doc); a term that normalizes to nothing is an error (operator &~)';

CREATE FUNCTION prevent.contains_any(doc text, terms text[]) RETURNS boolean
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE COST 100
AS 'MODULE_PATHNAME', 'prevent_contains_any';
COMMENT ON FUNCTION prevent.contains_any(text, text[]) IS
'True when doc contains (as prevent.contains) at least one of the terms; NULL elements are ignored (operator &~|)';

CREATE OPERATOR prevent.&~ (
	LEFTARG = text,
	RIGHTARG = text,
	FUNCTION = prevent.contains,
	RESTRICT = pg_catalog.matchingsel,
	JOIN = pg_catalog.matchingjoinsel
);
COMMENT ON OPERATOR prevent.&~ (text, text) IS
'doc &~ term: doc contains term after both are normalized (prevent.normalize); indexable with prevent.gin_ops';

CREATE OPERATOR prevent.&~| (
	LEFTARG = text,
	RIGHTARG = text[],
	FUNCTION = prevent.contains_any,
	RESTRICT = pg_catalog.matchingsel,
	JOIN = pg_catalog.matchingjoinsel
);
COMMENT ON OPERATOR prevent.&~| (text, text[]) IS
'doc &~| terms: doc contains at least one of the terms after normalization; indexable with prevent.gin_ops';

CREATE FUNCTION prevent.gin_extract_value(text, internal) RETURNS internal
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_extract_value';

CREATE FUNCTION prevent.gin_extract_query(text, internal, int2, internal, internal, internal, internal)
RETURNS internal
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_extract_query';

CREATE FUNCTION prevent.gin_consistent(internal, int2, text, int4, internal, internal, internal, internal)
RETURNS boolean
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_consistent';

CREATE FUNCTION prevent.gin_compare_partial(int8, int8, int2, internal) RETURNS int4
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_compare_partial';

CREATE FUNCTION prevent.gin_triconsistent(internal, int2, text, int4, internal, internal, internal)
RETURNS "char"
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_triconsistent';

CREATE OPERATOR CLASS prevent.gin_ops
FOR TYPE text USING gin
AS
	OPERATOR	1	prevent.&~ (text, text),
	OPERATOR	2	prevent.&~| (text, text[]),
	OPERATOR	3	pg_catalog.~~ (text, text),
	FUNCTION	1	pg_catalog.btint8cmp (int8, int8),
	FUNCTION	2	prevent.gin_extract_value (text, internal),
	FUNCTION	3	prevent.gin_extract_query (text, internal, int2, internal, internal, internal, internal),
	FUNCTION	4	prevent.gin_consistent (internal, int2, text, int4, internal, internal, internal, internal),
	FUNCTION	5	prevent.gin_compare_partial (int8, int8, int2, internal),
	FUNCTION	6	prevent.gin_triconsistent (internal, int2, text, int4, internal, internal, internal),
	STORAGE		int8;
COMMENT ON OPERATOR CLASS prevent.gin_ops USING gin IS
'GIN index on character trigrams of prevent.normalize(text), for &~, &~| and LIKE';
/* ------------------------------------------------------------------------
 * The workflow: alerts, work orders, their escalations and the event log;
 * the per-level policy; issuing orders (prevent._issue, the one place);
 * the second judgement and the lifecycle; overdue escalation.
 * Every row written for an incident carries its unit (row-level security,
 * and a future deployment distributed by unit).
 *
 * Functions whose name starts with _ are internal: PUBLIC may not execute
 * them.  The C trigger on watched tables and the C wrappers behind
 * prevent.review/accept/feedback/close/evaluate run them as the extension's
 * owner (as PostgreSQL's own foreign-key triggers run as the table owner),
 * passing the calling role as the actor, so an application that may only
 * INSERT into its incident table still gets alerts and orders created, and
 * station staff act only through the lifecycle functions.
 *
 * Lock order.  Every writer takes its locks in this order, so that none
 * can wait for another in a cycle: the party stripes (prevent._party_lock,
 * in stripe order), prevent.alert, prevent.work_order, prevent.escalation,
 * prevent.event, then the counters (prevent.order_stats, repeat_party).
 * prevent.alert_stats is only appended to, by a statement trigger at the
 * end of each statement that writes alerts, and folded under its
 * prevent._job_lock row taken with SKIP LOCKED: it waits for no one; its
 * rebuild takes that row, then SHARE on alert (60_stats.sql).
 * The alert writer and review() write alerts before orders; a transition
 * locks its order only; prevent.refresh_stats() takes SHARE on alert
 * before SHARE on work_order.  Isolation specs in specs/ hold each pair.
 * The registry of persons of concern (prevent.person, person_kind,
 * 56_persons.sql) and the routing table (prevent.route, 59_routing.sql)
 * are only read by writers, never locked;
 * prevent.record_contact() locks the person's row (KEY SHARE, its foreign
 * key) and writes prevent.person_contact, nothing else.
 *
 * Times.  A lifecycle call without at happened now, by the clock, and
 * never before the order's previous stage (two sessions' transactions may
 * commit in another order than they started).
 * ------------------------------------------------------------------------ */

CREATE TABLE prevent.level_policy (
	level prevent.risk_level PRIMARY KEY
		CONSTRAINT level_policy_level_check CHECK (level OPERATOR(pg_catalog.<>) 'none'),
	auto_issue boolean NOT NULL,
	tiers smallint[] NOT NULL DEFAULT '{}',
	accept_within interval NOT NULL,
	feedback_within interval NOT NULL,
	close_within interval NOT NULL,
	builtin boolean NOT NULL DEFAULT false,
	CONSTRAINT level_policy_tiers_check CHECK (tiers OPERATOR(pg_catalog.<@) '{1,2,3}'::smallint[]),
	-- each tier once: an order gets one escalation row per tier and reason
	CONSTRAINT level_policy_tiers_distinct CHECK (
		(1::smallint OPERATOR(pg_catalog.=) ANY (tiers))::int OPERATOR(pg_catalog.+)
		(2::smallint OPERATOR(pg_catalog.=) ANY (tiers))::int OPERATOR(pg_catalog.+)
		(3::smallint OPERATOR(pg_catalog.=) ANY (tiers))::int OPERATOR(pg_catalog.=) pg_catalog.cardinality(tiers)),
	CONSTRAINT level_policy_due_check CHECK (accept_within > '0'::interval
		AND feedback_within >= accept_within AND close_within >= feedback_within)
);
COMMENT ON TABLE prevent.level_policy IS 'Per risk level: whether an alert issues a work order at once, which tiers follow the order, and its deadlines';
COMMENT ON COLUMN prevent.level_policy.auto_issue IS 'true: an alert of this level issues a work order at once; false: it waits for prevent.review()';
COMMENT ON COLUMN prevent.level_policy.tiers IS 'Tiers that follow an order of this level (1 command center, 2 specialist unit, 3 base-control center)';
COMMENT ON COLUMN prevent.level_policy.accept_within IS 'Deadline for accepting the order, from its issue';
COMMENT ON COLUMN prevent.level_policy.feedback_within IS 'Deadline for the first feedback, from its issue';
COMMENT ON COLUMN prevent.level_policy.close_within IS 'Deadline for closing the order, from its issue';

CREATE TRIGGER level_policy_restore_builtin BEFORE INSERT ON prevent.level_policy
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('level');

INSERT INTO prevent.level_policy (level, auto_issue, tiers, accept_within, feedback_within, close_within, builtin) VALUES
	('low',      false, '{}',      '4 hours',    '24 hours', '7 days', true),
	('medium',   false, '{}',      '2 hours',    '24 hours', '7 days', true),
	('high',     true,  '{1}',     '1 hour',     '24 hours', '3 days', true),
	('critical', true,  '{1,2,3}', '30 minutes', '12 hours', '2 days', true);

CREATE TABLE prevent.alert (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	source regclass NOT NULL,
	source_key text NOT NULL,
	unit text,
	occurred_at timestamptz NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	reassessed_at timestamptz,
	score int NOT NULL,
	level prevent.risk_level NOT NULL,
	categories text[] NOT NULL,
	terms text[] NOT NULL,
	parties text[] NOT NULL DEFAULT '{}',
	repeat boolean NOT NULL DEFAULT false,
	historic boolean NOT NULL DEFAULT false,
	persons bigint[] NOT NULL DEFAULT '{}',
	status text NOT NULL DEFAULT 'pending'
		CONSTRAINT alert_status_check CHECK (status IN ('pending', 'issued', 'dismissed', 'recorded')),
	reviewed_at timestamptz,
	reviewed_by name,
	review_note text
);
-- probed once per party of every new alert: no pending list to scan each time
-- a party's alerts, for queries by party (the writer reads prevent.party_incident)
CREATE INDEX alert_parties_idx ON prevent.alert USING gin (parties) WITH (fastupdate = off);
CREATE INDEX alert_source_idx ON prevent.alert (source, source_key);
CREATE INDEX alert_unit_idx ON prevent.alert (unit, occurred_at);
COMMENT ON TABLE prevent.alert IS 'Warning clues: watched rows at or above their alert level';
COMMENT ON COLUMN prevent.alert.source IS 'The watched table the incident was inserted into';
COMMENT ON COLUMN prevent.alert.source_key IS 'The incident''s key in its table, as text';
COMMENT ON COLUMN prevent.alert.parties IS 'Parties: values of the party columns and phone / resident ID numbers written in the narrative';
COMMENT ON COLUMN prevent.alert.repeat IS 'A party of this incident had repeat_threshold incidents within repeat_window';
COMMENT ON COLUMN prevent.alert.reassessed_at IS 'When an UPDATE of its row last assessed it again (score, level, categories, terms, parties, unit and time are that assessment''s; prevent.event has each change of level), or raised it; NULL: as its row was inserted';
COMMENT ON COLUMN prevent.alert.historic IS 'Written by prevent.backfill() or prevent.rescan() for a row that was already in its table, not by the trigger as the row came in';
COMMENT ON COLUMN prevent.alert.persons IS 'Ids of the persons of concern (prevent.person) among the parties, active when the incident occurred: they raised its level to their kinds'' floor and their units got orders too';
-- a person's incidents (prevent.person_incidents); most alerts name no one and stay out of it
CREATE INDEX alert_persons_idx ON prevent.alert USING gin (persons) WHERE persons <> '{}';
COMMENT ON COLUMN prevent.alert.status IS 'pending (waiting for prevent.review), issued (work orders exist), dismissed, recorded (historic, older than the setting backfill_orders_within: kept for repeats and counts, neither reviewed nor issued)';

/*
 * Each party of each alert with the alert's time and unit: what the repeat
 * check reads, through the index on (party, occurred_at), so it costs the
 * party's incidents within the window, not all of them.  The alert writer
 * adds the rows of its alerts in the statement that writes them; deleting
 * or truncating alerts deletes theirs (triggers below, 60_stats.sql for
 * TRUNCATE); prevent.refresh_stats() rebuilds it.
 */
CREATE TABLE prevent.party_incident (
	party text NOT NULL,
	occurred_at timestamptz NOT NULL,
	alert_id bigint NOT NULL,
	unit text,
	PRIMARY KEY (party, occurred_at, alert_id)
);
CREATE INDEX party_incident_alert_idx ON prevent.party_incident (alert_id);
COMMENT ON TABLE prevent.party_incident IS 'The parties of every alert, with its time and unit, kept by the alert writer: a party''s incidents by time';

-- alerts deleted or truncated: what is derived from them goes too (as the owner: a role
-- allowed to delete alerts need not be allowed to write the derived tables)
CREATE FUNCTION prevent._alert_removed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM prevent.party_incident;
		DELETE FROM prevent.repeat_party;
	ELSE
		DELETE FROM prevent.party_incident p WHERE p.alert_id IN (SELECT o.id FROM old_rows o);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER alert_deleted AFTER DELETE ON prevent.alert
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_removed();
CREATE TRIGGER alert_truncated AFTER TRUNCATE ON prevent.alert
	FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_removed();

CREATE TABLE prevent.work_order (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	alert_id bigint NOT NULL REFERENCES prevent.alert (id),
	unit text,
	level prevent.risk_level NOT NULL,
	reason text NOT NULL
		CONSTRAINT work_order_reason_check CHECK (reason IN ('risk_level', 'review', 'repeat', 'cross_jurisdiction', 'managed_person', 'category_push')),
	status text NOT NULL DEFAULT 'issued'
		CONSTRAINT work_order_status_check CHECK (status IN ('issued', 'accepted', 'fed_back', 'closed', 'evaluated')),
	issued_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	accept_due timestamptz NOT NULL,
	due_at timestamptz NOT NULL,
	close_due timestamptz NOT NULL,
	accepted_at timestamptz,
	fed_back_at timestamptz,
	closed_at timestamptz,
	resolved boolean,
	evaluated_at timestamptz,
	rating int,
	next_escalation_due timestamptz DEFAULT '-infinity'
);
CREATE INDEX work_order_unit_idx ON prevent.work_order (unit, issued_at);

/*
 * What "open" and "overdue" mean, once: the views, the partial index and
 * escalate_overdue() call these (the SQL bodies are inlined into them).
 */
-- an order is open until it is closed
CREATE FUNCTION prevent.order_is_open(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN status OPERATOR(pg_catalog.=) ANY ('{issued,accepted,fed_back}'::text[]);
COMMENT ON FUNCTION prevent.order_is_open(text) IS 'Whether a work order of this status is open (issued, accepted or fed_back)';

-- the deadlines an order has missed at a time, in the order they fall due
CREATE FUNCTION prevent.order_breaches(o prevent.work_order, at timestamptz)
RETURNS TABLE (breach text, due timestamptz, n int)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT d.breach, d.due, d.n
	  FROM (VALUES (1, 'accept', o.accepted_at, o.accept_due),
				   (2, 'feedback', o.fed_back_at, o.due_at),
				   (3, 'close', o.closed_at, o.close_due)) d(n, breach, met_at, due)
	 WHERE prevent.order_is_open(o.status) AND d.met_at IS NULL AND d.due OPERATOR(pg_catalog.<) at
	 ORDER BY d.n;
END;
COMMENT ON FUNCTION prevent.order_breaches(prevent.work_order, timestamptz) IS
'The deadlines (accept, feedback, close) an open work order has missed at a time, in the order they fall due';

CREATE INDEX work_order_open_idx ON prevent.work_order (unit) WHERE prevent.order_is_open(status);
-- one open order per alert and unit: an alert whose orders are all closed may be issued again
-- (an UPDATE of its row raising it to a level that issues at once)
CREATE UNIQUE INDEX work_order_alert_unit_idx ON prevent.work_order (alert_id, unit) WHERE prevent.order_is_open(status);
-- an alert's orders (the foreign key, the views)
CREATE INDEX work_order_alert_idx ON prevent.work_order (alert_id);
COMMENT ON TABLE prevent.work_order IS 'Instruction orders pushed to a unit: issued -> accepted -> fed_back -> closed -> evaluated';
COMMENT ON COLUMN prevent.work_order.reason IS 'Why it was issued: risk_level (auto-issue level reached), review (second judgement), repeat, cross_jurisdiction (a repeat party''s other unit), managed_person (the responsible unit of a person of concern named in the incident), category_push (a recipient of the alert''s category in prevent.route)';
COMMENT ON COLUMN prevent.work_order.due_at IS 'Feedback deadline (issued_at + feedback_within of the level)';
COMMENT ON COLUMN prevent.work_order.accept_due IS 'Acceptance deadline';
COMMENT ON COLUMN prevent.work_order.close_due IS 'Closing deadline';
COMMENT ON COLUMN prevent.work_order.resolved IS 'Set on closing: whether the dispute or risk was resolved';
COMMENT ON COLUMN prevent.work_order.next_escalation_due IS 'Internal: when escalate_overdue() must next look at the order (its earliest deadline neither met nor escalated; -infinity: not looked at yet; NULL: nothing left). Set it to -infinity after changing an order''s deadlines or stage times by hand';

CREATE TABLE prevent.escalation (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	work_order_id bigint NOT NULL REFERENCES prevent.work_order (id),
	unit text,
	tier smallint NOT NULL CONSTRAINT escalation_tier_check CHECK (tier BETWEEN 1 AND 3),
	reason text NOT NULL
		CONSTRAINT escalation_reason_check CHECK (reason IN ('risk_level', 'repeat', 'cross_jurisdiction', 'managed_person', 'category_push', 'overdue')),
	breach text CONSTRAINT escalation_breach_check CHECK (breach IN ('accept', 'feedback', 'close')),
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT escalation_breach_reason CHECK ((reason = 'overdue') = (breach IS NOT NULL))
);
CREATE UNIQUE INDEX escalation_once_idx ON prevent.escalation (work_order_id, tier, reason, coalesce(breach, ''));
COMMENT ON TABLE prevent.escalation IS 'Which tiers follow a work order and why (risk_level, repeat, cross_jurisdiction, managed_person, category_push, overdue)';
COMMENT ON COLUMN prevent.escalation.tier IS '1 command center, 2 specialist unit, 3 base-control center';
COMMENT ON COLUMN prevent.escalation.breach IS 'For overdue escalations: the deadline missed (accept, feedback, close)';

-- the deadlines an order has missed at a time that no overdue escalation follows yet
CREATE FUNCTION prevent._unescalated_breaches(o prevent.work_order, at timestamptz)
RETURNS TABLE (breach text, due timestamptz, n int)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT b.breach, b.due, b.n
	  FROM prevent.order_breaches(o, at) b
	 WHERE NOT EXISTS (SELECT 1 FROM prevent.escalation e
						WHERE e.work_order_id OPERATOR(pg_catalog.=) o.id AND e.reason OPERATOR(pg_catalog.=) 'overdue'
						  AND e.breach OPERATOR(pg_catalog.=) b.breach)
	 ORDER BY b.n;
END;

/*
 * What escalate_overdue() reads: the orders whose next_escalation_due has
 * passed, and nothing else.  The column is kept by the functions that change
 * an order: prevent._transition() and escalate_overdue() set it to the
 * earliest deadline prevent._unescalated_breaches() gives at 'infinity' (the
 * latter: from its run's time on, the deadlines before having been escalated
 * by it); a closed order, or one whose deadlines are all met or escalated,
 * has NULL and leaves the index.  A new order has '-infinity', "not looked
 * at yet": the next run derives its deadline (so _issue() and any other
 * writer of orders need not know it).
 */
CREATE INDEX work_order_escalation_due_idx ON prevent.work_order (next_escalation_due)
	WHERE next_escalation_due IS NOT NULL;

CREATE TABLE prevent.event (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	work_order_id bigint REFERENCES prevent.work_order (id),
	alert_id bigint NOT NULL REFERENCES prevent.alert (id),
	unit text,
	action text NOT NULL,
	from_status text,
	to_status text,
	at timestamptz NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	actor name NOT NULL,
	acting_role name NOT NULL,
	note text
);
CREATE INDEX event_work_order_idx ON prevent.event (work_order_id);
-- deleting alerts checks the events that refer to them (a foreign key)
CREATE INDEX event_alert_idx ON prevent.event (alert_id);
COMMENT ON TABLE prevent.event IS 'Append-only log of reviews and work-order transitions, with the acting role';
COMMENT ON COLUMN prevent.event.at IS 'When it happened (may be earlier than recorded_at for imports)';
COMMENT ON COLUMN prevent.event.actor IS 'Who acted: the session''s login role (session_user), also after SET ROLE';
COMMENT ON COLUMN prevent.event.acting_role IS 'The role it acted as (current_user), whose unit membership allowed the action';

/*
 * Locks of prevent's own, as rows only the extension owner may lock (no
 * other role has UPDATE on these tables): an advisory lock key can be taken
 * by any role, which could then block every insert naming a party or the
 * counter rebuild.  (escalate_overdue() takes no lock of its own: it locks
 * the orders it escalates, skipping those another transaction holds.)
 *
 * prevent._party_lock: the alert writer (src/watch.c) locks the rows of the
 * stripes its batch's parties hash to, in stripe order, so that incidents of
 * one party are written one transaction after the other.  Row locks take no
 * room in the shared lock table, so a COPY naming any number of parties
 * cannot run it out.  Stripes are numbered 0 to n - 1 (the writer counts them).
 */
CREATE TABLE prevent._party_lock (
	stripe int PRIMARY KEY
);
INSERT INTO prevent._party_lock (stripe) SELECT s FROM pg_catalog.generate_series(0, 65535) s;
COMMENT ON TABLE prevent._party_lock IS 'Internal: lock rows of the alert writer, one per party stripe (party hash modulo 65536)';

-- one row per job that runs one at a time
CREATE TABLE prevent._job_lock (
	job text PRIMARY KEY
);
INSERT INTO prevent._job_lock (job) VALUES ('order_stats');
COMMENT ON TABLE prevent._job_lock IS 'Internal: lock rows of jobs that run one at a time (order_stats: folding or rebuilding the counters)';

-- what the dashboard and keyword_hits read: recent, pending and open rows only
CREATE INDEX work_order_issued_idx ON prevent.work_order (issued_at);
CREATE INDEX alert_pending_idx ON prevent.alert (unit) WHERE status = 'pending';
CREATE INDEX alert_occurred_idx ON prevent.alert (occurred_at);
CREATE INDEX escalation_work_order_idx ON prevent.escalation (work_order_id);

SELECT prevent._restrict_to_unit('prevent.alert');
SELECT prevent._restrict_to_unit('prevent.party_incident');
SELECT prevent._restrict_to_unit('prevent.work_order');
SELECT prevent._restrict_to_unit('prevent.escalation');
SELECT prevent._restrict_to_unit('prevent.event');

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

/*
 * Values that are no party: placeholders a dispatcher types for an unknown
 * caller (无, 不详, 000), test and switchboard numbers, the stations' own
 * lines.  They are left out of an alert's parties, so they link no
 * incidents as repeats.  Kept in the canonical form prevent.parties()
 * gives (a DBA may write '+86 138-0013-8000'); add the department's own
 * numbers here.
 */
CREATE TABLE prevent.party_ignore (
	party text PRIMARY KEY,
	note text,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.party_ignore IS 'Values that are not parties (placeholders, switchboard and test numbers): left out of alerts'' parties, so they make no repeats';
COMMENT ON COLUMN prevent.party_ignore.party IS 'The value in canonical form (as prevent.parties() gives it; written in any form, it is stored canonical)';

-- a party value a DBA types (prevent.party_ignore, prevent.person): its canonical form, or the error
CREATE FUNCTION prevent._canonical_party(value text, what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	canonical text[] := prevent.parties('', ARRAY[value]);
BEGIN
	IF cardinality(canonical) <> 1 THEN
		RAISE EXCEPTION '% "%" is not one party value after normalization', what, value
			USING ERRCODE = 'check_violation',
				  HINT = 'Write one phone number, resident ID number or party-column value, as it appears in incidents.';
	END IF;
	RETURN canonical[1];
END
$$;

CREATE FUNCTION prevent.party_ignore_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	NEW.party := prevent._canonical_party(NEW.party, 'party');
	RETURN NEW;
END
$$;
CREATE TRIGGER party_ignore_before_write BEFORE INSERT OR UPDATE ON prevent.party_ignore
	FOR EACH ROW EXECUTE FUNCTION prevent.party_ignore_before_write();
CREATE TRIGGER party_ignore_restore_builtin BEFORE INSERT ON prevent.party_ignore
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('party');

INSERT INTO prevent.party_ignore (party, note, builtin) VALUES
	('无', 'placeholder', true), ('不详', 'placeholder', true), ('未知', 'placeholder', true),
	('暂无', 'placeholder', true), ('不明', 'placeholder', true), ('匿名', 'placeholder', true),
	('没有', 'placeholder', true), ('空', 'placeholder', true), ('null', 'placeholder', true),
	('none', 'placeholder', true), ('0', 'placeholder', true), ('00', 'placeholder', true),
	('000', 'placeholder', true), ('0000', 'placeholder', true),
	('110', 'emergency number', true), ('119', 'emergency number', true), ('120', 'emergency number', true),
	('122', 'emergency number', true), ('12110', 'SMS emergency number', true),
	('13800138000', 'a number used as a placeholder', true), ('12345678901', 'placeholder', true),
	('13888888888', 'placeholder', true), ('13000000000', 'placeholder', true);
SELECT pg_catalog.pg_extension_config_dump('prevent.party_ignore', '');

CREATE FUNCTION prevent.setting_int(setting_name text, fallback int) RETURNS int
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN coalesce((SELECT value::int FROM prevent.setting WHERE name = setting_name), fallback); END $$;

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
 * judgement), the other units whose earlier incidents make it a repeat:
 * each of those gets an order too (cross_jurisdiction), and further
 * recipients, each a unit with the reason it gets an order (managed_person:
 * the responsible unit of a person of concern the incident names,
 * prevent._person_recipients(); category_push: a recipient of one of the
 * alert's categories, prevent._route_recipients()).  Each unit gets one
 * order per alert: the alert's own unit first, then the recipients in their
 * order, then the repeat's other units (a unit named twice keeps its first
 * reason).  Deadlines and the level's tiers come from prevent.level_policy,
 * except a recipient's own deadlines; a repeat alert's orders are followed
 * by tier repeat_tier, an alert issued to several units for a repeat by
 * tier cross_jurisdiction_tier, one that names a person of concern by tier
 * managed_person_tier, and a recipient's order by the recipient's own tier
 * too (reason: the recipient's).  Every order gets an 'issue' event.
 */
CREATE TYPE prevent._recipient AS (
	unit text,
	reason text,
	tier smallint,				-- follows this recipient's order (NULL: none of its own)
	accept_within interval,		-- its own deadlines (NULL: the level's)
	feedback_within interval,
	close_within interval
);

CREATE TYPE prevent._issue_request AS (
	alert_id bigint,
	level prevent.risk_level,
	unit text,
	repeat boolean,
	reason text,
	other_units text[],
	recipients prevent._recipient[]
);

CREATE FUNCTION prevent._issue(requests prevent._issue_request[], actor name, at timestamptz) RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n int;
	missing bigint;
	repeat_tier constant smallint := prevent.setting_int('repeat_tier', 3);
	cross_tier constant smallint := prevent.setting_int('cross_jurisdiction_tier', 1);
	person_tier constant smallint := prevent.setting_int('managed_person_tier', 1);
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
		SELECT q.ord, q.alert_id, q.level, q.unit, q.repeat, q.reason, q.other_units, q.recipients,
			   p.tiers, p.accept_within, p.feedback_within, p.close_within
		  FROM unnest(requests) WITH ORDINALITY AS q(alert_id, level, unit, repeat, reason, other_units, recipients, ord)
		  JOIN prevent.level_policy p ON p.level = q.level
	), orders AS MATERIALIZED (
		-- one order per unit: the alert's own unit first, then the recipients (a unit pushed to
		-- for a reason of its own, e.g. the station managing a person named), then the repeat's
		-- other units, each group by unit: a unit in two groups gets the first one's reason,
		-- and ids follow that order
		SELECT o.ord, o.unit, o.reason, o.tier, o.accept_within, o.feedback_within, o.close_within,
			   nextval('prevent.work_order_id_seq'::regclass) AS order_id,
			   bool_or(o.reason = 'cross_jurisdiction') OVER (PARTITION BY o.ord) AS cross_units
		  FROM (SELECT DISTINCT ON (u.ord, u.unit) u.ord, u.unit, u.reason, u.rank, u.tier,
					   u.accept_within, u.feedback_within, u.close_within
				  FROM (SELECT r.ord, r.unit, r.reason, 0 AS rank, 0::bigint AS pos, NULL::smallint AS tier,
							   NULL::interval AS accept_within, NULL::interval AS feedback_within,
							   NULL::interval AS close_within
						  FROM r
						UNION ALL
						SELECT r.ord, x.unit, x.reason, 1, x.pos, x.tier, x.accept_within, x.feedback_within,
							   x.close_within
						  FROM r CROSS JOIN LATERAL unnest(r.recipients) WITH ORDINALITY
								AS x(unit, reason, tier, accept_within, feedback_within, close_within, pos)
						UNION ALL
						SELECT r.ord, x.unit, 'cross_jurisdiction', 2, 0, NULL, NULL, NULL, NULL
						  FROM r CROSS JOIN LATERAL unnest(r.other_units) x(unit)) u
				 ORDER BY u.ord, u.unit, u.rank, u.pos) o
		 ORDER BY o.ord, o.rank, o.unit
	), ins_order AS (
		INSERT INTO prevent.work_order (id, alert_id, unit, level, reason, issued_at, accept_due, due_at, close_due)
		SELECT o.order_id, r.alert_id, o.unit, r.level, o.reason, _issue.at,
			   _issue.at + coalesce(o.accept_within, r.accept_within),
			   _issue.at + coalesce(o.feedback_within, r.feedback_within),
			   _issue.at + coalesce(o.close_within, r.close_within)
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
				SELECT repeat_tier, 'repeat' WHERE r.repeat
				UNION ALL
				SELECT cross_tier, 'cross_jurisdiction' WHERE o.cross_units
				UNION ALL
				SELECT person_tier, 'managed_person'
				 WHERE 'managed_person' = ANY (ARRAY(SELECT x.reason FROM unnest(r.recipients) x))
				UNION ALL
				-- a recipient's own tier follows its order only
				SELECT o.tier, o.reason WHERE o.tier IS NOT NULL) e
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
	SELECT * INTO a FROM prevent.alert WHERE id = alert_id FOR NO KEY UPDATE;
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
		PERFORM prevent._issue(ARRAY[ROW(a.id, a.level, a.unit, a.repeat, 'review', NULL,
										 prevent._recipients(a.persons, a.categories, a.level))::prevent._issue_request],
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
	SELECT * INTO o FROM prevent.work_order WHERE id = order_id FOR NO KEY UPDATE;
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
	-- no time given: now, by the clock (the transaction's start can precede the previous
	-- stage, written by a transaction that started later and committed first)
	IF at IS NULL THEN
		at := greatest(pg_catalog.clock_timestamp(), previous);
	END IF;
	IF at < previous THEN
		RAISE EXCEPTION 'cannot % work order % at %: that precedes its previous stage (%)', action, order_id, at, previous
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF at > pg_catalog.clock_timestamp() + interval '5 minutes' THEN
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

	-- the order as it will be, so that its next deadline to escalate is derived from it
	o.status := to_status;
	CASE action
		WHEN 'accept' THEN o.accepted_at := at;
		WHEN 'feedback' THEN o.fed_back_at := coalesce(o.fed_back_at, at);
		WHEN 'close' THEN o.closed_at := at; o.resolved := _transition.resolved;
		WHEN 'evaluate' THEN o.evaluated_at := at; o.rating := _transition.rating;
	END CASE;
	o.next_escalation_due := (SELECT min(b.due) FROM prevent._unescalated_breaches(o, 'infinity') b);
	UPDATE prevent.work_order w
	   SET status = o.status, accepted_at = o.accepted_at, fed_back_at = o.fed_back_at, closed_at = o.closed_at,
		   resolved = o.resolved, evaluated_at = o.evaluated_at, rating = o.rating,
		   next_escalation_due = o.next_escalation_due
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
CREATE FUNCTION prevent.accept(order_id bigint, note text DEFAULT NULL, at timestamptz DEFAULT NULL) RETURNS prevent.work_order
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.accept(bigint, text, timestamptz) IS 'The unit accepts an issued work order';
CREATE FUNCTION prevent.feedback(order_id bigint, note text, at timestamptz DEFAULT NULL) RETURNS prevent.work_order
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.feedback(bigint, text, timestamptz) IS 'The unit reports back on an accepted work order (again while open; the first feedback counts)';
CREATE FUNCTION prevent.close(order_id bigint, resolved boolean, note text DEFAULT NULL, at timestamptz DEFAULT NULL) RETURNS prevent.work_order
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.close(bigint, boolean, text, timestamptz) IS 'The unit closes a fed-back work order, saying whether it was resolved';
CREATE FUNCTION prevent.evaluate(order_id bigint, rating int, note text DEFAULT NULL, at timestamptz DEFAULT NULL) RETURNS prevent.work_order
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.evaluate(bigint, int, text, timestamptz) IS 'The supervising tier evaluates a closed work order (rating 1-5)';

/*
 * Orders past a deadline (accept, feedback, close) are escalated one tier
 * up from the highest tier following them (3 -> 2 -> 1; none -> 3), once
 * per missed deadline.  Schedule it with pg_cron.
 *
 * It costs what is due, not what is open: the orders it looks at are those
 * whose next_escalation_due has passed, found through
 * work_order_escalation_due_idx.  Locking: no job-wide lock; it locks the
 * rows of those orders, skipping any another transaction holds (a station
 * in the middle of a transition, or a concurrent run): such an order is
 * escalated by the next run.  With the rows locked it reads the orders and
 * their escalations in a new statement (a fresh snapshot in READ
 * COMMITTED), so whatever an earlier run or transition committed is seen;
 * escalation_once_idx with ON CONFLICT DO NOTHING keeps "once" even so.
 */
CREATE FUNCTION prevent.escalate_overdue(at timestamptz DEFAULT pg_catalog.now()) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	due_orders bigint[];
	n int;
BEGIN
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT coalesce(array_agg(c.id), '{}') INTO due_orders
	  FROM (SELECT w.id FROM prevent.work_order w
			 WHERE w.next_escalation_due < escalate_overdue.at
			   FOR UPDATE SKIP LOCKED) c;
	IF cardinality(due_orders) = 0 THEN
		RETURN 0;
	END IF;
	WITH breach AS (
		SELECT w.id, w.unit, b.breach, b.n
		  FROM prevent.work_order w
		  CROSS JOIN LATERAL prevent._unescalated_breaches(w, escalate_overdue.at) b
		 WHERE w.id = ANY (due_orders)
		 ORDER BY w.id, b.n
	), ins AS (
		INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, breach, created_at)
		SELECT b.id, b.unit,
			   greatest(1, coalesce((SELECT min(e.tier) FROM prevent.escalation e WHERE e.work_order_id = b.id), 4) - 1
						   - (row_number() OVER (PARTITION BY b.id ORDER BY b.n) - 1)::int),
			   'overdue', b.breach, escalate_overdue.at
		  FROM breach b
		ON CONFLICT DO NOTHING
		RETURNING 1
	), advance AS (
		-- every deadline missed at this time is escalated now (or was): the next is the first after it
		UPDATE prevent.work_order w
		   SET next_escalation_due = (SELECT min(b.due) FROM prevent._unescalated_breaches(w, 'infinity') b
									   WHERE b.due >= escalate_overdue.at)
		 WHERE w.id = ANY (due_orders)
	)
	SELECT count(*) INTO n FROM ins;
	RETURN n;
END
$$;
COMMENT ON FUNCTION prevent.escalate_overdue(timestamptz) IS
'Escalate open work orders past a deadline one tier up, once per missed deadline; returns the number of escalations made. Orders another transaction has locked are left to the next run. Meant for pg_cron; runs with the extension owner''s rights (EXECUTE is not granted to PUBLIC)';

SELECT pg_catalog.pg_extension_config_dump('prevent.level_policy', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.alert', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.alert_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.party_incident', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.work_order', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.work_order_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.escalation', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.escalation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.event', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.event_id_seq', '');
/* ------------------------------------------------------------------------
 * prevent.watch() / prevent.unwatch(): attach to a user's incident table.
 * The triggers are named prevent_watch* (prevent._watch_triggers());
 * registrations live in prevent.watched (kept by pg_dump; the triggers are
 * dumped with the table).  Event triggers
 * keep registrations right when a watched table is dropped or a watched
 * column renamed, and refuse to drop a watched column.
 * ------------------------------------------------------------------------ */

CREATE TABLE prevent.watched (
	source regclass PRIMARY KEY,
	text_columns name[] NOT NULL
		CONSTRAINT watched_text_columns_check CHECK (pg_catalog.cardinality(text_columns) OPERATOR(pg_catalog.>=) 1
			AND pg_catalog.array_position(text_columns, NULL) IS NULL),
	key_column name NOT NULL,
	unit_column name,
	party_columns name[] NOT NULL DEFAULT '{}',
	occurred_column name,
	alert_level prevent.risk_level NOT NULL DEFAULT 'low',
	repeat_window interval NOT NULL DEFAULT '30 days',
	repeat_threshold int NOT NULL DEFAULT 2,
	watched_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	watched_by name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE prevent.watched IS 'Tables watched by prevent.watch(); one row each, kept by pg_dump';
COMMENT ON COLUMN prevent.watched.text_columns IS 'The narrative columns, assessed as one text in this order (a line break between two)';

CREATE FUNCTION prevent.watch_trigger() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'prevent_watch_trigger';
COMMENT ON FUNCTION prevent.watch_trigger() IS
'AFTER INSERT and AFTER UPDATE row trigger that prevent.watch() attaches to incident tables (argument ''batch'' or ''row'')';

CREATE FUNCTION prevent.watch_flush() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'prevent_watch_flush';
COMMENT ON FUNCTION prevent.watch_flush() IS
'AFTER INSERT and AFTER UPDATE statement trigger that writes the alerts the row trigger queued';

-- whether a type can hold a narrative: text, varchar or char, or a domain over one
-- (the trigger reads the column as a varlena string; watch.c checks the same)
CREATE FUNCTION prevent._is_text_type(t regtype) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	WITH RECURSIVE base(oid, typbasetype, typtype) AS (
		SELECT ty.oid, ty.typbasetype, ty.typtype FROM pg_catalog.pg_type ty WHERE ty.oid OPERATOR(pg_catalog.=) t::pg_catalog.oid
		UNION ALL
		SELECT ty.oid, ty.typbasetype, ty.typtype FROM base b
		  JOIN pg_catalog.pg_type ty ON ty.oid OPERATOR(pg_catalog.=) b.typbasetype
		 WHERE b.typtype OPERATOR(pg_catalog.=) 'd')
	SELECT coalesce(pg_catalog.bool_or(b.oid OPERATOR(pg_catalog.=) ANY
				(ARRAY['pg_catalog.text'::pg_catalog.regtype, 'pg_catalog.varchar'::pg_catalog.regtype,
					   'pg_catalog.bpchar'::pg_catalog.regtype]::pg_catalog.oid[])), false)
	  FROM base b WHERE b.typtype OPERATOR(pg_catalog.<>) 'd';
END;

-- the column's type, or a clear error if it does not exist
CREATE FUNCTION prevent._column_type(tbl regclass, col name, what text) RETURNS regtype
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t regtype;
BEGIN
	SELECT a.atttypid::regtype INTO t FROM pg_attribute a
	 WHERE a.attrelid = tbl AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'column "%" of relation % does not exist', col, tbl
			USING ERRCODE = 'undefined_column',
				  DETAIL = pg_catalog.format('It was given as the %s.', what);
	END IF;
	RETURN t;
END
$$;

/*
 * The triggers of a watched table, made from its registration (watch(),
 * and the update script for tables watched before 0.3.0):
 *   prevent_watch         AFTER INSERT, each row: assess and queue
 *   prevent_watch_update  AFTER UPDATE OF the watched columns, each row, WHEN
 *                         one of them changed (an UPDATE that changes none
 *                         fires nothing): assess again and queue
 *   prevent_watch_flush, prevent_watch_update_flush
 *                         AFTER INSERT / UPDATE OF them, each statement:
 *                         write the queue (batch mode only)
 * Batch mode: the row triggers queue and the statement triggers write; row
 * mode (setting watch_mode, and partitioned tables, whose partitions inherit
 * no statement trigger): each alert is written by its row trigger.  The
 * watched columns of an UPDATE: the narrative, unit, party and occurred
 * columns (the key identifies the alert and is not among them).  The update
 * triggers depend on those columns, so ALTER COLUMN ... TYPE of one drops
 * them first and makes them again (src/watch/ddl.c, _on_alter_table()).
 */
CREATE FUNCTION prevent._watch_mode(tbl regclass) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = tbl) = 'p'
				 OR coalesce((SELECT s.value FROM prevent.setting s WHERE s.name = 'watch_mode'), 'batch') = 'row'
			THEN 'row' ELSE 'batch' END;

CREATE FUNCTION prevent._watch_update_triggers(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	w prevent.watched;
	mode text;
	cols text;
	changed text;
BEGIN
	SELECT * INTO STRICT w FROM prevent.watched x WHERE x.source = tbl;
	-- the mode of the INSERT triggers, if the table has them: batch mode has a flush trigger
	mode := CASE WHEN NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = tbl AND t.tgname = 'prevent_watch')
				 THEN prevent._watch_mode(tbl)
				 WHEN EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = tbl AND t.tgname = 'prevent_watch_flush')
				 THEN 'batch' ELSE 'row' END;
	-- (the other columns compared as text: their type may have no equality operator)
	SELECT string_agg(pg_catalog.quote_ident(c), ', ' ORDER BY c),
		   string_agg(CASE WHEN c = ANY (w.text_columns)
						   THEN pg_catalog.format('OLD.%1$I IS DISTINCT FROM NEW.%1$I', c)
						   ELSE pg_catalog.format('OLD.%1$I::pg_catalog.text IS DISTINCT FROM NEW.%1$I::pg_catalog.text', c) END,
					  ' OR ' ORDER BY c)
	  INTO cols, changed
	  FROM (SELECT DISTINCT c FROM unnest(w.text_columns || ARRAY[w.unit_column, w.occurred_column] || w.party_columns) c
			 WHERE c IS NOT NULL) x;
	EXECUTE pg_catalog.format('CREATE TRIGGER prevent_watch_update AFTER UPDATE OF %s ON %s FOR EACH ROW WHEN (%s) EXECUTE FUNCTION prevent.watch_trigger(%L)',
							  cols, tbl, changed, mode);
	IF mode = 'batch' THEN
		EXECUTE pg_catalog.format('CREATE TRIGGER prevent_watch_update_flush AFTER UPDATE OF %s ON %s FOR EACH STATEMENT EXECUTE FUNCTION prevent.watch_flush()',
								  cols, tbl);
	END IF;
END
$$;

CREATE FUNCTION prevent._watch_triggers(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	mode constant text := prevent._watch_mode(tbl);
BEGIN
	EXECUTE pg_catalog.format('CREATE TRIGGER prevent_watch AFTER INSERT ON %s FOR EACH ROW EXECUTE FUNCTION prevent.watch_trigger(%L)',
							  tbl, mode);
	IF mode = 'batch' THEN
		EXECUTE pg_catalog.format('CREATE TRIGGER prevent_watch_flush AFTER INSERT ON %s FOR EACH STATEMENT EXECUTE FUNCTION prevent.watch_flush()', tbl);
	END IF;
	PERFORM prevent._watch_update_triggers(tbl);
END
$$;

-- before ALTER TABLE ... ALTER COLUMN ... TYPE of tbl (src/watch/ddl.c): the update triggers
-- of tbl and of its watched descendants go, and the tables are noted in the transaction's
-- prevent.retyped for _on_alter_table() to make them again (only those: a pg_restore runs
-- ALTER TABLE on watched tables before it creates their triggers)
CREATE FUNCTION prevent._drop_update_triggers(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r regclass;
BEGIN
	FOR r IN
		WITH RECURSIVE d(oid) AS (
			SELECT tbl::oid
			UNION
			SELECT i.inhrelid FROM pg_inherits i JOIN d ON i.inhparent = d.oid)
		SELECT w.source FROM prevent.watched w JOIN d ON d.oid = w.source::oid
	LOOP
		EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS prevent_watch_update ON %s', r);
		EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS prevent_watch_update_flush ON %s', r);
		PERFORM pg_catalog.set_config('prevent.retyped',
									  concat_ws(' ', nullif(current_setting('prevent.retyped', true), ''), r::oid), true);
	END LOOP;
END
$$;

CREATE FUNCTION prevent._before_alter_table() RETURNS event_trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'prevent_before_alter_table';

CREATE FUNCTION prevent.watch(tbl regclass, text_column name DEFAULT NULL,
							  key_column name DEFAULT NULL,
							  unit_column name DEFAULT NULL,
							  party_columns name[] DEFAULT '{}',
							  occurred_column name DEFAULT NULL,
							  alert_level prevent.risk_level DEFAULT 'low',
							  repeat_window interval DEFAULT '30 days',
							  repeat_threshold int DEFAULT 2,
							  text_columns name[] DEFAULT NULL) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	rel record;
	t regtype;
	pk name[];
	c name;
BEGIN
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'tbl must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF (text_column IS NULL) = (text_columns IS NULL) THEN
		RAISE EXCEPTION 'give either text_column or text_columns'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'text_columns => ''{bjnr,cjqk}'' watches several narrative columns, assessed as one text.';
	END IF;
	text_columns := coalesce(text_columns, ARRAY[text_column]);
	IF cardinality(text_columns) = 0 OR array_position(text_columns, NULL) IS NOT NULL
	   OR array_ndims(text_columns) <> 1 THEN
		RAISE EXCEPTION 'text_columns must be a list of one or more column names, without NULLs'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF (SELECT count(DISTINCT x) FROM unnest(text_columns) x) <> cardinality(text_columns) THEN
		RAISE EXCEPTION 'text_columns names a column twice'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT c.relkind, c.relpersistence INTO rel FROM pg_class c WHERE c.oid = tbl;
	IF rel.relkind NOT IN ('r', 'p') THEN
		RAISE EXCEPTION '% is not a table', tbl
			USING ERRCODE = 'wrong_object_type',
				  HINT = 'Only ordinary and partitioned tables can be watched.';
	END IF;
	-- a temporary table goes at the end of the session without a DROP event: its registration would stay
	IF rel.relpersistence = 't' THEN
		RAISE EXCEPTION '% is a temporary table', tbl
			USING ERRCODE = 'wrong_object_type',
				  HINT = 'Only permanent and unlogged tables can be watched.';
	END IF;
	IF EXISTS (SELECT 1 FROM prevent.watched w WHERE w.source = tbl) THEN
		RAISE EXCEPTION 'table % is already watched', tbl
			USING ERRCODE = 'duplicate_object',
				  HINT = 'Call prevent.unwatch() first to change how it is watched.';
	END IF;

	FOREACH c IN ARRAY text_columns LOOP
		t := prevent._column_type(tbl, c, 'text column');
		IF NOT prevent._is_text_type(t) THEN
			RAISE EXCEPTION 'column "%" of relation % is of type %, not text', c, tbl, t
				USING ERRCODE = 'datatype_mismatch',
					  HINT = 'A narrative column must be text, varchar or char (or a domain over one).';
		END IF;
	END LOOP;

	IF key_column IS NULL THEN
		SELECT array_agg(a.attname ORDER BY a.attnum) INTO pk
		  FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		 WHERE i.indrelid = tbl AND i.indisprimary;
		IF pk IS NULL OR cardinality(pk) <> 1 THEN
			RAISE EXCEPTION 'table % has no single-column primary key', tbl
				USING ERRCODE = 'invalid_table_definition',
					  HINT = 'Give the column that identifies an incident as key_column.';
		END IF;
		key_column := pk[1];
	ELSE
		PERFORM prevent._column_type(tbl, key_column, 'key column');
	END IF;
	IF key_column = ANY (text_columns) THEN
		RAISE EXCEPTION 'the key column "%" cannot be a narrative column', key_column
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF unit_column IS NOT NULL THEN
		PERFORM prevent._column_type(tbl, unit_column, 'unit column');
	END IF;
	FOREACH c IN ARRAY coalesce(party_columns, '{}') LOOP
		PERFORM prevent._column_type(tbl, c, 'party column');
	END LOOP;
	IF occurred_column IS NOT NULL THEN
		t := prevent._column_type(tbl, occurred_column, 'occurred column');
		IF t NOT IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) THEN
			RAISE EXCEPTION 'column "%" of relation % is of type %, not a timestamp', occurred_column, tbl, t
				USING ERRCODE = 'datatype_mismatch';
		END IF;
	END IF;
	IF alert_level IS NULL OR alert_level = 'none' THEN
		RAISE EXCEPTION 'alert_level must be low, medium, high or critical'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF repeat_window IS NULL OR repeat_window <= interval '0' THEN
		RAISE EXCEPTION 'repeat_window must be positive' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF repeat_threshold IS NULL OR repeat_threshold < 2 THEN
		RAISE EXCEPTION 'repeat_threshold must be at least 2' USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'It counts the incidents of one party within repeat_window, this one included.';
	END IF;

	INSERT INTO prevent.watched (source, text_columns, key_column, unit_column, party_columns,
								 occurred_column, alert_level, repeat_window, repeat_threshold)
	VALUES (tbl, text_columns, key_column, unit_column, coalesce(party_columns, '{}'),
			occurred_column, alert_level, repeat_window, repeat_threshold);
	PERFORM prevent._watch_triggers(tbl);
END
$$;
COMMENT ON FUNCTION prevent.watch(regclass, name, name, name, name[], name, prevent.risk_level, interval, int, name[]) IS
'Watch an incident table: every row inserted, or updated in a watched column, at or above alert_level becomes an alert (or updates its alert), and work orders and escalations follow; text_column, or text_columns for several narrative columns assessed as one text';

CREATE FUNCTION prevent.unwatch(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM prevent.watched w WHERE w.source = tbl;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'table % is not watched', tbl
			USING ERRCODE = 'undefined_object';
	END IF;
	EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS prevent_watch ON %s', tbl);
	EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS prevent_watch_update ON %s', tbl);
	EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS prevent_watch_flush ON %s', tbl);
	EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS prevent_watch_update_flush ON %s', tbl);
END
$$;
COMMENT ON FUNCTION prevent.unwatch(regclass) IS
'Stop watching a table; its alerts and work orders stay';

CREATE TRIGGER watched_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.watched
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();

/*
 * The event triggers fire for every role's DDL, on every object: their
 * functions run as the extension owner (SECURITY DEFINER, pinned
 * search_path), so that a role that may not read prevent.watched can still
 * ALTER and DROP its own objects, and they read only what the event hands
 * them.
 */

/* a watched table dropped: forget it */
CREATE FUNCTION prevent._on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM prevent.watched w
	 USING pg_event_trigger_dropped_objects() d
	 WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND d.objid = w.source::oid;
END
$$;

/* a watched column renamed: follow it; dropped, or the text column made a non-text type: refuse */
CREATE FUNCTION prevent._on_alter_table() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cmd record;
	w prevent.watched;
	missing name[];
	newname name;
	t regtype;
BEGIN
	FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE classid = 'pg_class'::regclass LOOP
		SELECT * INTO w FROM prevent.watched WHERE source::oid = cmd.objid;
		CONTINUE WHEN NOT FOUND;
		SELECT array_agg(c) INTO missing
		  FROM unnest(w.text_columns || ARRAY[w.key_column, w.unit_column, w.occurred_column] || w.party_columns) c
		 WHERE c IS NOT NULL
		   AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = w.source AND a.attname = c
							  AND a.attnum > 0 AND NOT a.attisdropped);
		IF missing IS NOT NULL THEN
			IF cmd.objsubid > 0 AND cardinality(missing) = 1 THEN
				SELECT a.attname INTO newname FROM pg_attribute a
				 WHERE a.attrelid = w.source AND a.attnum = cmd.objsubid AND NOT a.attisdropped;
			END IF;
			IF newname IS NULL THEN
				RAISE EXCEPTION 'column "%" of % is watched by prevent', missing[1], w.source
					USING ERRCODE = 'dependent_objects_still_exist',
						  HINT = 'Call prevent.unwatch() first.';
			END IF;
			UPDATE prevent.watched x
			   SET text_columns = array_replace(x.text_columns, missing[1], newname),
				   key_column = CASE WHEN x.key_column = missing[1] THEN newname ELSE x.key_column END,
				   unit_column = CASE WHEN x.unit_column = missing[1] THEN newname ELSE x.unit_column END,
				   occurred_column = CASE WHEN x.occurred_column = missing[1] THEN newname ELSE x.occurred_column END,
				   party_columns = array_replace(x.party_columns, missing[1], newname)
			 WHERE x.source = w.source
			RETURNING x.* INTO w;
			newname := NULL;
		END IF;
		-- ALTER COLUMN ... TYPE: a narrative must stay a string the trigger can read
		SELECT a.attname, a.atttypid::regtype INTO newname, t FROM pg_attribute a
		 WHERE a.attrelid = w.source AND a.attname = ANY (w.text_columns) AND NOT a.attisdropped
		   AND NOT prevent._is_text_type(a.atttypid::regtype)
		 ORDER BY a.attnum LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'text column "%" of % is watched by prevent and cannot become type %', newname, w.source, t
				USING ERRCODE = 'datatype_mismatch',
					  HINT = 'A narrative column must be text, varchar or char; call prevent.unwatch() first.';
		END IF;
		newname := NULL;
	END LOOP;
	-- the update triggers dropped before a column's type changed (_drop_update_triggers), made again
	FOR w IN SELECT x.* FROM prevent.watched x
			  WHERE x.source::oid = ANY (pg_catalog.string_to_array(nullif(current_setting('prevent.retyped', true), ''), ' ')::oid[])
				AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = x.source AND t.tgname = 'prevent_watch_update') LOOP
		PERFORM prevent._watch_update_triggers(w.source);
	END LOOP;
	PERFORM pg_catalog.set_config('prevent.retyped', '', true);
END
$$;

/* the extension's schema renamed: refuse (prevent's code names its objects prevent.<name>) */
CREATE FUNCTION prevent._on_alter_schema() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
					WHERE e.extname = 'prevent' AND n.nspname = 'prevent') THEN
		RAISE EXCEPTION 'the schema of extension prevent must stay named prevent'
			USING ERRCODE = 'feature_not_supported',
				  HINT = 'prevent''s functions and triggers name their objects prevent.<name>.';
	END IF;
END
$$;

CREATE EVENT TRIGGER prevent_sql_drop ON sql_drop EXECUTE FUNCTION prevent._on_sql_drop();
CREATE EVENT TRIGGER prevent_alter_table ON ddl_command_end WHEN TAG IN ('ALTER TABLE')
	EXECUTE FUNCTION prevent._on_alter_table();
CREATE EVENT TRIGGER prevent_before_alter_table ON ddl_command_start WHEN TAG IN ('ALTER TABLE')
	EXECUTE FUNCTION prevent._before_alter_table();
CREATE EVENT TRIGGER prevent_alter_schema ON ddl_command_end WHEN TAG IN ('ALTER SCHEMA')
	EXECUTE FUNCTION prevent._on_alter_schema();

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
	window_from timestamptz,	-- occurred_at -/+ the table's repeat_window, infinite where
	window_to timestamptz,		-- that would pass the limits of timestamptz
	repeat_threshold int,
	historic boolean,			-- from prevent.backfill() or rescan(), not the trigger
	alert_level prevent.risk_level,	-- the table's: a row below it was queued because it names a
								-- person of concern, or was updated, and is dropped unless
								-- that raises it or it has an alert
	updated boolean,			-- from an UPDATE of the row: an alert it raises says so
	reassess boolean			-- the row may have an alert already (an UPDATE, or an INSERT into a
								-- partition: how a row an UPDATE moves to another partition arrives):
								-- that alert is assessed again
);

/*
 * Alerts are written by the triggers on watched tables (src/watch/), as
 * the extension owner, with one set-based statement per batch
 * (src/watch/alert_batch.sql), which hands the alerts to issue to
 * prevent._issue().
 */

/*
 * Alerts the writer could not write because of their own data (a class 22,
 * 23 or 54 error: a constraint a DBA added, a value too large for an index
 * entry): the incident row stays inserted, a WARNING names it, and its
 * alert is kept here with the error, so nothing is lost and nothing is
 * rejected.  Whatever else fails (deadlock, cancel, out of memory) fails
 * the statement, as it would without prevent.
 */
CREATE TABLE prevent.alert_failure (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	input prevent._alert_input NOT NULL,
	source regclass GENERATED ALWAYS AS ((input).source) STORED,
	source_key text GENERATED ALWAYS AS ((input).source_key) STORED,
	unit text GENERATED ALWAYS AS ((input).unit) STORED,
	sqlstate text NOT NULL,
	message text NOT NULL,
	detail text,
	failed_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX alert_failure_source_idx ON prevent.alert_failure (source, source_key);
COMMENT ON TABLE prevent.alert_failure IS 'Alerts that could not be written (the incident rows were inserted), with the error; read by unit like the alerts';
COMMENT ON COLUMN prevent.alert_failure.input IS 'The alert as the trigger made it (score, level, terms, parties, repeat window)';
COMMENT ON COLUMN prevent.alert_failure.sqlstate IS 'SQLSTATE of the error that kept it back';
SELECT prevent._restrict_to_unit('prevent.alert_failure');

SELECT pg_catalog.pg_extension_config_dump('prevent.watched', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.alert_failure', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.alert_failure_id_seq', '');
/* ------------------------------------------------------------------------
 * Persons of concern (重点人员, 全量纳管): the persons a police station
 * manages — severe mental illness under guardianship, drug users in the
 * community, minors at risk, released prisoners, petitioners — each with the
 * unit responsible for them and the period they are managed.
 *
 * An incident with some risk signal (level low or above) whose parties
 * include a person managed when it occurred is raised to the floor of that
 * person's kind, and the person's unit gets its own work order (reason
 * managed_person, followed by tier managed_person_tier) besides the
 * incident's unit.  Naming a person is no risk by itself: an incident with
 * no signal is never raised.  The rule is the alert writer's, written once
 * in src/watch/alert_batch.sql; the trigger only pre-filters rows below
 * their table's alert level by the identifiers of prevent.person
 * (src/watch/persons.c, a per-backend cache that prevent.lexicon_changed()
 * invalidates on every change of the table).
 *
 * The DBA (the extension owner) edits the registry; members of a unit read
 * their unit's persons (row-level security) and record contacts with them
 * (prevent.record_contact, acting members).  prevent.person_incidents is
 * the one-person-one-plan sheet (一人一策), prevent.person_contact_status
 * what a BI tool filters for persons not seen for a while.
 * ------------------------------------------------------------------------ */

/*
 * Kinds, each with the least level of an incident with a risk signal that
 * names such a person.  mental, drug and minor: high, so the order goes
 * out at once (auto-issue) — a patient who stopped medication, a drug user
 * or a child at risk can turn a quarrel into harm within hours (肇事肇祸),
 * and these are the groups the practice follows up without waiting.
 * released and petitioner: medium, a second judgement (prevent.review) —
 * their incidents are frequent and heated words (扬言) in a petition are
 * seldom danger, but the station that knows the person should look.
 */
CREATE TABLE prevent.person_kind (
	kind text PRIMARY KEY,
	description text,
	floor prevent.risk_level NOT NULL
		CONSTRAINT person_kind_floor_check CHECK (floor OPERATOR(pg_catalog.<>) 'none'),
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.person_kind IS 'Kinds of persons of concern, each with the least level of an incident with a risk signal that names such a person';
COMMENT ON COLUMN prevent.person_kind.floor IS 'An incident at level low or above naming an active person of this kind is raised to at least this level';

CREATE TRIGGER person_kind_restore_builtin BEFORE INSERT ON prevent.person_kind
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('kind');

INSERT INTO prevent.person_kind (kind, description, floor, builtin) VALUES
	('mental',     '严重精神障碍患者（监护管理）', 'high', true),
	('drug',       '社区戒毒、社区康复人员', 'high', true),
	('minor',      '重点未成年人', 'high', true),
	('released',   '刑满释放人员', 'medium', true),
	('petitioner', '重点信访人员', 'medium', true);

CREATE TABLE prevent.person (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	identifier text NOT NULL,
	kind text NOT NULL REFERENCES prevent.person_kind (kind) ON UPDATE CASCADE,
	unit text NOT NULL,
	valid_from timestamptz NOT NULL DEFAULT pg_catalog.now(),
	valid_until timestamptz,
	full_name text,
	note text,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT person_period_check CHECK (valid_until IS NULL OR valid_from < valid_until)
);
-- the writer looks persons up by the parties of each alert
CREATE INDEX person_identifier_idx ON prevent.person (identifier);
COMMENT ON TABLE prevent.person IS 'Persons of concern (重点人员): an identifier a party of an incident can have, a kind, the responsible unit and the period under management';
COMMENT ON COLUMN prevent.person.identifier IS 'A phone number, resident ID number or other party value, in canonical form (as prevent.parties() gives it; written in any form, it is stored canonical)';
COMMENT ON COLUMN prevent.person.unit IS 'The unit (police station) responsible for the person: it gets a work order for every alert naming the person';
COMMENT ON COLUMN prevent.person.valid_from IS 'Managed from this time (incidents that occurred before it are not raised)';
COMMENT ON COLUMN prevent.person.valid_until IS 'Managed until this time, exclusive (NULL: open). End a management by setting it rather than deleting the row: alerts keep the person''s id';
COMMENT ON COLUMN prevent.person.full_name IS 'Name for the sheet (一人一策); never matched against narratives';

/*
 * The identifier in canonical form, and the rules with the hint the
 * constraints cannot give (person_period_check and the foreign key stay,
 * for rows written with triggers disabled).
 */
CREATE FUNCTION prevent.person_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.identifier IS NULL THEN
		RAISE EXCEPTION 'identifier of a person must not be NULL' USING ERRCODE = 'not_null_violation';
	END IF;
	NEW.identifier := prevent._canonical_party(NEW.identifier, 'identifier');
	IF EXISTS (SELECT 1 FROM prevent.party_ignore i WHERE i.party = NEW.identifier) THEN
		RAISE WARNING 'identifier "%" is in prevent.party_ignore: no incident will name this person', NEW.identifier
			USING HINT = 'Register the person by a value that identifies them.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM prevent.person_kind k WHERE k.kind = NEW.kind) THEN
		RAISE EXCEPTION 'unknown person kind "%"', NEW.kind
			USING ERRCODE = 'foreign_key_violation',
				  HINT = (SELECT 'Known kinds: ' || string_agg(k.kind, ', ' ORDER BY k.kind) || '; add one to prevent.person_kind.'
							FROM prevent.person_kind k);
	END IF;
	IF btrim(NEW.unit) = '' THEN
		RAISE EXCEPTION 'unit of a person must not be empty' USING ERRCODE = 'check_violation',
			HINT = 'Give the code of the police station responsible for the person.';
	END IF;
	IF NEW.valid_until <= NEW.valid_from THEN
		RAISE EXCEPTION 'valid_until % is not after valid_from %', NEW.valid_until, NEW.valid_from
			USING ERRCODE = 'check_violation',
				  HINT = 'valid_until ends the management (exclusive); leave it NULL while the person is managed.';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER person_before_write BEFORE INSERT OR UPDATE ON prevent.person
	FOR EACH ROW EXECUTE FUNCTION prevent.person_before_write();
-- the trigger's cache of identifiers (src/watch/persons.c) is invalidated as the lexicon's is
CREATE TRIGGER person_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.person
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();
SELECT prevent._restrict_to_unit('prevent.person');

-- the units that get an order for an alert naming these persons (prevent._issue)
CREATE FUNCTION prevent._person_recipients(persons bigint[]) RETURNS prevent._recipient[]
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT ARRAY(SELECT ROW(u.unit, 'managed_person', NULL, NULL, NULL, NULL)::prevent._recipient
				   FROM (SELECT DISTINCT p.unit FROM prevent.person p
						  WHERE p.id OPERATOR(pg_catalog.=) ANY (persons)) u
				  ORDER BY u.unit);
END;

/* contacts with a person (visits, calls): recorded by the person's unit */
CREATE TABLE prevent.person_contact (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	person_id bigint NOT NULL REFERENCES prevent.person (id) ON DELETE CASCADE,
	unit text NOT NULL,
	at timestamptz NOT NULL,
	note text NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	recorded_by name NOT NULL,
	acting_role name NOT NULL
);
CREATE INDEX person_contact_person_idx ON prevent.person_contact (person_id, at);
COMMENT ON TABLE prevent.person_contact IS 'Contacts of a unit with its persons of concern (visit, call), written by prevent.record_contact()';
COMMENT ON COLUMN prevent.person_contact.unit IS 'The person''s unit when the contact was recorded';
COMMENT ON COLUMN prevent.person_contact.at IS 'When the contact took place';
COMMENT ON COLUMN prevent.person_contact.recorded_by IS 'Who recorded it: the session''s login role';
COMMENT ON COLUMN prevent.person_contact.acting_role IS 'The role it acted as, whose unit membership allowed it';
SELECT prevent._restrict_to_unit('prevent.person_contact');

CREATE FUNCTION prevent._record_contact(person_id bigint, note text, at timestamptz, actor name)
RETURNS prevent.person_contact
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p prevent.person;
	c prevent.person_contact;
BEGIN
	IF person_id IS NULL THEN
		RAISE EXCEPTION 'person_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO p FROM prevent.person x WHERE x.id = person_id FOR KEY SHARE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'person % does not exist', person_id USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM prevent._require_unit(actor, p.unit, pg_catalog.format('person %s', person_id));
	IF note IS NULL OR btrim(note) = '' THEN
		RAISE EXCEPTION 'a contact needs a note' USING ERRCODE = 'null_value_not_allowed',
			HINT = 'Say what was done, e.g. 入户走访，按时服药.';
	END IF;
	at := coalesce(at, pg_catalog.clock_timestamp());
	IF at > pg_catalog.clock_timestamp() + interval '5 minutes' THEN
		RAISE EXCEPTION 'cannot record a contact with person % at %: that is in the future', person_id, at
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO prevent.person_contact (person_id, unit, at, note, recorded_by, acting_role)
	VALUES (p.id, p.unit, at, note, SESSION_USER, actor)
	RETURNING * INTO c;
	RETURN c;
END
$$;

/* the public function: a C wrapper (src/watch/lifecycle.c) that runs prevent._record_contact
 * as the extension owner with the calling role as the actor, as review() and accept() do */
CREATE FUNCTION prevent.record_contact(person_id bigint, note text, at timestamptz DEFAULT NULL)
RETURNS prevent.person_contact
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.record_contact(bigint, text, timestamptz) IS
'The person''s unit records a contact (visit, call) with a person of concern; at: when (default now). Needs an acting membership of the person''s unit';

/*
 * The views read as the caller (security_invoker): a station sees its own
 * persons, and of their incidents those its memberships show (the alerts of
 * its unit; a member of '*' sees all).
 */
CREATE VIEW prevent.person_incidents WITH (security_invoker = true) AS
SELECT p.id AS person_id, p.full_name, p.identifier, p.kind, p.unit, p.valid_from, p.valid_until,
	   a.id AS alert_id, a.occurred_at, a.level, a.categories, a.unit AS incident_unit,
	   a.status AS alert_status, w.id AS order_id, w.status AS order_status
  FROM prevent.person p
  LEFT JOIN prevent.alert a ON a.persons @> ARRAY[p.id] AND a.persons <> '{}'
  LEFT JOIN prevent.work_order w ON w.alert_id = a.id AND w.unit = p.unit;
COMMENT ON VIEW prevent.person_incidents IS 'One person, one plan (一人一策): every person of concern with the alerts that named them (one row per person and alert; a person with none has one row with NULL alert columns)';
COMMENT ON COLUMN prevent.person_incidents.person_id IS 'The person (prevent.person.id)';
COMMENT ON COLUMN prevent.person_incidents.full_name IS 'The person''s name';
COMMENT ON COLUMN prevent.person_incidents.identifier IS 'The identifier incidents name the person by (canonical)';
COMMENT ON COLUMN prevent.person_incidents.kind IS 'The person''s kind (prevent.person_kind)';
COMMENT ON COLUMN prevent.person_incidents.unit IS 'The person''s responsible unit';
COMMENT ON COLUMN prevent.person_incidents.valid_from IS 'Managed from';
COMMENT ON COLUMN prevent.person_incidents.valid_until IS 'Managed until, exclusive (NULL: open)';
COMMENT ON COLUMN prevent.person_incidents.alert_id IS 'An alert naming the person (NULL: none the reader sees)';
COMMENT ON COLUMN prevent.person_incidents.occurred_at IS 'When the incident occurred';
COMMENT ON COLUMN prevent.person_incidents.categories IS 'The alert''s risk categories';
COMMENT ON COLUMN prevent.person_incidents.alert_status IS 'pending, issued, dismissed or recorded';
COMMENT ON COLUMN prevent.person_incidents.level IS 'The alert''s level, after the person''s kind raised it';
COMMENT ON COLUMN prevent.person_incidents.incident_unit IS 'The unit where the incident happened';
COMMENT ON COLUMN prevent.person_incidents.order_id IS 'The work order of the person''s unit for the alert (NULL while the alert is pending, dismissed or recorded)';
COMMENT ON COLUMN prevent.person_incidents.order_status IS 'Its status: issued, accepted, fed_back, closed, evaluated';

CREATE VIEW prevent.person_contact_status WITH (security_invoker = true) AS
SELECT p.id AS person_id, p.full_name, p.identifier, p.kind, p.unit, p.valid_from, p.valid_until,
	   c.last_contact_at, c.contacts, i.last_incident_at, i.incidents
  FROM prevent.person p
  CROSS JOIN LATERAL (SELECT max(x.at) AS last_contact_at, count(*) AS contacts
						FROM prevent.person_contact x WHERE x.person_id = p.id) c
  CROSS JOIN LATERAL (SELECT max(a.occurred_at) AS last_incident_at, count(*) AS incidents
						FROM prevent.alert a WHERE a.persons @> ARRAY[p.id] AND a.persons <> '{}') i;
COMMENT ON VIEW prevent.person_contact_status IS 'Each person of concern with their last contact and last incident; persons not seen for 30 days: WHERE (valid_until IS NULL OR valid_until > now()) AND coalesce(last_contact_at, valid_from) < now() - interval ''30 days''';
COMMENT ON COLUMN prevent.person_contact_status.person_id IS 'The person (prevent.person.id)';
COMMENT ON COLUMN prevent.person_contact_status.full_name IS 'The person''s name';
COMMENT ON COLUMN prevent.person_contact_status.identifier IS 'The identifier incidents name the person by (canonical)';
COMMENT ON COLUMN prevent.person_contact_status.kind IS 'The person''s kind (prevent.person_kind)';
COMMENT ON COLUMN prevent.person_contact_status.unit IS 'The person''s responsible unit';
COMMENT ON COLUMN prevent.person_contact_status.valid_from IS 'Managed from';
COMMENT ON COLUMN prevent.person_contact_status.valid_until IS 'Managed until, exclusive (NULL: open)';
COMMENT ON COLUMN prevent.person_contact_status.last_contact_at IS 'Latest contact recorded with prevent.record_contact() (NULL: none)';
COMMENT ON COLUMN prevent.person_contact_status.contacts IS 'Contacts recorded';
COMMENT ON COLUMN prevent.person_contact_status.last_incident_at IS 'When the latest alert naming the person occurred (NULL: none)';
COMMENT ON COLUMN prevent.person_contact_status.incidents IS 'Alerts naming the person';

SELECT pg_catalog.pg_extension_config_dump('prevent.person_kind', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.person', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.person_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.person_contact', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.person_contact_id_seq', '');
/* ------------------------------------------------------------------------
 * History: the rows a watched table held before it was watched.
 *
 *   CALL prevent.backfill(tbl, since, batch)   assess them in batches, one
 *                                              transaction each, resumable
 *   prevent.backfill_progress                  how far it is, from any session
 *
 * Both write through the trigger's own path (prevent._assess_history() and
 * prevent._write_history() in src/watch/trigger.c, then the batch writer),
 * so a historic alert has its parties, repeats and orders by the same rules
 * as a new one; it is marked historic, and an incident older than the
 * setting backfill_orders_within is recorded, not issued.  A row that
 * already has an alert (the trigger got it, or an earlier run) is never
 * alerted again: the writer leaves it out (src/watch/alert_batch.sql).
 *
 * Historic writers of one table take turns: each batch locks the table's
 * row of prevent.watched, so two runs (or a run and a rescan) cannot both
 * find a row unalerted and both alert it; live inserts do not take that
 * lock, and a row they insert is the trigger's: a batch that can see it can
 * see its alert too (both commit together).  A live UPDATE can alert a row
 * a batch sees unalerted (its committed version), so the writer of an
 * UPDATE takes a share of the turn (FOR SHARE, before it looks for the
 * rows' alerts, src/watch/writer.c): it waits for a batch in progress, a
 * batch waits for it, and UPDATEs do not wait for each other.
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent._assess_history(tbl regclass, r record) RETURNS boolean
LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'prevent_assess_history';
COMMENT ON FUNCTION prevent._assess_history(regclass, record) IS
'Internal: assess a row already in watched table tbl and queue its alert as a historic one';

CREATE FUNCTION prevent._write_history() RETURNS bigint
LANGUAGE c AS 'MODULE_PATHNAME', 'prevent_write_history';
COMMENT ON FUNCTION prevent._write_history() IS
'Internal: write the alerts prevent._assess_history() queued; returns the alerts written in the transaction since its last call';

/*
 * The registration of a table whose history is read (back-fill, re-scan), or
 * the error saying why it cannot be; lock: take the historic writers' turn
 * (the table's row of prevent.watched, see above).
 */
CREATE FUNCTION prevent._history_source(tbl regclass, since timestamptz, lock boolean) RETURNS prevent.watched
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	w prevent.watched;
BEGIN
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'tbl must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF lock THEN
		SELECT * INTO w FROM prevent.watched x WHERE x.source = tbl FOR NO KEY UPDATE;
	ELSE
		SELECT * INTO w FROM prevent.watched x WHERE x.source = tbl;
	END IF;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'table % is not watched', tbl
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Call prevent.watch() for it first: it gives the table its alert level, and new rows are then assessed as they come.';
	END IF;
	IF since IS NOT NULL AND w.occurred_column IS NULL THEN
		RAISE EXCEPTION 'table % is watched without an occurred column, so since cannot be used', tbl
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Read all rows (since => NULL), or watch the table again with occurred_column.';
	END IF;
	RETURN w;
END
$$;

/* one row per table back-filled: where the run is, kept by pg_dump */
CREATE TABLE prevent.backfill_run (
	source regclass PRIMARY KEY REFERENCES prevent.watched (source) ON DELETE CASCADE,
	since timestamptz,
	batch int NOT NULL,
	rows_total bigint NOT NULL,
	rows_done bigint NOT NULL DEFAULT 0,
	at_level bigint NOT NULL DEFAULT 0,
	alerts bigint NOT NULL DEFAULT 0,
	last_key text,
	end_key text,
	started_at timestamptz NOT NULL,
	resumed_at timestamptz NOT NULL,
	rows_at_resume bigint NOT NULL DEFAULT 0,
	updated_at timestamptz NOT NULL,
	finished_at timestamptz
);
COMMENT ON TABLE prevent.backfill_run IS 'The back-fill of each watched table (prevent.backfill): its progress, committed batch by batch; read prevent.backfill_progress';
COMMENT ON COLUMN prevent.backfill_run.since IS 'Only rows that occurred at or after this (NULL: all rows)';
COMMENT ON COLUMN prevent.backfill_run.rows_total IS 'Rows to assess, counted when the run started';
COMMENT ON COLUMN prevent.backfill_run.at_level IS 'Rows assessed at or above the table''s alert level, or below it but naming a person of concern (who may raise them; alerts says what was written)';
COMMENT ON COLUMN prevent.backfill_run.alerts IS 'Alerts the run wrote (rows alerted before it, by the trigger or an earlier run, are not alerted again)';
COMMENT ON COLUMN prevent.backfill_run.last_key IS 'Key (as text) of the last row assessed: a run resumes after it';
COMMENT ON COLUMN prevent.backfill_run.end_key IS 'Greatest key (as text) when the run started: rows after it came in watched';
COMMENT ON COLUMN prevent.backfill_run.resumed_at IS 'When this run last started or resumed (the rate counts from here)';
SELECT pg_catalog.pg_extension_config_dump('prevent.backfill_run', '');

CREATE VIEW prevent.backfill_progress WITH (security_invoker = true) AS
SELECT r.source, r.since, r.rows_done, r.rows_total,
	   pg_catalog.round(100.0 * LEAST(r.rows_done, r.rows_total) / GREATEST(r.rows_total, 1), 1) AS percent,
	   r.at_level, r.alerts,
	   pg_catalog.round((r.rows_done - r.rows_at_resume)
						/ GREATEST(EXTRACT(epoch FROM r.updated_at - r.resumed_at), 0.001)) AS rows_per_second,
	   CASE WHEN r.finished_at IS NULL AND r.rows_done > r.rows_at_resume
			THEN (r.updated_at - r.resumed_at) * ((GREATEST(r.rows_total - r.rows_done, 0))::float8
												   / (r.rows_done - r.rows_at_resume)) END AS eta,
	   r.started_at, r.updated_at, r.finished_at,
	   CASE WHEN r.finished_at IS NOT NULL THEN 'finished' ELSE 'unfinished' END AS state
  FROM prevent.backfill_run r;
COMMENT ON VIEW prevent.backfill_progress IS
'Each back-fill: rows done of the total, rows at the alert level, alerts written, rate and time left (from its last start or resume); unfinished with an old updated_at: interrupted, CALL prevent.backfill() again to resume';
COMMENT ON COLUMN prevent.backfill_progress.source IS 'The watched table';
COMMENT ON COLUMN prevent.backfill_progress.since IS 'Only rows that occurred at or after this (NULL: all rows)';
COMMENT ON COLUMN prevent.backfill_progress.rows_done IS 'Rows assessed so far';
COMMENT ON COLUMN prevent.backfill_progress.rows_total IS 'Rows to assess, counted when the run started';
COMMENT ON COLUMN prevent.backfill_progress.percent IS 'rows_done of rows_total, in percent';
COMMENT ON COLUMN prevent.backfill_progress.at_level IS 'Rows assessed at or above the table''s alert level, or below it but naming a person of concern (who may raise them; alerts says what was written)';
COMMENT ON COLUMN prevent.backfill_progress.alerts IS 'Alerts the run wrote (rows alerted before are not alerted again)';
COMMENT ON COLUMN prevent.backfill_progress.rows_per_second IS 'Rows assessed per second since the run last started or resumed';
COMMENT ON COLUMN prevent.backfill_progress.eta IS 'Time left at that rate (NULL when finished or before the first batch)';
COMMENT ON COLUMN prevent.backfill_progress.started_at IS 'When the run started';
COMMENT ON COLUMN prevent.backfill_progress.updated_at IS 'When its last batch committed';
COMMENT ON COLUMN prevent.backfill_progress.finished_at IS 'When it finished (NULL: running or interrupted)';
COMMENT ON COLUMN prevent.backfill_progress.state IS 'finished, or unfinished (running, or interrupted if updated_at is old: CALL prevent.backfill() again to resume)';

/*
 * One batch of a back-fill, in the caller's transaction: the next rows by
 * key after the run's last_key (at least batch rows, and every row sharing
 * the last key), assessed and written; returns the run's row after it.
 * start: the first batch of a CALL (begin a run, or resume one).  A run
 * goes up to the greatest key when it started (end_key): rows inserted since
 * are the trigger's, and one with a key in that range is assessed again
 * but not alerted again.
 */
CREATE FUNCTION prevent._backfill_step(tbl regclass, since timestamptz, batch int, start boolean)
RETURNS prevent.backfill_run
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	w prevent.watched;
	r prevent.backfill_run;
	key_type regtype;
	written bigint;
	occurred_filter text := 'true';
	hi text;
	n bigint;
	m bigint;
	null_keys bigint;
BEGIN
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	w := prevent._history_source(tbl, since, true);
	IF since IS NOT NULL THEN
		occurred_filter := pg_catalog.format('t.%I >= $3', w.occurred_column);
	END IF;
	key_type := prevent._column_type(tbl, w.key_column, 'key column');

	SELECT * INTO r FROM prevent.backfill_run x WHERE x.source = tbl;
	IF start AND FOUND AND r.finished_at IS NULL THEN
		IF r.since IS DISTINCT FROM since THEN
			RAISE EXCEPTION 'an unfinished back-fill of % has since %, not %', tbl,
					coalesce(r.since::text, 'NULL'), coalesce(since::text, 'NULL')
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  HINT = pg_catalog.format('Call it with since => %L to resume it, or DELETE FROM prevent.backfill_run WHERE source = %L to start over.',
											   r.since, tbl::text);
		END IF;
		UPDATE prevent.backfill_run x SET resumed_at = pg_catalog.clock_timestamp(), rows_at_resume = x.rows_done,
			   batch = _backfill_step.batch, updated_at = pg_catalog.clock_timestamp()
		 WHERE x.source = tbl RETURNING * INTO r;
	ELSIF start OR NOT FOUND THEN
		EXECUTE pg_catalog.format('SELECT count(*) FILTER (WHERE t.%1$I IS NOT NULL), count(*) FILTER (WHERE t.%1$I IS NULL),'
								  ' max(t.%1$I)::text FROM %2$s t WHERE %3$s',
								  w.key_column, tbl, occurred_filter)
		   INTO n, null_keys, hi USING NULL::text, NULL::text, since;
		IF null_keys > 0 THEN
			RAISE WARNING '% rows of % have a NULL key and are not back-filled', null_keys, tbl
				USING DETAIL = pg_catalog.format('The key column is %I.', w.key_column);
		END IF;
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
						WHERE i.indrelid = tbl AND i.indkey[0] = (SELECT a.attnum FROM pg_catalog.pg_attribute a
																	WHERE a.attrelid = tbl AND a.attname = w.key_column)) THEN
			RAISE NOTICE 'no index of % starts with its key column %: each batch reads the whole table', tbl, w.key_column
				USING HINT = 'Create one (CREATE INDEX ... ON tbl (key)) before a back-fill of many rows.';
		END IF;
		INSERT INTO prevent.backfill_run AS x (source, since, batch, rows_total, end_key, started_at, resumed_at, updated_at)
		VALUES (tbl, since, batch, n, hi, pg_catalog.clock_timestamp(), pg_catalog.clock_timestamp(), pg_catalog.clock_timestamp())
		ON CONFLICT (source) DO UPDATE
		   SET since = excluded.since, batch = excluded.batch, rows_total = excluded.rows_total, rows_done = 0,
			   at_level = 0, alerts = 0, last_key = NULL, end_key = excluded.end_key, started_at = excluded.started_at, resumed_at = excluded.resumed_at,
			   rows_at_resume = 0, updated_at = excluded.updated_at, finished_at = NULL
		RETURNING * INTO r;
	END IF;
	IF r.finished_at IS NOT NULL THEN
		RETURN r;
	END IF;

	-- the batch's last key: that of the batch-th next row, or the run's end_key
	EXECUTE pg_catalog.format(
		'SELECT pg_catalog.max(s.k)::text FROM (SELECT t.%1$I AS k FROM %2$s t'
		' WHERE ($1 IS NULL OR t.%1$I > $1::%3$s) AND t.%1$I <= $4::%3$s AND %4$s ORDER BY t.%1$I LIMIT $2) s',
		w.key_column, tbl, key_type, occurred_filter)
	   INTO hi USING r.last_key, batch, since, r.end_key;
	IF hi IS NULL THEN
		UPDATE prevent.backfill_run x SET finished_at = pg_catalog.clock_timestamp(), updated_at = pg_catalog.clock_timestamp()
		 WHERE x.source = tbl RETURNING * INTO r;
		RETURN r;
	END IF;
	PERFORM prevent._write_history();	-- count from here
	EXECUTE pg_catalog.format(
		'SELECT pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE prevent._assess_history(%5$L::pg_catalog.regclass, t))'
		' FROM %2$s t WHERE ($1 IS NULL OR t.%1$I > $1::%3$s) AND t.%1$I <= $2::%3$s AND %4$s',
		w.key_column, tbl, key_type, occurred_filter, tbl::oid)
	   INTO n, m USING r.last_key, hi, since;
	written := prevent._write_history();
	UPDATE prevent.backfill_run x
	   SET last_key = hi, rows_done = x.rows_done + n, at_level = x.at_level + m, alerts = x.alerts + written,
		   updated_at = pg_catalog.clock_timestamp()
	 WHERE x.source = tbl RETURNING * INTO r;
	RETURN r;
END
$$;

/*
 * CALL prevent.backfill(tbl, since, batch): assess the rows of watched table
 * tbl (those that occurred at or after since, if given) in batches of about
 * batch rows by key, committing each (so it must be CALLed outside a
 * transaction block) and saying how far it is.  Interrupted, the next CALL
 * with the same since resumes after the last committed batch; a finished
 * one starts over (rows alerted already are not alerted again).
 *
 * A procedure that commits cannot have SET clauses, so this one only loops
 * and reports, with its one comparison qualified; each batch is
 * prevent._backfill_step(), whose search_path is pinned.
 */
CREATE PROCEDURE prevent.backfill(tbl regclass, since timestamptz DEFAULT NULL, batch int DEFAULT 10000)
LANGUAGE plpgsql
AS $$
DECLARE
	r prevent.backfill_run;
	p prevent.backfill_progress;
	first boolean := true;
BEGIN
	LOOP
		r := prevent._backfill_step(tbl, since, batch, first);
		IF first AND r.rows_at_resume OPERATOR(pg_catalog.>) 0 THEN
			RAISE NOTICE 'resumed the back-fill of % after % of % rows', tbl, r.rows_at_resume, r.rows_total;
		END IF;
		first := false;
		COMMIT;
		p := (SELECT x FROM prevent.backfill_progress x WHERE x.source OPERATOR(pg_catalog.=) tbl);
		IF r.finished_at IS NOT NULL THEN
			RAISE NOTICE 'back-filled %: % rows, % at or above the alert level, % new alerts, % rows/s',
				tbl, p.rows_done, p.at_level, p.alerts, p.rows_per_second;
			RETURN;
		END IF;
		RAISE NOTICE 'back-fill of %: % of % rows (% %%), % alerts, % rows/s, about % left',
			tbl, p.rows_done, p.rows_total, p.percent, p.alerts, p.rows_per_second,
			pg_catalog.date_trunc('second', p.eta);
	END LOOP;
END
$$;
COMMENT ON PROCEDURE prevent.backfill(regclass, timestamptz, int) IS
'Assess the rows a watched table already holds, in committed batches, resumable; progress in prevent.backfill_progress';
/* ------------------------------------------------------------------------
 * Re-scan: which rows already in a watched table a lexicon change would
 * alert.
 *
 *   prevent.rescan(tbl, terms, since, write)
 *
 * After a duty officer adds a term (a new slang word for self-harm), rescan
 * lists the rows of tbl whose narrative contains one of terms (after
 * normalization: the &~| operator, so a prevent.gin_ops index on the
 * narrative column serves it) and whose assessment with the current
 * lexicon reaches the table's alert level; with write => true it also
 * writes the alerts of those rows that have none, as historic alerts,
 * through the back-fill's path (prevent._assess_history() and
 * prevent._write_history(), 57_history.sql): the same writer, the same
 * setting backfill_orders_within, the same rule that a row is alerted once.
 *
 * Locking: a writing rescan holds the lock each back-fill batch takes (the
 * table's row of prevent.watched, FOR NO KEY UPDATE) until its transaction
 * ends, so it and a back-fill of the same table take turns; a reading one
 * takes no lock.
 *
 * Who may call it: like prevent.watch() and prevent.backfill(), the
 * extension owner and superusers only (99_public.sql grants it to no one):
 * it reads every narrative of the table whatever the caller's unit, and
 * writes alerts.  It runs with the caller's rights (a role granted EXECUTE
 * still needs SELECT on tbl).
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent._stored_key(key text) RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_stored_key';
COMMENT ON FUNCTION prevent._stored_key(text) IS
'Internal: a key as prevent.alert.source_key stores it (over 200 bytes: a prefix and a hash), as the trigger writes it';

CREATE TYPE prevent.rescan_hit AS (
	source_key text,
	occurred_at timestamptz,
	level prevent.risk_level,
	score int,
	categories text[],
	terms text[],
	alerted boolean,
	written boolean
);
COMMENT ON TYPE prevent.rescan_hit IS 'A row of prevent.rescan(): a row of the watched table the given terms would alert';
COMMENT ON COLUMN prevent.rescan_hit.source_key IS 'The row''s key, as prevent.alert.source_key stores it';
COMMENT ON COLUMN prevent.rescan_hit.occurred_at IS 'The row''s occurred column (NULL when the table is watched without one)';
COMMENT ON COLUMN prevent.rescan_hit.level IS 'Level under the current lexicon (prevent.assess), at or above the table''s alert level';
COMMENT ON COLUMN prevent.rescan_hit.terms IS 'Terms counted in the score, as prevent.assess gives them';
COMMENT ON COLUMN prevent.rescan_hit.alerted IS 'The row had an alert (prevent.alert, by source and source_key) before this call';
COMMENT ON COLUMN prevent.rescan_hit.written IS 'This call wrote the row''s alert (write => true), as a historic one';

CREATE FUNCTION prevent.rescan(tbl regclass, terms text[], since timestamptz DEFAULT NULL,
							   write boolean DEFAULT false)
RETURNS SETOF prevent.rescan_hit
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	w prevent.watched;
	occurred text := 'NULL::pg_catalog.timestamptz';
	occurred_filter text := 'true';
	hits prevent.rescan_hit[];
	written bigint;
	contains text;
	narrative text;
BEGIN
	IF tbl IS NULL OR write IS NULL THEN
		RAISE EXCEPTION 'tbl and write must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF terms IS NULL OR NOT EXISTS (SELECT 1 FROM unnest(terms) t WHERE t IS NOT NULL) THEN
		RAISE EXCEPTION 'no terms to re-scan for'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Pass the terms just added to the lexicon, e.g. ARRAY[''自鲨''].';
	END IF;
	-- a term that normalizes to nothing: the operator's own error, whatever the table holds
	PERFORM '' OPERATOR(prevent.&~|) terms;

	-- a writing re-scan takes the historic writers' turn (57_history.sql)
	w := prevent._history_source(tbl, since, write);
	IF w.occurred_column IS NOT NULL THEN
		occurred := pg_catalog.format('t.%I::pg_catalog.timestamptz', w.occurred_column);
	END IF;
	IF since IS NOT NULL THEN
		-- the column in its own type (timestamptz, timestamp or date) against since: indexable
		occurred_filter := pg_catalog.format('t.%I >= $5', w.occurred_column);
	END IF;
	-- a term in any narrative column (none matches across two: each is a condition of its own,
	-- for its index), and the narrative as the trigger assesses it
	SELECT pg_catalog.string_agg(pg_catalog.format('t.%I OPERATOR(prevent.&~|) $1', c), ' OR ' ORDER BY n),
		   CASE WHEN pg_catalog.cardinality(w.text_columns) = 1 THEN pg_catalog.format('t.%I', w.text_columns[1])
				ELSE 'ARRAY[' || pg_catalog.string_agg(pg_catalog.format('t.%I', c), ', ' ORDER BY n) || ']::pg_catalog.text[]' END
	  INTO contains, narrative
	  FROM unnest(w.text_columns) WITH ORDINALITY x(c, n);

	/*
	 * hit: the rows containing a term (the index condition when tbl has a
	 * prevent.gin_ops index on the narrative), each assessed once; due:
	 * those at the alert level, and whether each has an alert; queued: the
	 * alerts to write handed to the trigger's path, in key order (r, the
	 * whole row, is kept only when writing).  A row with a NULL key cannot
	 * be alerted (back-fill warns of such rows).
	 */
	IF write THEN
		PERFORM prevent._write_history();	-- count the alerts written from here
	END IF;
	EXECUTE pg_catalog.format($q$
		WITH hit AS MATERIALIZED (
			SELECT CASE WHEN $4 THEN t END AS r, t.%1$I AS k,
				   prevent._stored_key(pg_catalog.format('%%s', t.%1$I)) AS source_key,
				   %2$s AS occurred_at, prevent.assess(%3$s) AS a
			  FROM %4$s t
			 WHERE (%6$s) AND t.%1$I IS NOT NULL AND %5$s
		), due AS MATERIALIZED (
			SELECT h.*, EXISTS (SELECT 1 FROM prevent.alert x
								 WHERE x.source = $3 AND x.source_key = h.source_key) AS alerted
			  FROM hit h
			 WHERE (h.a).level >= $2
			 ORDER BY h.k
		), queued AS MATERIALIZED (
			SELECT d.*, CASE WHEN $4 AND NOT d.alerted THEN prevent._assess_history($3, d.r) ELSE false END AS queued
			  FROM due d
		)
		SELECT pg_catalog.array_agg(ROW(q.source_key, q.occurred_at, (q.a).level, (q.a).score, (q.a).categories,
										(q.a).terms, q.alerted, q.queued)::prevent.rescan_hit ORDER BY q.k)
		  FROM queued q
		$q$, w.key_column, occurred, narrative, tbl, occurred_filter, contains)
	   INTO hits USING terms, w.alert_level, tbl, write, since;

	IF write THEN
		written := prevent._write_history();
		RAISE NOTICE 're-scan of %: % rows at the alert level, % alerted before, % historic alerts written', tbl,
			coalesce(cardinality(hits), 0),
			(SELECT count(*) FROM unnest(hits) h WHERE h.alerted), written;
	END IF;
	-- written: queued, and now alerted (the writer keeps back a row alert_failure holds)
	RETURN QUERY
	SELECT h.source_key, h.occurred_at, h.level, h.score, h.categories, h.terms, h.alerted,
		   h.written AND EXISTS (SELECT 1 FROM prevent.alert x WHERE x.source = tbl AND x.source_key = h.source_key)
	  FROM unnest(hits) WITH ORDINALITY h
	 ORDER BY h.ordinality;
END
$$;
COMMENT ON FUNCTION prevent.rescan(regclass, text[], timestamptz, boolean) IS
'Rows of watched table tbl containing one of terms that the current lexicon rates at the table''s alert level, and whether each is alerted; write => true writes the missing alerts as historic ones, as prevent.backfill() does';
/* ------------------------------------------------------------------------
 * Routing by category: recipients pushed an order for alerts of a category.
 *
 * The practice does not send every order to the police station alone:
 * disputes (neighbour, debt, family) are pushed to the comprehensive
 * governance center (综治中心) to be mediated with justice and community
 * staff, incidents involving minors to the minors' protection side as well
 * (双推送).  A row of prevent.route says: an alert of this category, at or
 * above this level, gets one more work order, for this unit, with this
 * reason, followed by this tier, with these deadlines.  No rows by default:
 * no recipient is assumed.
 *
 * The orders are issued by prevent._issue(), the one place, with the
 * incident's own order (when its level issues at once, when it is a
 * repeat, or on review), as recipients prevent._route_recipients() gives:
 * the alert writer (src/watch/alert_batch.sql) and prevent._review() both
 * call it.  A unit that gets an order for another reason (the incident's
 * own unit, a person of concern's unit) gets one order only, with the first
 * reason.  Orders once issued stay when a route is changed or deleted.
 * Writers only read this table (the lock order in 50_workflow.sql).
 * ------------------------------------------------------------------------ */

CREATE TABLE prevent.route (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	category text NOT NULL REFERENCES prevent.category (name) ON UPDATE CASCADE,
	min_level prevent.risk_level NOT NULL DEFAULT 'low'
		CONSTRAINT route_min_level_check CHECK (min_level OPERATOR(pg_catalog.<>) 'none'),
	unit text NOT NULL CONSTRAINT route_unit_check CHECK (pg_catalog.btrim(unit) OPERATOR(pg_catalog.<>) ''),
	reason text NOT NULL DEFAULT 'category_push'
		CONSTRAINT route_reason_check CHECK (reason IN ('category_push')),
	tier smallint CONSTRAINT route_tier_check CHECK (tier BETWEEN 1 AND 3),
	accept_within interval,
	feedback_within interval,
	close_within interval,
	enabled boolean NOT NULL DEFAULT true,
	note text,
	CONSTRAINT route_category_unit_key UNIQUE (category, unit),
	-- all three deadlines or none (NULL: the level's, prevent.level_policy), increasing
	CONSTRAINT route_due_check CHECK (
		(accept_within IS NULL AND feedback_within IS NULL AND close_within IS NULL)
		OR (accept_within > '0'::interval AND feedback_within >= accept_within AND close_within >= feedback_within))
);
COMMENT ON TABLE prevent.route IS 'Routing by category: an alert of the category at or above min_level gets one more work order, for unit, when its incident''s order is issued (no rows by default)';
COMMENT ON COLUMN prevent.route.category IS 'The alert''s category (prevent.category); an alert with several categories gets the recipients of each';
COMMENT ON COLUMN prevent.route.min_level IS 'Least level of the alert (default low: every alert of the category that is issued)';
COMMENT ON COLUMN prevent.route.unit IS 'The recipient unit, e.g. 综治中心 (its members see its orders: add them with prevent.add_member)';
COMMENT ON COLUMN prevent.route.reason IS 'The reason recorded on the order (prevent.work_order.reason): category_push';
COMMENT ON COLUMN prevent.route.tier IS 'Tier that follows the recipient''s order, besides the alert''s (1 command center, 2 specialist unit, 3 base-control center; NULL: none of its own)';
COMMENT ON COLUMN prevent.route.accept_within IS 'The recipient''s acceptance deadline, from issue (NULL, with the other two: the level''s, prevent.level_policy)';
COMMENT ON COLUMN prevent.route.feedback_within IS 'The recipient''s deadline for the first feedback, from issue';
COMMENT ON COLUMN prevent.route.close_within IS 'The recipient''s deadline for closing, from issue';
COMMENT ON COLUMN prevent.route.enabled IS 'false: the route pushes nothing (orders already issued stay)';

/*
 * The rules with the hints the constraints cannot give (the constraints
 * stay, for rows written with triggers disabled).
 */
CREATE FUNCTION prevent.route_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM prevent.check_category(NEW.category);
	IF NEW.min_level = 'none' THEN
		RAISE EXCEPTION 'min_level of a route must not be none' USING ERRCODE = 'check_violation',
			HINT = 'Only alerts are routed: use low (every issued alert of the category) or higher.';
	END IF;
	IF NEW.unit IS NULL OR btrim(NEW.unit) = '' THEN
		RAISE EXCEPTION 'unit of a route must not be empty' USING ERRCODE = 'check_violation',
			HINT = 'Give the code of the recipient unit, e.g. 综治中心.';
	END IF;
	IF NEW.reason IS DISTINCT FROM 'category_push' THEN
		RAISE EXCEPTION 'invalid reason "%" for a route', NEW.reason USING ERRCODE = 'check_violation',
			HINT = 'Routed orders are recorded with reason category_push (leave it to its default).';
	END IF;
	IF NEW.tier NOT BETWEEN 1 AND 3 THEN
		RAISE EXCEPTION 'tier % of a route is out of range', NEW.tier USING ERRCODE = 'check_violation',
			HINT = 'Tiers are 1 (command center), 2 (specialist unit) and 3 (base-control center); NULL: none.';
	END IF;
	IF num_nulls(NEW.accept_within, NEW.feedback_within, NEW.close_within) NOT IN (0, 3)
	   OR NEW.accept_within <= '0'::interval OR NEW.feedback_within < NEW.accept_within
	   OR NEW.close_within < NEW.feedback_within THEN
		RAISE EXCEPTION 'deadlines of a route must be all given and increasing, or all NULL'
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('accept_within %s, feedback_within %s, close_within %s.',
											 coalesce(NEW.accept_within::text, 'NULL'), coalesce(NEW.feedback_within::text, 'NULL'),
											 coalesce(NEW.close_within::text, 'NULL')),
				  HINT = 'Give 0 < accept_within <= feedback_within <= close_within, or leave all three NULL for the level''s (prevent.level_policy).';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER route_before_write BEFORE INSERT OR UPDATE ON prevent.route
	FOR EACH ROW EXECUTE FUNCTION prevent.route_before_write();

-- the recipients of an alert of these categories and level (prevent._issue), one per unit, by unit
CREATE FUNCTION prevent._route_recipients(categories text[], level prevent.risk_level) RETURNS prevent._recipient[]
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT ARRAY(SELECT ROW(u.unit, u.reason, u.tier, u.accept_within, u.feedback_within, u.close_within)::prevent._recipient
				   FROM (SELECT DISTINCT ON (r.unit) r.unit, r.reason, r.tier, r.accept_within, r.feedback_within, r.close_within
						   FROM prevent.route r
						  WHERE r.enabled AND r.category OPERATOR(pg_catalog.=) ANY (categories)
							AND r.min_level OPERATOR(pg_catalog.<=) level
						  ORDER BY r.unit, r.id) u
				  ORDER BY u.unit);
END;

/*
 * All the recipients of an alert (prevent._issue), in the order their
 * reasons win for a unit named twice: the units of its persons of concern,
 * then those of its categories.  The alert writer and prevent._review()
 * both pass these.
 */
CREATE FUNCTION prevent._recipients(persons bigint[], categories text[], level prevent.risk_level)
RETURNS prevent._recipient[]
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT CASE WHEN pg_catalog.cardinality(persons) OPERATOR(pg_catalog.>) 0 THEN prevent._person_recipients(persons) END
		   OPERATOR(pg_catalog.||) prevent._route_recipients(categories, level);
END;

SELECT pg_catalog.pg_extension_config_dump('prevent.route', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.route_id_seq', '');
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
RETURN coalesce((SELECT s.value FROM prevent.setting s WHERE s.name OPERATOR(pg_catalog.=) 'report_time_zone'), 'Asia/Shanghai');
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

-- the bounds of prevent.feedback_bucket, in order: what the bucket numbers are cut by
CREATE FUNCTION prevent._feedback_bounds() RETURNS interval[]
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT coalesce(pg_catalog.array_agg(b.upper_bound ORDER BY b.upper_bound), '{}') FROM prevent.feedback_bucket b);

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

-- open orders past a deadline now
CREATE VIEW prevent.overdue_orders WITH (security_invoker = true) AS
SELECT w.id AS work_order_id, w.unit, w.level, w.status, w.issued_at, b.breach,
	   b.due AS due_at,
	   pg_catalog.now() - b.due AS overdue_by,
	   (SELECT min(e.tier) FROM prevent.escalation e WHERE e.work_order_id = w.id) AS tier
  FROM prevent.work_order w
 CROSS JOIN LATERAL (SELECT x.breach, x.due FROM prevent.order_breaches(w, pg_catalog.now()) x ORDER BY x.n LIMIT 1) b
 WHERE prevent.order_is_open(w.status);
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
		   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM prevent.order_breaches(w, pg_catalog.now()))) AS overdue_orders
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
/* ------------------------------------------------------------------------
 * The lexicon report: test the lexicon on labelled history before enabling
 * a change, and see how the second judgement (prevent.review) treats each
 * term.
 *
 * A labelled set is a table or a query with the columns text (the
 * narrative), alert (boolean: a duty officer wants it flagged) and severe
 * (boolean: it needs an immediate order), and optionally grp (any text to
 * break the figures down by).  An alert is raised at alert_level or above,
 * a severe record is caught at severe_level or above.
 * ------------------------------------------------------------------------ */

-- each labelled record with what the current lexicon makes of it
CREATE FUNCTION prevent.lexicon_report_records(labelled text,
	alert_level prevent.risk_level DEFAULT 'low', severe_level prevent.risk_level DEFAULT 'high')
RETURNS TABLE (grp text, text text, alert boolean, severe boolean, score int, level prevent.risk_level,
			   raised boolean, caught boolean, terms text[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	src text;
BEGIN
	IF labelled IS NULL OR btrim(labelled) = '' THEN
		RAISE EXCEPTION 'labelled must name a table or be a query' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF alert_level IS NULL OR alert_level = 'none' OR severe_level IS NULL OR severe_level = 'none' THEN
		RAISE EXCEPTION 'alert_level and severe_level must be low, medium, high or critical'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- a query, or a table or view named with its schema; run with the caller's rights
	IF labelled ~* '^\s*(select|with|values|table)\s' THEN
		src := labelled;
	ELSIF pg_catalog.to_regclass(labelled) IS NOT NULL THEN
		src := pg_catalog.format('SELECT * FROM %s', pg_catalog.to_regclass(labelled));
	ELSE
		RAISE EXCEPTION 'relation "%" does not exist', labelled
			USING ERRCODE = 'undefined_table',
				  HINT = 'Name the table with its schema (public.history), or give a query (SELECT narrative AS text, ...).';
	END IF;
	BEGIN
		RETURN QUERY EXECUTE pg_catalog.format(
			'SELECT r.grp, r.text, r.alert, r.severe, (a).score, (a).level,
					(a).level >= $1, (a).level >= $2, (a).terms
			   FROM (SELECT pg_catalog.to_jsonb(q) ->> ''grp'' AS grp, q.text::pg_catalog.text AS text,
							q.alert::boolean AS alert, q.severe::boolean AS severe
					   FROM (%s) q) r
			  CROSS JOIN LATERAL (SELECT prevent.assess(r.text) AS a) x', src)
			USING alert_level, severe_level;
	EXCEPTION
		WHEN undefined_column THEN
			RAISE EXCEPTION 'the labelled set must have the columns text, alert and severe'
				USING ERRCODE = 'undefined_column',
					  DETAIL = SQLERRM,
					  HINT = 'For example: SELECT narrative AS text, is_risk AS alert, is_severe AS severe FROM my_history.';
	END;
END
$$;
COMMENT ON FUNCTION prevent.lexicon_report_records(text, prevent.risk_level, prevent.risk_level) IS
'Each record of a labelled set (a table name or a query with columns text, alert, severe and optionally grp) with its score, level, whether it raised an alert and was caught as severe, and its terms';

-- precision, recall and severe recall of the current lexicon on a labelled set, overall and per grp
CREATE FUNCTION prevent.lexicon_report(labelled text,
	alert_level prevent.risk_level DEFAULT 'low', severe_level prevent.risk_level DEFAULT 'high')
RETURNS TABLE (grp text, records bigint, alerts bigint, raised bigint, true_alerts bigint, false_alerts bigint,
			   missed bigint, "precision" numeric, recall numeric, f1 numeric, severe bigint, severe_caught bigint,
			   severe_recall numeric, false_positive_rate numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN c.total THEN 'ALL' ELSE c.grp END, c.n, c.alerts, c.raised, c.tp, c.raised - c.tp, c.alerts - c.tp,
		   round(c.tp::numeric / nullif(c.raised, 0), 3),
		   round(c.tp::numeric / nullif(c.alerts, 0), 3),
		   round(2 * c.tp::numeric / nullif(c.raised + c.alerts, 0), 3),
		   c.severe, c.severe_caught,
		   round(c.severe_caught::numeric / nullif(c.severe, 0), 3),
		   round((c.raised - c.tp)::numeric / nullif(c.n - c.alerts, 0), 3)
	  FROM (SELECT r.grp, GROUPING(r.grp) = 1 AS total, count(*) AS n, count(*) FILTER (WHERE r.alert) AS alerts,
				   count(*) FILTER (WHERE r.raised) AS raised, count(*) FILTER (WHERE r.raised AND r.alert) AS tp,
				   count(*) FILTER (WHERE r.severe) AS severe, count(*) FILTER (WHERE r.severe AND r.caught) AS severe_caught
			  FROM prevent.lexicon_report_records(labelled, alert_level, severe_level) r
			 GROUP BY GROUPING SETS ((), (r.grp))) c
	 WHERE c.total OR c.grp IS NOT NULL
	 ORDER BY NOT c.total, c.grp
$$;
COMMENT ON FUNCTION prevent.lexicon_report(text, prevent.risk_level, prevent.risk_level) IS
'Alert precision, recall, F1, severe recall and false-positive rate of the current lexicon on a labelled set (table name or query with columns text, alert, severe, optional grp); one row for ALL and one per grp';

-- what each term and rule does on a labelled set
CREATE FUNCTION prevent.lexicon_report_terms(labelled text, alert_level prevent.risk_level DEFAULT 'low')
RETURNS TABLE (term text, records bigint, in_alerts bigint, in_routine bigint, raised_routine bigint, "precision" numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t.term, count(*), count(*) FILTER (WHERE r.alert), count(*) FILTER (WHERE NOT r.alert),
		   count(*) FILTER (WHERE NOT r.alert AND r.raised),
		   round(count(*) FILTER (WHERE r.alert)::numeric / count(*), 3)
	  FROM prevent.lexicon_report_records(labelled, alert_level) r
	 CROSS JOIN LATERAL unnest(r.terms) t(term)
	 GROUP BY t.term
	 ORDER BY count(*) FILTER (WHERE NOT r.alert AND r.raised) DESC, count(*) DESC, t.term
$$;
COMMENT ON FUNCTION prevent.lexicon_report_terms(text, prevent.risk_level) IS
'Per term and proximity rule of the current lexicon: records of a labelled set it occurs in (not excluded or negated), how many are alerts and routine, routine ones it helped raise, and its precision';

/*
 * The second judgement fed back: per term, how reviewers decided the alerts
 * it raised (dismissed alerts point at terms to reweigh or exclude).
 */
CREATE VIEW prevent.review_outcome WITH (security_invoker = true) AS
SELECT t.term,
	   count(*) AS alerts,
	   count(*) FILTER (WHERE a.status = 'pending') AS pending,
	   count(*) FILTER (WHERE a.reviewed_at IS NOT NULL AND a.status = 'issued') AS issued_on_review,
	   count(*) FILTER (WHERE a.status = 'dismissed') AS dismissed,
	   round(100.0 * count(*) FILTER (WHERE a.status = 'dismissed')
			 / nullif(count(*) FILTER (WHERE a.reviewed_at IS NOT NULL), 0), 2) AS dismissed_rate
  FROM prevent.alert a CROSS JOIN LATERAL unnest(a.terms) t(term)
 GROUP BY t.term;
COMMENT ON VIEW prevent.review_outcome IS 'Per term: the alerts it raised and how the second judgement (prevent.review) decided them';
COMMENT ON COLUMN prevent.review_outcome.term IS 'A term or proximity rule of the alerts';
COMMENT ON COLUMN prevent.review_outcome.alerts IS 'Alerts naming the term (that the reader may see)';
COMMENT ON COLUMN prevent.review_outcome.pending IS 'Of them, waiting for review';
COMMENT ON COLUMN prevent.review_outcome.issued_on_review IS 'Issued as work orders by a reviewer';
COMMENT ON COLUMN prevent.review_outcome.dismissed IS 'Dismissed by a reviewer';
COMMENT ON COLUMN prevent.review_outcome.dismissed_rate IS 'Dismissed, in percent of the reviewed ones';
/* ------------------------------------------------------------------------
 * The default lexicon shipped by CREATE EXTENSION: about 530 match terms in
 * the nine categories, about 120 exclusions, 28 negation cues and about 80
 * proximity rules, all builtin (user edits survive pg_dump / pg_restore).
 *
 * Weights are calibrated against the default thresholds (low >= 10,
 * medium >= 30, high >= 60, critical >= 90); the score is the sum of the
 * DISTINCT terms and fired proximity rules, capped at 100:
 *   - an unambiguous severe act or threat (持刀, 跳楼, 杀了你, 同归于尽,
 *     报复社会, 喝农药, 割腕 ...) weighs 50-70 and reaches high on its own or
 *     with any companion;
 *   - a genuine risk term on its own weighs >= 10 (an alert for review);
 *   - context words weigh < 10 (宅基地, 前夫, 汽油, 离家出走, 精神病, 推搡,
 *     关机, 楼顶, ages 10岁-17岁 ...): they occur in routine reports,
 *     consumer complaints, pet stories and film titles, so they raise an
 *     alert only together with a second indicator.
 * Overlapping terms add up on purpose (跳楼 + 楼顶 + 楼顶…跳), so a more
 * specific description scores higher.
 *
 * Exclusions (kind 'exclude') are innocent phrases; every match lying
 * inside one is suppressed (杀虫剂, 跳楼价, 气死我了, 刀削面, 精神病院,
 * 报复性消费 ...).  They do not suppress longer matches that merely overlap
 * them (杀猪 does not hide 杀猪刀).
 *
 * Terms are general vocabulary and slang of 110 call records, dispatch
 * notes and chat threats; bench/eval.sh measures them on a labelled corpus.
 * ------------------------------------------------------------------------ */

/* ---------------------------- threat 扬言威胁 ---------------------------- */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('扬言', 'threat', 9, 'match', true),
	('威胁', 'threat', 12, 'match', true),
	('恐吓', 'threat', 15, 'match', true),
	('放话', 'threat', 10, 'match', true),
	('狠话', 'threat', 8, 'match', true),
	('骚扰', 'threat', 8, 'match', true),
	('辱骂', 'threat', 4, 'match', true),
	('报复', 'threat', 25, 'match', true),
	('寻仇', 'threat', 40, 'match', true),
	('怀恨在心', 'threat', 20, 'match', true),
	('杀了你', 'threat', 60, 'match', true),
	('杀你', 'threat', 40, 'match', true),
	('杀了他', 'threat', 9, 'match', true),
	('就杀了', 'threat', 45, 'match', true),
	('要杀了', 'threat', 45, 'match', true),
	('先杀了', 'threat', 45, 'match', true),
	('杀他', 'threat', 25, 'match', true),
	('杀她', 'threat', 25, 'match', true),
	('杀人', 'threat', 30, 'match', true),
	('杀全家', 'threat', 50, 'match', true),
	('灭门', 'threat', 50, 'match', true),
	('弄死', 'threat', 4, 'match', true),
	('弄死你', 'threat', 50, 'match', true),
	('弄死他', 'threat', 45, 'match', true),
	('打死', 'threat', 15, 'match', true),
	('打死你', 'threat', 45, 'match', true),
	('砍死', 'threat', 55, 'match', true),
	('砍了你', 'threat', 55, 'match', true),
	('捅死', 'threat', 55, 'match', true),
	('捅了', 'threat', 30, 'match', true),
	('捅你', 'threat', 40, 'match', true),
	('要你的命', 'threat', 50, 'match', true),
	('要么你死', 'threat', 50, 'match', true),
	('见不到明天的太阳', 'threat', 60, 'match', true),
	('地下团聚', 'threat', 60, 'match', true),
	('送你上路', 'threat', 55, 'match', true),
	('横着出去', 'threat', 40, 'match', true),
	('废了你', 'threat', 40, 'match', true),
	('打断你', 'threat', 30, 'match', true),
	('做掉', 'threat', 35, 'match', true),
	('干掉你', 'threat', 35, 'match', true),
	('崩了你', 'threat', 50, 'match', true),
	('崩了谁', 'threat', 50, 'match', true),
	('办了他', 'threat', 30, 'match', true),
	('开瓢', 'threat', 30, 'match', true),
	('让你好看', 'threat', 20, 'match', true),
	('让他好看', 'threat', 20, 'match', true),
	('要你好看', 'threat', 20, 'match', true),
	('走着瞧', 'threat', 15, 'match', true),
	('等着瞧', 'threat', 15, 'match', true),
	('你等着', 'threat', 15, 'match', true),
	('给我等着', 'threat', 20, 'match', true),
	('出门小心', 'threat', 25, 'match', true),
	('知道你住哪', 'threat', 25, 'match', true),
	('知道你家在哪', 'threat', 25, 'match', true),
	('收拾你', 'threat', 25, 'match', true),
	('找人收拾', 'threat', 20, 'match', true),
	('找人打', 'threat', 20, 'match', true),
	('打你一顿', 'threat', 25, 'match', true),
	('揍你', 'threat', 25, 'match', true),
	('不会放过', 'threat', 25, 'match', true),
	('这事没完', 'threat', 15, 'match', true),
	('算总账', 'threat', 25, 'match', true),
	('吓唬你', 'threat', 20, 'match', true),
	('活腻', 'threat', 40, 'match', true),
	('情绪激动', 'threat', 5, 'match', true),
	('过激', 'threat', 10, 'match', true),
	('打断他', 'threat', 30, 'match', true),
	('偿命', 'threat', 40, 'match', true),
	('别过来', 'threat', 20, 'match', true),
	('谁过来', 'threat', 20, 'match', true),
	('追打', 'threat', 15, 'match', true),
	('你全家', 'threat', 20, 'match', true),
	('收拾他', 'threat', 20, 'match', true),
	('你们等着', 'threat', 20, 'match', true),
	('不给钱就', 'threat', 15, 'match', true),
	('砍你', 'threat', 45, 'match', true),
	('跟你拼了', 'threat', 40, 'match', true),
	('买凶', 'threat', 60, 'match', true),
	('报仇', 'threat', 30, 'match', true),
	('找几个', 'threat', 15, 'match', true),
	('教训一下', 'threat', 15, 'match', true),
	('打你', 'threat', 12, 'match', true),
	('给我注意点', 'threat', 20, 'match', true),
	('给我小心点', 'threat', 20, 'match', true),
	('轮到你', 'threat', 25, 'match', true),
	('废了他', 'threat', 40, 'match', true),
	('勒索', 'threat', 15, 'match', true),
	('保护费', 'threat', 20, 'match', true);

/* ---------------------------- weapon 持械凶器 ---------------------------- */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('持刀', 'weapon', 60, 'match', true),
	('拿刀', 'weapon', 50, 'match', true),
	('挥刀', 'weapon', 50, 'match', true),
	('刀具', 'weapon', 5, 'match', true),
	('管制刀具', 'weapon', 40, 'match', true),
	('砍刀', 'weapon', 40, 'match', true),
	('菜刀', 'weapon', 5, 'match', true),
	('剔骨刀', 'weapon', 30, 'match', true),
	('弹簧刀', 'weapon', 40, 'match', true),
	('匕首', 'weapon', 40, 'match', true),
	('水果刀', 'weapon', 15, 'match', true),
	('长刀', 'weapon', 20, 'match', true),
	('剪刀', 'weapon', 5, 'match', true),
	('斧头', 'weapon', 20, 'match', true),
	('锄头', 'weapon', 5, 'match', true),
	('镰刀', 'weapon', 8, 'match', true),
	('钢管', 'weapon', 10, 'match', true),
	('铁棍', 'weapon', 15, 'match', true),
	('凶器', 'weapon', 40, 'match', true),
	('持械', 'weapon', 40, 'match', true),
	('械斗', 'weapon', 50, 'match', true),
	('家伙事', 'weapon', 40, 'match', true),
	('抄家伙', 'weapon', 40, 'match', true),
	('挥舞', 'weapon', 10, 'match', true),
	('追砍', 'weapon', 50, 'match', true),
	('砍伤', 'weapon', 40, 'match', true),
	('捅伤', 'weapon', 40, 'match', true),
	('刺伤', 'weapon', 40, 'match', true),
	('枪', 'weapon', 10, 'match', true),
	('枪支', 'weapon', 40, 'match', true),
	('手枪', 'weapon', 40, 'match', true),
	('猎枪', 'weapon', 50, 'match', true),
	('气枪', 'weapon', 40, 'match', true),
	('火药枪', 'weapon', 50, 'match', true),
	('子弹', 'weapon', 30, 'match', true),
	('铅弹', 'weapon', 30, 'match', true),
	('弹药', 'weapon', 30, 'match', true),
	('开枪', 'weapon', 50, 'match', true),
	('拿枪', 'weapon', 50, 'match', true),
	('持枪', 'weapon', 50, 'match', true),
	('汽油', 'weapon', 8, 'match', true),
	('桶汽油', 'weapon', 35, 'match', true),
	('带汽油', 'weapon', 40, 'match', true),
	('带着汽油', 'weapon', 40, 'match', true),
	('散装汽油', 'weapon', 30, 'match', true),
	('泼汽油', 'weapon', 50, 'match', true),
	('油桶', 'weapon', 5, 'match', true),
	('硫酸', 'weapon', 30, 'match', true),
	('爆炸物', 'weapon', 40, 'match', true),
	('炸药', 'weapon', 50, 'match', true),
	('雷管', 'weapon', 50, 'match', true),
	('炸弹', 'weapon', 50, 'match', true),
	('危险物品', 'weapon', 20, 'match', true),
	('浇汽油', 'weapon', 50, 'match', true),
	('持菜刀', 'weapon', 50, 'match', true),
	('燃烧瓶', 'weapon', 60, 'match', true),
	('西瓜刀', 'weapon', 30, 'match', true),
	('棍棒', 'weapon', 15, 'match', true),
	('砖头', 'weapon', 8, 'match', true),
	('对峙', 'weapon', 15, 'match', true),
	('刺向', 'weapon', 40, 'match', true),
	('捅向', 'weapon', 40, 'match', true),
	('砍向', 'weapon', 40, 'match', true),
	('流血', 'weapon', 8, 'match', true);

/* ---------------------------- suicide 自杀轻生 --------------------------- */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('自杀', 'suicide', 60, 'match', true),
	('轻生', 'suicide', 40, 'match', true),
	('寻死', 'suicide', 50, 'match', true),
	('寻短见', 'suicide', 50, 'match', true),
	('想死', 'suicide', 30, 'match', true),
	('不想活', 'suicide', 45, 'match', true),
	('活不下去', 'suicide', 45, 'match', true),
	('活着没意思', 'suicide', 40, 'match', true),
	('活着好累', 'suicide', 35, 'match', true),
	('活着太累', 'suicide', 35, 'match', true),
	('一了百了', 'suicide', 40, 'match', true),
	('人间不值得', 'suicide', 20, 'match', true),
	('想不开', 'suicide', 25, 'match', true),
	('紫砂', 'suicide', 45, 'match', true),
	('跳楼', 'suicide', 55, 'match', true),
	('跳河', 'suicide', 50, 'match', true),
	('跳江', 'suicide', 50, 'match', true),
	('跳下去', 'suicide', 35, 'match', true),
	('往下跳', 'suicide', 40, 'match', true),
	('割腕', 'suicide', 60, 'match', true),
	('上吊', 'suicide', 55, 'match', true),
	('服毒', 'suicide', 60, 'match', true),
	('喝农药', 'suicide', 60, 'match', true),
	('喝药', 'suicide', 40, 'match', true),
	('烧炭', 'suicide', 50, 'match', true),
	('自残', 'suicide', 40, 'match', true),
	('自伤', 'suicide', 30, 'match', true),
	('结束生命', 'suicide', 50, 'match', true),
	('离开这个世界', 'suicide', 50, 'match', true),
	('再见了这个世界', 'suicide', 50, 'match', true),
	('安眠药', 'suicide', 30, 'match', true),
	('农药', 'suicide', 8, 'match', true),
	('农药瓶', 'suicide', 20, 'match', true),
	('除草剂', 'suicide', 8, 'match', true),
	('百草枯', 'suicide', 30, 'match', true),
	('敌敌畏', 'suicide', 30, 'match', true),
	('老鼠药', 'suicide', 5, 'match', true),
	('遗书', 'suicide', 40, 'match', true),
	('遗言', 'suicide', 30, 'match', true),
	('下辈子', 'suicide', 30, 'match', true),
	('这辈子就到', 'suicide', 40, 'match', true),
	('永别', 'suicide', 55, 'match', true),
	('撑不下去', 'suicide', 35, 'match', true),
	('我先走了', 'suicide', 20, 'match', true),
	('对不起爸妈', 'suicide', 30, 'match', true),
	('照顾好自己', 'suicide', 25, 'match', true),
	('走了干净', 'suicide', 30, 'match', true),
	('楼顶', 'suicide', 8, 'match', true),
	('天台', 'suicide', 8, 'match', true),
	('边缘', 'suicide', 5, 'match', true),
	('桥墩', 'suicide', 10, 'match', true),
	('江边', 'suicide', 8, 'match', true),
	('水库', 'suicide', 5, 'match', true),
	('徘徊', 'suicide', 8, 'match', true),
	('情绪低落', 'suicide', 8, 'match', true),
	('抑郁', 'suicide', 10, 'match', true),
	('整瓶', 'suicide', 8, 'match', true),
	('过量服用', 'suicide', 25, 'match', true),
	('昏迷', 'suicide', 5, 'match', true),
	('跳下来', 'suicide', 35, 'match', true),
	('塔吊', 'suicide', 5, 'match', true),
	('交给你了', 'suicide', 20, 'match', true),
	('对不起你们', 'suicide', 20, 'match', true),
	('河堤', 'suicide', 5, 'match', true),
	('对不起所有人', 'suicide', 20, 'match', true),
	('对不起大家', 'suicide', 20, 'match', true),
	('划自己', 'suicide', 30, 'match', true),
	('割自己', 'suicide', 30, 'match', true),
	('划伤自己', 'suicide', 30, 'match', true),
	('伤害自己', 'suicide', 30, 'match', true),
	('煤气阀', 'suicide', 20, 'match', true),
	('开煤气', 'suicide', 30, 'match', true),
	('挂断电话', 'suicide', 5, 'match', true),
	('连累', 'suicide', 6, 'match', true),
	('拖累', 'suicide', 6, 'match', true),
	('外侧', 'suicide', 5, 'match', true),
	('一封信', 'suicide', 8, 'match', true),
	('别劝了', 'suicide', 25, 'match', true),
	('拦得住我', 'suicide', 25, 'match', true),
	('不想再活', 'suicide', 45, 'match', true),
	('自尽', 'suicide', 55, 'match', true),
	('投河', 'suicide', 50, 'match', true),
	('卧轨', 'suicide', 55, 'match', true),
	('割脉', 'suicide', 55, 'match', true),
	('过够了', 'suicide', 20, 'match', true),
	('死了算了', 'suicide', 45, 'match', true),
	('自我了断', 'suicide', 50, 'match', true),
	('没有回应', 'suicide', 8, 'match', true);

/* --------------------------- extreme 极端行为 ---------------------------- */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('同归于尽', 'extreme', 60, 'match', true),
	('报复社会', 'extreme', 70, 'match', true),
	('仇视社会', 'extreme', 40, 'match', true),
	('人多的地方', 'extreme', 20, 'match', true),
	('陪葬', 'extreme', 55, 'match', true),
	('垫背', 'extreme', 55, 'match', true),
	('一起死', 'extreme', 50, 'match', true),
	('一起完蛋', 'extreme', 40, 'match', true),
	('别想好过', 'extreme', 20, 'match', true),
	('谁也别想', 'extreme', 20, 'match', true),
	('不想过了', 'extreme', 25, 'match', true),
	('纵火', 'extreme', 50, 'match', true),
	('放火', 'extreme', 50, 'match', true),
	('一把火', 'extreme', 45, 'match', true),
	('点火', 'extreme', 10, 'match', true),
	('试图点火', 'extreme', 30, 'match', true),
	('点燃', 'extreme', 8, 'match', true),
	('烧了', 'extreme', 10, 'match', true),
	('烧死', 'extreme', 50, 'match', true),
	('自焚', 'extreme', 60, 'match', true),
	('炸了', 'extreme', 15, 'match', true),
	('全炸了', 'extreme', 40, 'match', true),
	('炸掉', 'extreme', 40, 'match', true),
	('炸死', 'extreme', 50, 'match', true),
	('引爆', 'extreme', 60, 'match', true),
	('爆炸', 'extreme', 8, 'match', true),
	('爆炸装置', 'extreme', 40, 'match', true),
	('煤气罐', 'extreme', 8, 'match', true),
	('打火机', 'extreme', 4, 'match', true),
	('泼洒', 'extreme', 10, 'match', true),
	('砍人', 'extreme', 50, 'match', true),
	('堵高速', 'extreme', 25, 'match', true),
	('无差别', 'extreme', 40, 'match', true),
	('投毒', 'extreme', 60, 'match', true),
	('下毒', 'extreme', 50, 'match', true),
	('劫持', 'extreme', 50, 'match', true),
	('人质', 'extreme', 50, 'match', true),
	('绑架', 'extreme', 50, 'match', true),
	('鱼死网破', 'extreme', 40, 'match', true),
	('见人就砍', 'extreme', 50, 'match', true),
	('毒死', 'extreme', 15, 'match', true),
	('付出代价', 'extreme', 20, 'match', true);

/* --------------------------- domestic 家庭婚恋 --------------------------- */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('家暴', 'domestic', 35, 'match', true),
	('家庭暴力', 'domestic', 35, 'match', true),
	('打骂', 'domestic', 15, 'match', true),
	('殴打', 'domestic', 20, 'match', true),
	('毒打', 'domestic', 30, 'match', true),
	('拳打脚踢', 'domestic', 25, 'match', true),
	('扇耳光', 'domestic', 10, 'match', true),
	('耳光', 'domestic', 15, 'match', true),
	('掐痕', 'domestic', 15, 'match', true),
	('淤青', 'domestic', 8, 'match', true),
	('青一块紫一块', 'domestic', 20, 'match', true),
	('鼻青脸肿', 'domestic', 20, 'match', true),
	('青紫', 'domestic', 8, 'match', true),
	('动手', 'domestic', 8, 'match', true),
	('被打', 'domestic', 12, 'match', true),
	('拽头发', 'domestic', 20, 'match', true),
	('抽打', 'domestic', 20, 'match', true),
	('虐待', 'domestic', 25, 'match', true),
	('告诫书', 'domestic', 25, 'match', true),
	('保护令', 'domestic', 25, 'match', true),
	('离婚', 'domestic', 5, 'match', true),
	('不同意分手', 'domestic', 15, 'match', true),
	('分手', 'domestic', 3, 'match', true),
	('前夫', 'domestic', 8, 'match', true),
	('前妻', 'domestic', 5, 'match', true),
	('前男友', 'domestic', 5, 'match', true),
	('纠缠', 'domestic', 15, 'match', true),
	('跟踪', 'domestic', 15, 'match', true),
	('蹲守', 'domestic', 20, 'match', true),
	('摔砸', 'domestic', 15, 'match', true),
	('摔东西', 'domestic', 10, 'match', true),
	('出气', 'domestic', 8, 'match', true),
	('松了松筋骨', 'domestic', 20, 'match', true),
	('收拾了一顿', 'domestic', 25, 'match', true),
	('酒后', 'domestic', 5, 'match', true),
	('喝醉', 'domestic', 5, 'match', true),
	('继父', 'domestic', 5, 'match', true),
	('打她', 'domestic', 10, 'match', true),
	('打我', 'domestic', 10, 'match', true),
	('皮带抽', 'domestic', 20, 'match', true),
	('打老婆', 'domestic', 30, 'match', true),
	('赶出家门', 'domestic', 15, 'match', true),
	('限制人身自由', 'domestic', 30, 'match', true),
	('非法拘禁', 'domestic', 40, 'match', true),
	('不敢回家', 'domestic', 10, 'match', true),
	('不让出门', 'domestic', 15, 'match', true),
	('关在家', 'domestic', 15, 'match', true),
	('求救', 'domestic', 10, 'match', true);

/* ----------------------------- debt 债务经济 ----------------------------- */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('拖欠工资', 'debt', 20, 'match', true),
	('欠薪', 'debt', 20, 'match', true),
	('讨薪', 'debt', 15, 'match', true),
	('拖欠', 'debt', 5, 'match', true),
	('欠款', 'debt', 8, 'match', true),
	('欠债', 'debt', 10, 'match', true),
	('欠钱', 'debt', 8, 'match', true),
	('欠钱不还', 'debt', 15, 'match', true),
	('讨债', 'debt', 8, 'match', true),
	('讨债公司', 'debt', 20, 'match', true),
	('催收', 'debt', 15, 'match', true),
	('暴力催收', 'debt', 30, 'match', true),
	('网贷', 'debt', 8, 'match', true),
	('高利贷', 'debt', 20, 'match', true),
	('小额贷款', 'debt', 8, 'match', true),
	('套路贷', 'debt', 25, 'match', true),
	('跑路', 'debt', 8, 'match', true),
	('血汗钱', 'debt', 15, 'match', true),
	('工程款', 'debt', 5, 'match', true),
	('货款', 'debt', 5, 'match', true),
	('讨要', 'debt', 8, 'match', true),
	('一屁股债', 'debt', 15, 'match', true),
	('外债', 'debt', 10, 'match', true),
	('经济纠纷', 'debt', 10, 'match', true),
	('逾期', 'debt', 5, 'match', true),
	('讨个说法', 'debt', 10, 'match', true),
	('讨说法', 'debt', 10, 'match', true),
	('欠债还钱', 'debt', 15, 'match', true),
	('泼红油漆', 'debt', 25, 'match', true),
	('拉横幅', 'debt', 10, 'match', true),
	('纹身男', 'debt', 10, 'match', true),
	('生意失败', 'debt', 10, 'match', true),
	('投资失败', 'debt', 10, 'match', true),
	('追债', 'debt', 10, 'match', true),
	('工钱', 'debt', 5, 'match', true),
	('堵门', 'debt', 8, 'match', true),
	('不还钱', 'debt', 10, 'match', true),
	('讨个公道', 'debt', 10, 'match', true),
	('借钱不还', 'debt', 15, 'match', true),
	('上访', 'debt', 8, 'match', true),
	('农民工', 'debt', 5, 'match', true);

/* -------------------------- neighbour 邻里纠纷 --------------------------- */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('宅基地', 'neighbour', 5, 'match', true),
	('宅基地纠纷', 'neighbour', 10, 'match', true),
	('土地纠纷', 'neighbour', 10, 'match', true),
	('邻里纠纷', 'neighbour', 10, 'match', true),
	('地界', 'neighbour', 8, 'match', true),
	('界桩', 'neighbour', 10, 'match', true),
	('边界', 'neighbour', 3, 'match', true),
	('越界', 'neighbour', 8, 'match', true),
	('侵占', 'neighbour', 8, 'match', true),
	('积怨', 'neighbour', 15, 'match', true),
	('矛盾激化', 'neighbour', 10, 'match', true),
	('激化', 'neighbour', 15, 'match', true),
	('对骂', 'neighbour', 10, 'match', true),
	('扔石头', 'neighbour', 15, 'match', true),
	('推倒', 'neighbour', 8, 'match', true),
	('拉扯', 'neighbour', 10, 'match', true),
	('推搡', 'neighbour', 8, 'match', true),
	('肢体冲突', 'neighbour', 15, 'match', true),
	('肢体接触', 'neighbour', 10, 'match', true),
	('打架', 'neighbour', 8, 'match', true),
	('群殴', 'neighbour', 40, 'match', true),
	('聚众', 'neighbour', 15, 'match', true),
	('纠集', 'neighbour', 20, 'match', true),
	('聚集', 'neighbour', 8, 'match', true),
	('砸了', 'neighbour', 15, 'match', true),
	('平了', 'neighbour', 10, 'match', true),
	('土地', 'neighbour', 3, 'match', true),
	('征地', 'neighbour', 8, 'match', true),
	('强拆', 'neighbour', 20, 'match', true),
	('田地', 'neighbour', 3, 'match', true),
	('吵了起来', 'neighbour', 3, 'match', true),
	('打起来', 'neighbour', 10, 'match', true),
	('轻伤', 'neighbour', 5, 'match', true),
	('打群架', 'neighbour', 30, 'match', true),
	('斗殴', 'neighbour', 30, 'match', true),
	('大打出手', 'neighbour', 20, 'match', true),
	('群体性', 'neighbour', 15, 'match', true),
	('水源', 'neighbour', 3, 'match', true),
	('一帮人', 'neighbour', 10, 'match', true),
	('发生冲突', 'neighbour', 8, 'match', true),
	('承包地', 'neighbour', 3, 'match', true),
	('泼粪', 'neighbour', 15, 'match', true);

/* ----------------------------- mental 精神障碍 --------------------------- */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('精神病', 'mental', 5, 'match', true),
	('精神病史', 'mental', 10, 'match', true),
	('精神疾病', 'mental', 8, 'match', true),
	('精神障碍', 'mental', 10, 'match', true),
	('严重精神障碍', 'mental', 10, 'match', true),
	('精神分裂', 'mental', 12, 'match', true),
	('双相情感障碍', 'mental', 10, 'match', true),
	('幻听', 'mental', 10, 'match', true),
	('被害妄想', 'mental', 20, 'match', true),
	('疯子', 'mental', 8, 'match', true),
	('发病', 'mental', 6, 'match', true),
	('犯病', 'mental', 12, 'match', true),
	('停药', 'mental', 12, 'match', true),
	('擅自停药', 'mental', 15, 'match', true),
	('断药', 'mental', 15, 'match', true),
	('药断了', 'mental', 15, 'match', true),
	('拒绝服药', 'mental', 20, 'match', true),
	('不肯吃药', 'mental', 20, 'match', true),
	('不吃药', 'mental', 15, 'match', true),
	('未服药', 'mental', 15, 'match', true),
	('没有按时服药', 'mental', 15, 'match', true),
	('未按时服药', 'mental', 15, 'match', true),
	('肇事肇祸', 'mental', 25, 'match', true),
	('肇祸', 'mental', 10, 'match', true),
	('送医', 'mental', 3, 'match', true),
	('自言自语', 'mental', 10, 'match', true),
	('说胡话', 'mental', 10, 'match', true),
	('要害他', 'mental', 15, 'match', true),
	('监视他', 'mental', 10, 'match', true),
	('老毛病又犯了', 'mental', 15, 'match', true),
	('见人就', 'mental', 15, 'match', true),
	('精神病人', 'mental', 5, 'match', true),
	('精神病患者', 'mental', 5, 'match', true),
	('不睡觉', 'mental', 5, 'match', true),
	('管不住', 'mental', 5, 'match', true),
	('没吃药', 'mental', 12, 'match', true),
	('精神异常', 'mental', 15, 'match', true),
	('发疯', 'mental', 10, 'match', true),
	('有人害他', 'mental', 15, 'match', true),
	('无力看管', 'mental', 10, 'match', true),
	('精神不正常', 'mental', 10, 'match', true),
	('精神不太正常', 'mental', 10, 'match', true),
	('大吼大叫', 'mental', 5, 'match', true),
	('大喊大叫', 'mental', 5, 'match', true);

/* ----------------------------- minor 未成年人 ---------------------------- */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('离家出走', 'minor', 8, 'match', true),
	('未成年', 'minor', 8, 'match', true),
	('10岁', 'minor', 3, 'match', true),
	('11岁', 'minor', 3, 'match', true),
	('12岁', 'minor', 3, 'match', true),
	('13岁', 'minor', 3, 'match', true),
	('14岁', 'minor', 3, 'match', true),
	('15岁', 'minor', 3, 'match', true),
	('16岁', 'minor', 3, 'match', true),
	('17岁', 'minor', 3, 'match', true),
	('辍学', 'minor', 20, 'match', true),
	('逃学', 'minor', 15, 'match', true),
	('翘课', 'minor', 15, 'match', true),
	('不想读书', 'minor', 15, 'match', true),
	('不去学校', 'minor', 15, 'match', true),
	('没去学校', 'minor', 15, 'match', true),
	('未到校', 'minor', 20, 'match', true),
	('泡网吧', 'minor', 10, 'match', true),
	('社会闲散人员', 'minor', 15, 'match', true),
	('社会青年', 'minor', 10, 'match', true),
	('出去混', 'minor', 10, 'match', true),
	('未回家', 'minor', 8, 'match', true),
	('没回家', 'minor', 8, 'match', true),
	('不见踪影', 'minor', 30, 'match', true),
	('下落不明', 'minor', 30, 'match', true),
	('去向不明', 'minor', 30, 'match', true),
	('失联', 'minor', 8, 'match', true),
	('失踪', 'minor', 30, 'match', true),
	('走失', 'minor', 8, 'match', true),
	('联系不上', 'minor', 4, 'match', true),
	('关机', 'minor', 5, 'match', true),
	('打不通', 'minor', 4, 'match', true),
	('电话手表', 'minor', 6, 'match', true),
	('儿童手表', 'minor', 6, 'match', true),
	('陌生', 'minor', 8, 'match', true),
	('成年男子', 'minor', 5, 'match', true),
	('网友', 'minor', 8, 'match', true),
	('私奔', 'minor', 15, 'match', true),
	('被拐', 'minor', 50, 'match', true),
	('拐卖', 'minor', 50, 'match', true),
	('猥亵', 'minor', 40, 'match', true),
	('性侵', 'minor', 50, 'match', true),
	('强奸', 'minor', 50, 'match', true),
	('欺凌', 'minor', 20, 'match', true),
	('霸凌', 'minor', 20, 'match', true),
	('索要钱财', 'minor', 15, 'match', true),
	('纸条', 'minor', 4, 'match', true),
	('别找我', 'minor', 30, 'match', true),
	('不要找我', 'minor', 30, 'match', true),
	('虐童', 'minor', 40, 'match', true),
	('没回来', 'minor', 8, 'match', true),
	('找遍', 'minor', 15, 'match', true),
	('走丢', 'minor', 15, 'match', true),
	('不知去向', 'minor', 30, 'match', true),
	('仍未找到', 'minor', 20, 'match', true),
	('人找不到', 'minor', 15, 'match', true),
	('找不到人', 'minor', 15, 'match', true),
	('抱走', 'minor', 10, 'match', true),
	('裸照', 'minor', 20, 'match', true),
	('至今联系不上', 'minor', 20, 'match', true),
	('至今未归', 'minor', 20, 'match', true),
	('至今未找到', 'minor', 20, 'match', true),
	('不上学', 'minor', 15, 'match', true),
	('不去上学', 'minor', 15, 'match', true),
	('社会上的人', 'minor', 10, 'match', true),
	('混在一起', 'minor', 5, 'match', true),
	('电话不接', 'minor', 4, 'match', true),
	('不接电话', 'minor', 4, 'match', true),
	('见网友', 'minor', 20, 'match', true),
	('夜不归宿', 'minor', 10, 'match', true),
	('未归', 'minor', 8, 'match', true),
	('没有回家', 'minor', 8, 'match', true),
	('校园暴力', 'minor', 25, 'match', true),
	('定位', 'minor', 5, 'match', true),
	('年级', 'minor', 2, 'match', true),
	('初中', 'minor', 2, 'match', true),
	('放学', 'minor', 2, 'match', true);

/* ------------------------ exclusions (innocent phrases) ------------------ */
INSERT INTO prevent.keyword (term, category, weight, kind, builtin) VALUES
	('杀虫剂', NULL, 1, 'exclude', true),
	('杀虫', NULL, 1, 'exclude', true),
	('杀价', NULL, 1, 'exclude', true),
	('杀毒', NULL, 1, 'exclude', true),
	('杀青', NULL, 1, 'exclude', true),
	('秒杀', NULL, 1, 'exclude', true),
	('杀猪盘', NULL, 1, 'exclude', true),
	('剧本杀', NULL, 1, 'exclude', true),
	('狼人杀', NULL, 1, 'exclude', true),
	('杀人游戏', NULL, 1, 'exclude', true),
	('杀鸡', NULL, 1, 'exclude', true),
	('杀鱼', NULL, 1, 'exclude', true),
	('杀猪', NULL, 1, 'exclude', true),
	('砍价', NULL, 1, 'exclude', true),
	('砍一刀', NULL, 1, 'exclude', true),
	('跳楼价', NULL, 1, 'exclude', true),
	('跳楼机', NULL, 1, 'exclude', true),
	('笑死', NULL, 1, 'exclude', true),
	('气死', NULL, 1, 'exclude', true),
	('急死', NULL, 1, 'exclude', true),
	('后悔死', NULL, 1, 'exclude', true),
	('打死我也', NULL, 1, 'exclude', true),
	('打死也不', NULL, 1, 'exclude', true),
	('打死都不', NULL, 1, 'exclude', true),
	('打死不', NULL, 1, 'exclude', true),
	('炸鸡', NULL, 1, 'exclude', true),
	('炸酱面', NULL, 1, 'exclude', true),
	('油炸', NULL, 1, 'exclude', true),
	('爆炸头', NULL, 1, 'exclude', true),
	('爆炸性', NULL, 1, 'exclude', true),
	('信息爆炸', NULL, 1, 'exclude', true),
	('爆米花', NULL, 1, 'exclude', true),
	('刀削面', NULL, 1, 'exclude', true),
	('一刀切', NULL, 1, 'exclude', true),
	('精神病院', NULL, 1, 'exclude', true),
	('精神病医院', NULL, 1, 'exclude', true),
	('自杀式防守', NULL, 1, 'exclude', true),
	('彩弹枪', NULL, 1, 'exclude', true),
	('水枪', NULL, 1, 'exclude', true),
	('玩具枪', NULL, 1, 'exclude', true),
	('发令枪', NULL, 1, 'exclude', true),
	('喷枪', NULL, 1, 'exclude', true),
	('胶枪', NULL, 1, 'exclude', true),
	('焊枪', NULL, 1, 'exclude', true),
	('测温枪', NULL, 1, 'exclude', true),
	('额温枪', NULL, 1, 'exclude', true),
	('扫码枪', NULL, 1, 'exclude', true),
	('枪手', NULL, 1, 'exclude', true),
	('反家暴', NULL, 1, 'exclude', true),
	('动手术', NULL, 1, 'exclude', true),
	('打架子鼓', NULL, 1, 'exclude', true),
	('紫砂壶', NULL, 1, 'exclude', true),
	('紫砂锅', NULL, 1, 'exclude', true),
	('报复性', NULL, 1, 'exclude', true),
	('捅了马蜂窝', NULL, 1, 'exclude', true),
	('捅了娄子', NULL, 1, 'exclude', true),
	('发病率', NULL, 1, 'exclude', true),
	('即可停药', NULL, 1, 'exclude', true),
	('可以停药', NULL, 1, 'exclude', true),
	('扬言要投诉', NULL, 1, 'exclude', true),
	('扬言投诉', NULL, 1, 'exclude', true),
	('扬言要曝光', NULL, 1, 'exclude', true),
	('扬言要起诉', NULL, 1, 'exclude', true),
	('跟踪回访', NULL, 1, 'exclude', true),
	('跟踪服务', NULL, 1, 'exclude', true),
	('陌生号码', NULL, 1, 'exclude', true),
	('陌生电话', NULL, 1, 'exclude', true),
	('陌生来电', NULL, 1, 'exclude', true),
	('无法点火', NULL, 1, 'exclude', true),
	('点火开关', NULL, 1, 'exclude', true),
	('被打扰', NULL, 1, 'exclude', true),
	('被打湿', NULL, 1, 'exclude', true),
	('聚众赌博', NULL, 1, 'exclude', true),
	('发烧了', NULL, 1, 'exclude', true),
	('弄死老鼠', NULL, 1, 'exclude', true),
	('毒死老鼠', NULL, 1, 'exclude', true),
	('炸锅', NULL, 1, 'exclude', true),
	('气炸', NULL, 1, 'exclude', true),
	('爆炸式', NULL, 1, 'exclude', true),
	('跳楼甩卖', NULL, 1, 'exclude', true),
	('自杀式传球', NULL, 1, 'exclude', true),
	('杀菌', NULL, 1, 'exclude', true),
	('抹杀', NULL, 1, 'exclude', true),
	('扼杀', NULL, 1, 'exclude', true),
	('杀手锏', NULL, 1, 'exclude', true),
	('封杀', NULL, 1, 'exclude', true),
	('必杀技', NULL, 1, 'exclude', true),
	('打你电话', NULL, 1, 'exclude', true),
	('打你手机', NULL, 1, 'exclude', true),
	('价格跳楼', NULL, 1, 'exclude', true),
	('打我电话', NULL, 1, 'exclude', true),
	('打她电话', NULL, 1, 'exclude', true),
	('打我手机', NULL, 1, 'exclude', true),
	('打断他的话', NULL, 1, 'exclude', true),
	('打断你的话', NULL, 1, 'exclude', true),
	('打断我的话', NULL, 1, 'exclude', true),
	('打断他说话', NULL, 1, 'exclude', true),
	('建议停药', NULL, 1, 'exclude', true),
	('虐待动物', NULL, 1, 'exclude', true),
	('跟踪处理', NULL, 1, 'exclude', true),
	('持续跟踪', NULL, 1, 'exclude', true),
	('蹲守抓获', NULL, 1, 'exclude', true),
	('民警蹲守', NULL, 1, 'exclude', true),
	('被打劫', NULL, 1, 'exclude', true),
	('被打开', NULL, 1, 'exclude', true),
	('被打捞', NULL, 1, 'exclude', true),
	('被砸了', NULL, 1, 'exclude', true),
	('摆平了', NULL, 1, 'exclude', true),
	('扯平了', NULL, 1, 'exclude', true),
	('防止矛盾激化', NULL, 1, 'exclude', true),
	('避免矛盾激化', NULL, 1, 'exclude', true),
	('防止过激', NULL, 1, 'exclude', true),
	('避免过激', NULL, 1, 'exclude', true),
	('想死你', NULL, 1, 'exclude', true),
	('紫砂杯', NULL, 1, 'exclude', true),
	('收拾他的', NULL, 1, 'exclude', true),
	('收拾你的', NULL, 1, 'exclude', true),
	('枪战', NULL, 1, 'exclude', true),
	('勒索病毒', NULL, 1, 'exclude', true);

/* ---------------------------- negation cues ------------------------------
 * A cue cancels a match that starts at most "window" normalized characters
 * after it, with no comma, colon or clause break in between.  Officer
 * findings (未发现, 不存在, 排除, 并非) get wide windows; the bare 无 only
 * reaches the next few characters (无伤痕, 无任何威胁, 无人员有轻生行为), so
 * 无人接听 / 无果 / 无力看管 stay harmless.  Keywords that begin with a cue
 * (没有按时服药, 没有回应, 无力看管) are not cancelled by it.
 */
INSERT INTO prevent.negation (cue, "window", builtin) VALUES
	('未发现', 8, true),
	('没发现', 8, true),
	('未见', 6, true),
	('不存在', 8, true),
	('排除', 8, true),
	('并非', 6, true),
	('不属于', 6, true),
	('不构成', 6, true),
	('不涉及', 6, true),
	('否认', 6, true),
	('没有', 4, true),
	('并没有', 6, true),
	('并未', 6, true),
	('从未', 6, true),
	('从没', 6, true),
	('未曾', 6, true),
	('无', 3, true),
	('并无', 6, true),
	('未携带', 6, true),
	('未发生', 6, true),
	('未出现', 6, true),
	('未造成', 4, true),
	('不会再', 4, true),
	('打消', 6, true),
	('谎称', 6, true),
	('谎报', 6, true),
	('误以为', 8, true),
	('误认为', 8, true);

/* ---------------------------- proximity rules ----------------------------
 * Two terms in one clause (no 。！？；), at most "within" characters apart,
 * in either order.  The parts need not be keywords themselves; exclusions
 * and negation cues apply to them as to keywords (水枪 keeps 枪 out of
 * 出售…枪).
 */
INSERT INTO prevent.proximity (term_a, term_b, within, category, weight, builtin) VALUES
	-- a knife in hand, or near a spouse
	('拿', '刀', 5, 'weapon', 40, true),
	('掏出', '刀', 6, 'weapon', 40, true),
	('掏出', '匕首', 6, 'weapon', 30, true),
	('拎', '刀', 5, 'weapon', 40, true),
	('举', '刀', 5, 'weapon', 40, true),
	('握', '刀', 5, 'weapon', 40, true),
	('挥舞', '刀', 6, 'weapon', 40, true),
	('带', '刀', 6, 'weapon', 30, true),
	('揣', '刀', 4, 'weapon', 40, true),
	('刀', '追', 8, 'weapon', 20, true),
	('拿', '钢管', 4, 'weapon', 30, true),
	('拿', '棍', 4, 'weapon', 30, true),
	('刀', '砍', 6, 'weapon', 30, true),
	('刀', '老婆', 10, 'domestic', 25, true),
	('刀', '妻子', 10, 'domestic', 25, true),
	('刀', '丈夫', 10, 'domestic', 25, true),
	-- a knife at a school: attack on children
	('刀', '学校', 15, 'extreme', 30, true),
	('刀', '小学', 15, 'extreme', 30, true),
	('刀', '幼儿园', 15, 'extreme', 30, true),
	-- guns: shots fired, guns for sale, underground slang for gun + ammunition
	('开', '枪', 3, 'weapon', 30, true),
	('出售', '枪', 8, 'weapon', 30, true),
	('喷子', '狗粮', 8, 'weapon', 60, true),
	-- petrol together with fire, a threat or a grievance: arson / self-immolation
	('汽油', '打火机', 20, 'extreme', 40, true),
	('汽油', '点火', 30, 'extreme', 30, true),
	('汽油', '点燃', 30, 'extreme', 30, true),
	('汽油', '扬言', 15, 'extreme', 40, true),
	('汽油', '情绪激动', 20, 'extreme', 30, true),
	('汽油', '讨', 40, 'extreme', 30, true),
	('身上', '炸', 4, 'extreme', 30, true),
	('扬言', '炸', 15, 'extreme', 35, true),
	('扬言', '杀', 12, 'threat', 35, true),
	('社会', '代价', 8, 'extreme', 40, true),
	('找', '算账', 6, 'threat', 20, true),
	-- suicide: a height, a railing crossed, pills taken or stockpiled, located at water
	('楼顶', '跳', 10, 'suicide', 30, true),
	('阳台', '跳', 10, 'suicide', 30, true),
	('桥', '跳', 10, 'suicide', 30, true),
	('楼', '外侧', 8, 'suicide', 40, true),
	('桥', '外侧', 8, 'suicide', 40, true),
	('翻', '栏杆', 3, 'suicide', 30, true),
	('翻', '护栏', 3, 'suicide', 30, true),
	('吞', '药', 6, 'suicide', 40, true),
	('整瓶', '药', 6, 'suicide', 20, true),
	('爬上', '塔吊', 6, 'suicide', 25, true),
	('塔吊', '跳', 15, 'suicide', 30, true),
	('吃', '安眠药', 6, 'suicide', 30, true),
	('喝', '百草枯', 4, 'suicide', 40, true),
	('喝', '敌敌畏', 4, 'suicide', 40, true),
	('喝', '除草剂', 4, 'suicide', 40, true),
	('喝', '老鼠药', 4, 'suicide', 40, true),
	('囤', '药', 4, 'suicide', 40, true),
	('药', '买好', 6, 'suicide', 20, true),
	('定位', '水库', 10, 'suicide', 20, true),
	-- mental: medication thrown away
	('药', '扔', 5, 'mental', 15, true),
	-- debt: wages owed
	('欠', '工资', 6, 'debt', 15, true),
	-- domestic: strangling
	('掐', '脖子', 3, 'domestic', 30, true),
	-- minor: a child not back, unreachable, not found; an adult met online
	('孩子', '未回家', 20, 'minor', 15, true),
	('儿子', '未回家', 20, 'minor', 15, true),
	('女儿', '未回家', 20, 'minor', 15, true),
	('孩子', '没回家', 20, 'minor', 15, true),
	('儿子', '没回家', 20, 'minor', 15, true),
	('女儿', '没回家', 20, 'minor', 15, true),
	('孩子', '没回来', 20, 'minor', 15, true),
	('儿子', '没回来', 20, 'minor', 15, true),
	('女儿', '没回来', 20, 'minor', 15, true),
	('孩子', '不见', 4, 'minor', 25, true),
	('孩子', '联系不上', 20, 'minor', 20, true),
	('孩子', '关机', 20, 'minor', 20, true),
	('关机', '未回家', 30, 'minor', 20, true),
	('关机', '没回家', 30, 'minor', 20, true),
	('寻找', '未果', 8, 'minor', 20, true),
	('网友', '成年', 30, 'minor', 20, true),
	('陌生', '抱走', 10, 'minor', 30, true),
	('陌生', '车', 4, 'minor', 20, true),
	('孩子', '一起走', 8, 'suicide', 40, true),
	('欠', '钱', 4, 'debt', 10, true),
	('被', '抱走', 8, 'minor', 20, true),
	-- neighbour harassment: dung or paint thrown at the door
	('泼', '粪', 3, 'neighbour', 20, true),
	('泼', '油漆', 3, 'neighbour', 20, true);
/* ------------------------------------------------------------------------
 * The default lexicon, second part: classes of language a duty officer
 * meets in real narratives beyond the plain terms of 80_lexicon.sql, written
 * from domain knowledge (never from evaluation records):
 *   - slang, euphemisms, homophones and pinyin for suicide and killing
 *     (自鲨, 想zs, 去另一个世界, 天堂见), farewell signs (交代后事, 把东西都送人,
 *     最后一条朋友圈);
 *   - means and methods with their verbs (喝了农药, 吃耗子药, 跳桥, 开了煤气,
 *     揣着家伙, 硬货), threats that name no act (让你横着出去, 吃不了兜着走),
 *     dialect forms (唔想活, 吊颈, 整死你);
 *   - harmless contexts as exclusions: games (吃鸡, 剧本杀, 狼人杀 phrases),
 *     sport, cooking, pests, pets, advertising and products, idioms,
 *     medicine, machines, toys, and the officer's own wording;
 *   - negation cues of official findings (未有, 无任何, 已无).
 * min_level marks terms that reach a level on their own (see 82_severity.sql).
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.keyword (term, category, weight, kind, min_level, note, builtin) VALUES
	('以死相逼', 'suicide', 40, 'match', NULL, 'intent: threatens suicide as leverage', true),
	('死给你看', 'suicide', 50, 'match', 'high', 'intent: classic suicide threat at partner/family', true),
	('死在你家', 'suicide', 45, 'match', NULL, 'intent: 死在你家门口: suicide as leverage in debt/neighbour rows', true),
	('杀死你', 'threat', 60, 'match', 'high', 'intent: 杀死你 does not contain 杀你', true),
	('杀死他', 'threat', 40, 'match', NULL, 'intent: kill him', true),
	('捅他', 'threat', 35, 'match', NULL, 'intent: 捅他一刀; existing has 捅你 only', true),
	('捅她', 'threat', 35, 'match', NULL, 'intent: stab her', true),
	('砍他', 'threat', 40, 'match', NULL, 'intent: existing has 砍你 only', true),
	('砍她', 'threat', 40, 'match', NULL, 'intent: chop her', true),
	('打死他', 'threat', 35, 'match', NULL, 'intent: see exclusion 打死他也', true),
	('打死她', 'threat', 35, 'match', NULL, 'intent: see exclusion 打死她也', true),
	('给你几刀', 'threat', 45, 'match', 'high', 'intent: stab you a few times', true),
	('扎你几刀', 'threat', 50, 'match', 'high', 'intent: stab you a few times', true),
	('掐死', 'threat', 45, 'match', NULL, 'intent: 掐死你; see exclusion 掐死在萌芽', true),
	('勒死', 'threat', 45, 'match', NULL, 'intent: strangle to death', true),
	('要了你的命', 'threat', 45, 'match', NULL, 'intent: not matched by 要你的命', true),
	('要他的命', 'threat', 45, 'match', NULL, 'intent: take his life', true),
	('血债血偿', 'threat', 45, 'match', NULL, 'intent: blood for blood', true),
	('一命换一命', 'threat', 45, 'match', NULL, 'intent: a life for a life', true),
	('大不了坐牢', 'threat', 40, 'match', NULL, 'intent: accepts prison: strong intent', true),
	('把牢底坐穿', 'threat', 40, 'match', NULL, 'intent: accepts prison: strong intent', true),
	('坐牢也要', 'threat', 35, 'match', NULL, 'intent: 坐牢也要弄死他', true),
	('什么都干得出来', 'threat', 30, 'match', NULL, 'intent: I am capable of anything', true),
	('什么事都干得出来', 'threat', 30, 'match', NULL, 'intent: capable of anything (not a superstring of 什么都干得出来)', true),
	('不是开玩笑', 'threat', 12, 'match', NULL, 'intent: counter-signal: must not act as a disposition', true),
	('出人命', 'threat', 20, 'match', NULL, 'intent: 要出人命了 / 非出人命不可', true),
	('打残', 'threat', 30, 'match', NULL, 'intent: beat until crippled (see exclusion 打残局)', true),
	('腿打断', 'threat', 30, 'match', NULL, 'intent: 把你腿打断 (打断你 needs 你 right after)', true),
	('撞死你', 'threat', 50, 'match', 'high', 'intent: vehicle as weapon', true),
	('毁容', 'threat', 15, 'match', NULL, 'intent: acid/knife threat to the face', true),
	('找人砍', 'threat', 45, 'match', NULL, 'intent: hiring/gathering people to chop', true),
	('叫人砍', 'threat', 45, 'match', NULL, 'intent: call people to chop', true),
	('小心你家人', 'threat', 30, 'match', NULL, 'intent: threat naming family', true),
	('知道你孩子', 'threat', 25, 'match', NULL, 'intent: 知道你孩子在哪上学 (collector/extortion threat)', true),
	('走夜路小心', 'threat', 20, 'match', NULL, 'intent: watch out walking at night', true),
	('恐怖袭击', 'extreme', 40, 'match', NULL, 'intent: see exclusion 防范恐怖袭击', true),
	('冲向人群', 'extreme', 55, 'match', 'high', 'intent: drive/run into a crowd', true),
	('冲撞人群', 'extreme', 55, 'match', 'high', 'intent: ram a crowd', true),
	('冲进人群', 'extreme', 50, 'match', 'high', 'intent: charge into a crowd', true),
	('杀一个够本', 'extreme', 55, 'match', 'high', 'intent: 杀一个够本杀两个赚一个', true),
	('杀两个赚', 'extreme', 55, 'match', 'high', 'intent: kill two, gain one', true),
	('多拉几个', 'extreme', 40, 'match', NULL, 'intent: 死也要多拉几个', true),
	('炸了你家', 'extreme', 55, 'match', 'high', 'intent: blow up your home', true),
	('烧了你家', 'extreme', 55, 'match', 'high', 'intent: burn your home', true),
	('放把火', 'extreme', 45, 'match', NULL, 'intent: set a fire', true),
	('炸政府', 'extreme', 50, 'match', 'high', 'intent: bomb the government', true),
	('炸医院', 'extreme', 45, 'match', 'high', 'intent: bomb the hospital', true),
	('炸地铁', 'extreme', 50, 'match', 'high', 'intent: bomb the metro', true),
	('炸学校', 'extreme', 25, 'match', NULL, 'intent: also a schoolchild meme, no floor', true),
	('炸死你们', 'extreme', 70, 'match', 'critical', 'intent: intent + means + target', true),
	('炸死他们', 'extreme', 70, 'match', 'critical', 'intent: intent + means + target', true),
	('烧死你们', 'extreme', 65, 'match', 'critical', 'intent: intent + means + target', true),
	('烧死他们', 'extreme', 65, 'match', 'critical', 'intent: intent + means + target', true),
	('砍小孩', 'extreme', 55, 'match', 'high', 'intent: attack on children', true),
	('斩人', 'extreme', 45, 'match', 'high', 'intent: Cantonese: 砍人', true),
	('喝了农药', 'suicide', 60, 'match', 'high', 'means: 喝农药 with 了 in between is not matched by 喝农药', true),
	('服农药', 'suicide', 55, 'match', 'high', 'means: took pesticide', true),
	('服用农药', 'suicide', 55, 'match', 'high', 'means: took pesticide', true),
	('口服农药', 'suicide', 55, 'match', 'high', 'means: hospital referral wording', true),
	('农药中毒', 'suicide', 25, 'match', 'medium', 'means: in rural referrals mostly self-poisoning', true),
	('氧乐果', 'suicide', 30, 'match', NULL, 'means: organophosphate common in rural suicides', true),
	('吃了老鼠药', 'suicide', 50, 'match', 'high', 'means: took rat poison', true),
	('吃老鼠药', 'suicide', 45, 'match', 'high', 'means: took rat poison', true),
	('喝毒药', 'suicide', 45, 'match', NULL, 'means: drank poison', true),
	('安眠片', 'suicide', 25, 'match', NULL, 'means: sleeping pills', true),
	('吞了一瓶', 'suicide', 35, 'match', NULL, 'means: swallowed a bottle', true),
	('大量服用', 'suicide', 20, 'match', NULL, 'means: took a large amount', true),
	('开了煤气', 'suicide', 35, 'match', NULL, 'means: 开煤气 with 了 in between', true),
	('封住门窗', 'suicide', 20, 'match', NULL, 'means: sealing room: charcoal/gas preparation', true),
	('跳桥', 'suicide', 50, 'match', 'high', 'means: jump from a bridge', true),
	('跳海', 'suicide', 45, 'match', 'high', 'means: jump into the sea', true),
	('跳湖', 'suicide', 45, 'match', 'high', 'means: jump into a lake', true),
	('跳崖', 'suicide', 45, 'match', 'high', 'means: see exclusion 跳崖式', true),
	('跳井', 'suicide', 45, 'match', 'high', 'means: rural', true),
	('跳水库', 'suicide', 45, 'match', 'high', 'means: rural; 跳水 sports do not contain it', true),
	('跳轨', 'suicide', 45, 'match', 'high', 'means: railway/metro', true),
	('跳了楼', 'suicide', 50, 'match', 'high', 'means: 跳楼 with 了 in between', true),
	('跳了河', 'suicide', 50, 'match', 'high', 'means: 跳河 with 了 in between', true),
	('从楼上跳', 'suicide', 45, 'match', 'high', 'means: jump from upstairs', true),
	('桥上徘徊', 'suicide', 25, 'match', NULL, 'means: loitering on a bridge', true),
	('爬上吊车', 'suicide', 30, 'match', NULL, 'means: crane climbing; 上吊车 exclusion keeps 上吊 quiet', true),
	('投江', 'suicide', 50, 'match', 'high', 'means: drown in a river (see exclusion 屈原投江)', true),
	('投湖', 'suicide', 45, 'match', 'high', 'means: drown in a lake', true),
	('投井', 'suicide', 45, 'match', 'high', 'means: drown in a well (rural)', true),
	('往河里走', 'suicide', 25, 'match', 'medium', 'means: walking into a river', true),
	('往水里走', 'suicide', 25, 'match', NULL, 'means: walking into water', true),
	('割手腕', 'suicide', 50, 'match', 'high', 'means: not matched by 割腕', true),
	('划手腕', 'suicide', 40, 'match', NULL, 'means: self-harm by cutting', true),
	('刀片', 'suicide', 10, 'match', NULL, 'means: razor blade; see exclusions 剃须刀片/刀片电池', true),
	('抹脖子', 'suicide', 40, 'match', NULL, 'means: cut own throat', true),
	('悬梁', 'suicide', 40, 'match', NULL, 'means: see exclusion 头悬梁', true),
	('吊死', 'suicide', 40, 'match', NULL, 'means: see exclusions 一棵树上吊死/吊死鬼', true),
	('仿真枪', 'weapon', 20, 'match', NULL, 'means: replica gun; sums with 枪', true),
	('土枪', 'weapon', 35, 'match', NULL, 'means: home-made rural gun', true),
	('鸟枪', 'weapon', 25, 'match', NULL, 'means: rural birding gun', true),
	('钢珠枪', 'weapon', 30, 'match', NULL, 'means: steel-ball gun', true),
	('自制枪', 'weapon', 35, 'match', NULL, 'means: home-made gun', true),
	('步枪', 'weapon', 30, 'match', NULL, 'means: sums with 枪; see exclusion 气步枪', true),
	('手榴弹', 'weapon', 35, 'match', NULL, 'means: hand grenade', true),
	('黑火药', 'weapon', 35, 'match', NULL, 'means: black powder', true),
	('汽油瓶', 'weapon', 35, 'match', NULL, 'means: petrol in bottles', true),
	('淋汽油', 'weapon', 50, 'match', 'high', 'means: douse with petrol', true),
	('泼了汽油', 'weapon', 50, 'match', 'high', 'means: 泼汽油 with 了 in between', true),
	('浇了汽油', 'weapon', 50, 'match', 'high', 'means: 浇汽油 with 了 in between', true),
	('洒汽油', 'weapon', 45, 'match', 'high', 'means: sprinkle petrol', true),
	('泼酸', 'weapon', 45, 'match', NULL, 'means: acid attack', true),
	('泼硫酸', 'weapon', 25, 'match', 'high', 'means: sums with 硫酸', true),
	('三棱刮刀', 'weapon', 40, 'match', NULL, 'means: triangular scraper, classic stabbing weapon', true),
	('军刺', 'weapon', 40, 'match', NULL, 'means: military bayonet', true),
	('开山刀', 'weapon', 40, 'match', NULL, 'means: machete', true),
	('杀猪刀', 'weapon', 30, 'match', NULL, 'means: not hidden by exclusion 杀猪 (longer match)', true),
	('十字弩', 'weapon', 35, 'match', NULL, 'means: crossbow', true),
	('提刀', 'weapon', 45, 'match', NULL, 'means: 提刀上门; 提 not in existing proximity verbs', true),
	('提着刀', 'weapon', 45, 'match', NULL, 'means: carrying a knife', true),
	('掏刀', 'weapon', 45, 'match', NULL, 'means: pulls a knife', true),
	('拔刀', 'weapon', 40, 'match', NULL, 'means: see exclusion 拔刀相助', true),
	('动刀子', 'weapon', 40, 'match', NULL, 'means: use a knife (violence)', true),
	('架在脖子上', 'weapon', 45, 'match', NULL, 'means: knife to the neck; idiom excluded', true),
	('抵在脖子上', 'weapon', 40, 'match', NULL, 'means: held against the neck', true),
	('抄起', 'weapon', 15, 'match', NULL, 'means: grabbed (a stool, a cleaver) to hit', true),
	('抡起', 'weapon', 20, 'match', NULL, 'means: swung (hoe, shovel, stick)', true),
	('自制爆炸', 'extreme', 50, 'match', 'high', 'means: 自制爆炸物/装置', true),
	('迷药', 'extreme', 25, 'match', NULL, 'means: drugging', true),
	('放毒', 'extreme', 25, 'match', NULL, 'means: release poison', true),
	('氰化物', 'extreme', 35, 'match', NULL, 'means: cyanide', true),
	('氰化钾', 'extreme', 35, 'match', NULL, 'means: potassium cyanide', true),
	('毒鼠强', 'extreme', 30, 'match', NULL, 'means: banned rodenticide used in poisonings', true),
	('天堂见', 'suicide', 40, 'match', NULL, 'farewell: see you in heaven', true),
	('来世再见', 'suicide', 40, 'match', NULL, 'farewell: see you in the next life', true),
	('再见了世界', 'suicide', 45, 'match', NULL, 'farewell: short form of existing 再见了这个世界', true),
	('不会再拖累', 'suicide', 35, 'match', NULL, 'farewell: starts with cue 不会再, so it is not self-cancelled', true),
	('就当没有我', 'suicide', 35, 'match', NULL, 'farewell: treat it as if I never existed', true),
	('再也见不到我', 'suicide', 45, 'match', NULL, 'farewell: you will never see me again', true),
	('把东西都送人', 'suicide', 25, 'match', NULL, 'farewell: giving belongings away', true),
	('交代后事', 'suicide', 40, 'match', NULL, 'farewell: arranging own affairs after death', true),
	('交待后事', 'suicide', 40, 'match', NULL, 'farewell: variant writing of 交代后事', true),
	('绝笔', 'suicide', 45, 'match', NULL, 'farewell: final letter', true),
	('告别信', 'suicide', 40, 'match', NULL, 'farewell: farewell letter', true),
	('最后一条朋友圈', 'suicide', 35, 'match', NULL, 'farewell: last WeChat Moments post', true),
	('替我照顾好', 'suicide', 25, 'match', NULL, 'farewell: 替我照顾好孩子/爸妈 (bare 替我照顾 hits babysitting)', true),
	('一死了之', 'suicide', 45, 'match', NULL, 'euphemism: end it all by dying', true),
	('不如死了', 'suicide', 40, 'match', NULL, 'euphemism: 还不如死了', true),
	('活着有什么意思', 'suicide', 40, 'match', NULL, 'euphemism: what is the point of living', true),
	('活着还有什么意思', 'suicide', 40, 'match', NULL, 'euphemism: not covered by 活着有什么意思 (还 inserted)', true),
	('活够了', 'suicide', 35, 'match', NULL, 'euphemism: I have lived enough', true),
	('想解脱', 'suicide', 20, 'match', NULL, 'euphemism: wants release; suicidal euphemism', true),
	('去另一个世界', 'suicide', 45, 'match', NULL, 'euphemism: go to the other world', true),
	('不活了', 'suicide', 35, 'match', NULL, 'euphemism: 我不活了; also dramatic venting, so no floor', true),
	('想去死', 'suicide', 40, 'match', NULL, 'euphemism: wants to go and die (想死 is not a substring)', true),
	('死了干净', 'suicide', 40, 'match', NULL, 'euphemism: variant of existing 走了干净', true),
	('了结自己', 'suicide', 50, 'match', 'high', 'euphemism: end oneself', true),
	('结束自己', 'suicide', 45, 'match', 'high', 'euphemism: 结束自己的生命 does not contain 结束生命', true),
	('没活路', 'suicide', 30, 'match', NULL, 'euphemism: no way left to live (debt, eviction)', true),
	('告别这个世界', 'suicide', 45, 'match', NULL, 'euphemism: farewell to this world', true),
	('收尸', 'threat', 20, 'match', NULL, 'euphemism: 等着给你收尸', true),
	('上西天', 'threat', 30, 'match', NULL, 'euphemism: 送你上西天; see exclusion 上西天取经', true),
	('见阎王', 'threat', 30, 'match', NULL, 'euphemism: 送你去见阎王', true),
	('下黄泉', 'threat', 35, 'match', NULL, 'euphemism: send to the underworld', true),
	('死全家', 'threat', 25, 'match', NULL, 'slang: curse/threat', true),
	('活得不耐烦', 'threat', 30, 'match', NULL, 'slang: tired of living (threat)', true),
	('给你放血', 'threat', 35, 'match', NULL, 'slang: stab', true),
	('吃枪子', 'threat', 30, 'match', NULL, 'slang: 大不了吃枪子: accepts execution', true),
	('宰了你', 'threat', 55, 'match', 'high', 'slang: slaughter you', true),
	('剁了你', 'threat', 55, 'match', 'high', 'slang: chop you up', true),
	('搞死你', 'threat', 45, 'match', NULL, 'slang: kill you (colloquial)', true),
	('突突了你', 'threat', 45, 'match', NULL, 'slang: shoot (gun slang)', true),
	('噶了你', 'threat', 35, 'match', NULL, 'slang: online/NE slang: kill', true),
	('刀了你', 'threat', 35, 'match', NULL, 'slang: online slang: stab/kill', true),
	('汽狗', 'weapon', 40, 'match', NULL, 'slang: PCP air rifle slang', true),
	('气狗', 'weapon', 40, 'match', NULL, 'slang: air rifle slang', true),
	('五连发', 'weapon', 40, 'match', NULL, 'slang: pump shotgun slang', true),
	('真家伙', 'weapon', 30, 'match', NULL, 'slang: a real weapon', true),
	('带家伙', 'weapon', 40, 'match', NULL, 'slang: bring weapons', true),
	('抄起家伙', 'weapon', 40, 'match', NULL, 'slang: not matched by 抄家伙', true),
	('自鲨', 'suicide', 40, 'match', NULL, 'homophone: 鲨 for 杀: online spelling of 自杀', true),
	('烧碳', 'suicide', 50, 'match', 'high', 'homophone: frequent miswriting of 烧炭 (charcoal burning)', true),
	('割碗', 'suicide', 50, 'match', 'high', 'homophone: miswriting/homophone of 割腕', true),
	('自sha', 'suicide', 40, 'match', NULL, 'pinyin: half-pinyin 自杀 used to dodge filters', true),
	('想zs', 'suicide', 35, 'match', NULL, 'pinyin: zs = 自杀 initials after 想 (bare zs too short, hits IDs/URLs)', true),
	('跳lou', 'suicide', 45, 'match', 'high', 'pinyin: half-pinyin 跳楼', true),
	('sha了你', 'threat', 45, 'match', NULL, 'pinyin: 杀了你', true),
	('弄si你', 'threat', 45, 'match', NULL, 'pinyin: 弄死你', true),
	('跳塘', 'suicide', 40, 'match', NULL, 'dialect: southern: jump into a pond', true),
	('吃耗子药', 'suicide', 50, 'match', 'high', 'dialect: northern/SW: 耗子药 = rat poison', true),
	('喝耗子药', 'suicide', 50, 'match', 'high', 'dialect: northern/SW: 耗子药 = rat poison', true),
	('喝卤水', 'suicide', 40, 'match', NULL, 'dialect: northern: drinking bittern brine', true),
	('吊颈', 'suicide', 50, 'match', 'high', 'dialect: Cantonese/Hakka: hang oneself', true),
	('唔想活', 'suicide', 40, 'match', NULL, 'dialect: Cantonese: do not want to live', true),
	('死咗算', 'suicide', 40, 'match', NULL, 'dialect: Cantonese: 死了算了', true),
	('不要活了', 'suicide', 35, 'match', NULL, 'dialect: Jiangnan: 我不要活了', true),
	('活不落去', 'suicide', 40, 'match', NULL, 'dialect: Cantonese/Hakka: 活不下去', true),
	('整死你', 'threat', 45, 'match', NULL, 'dialect: northern', true),
	('削死你', 'threat', 45, 'match', NULL, 'dialect: northern: 削 = beat', true),
	('锤死你', 'threat', 45, 'match', NULL, 'dialect: SW: 锤 = beat', true),
	('卸你一条', 'threat', 35, 'match', NULL, 'dialect: 卸你一条腿/胳膊', true),
	('等老子出来', 'threat', 30, 'match', NULL, 'dialect: threat from detainee', true),
	('弄死侬', 'threat', 45, 'match', 'high', 'dialect: Wu: 侬 = you', true),
	('杀脱侬', 'threat', 50, 'match', 'high', 'dialect: Wu: 杀脱 = kill', true),
	('弄死恁', 'threat', 45, 'match', 'high', 'dialect: Henan: 恁 = you', true),
	('攮死', 'threat', 50, 'match', 'high', 'dialect: northern/NW: 攮 = stab', true),
	('斩死你', 'threat', 55, 'match', 'high', 'dialect: Cantonese: 斩 = chop', true),
	('劈死你', 'threat', 55, 'match', 'high', 'dialect: Cantonese', true),
	('做低你', 'threat', 50, 'match', 'high', 'dialect: Cantonese: 做低 = kill', true),
	('劏咗你', 'threat', 50, 'match', 'high', 'dialect: Cantonese: gut you (normalizes to 㓥咗你)', true),
	('攞刀', 'weapon', 40, 'match', NULL, 'dialect: Cantonese: 拿刀', true),
	('有你好看', 'threat', 20, 'match', NULL, 'other: threat naming no act', true),
	('点颜色看看', 'threat', 20, 'match', NULL, 'other: 给你点颜色看看 (bare 颜色看看 hits shopping)', true),
	('跟你没完', 'threat', 20, 'match', NULL, 'other: this is not over with you', true),
	('好果子吃', 'threat', 20, 'match', NULL, 'other: 没你好果子吃', true),
	('吃不了兜着走', 'threat', 15, 'match', NULL, 'other: idiom threat; also an anti-waste slogan, so low', true),
	('你死定了', 'threat', 25, 'match', NULL, 'other: you are dead', true),
	('寄花圈', 'threat', 30, 'match', NULL, 'other: intimidation by collectors/enemies', true),
	('打媳妇', 'domestic', 30, 'match', NULL, 'other: existing has 打老婆', true),
	('打妻子', 'domestic', 30, 'match', NULL, 'other: beats his wife', true),
	('往死里打', 'domestic', 40, 'match', NULL, 'other: beat nearly to death', true),
	('往死里揍', 'domestic', 40, 'match', NULL, 'other: beat nearly to death', true),
	('喝酒就打', 'domestic', 25, 'match', NULL, 'other: 一喝酒就打人: pattern of DV', true),
	('按在地上打', 'domestic', 25, 'match', NULL, 'other: pinned down and beaten', true),
	('扯头发', 'domestic', 20, 'match', NULL, 'other: pulling hair', true),
	('揪头发', 'domestic', 20, 'match', NULL, 'other: pulling hair', true),
	('勒脖子', 'domestic', 30, 'match', NULL, 'other: strangling', true),
	('尾随', 'domestic', 15, 'match', NULL, 'other: stalking', true),
	('堵在楼下', 'domestic', 15, 'match', NULL, 'other: stalking an ex', true),
	('装了定位', 'domestic', 15, 'match', NULL, 'other: installed a tracker', true),
	('分手就', 'domestic', 15, 'match', NULL, 'other: 分手就杀了你; see exclusion 分手就分手', true),
	('离婚就', 'domestic', 12, 'match', NULL, 'other: see exclusion 离婚就离婚', true),
	('不复合就', 'domestic', 30, 'match', NULL, 'other: conditional threat on reconciliation', true),
	('私密照', 'domestic', 15, 'match', NULL, 'other: intimate image threat', true),
	('不雅视频', 'domestic', 15, 'match', NULL, 'other: intimate video threat', true),
	('抢孩子', 'domestic', 15, 'match', NULL, 'other: custody snatching', true),
	('杀妻', 'domestic', 40, 'match', NULL, 'other: kill the wife', true),
	('不给饭吃', 'domestic', 15, 'match', NULL, 'other: child/elder abuse', true),
	('砸东西', 'domestic', 10, 'match', NULL, 'other: smashing things at home', true),
	('不敢报警', 'domestic', 12, 'match', NULL, 'other: victim fear', true),
	('拿不到工资', 'debt', 12, 'match', NULL, 'other: cannot get wages', true),
	('讨工钱', 'debt', 12, 'match', NULL, 'other: claiming wages', true),
	('老板跑了', 'debt', 12, 'match', NULL, 'other: boss absconded', true),
	('卷款跑路', 'debt', 15, 'match', NULL, 'other: absconded with money', true),
	('爆通讯录', 'debt', 25, 'match', NULL, 'other: collectors blasting contacts', true),
	('呼死你', 'debt', 15, 'match', NULL, 'other: call-bombing software', true),
	('软暴力', 'debt', 20, 'match', NULL, 'other: legal term for collection harassment', true),
	('裸贷', 'debt', 25, 'match', NULL, 'other: nude-collateral loans', true),
	('砍头息', 'debt', 15, 'match', NULL, 'other: usurious up-front interest', true),
	('逼债', 'debt', 20, 'match', NULL, 'other: pressing for debts', true),
	('上门讨债', 'debt', 15, 'match', NULL, 'other: debt collection at the door', true),
	('老赖', 'debt', 10, 'match', NULL, 'other: defaulter', true),
	('挖祖坟', 'neighbour', 30, 'match', NULL, 'other: digging up ancestral graves', true),
	('刨祖坟', 'neighbour', 30, 'match', NULL, 'other: digging up ancestral graves', true),
	('放狗咬', 'neighbour', 20, 'match', NULL, 'other: set a dog on someone', true),
	('毒死我家', 'neighbour', 25, 'match', NULL, 'other: poisoning neighbour animals', true),
	('震楼器', 'neighbour', 15, 'match', NULL, 'other: noise revenge device', true),
	('围殴', 'neighbour', 30, 'match', NULL, 'other: ganging up to beat', true),
	('结仇', 'neighbour', 15, 'match', NULL, 'other: become enemies', true),
	('砍了我家', 'neighbour', 20, 'match', NULL, 'other: 砍了我家的树', true),
	('躁狂', 'mental', 10, 'match', NULL, 'other: mania', true),
	('幻视', 'mental', 10, 'match', NULL, 'other: visual hallucination', true),
	('幻觉', 'mental', 8, 'match', NULL, 'other: hallucination', true),
	('要害我', 'mental', 12, 'match', NULL, 'other: persecutory: 有人要害我', true),
	('有人监视', 'mental', 12, 'match', NULL, 'other: persecutory: being watched', true),
	('脑子里有声音', 'mental', 20, 'match', NULL, 'other: auditory hallucination', true),
	('胡言乱语', 'mental', 10, 'match', NULL, 'other: incoherent speech', true),
	('言行异常', 'mental', 10, 'match', NULL, 'other: abnormal behaviour', true),
	('强制送医', 'mental', 12, 'match', NULL, 'other: involuntary admission', true),
	('吸毒后', 'mental', 12, 'match', NULL, 'other: drug-induced psychosis', true),
	('孩子走失', 'minor', 40, 'match', 'high', 'other: missing child', true),
	('小孩走失', 'minor', 40, 'match', 'high', 'other: missing child', true),
	('孩子不见了', 'minor', 40, 'match', 'high', 'other: child is gone', true),
	('小孩不见了', 'minor', 40, 'match', 'high', 'other: child is gone', true),
	('陌生人带走', 'minor', 40, 'match', 'high', 'other: taken by a stranger', true),
	('被人带走', 'minor', 25, 'match', NULL, 'other: taken away by someone', true),
	('偷孩子', 'minor', 40, 'match', 'high', 'other: child theft', true),
	('人贩子', 'minor', 35, 'match', NULL, 'other: trafficker', true),
	('拐走', 'minor', 25, 'match', 'medium', 'other: abducted (also jokey, hence medium floor only)', true),
	('拐骗', 'minor', 35, 'match', NULL, 'other: abduct by deception', true),
	('网友见面', 'minor', 25, 'match', NULL, 'other: meeting an online contact (see exclusion 网友见面会)', true),
	('跟网友走', 'minor', 30, 'match', NULL, 'other: left with an online contact', true),
	('带去开房', 'minor', 30, 'match', NULL, 'other: taken to a hotel room', true),
	('留下纸条', 'minor', 15, 'match', NULL, 'other: runaway/farewell note', true),
	('不想上学', 'minor', 15, 'match', NULL, 'other: does not want to go to school', true),
	('厌学', 'minor', 15, 'match', NULL, 'other: school refusal', true),
	('彻夜未归', 'minor', 15, 'match', NULL, 'other: out all night; sums with 未归', true),
	('被同学欺负', 'minor', 20, 'match', NULL, 'other: bullied by classmates', true),
	('被同学打', 'minor', 20, 'match', NULL, 'other: beaten by classmates', true),
	('隐私部位', 'minor', 20, 'match', NULL, 'other: private parts', true),
	('摸下体', 'minor', 30, 'match', NULL, 'other: touching genitals', true),
	('幼童', 'minor', 10, 'match', NULL, 'other: young child', true),
	('未返校', 'minor', 20, 'match', NULL, 'other: boarding school absence', true),
	('没到校', 'minor', 20, 'match', NULL, 'other: did not arrive at school', true),
	('无人监护', 'minor', 15, 'match', NULL, 'other: starts with cue 无, so not self-cancelled', true);

-- harmless contexts: an exclusion suppresses every match inside it
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	('杀人书', NULL, 1, 'exclude', 'game: MOBA item nickname', true),
	('刚枪', NULL, 1, 'exclude', 'game: battle-royale slang', true),
	('压枪', NULL, 1, 'exclude', 'game: recoil control', true),
	('打平了', NULL, 1, 'exclude', 'sport: draw', true),
	('标枪', NULL, 1, 'exclude', 'sport: javelin', true),
	('铁棍山药', NULL, 1, 'exclude', 'cooking: yam variety', true),
	('刀鱼', NULL, 1, 'exclude', 'cooking: fish', true),
	('刀叉', NULL, 1, 'exclude', 'cooking: cutlery', true),
	('刀切菜', NULL, 1, 'exclude', 'cooking: cutting vegetables', true),
	('烧了几个菜', NULL, 1, 'exclude', 'cooking: cooked dishes', true),
	('开煤气灶', NULL, 1, 'exclude', 'cooking: turned on the stove', true),
	('深水炸弹', NULL, 1, 'exclude', 'cooking: drink', true),
	('热量炸弹', NULL, 1, 'exclude', 'food: high calorie; 炸弹 gets a high floor', true),
	('打死蚊子', NULL, 1, 'exclude', 'pest', true),
	('打死蟑螂', NULL, 1, 'exclude', 'pest', true),
	('打死老鼠', NULL, 1, 'exclude', 'pest', true),
	('毒死蟑螂', NULL, 1, 'exclude', 'pest', true),
	('狗走丢', NULL, 1, 'exclude', 'pet', true),
	('宠物失踪', NULL, 1, 'exclude', 'pet', true),
	('狗失踪', NULL, 1, 'exclude', 'pet', true),
	('猫失踪', NULL, 1, 'exclude', 'pet', true),
	('防走失', NULL, 1, 'exclude', 'pet: anti-loss wristband/lead', true),
	('跳楼大甩卖', NULL, 1, 'exclude', 'ad/product', true),
	('跳楼清仓', NULL, 1, 'exclude', 'ad/product', true),
	('引爆全场', NULL, 1, 'exclude', 'ad/product: marketing', true),
	('引爆话题', NULL, 1, 'exclude', 'ad/product: marketing', true),
	('引爆朋友圈', NULL, 1, 'exclude', 'ad/product: marketing', true),
	('紫砂煲', NULL, 1, 'exclude', 'ad/product: cookware', true),
	('紫砂盆', NULL, 1, 'exclude', 'ad/product: flower pot', true),
	('子弹杯', NULL, 1, 'exclude', 'ad/product: shot glass', true),
	('手枪钻', NULL, 1, 'exclude', 'ad/product: power drill', true),
	('长枪短炮', NULL, 1, 'exclude', 'ad/product: cameras', true),
	('刀片电池', NULL, 1, 'exclude', 'ad/product: Blade battery', true),
	('剃须刀片', NULL, 1, 'exclude', 'ad/product: razor', true),
	('短信炸弹', NULL, 1, 'exclude', 'ad/product: spam tool, harassment not explosives', true),
	('虚假绑架', NULL, 1, 'exclude', 'fraud: fake-kidnap scam wording', true),
	('持枪证', NULL, 1, 'exclude', 'licence', true),
	('流量劫持', NULL, 1, 'exclude', 'IT: traffic hijacking', true),
	('借刀杀人', NULL, 1, 'exclude', 'idiom', true),
	('杀人诛心', NULL, 1, 'exclude', 'idiom: hurtful words', true),
	('一棵树上吊死', NULL, 1, 'exclude', 'idiom: hides 上吊 and 吊死', true),
	('头悬梁', NULL, 1, 'exclude', 'idiom: 头悬梁锥刺股', true),
	('吊死鬼', NULL, 1, 'exclude', 'idiom', true),
	('刀子嘴', NULL, 1, 'exclude', 'idiom: 刀子嘴豆腐心', true),
	('拔刀相助', NULL, 1, 'exclude', 'idiom', true),
	('刀枪不入', NULL, 1, 'exclude', 'idiom', true),
	('单枪匹马', NULL, 1, 'exclude', 'idiom', true),
	('枪打出头鸟', NULL, 1, 'exclude', 'idiom', true),
	('躺枪', NULL, 1, 'exclude', 'idiom: innocent bystander slang', true),
	('撞枪口', NULL, 1, 'exclude', 'idiom', true),
	('烟枪', NULL, 1, 'exclude', 'idiom: heavy smoker', true),
	('玩火自焚', NULL, 1, 'exclude', 'idiom', true),
	('自寻死路', NULL, 1, 'exclude', 'idiom: hides 寻死', true),
	('道德绑架', NULL, 1, 'exclude', 'idiom: moral coercion', true),
	('州官放火', NULL, 1, 'exclude', 'idiom: 只许州官放火', true),
	('拉扯大', NULL, 1, 'exclude', 'idiom: raising a child', true),
	('吃了炸药', NULL, 1, 'exclude', 'idiom: 像吃了炸药: bad temper', true),
	('就算刀架在脖子上', NULL, 1, 'exclude', 'idiom: rhetorical', true),
	('上西天取经', NULL, 1, 'exclude', 'idiom: Journey to the West', true),
	('陪葬品', NULL, 1, 'exclude', 'idiom: archaeology', true),
	('想死我了', NULL, 1, 'exclude', 'idiom: missed you so much', true),
	('头都要炸了', NULL, 1, 'exclude', 'idiom: headache', true),
	('炸了锅', NULL, 1, 'exclude', 'idiom', true),
	('烧死脑细胞', NULL, 1, 'exclude', 'idiom: brain-taxing; 烧死 gets a high floor', true),
	('按时喝药', NULL, 1, 'exclude', 'medicine', true),
	('喝药打针', NULL, 1, 'exclude', 'medicine', true),
	('不吃药不打针', NULL, 1, 'exclude', 'medicine: health-product ads', true),
	('没吃药吧', NULL, 1, 'exclude', 'medicine: rhetorical insult', true),
	('医嘱停药', NULL, 1, 'exclude', 'medicine: doctor-ordered stop', true),
	('硫酸铜', NULL, 1, 'exclude', 'medicine', true),
	('硫酸亚铁', NULL, 1, 'exclude', 'medicine', true),
	('硫酸镁', NULL, 1, 'exclude', 'medicine', true),
	('硫酸氢', NULL, 1, 'exclude', 'medicine: clopidogrel etc.', true),
	('蜂刺伤', NULL, 1, 'exclude', 'medicine: bee sting', true),
	('上吊柜', NULL, 1, 'exclude', 'machine/home: wall cabinet', true),
	('上吊顶', NULL, 1, 'exclude', 'machine/home: suspended ceiling', true),
	('上吊灯', NULL, 1, 'exclude', 'machine/home: pendant lamp', true),
	('上吊扇', NULL, 1, 'exclude', 'machine/home: ceiling fan', true),
	('上吊带', NULL, 1, 'exclude', 'machine/home: 穿上吊带裙', true),
	('上吊瓶', NULL, 1, 'exclude', 'machine/home: IV drip', true),
	('上吊车', NULL, 1, 'exclude', 'machine/home: crane', true),
	('点火枪', NULL, 1, 'exclude', 'machine/home: stove lighter', true),
	('钢管舞', NULL, 1, 'exclude', 'machine/home: pole dance', true),
	('打气枪', NULL, 1, 'exclude', 'machine/home: tyre inflator', true),
	('油枪', NULL, 1, 'exclude', 'machine/home: fuel/grease gun', true),
	('筋膜枪', NULL, 1, 'exclude', 'machine/home', true),
	('测速枪', NULL, 1, 'exclude', 'machine/home: radar', true),
	('关煤气阀', NULL, 1, 'exclude', 'machine/home: safety reminder', true),
	('关好煤气阀', NULL, 1, 'exclude', 'machine/home: safety reminder', true),
	('玩具手枪', NULL, 1, 'exclude', 'toy', true),
	('玩具刀', NULL, 1, 'exclude', 'toy', true),
	('泡泡枪', NULL, 1, 'exclude', 'toy', true),
	('反家庭暴力', NULL, 1, 'exclude', 'officer/prevention wording: law name', true),
	('防欺凌', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('预防校园欺凌', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('预防校园暴力', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('防性侵', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('防拐卖', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('打击拐卖', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('防范恐怖袭击', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('跟踪随访', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('蹲守布控', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('以免矛盾激化', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('必将付出代价', NULL, 1, 'exclude', 'officer/prevention wording: propaganda', true),
	('别去人多的地方', NULL, 1, 'exclude', 'officer/prevention wording: health advice', true),
	('少去人多的地方', NULL, 1, 'exclude', 'officer/prevention wording: health advice', true),
	('出门小心路滑', NULL, 1, 'exclude', 'officer/prevention wording: weather', true),
	('不会放过任何细节', NULL, 1, 'exclude', 'officer/prevention wording', true),
	('资金去向不明', NULL, 1, 'exclude', 'officer/prevention wording: bank referral', true),
	('活不活了', NULL, 1, 'exclude', 'everyday: 这日子还活不活了', true),
	('下辈子都不', NULL, 1, 'exclude', 'everyday: complaint', true),
	('烦死了算了', NULL, 1, 'exclude', 'everyday: commas are dropped: 烦死了，算了', true),
	('累死了算了', NULL, 1, 'exclude', 'everyday: commas are dropped', true),
	('别过来了', NULL, 1, 'exclude', 'everyday: don''t come over', true),
	('你等着我', NULL, 1, 'exclude', 'everyday: wait for me', true),
	('轮到你出牌', NULL, 1, 'exclude', 'everyday: cards', true),
	('打我的电话', NULL, 1, 'exclude', 'everyday', true),
	('打你的电话', NULL, 1, 'exclude', 'everyday', true),
	('打她手机', NULL, 1, 'exclude', 'everyday', true),
	('捅了捅', NULL, 1, 'exclude', 'everyday: poke', true),
	('见人就打招呼', NULL, 1, 'exclude', 'everyday', true),
	('发疯文学', NULL, 1, 'exclude', 'everyday: internet meme', true),
	('跳崖式', NULL, 1, 'exclude', 'everyday: price/stock plunge', true),
	('跳河救', NULL, 1, 'exclude', 'everyday: rescuer jumping in', true),
	('跳下去救', NULL, 1, 'exclude', 'everyday: rescuer jumping in', true),
	('屈原投江', NULL, 1, 'exclude', 'everyday: Dragon Boat history', true),
	('结束自己的职业', NULL, 1, 'exclude', 'everyday: career end', true),
	('别找我麻烦', NULL, 1, 'exclude', 'everyday', true),
	('烧了纸钱', NULL, 1, 'exclude', 'everyday: ancestor rite', true),
	('民用爆炸物品', NULL, 1, 'exclude', 'officer: mine/quarry inspections', true),
	('拿刀切菜', NULL, 1, 'exclude', 'cooking: 拿刀 itself is a term', true),
	('防止孩子走失', NULL, 1, 'exclude', 'safety advice: 孩子走失 has a high floor', true),
	('拿刀叉', NULL, 1, 'exclude', 'cutlery: 拿刀 itself is a term', true),
	('捅了捅他', NULL, 1, 'exclude', 'everyday: poke; hides 捅他', true),
	('岁月是把杀猪刀', NULL, 1, 'exclude', 'meme', true),
	('泼酸奶', NULL, 1, 'exclude', 'everyday: yogurt', true),
	('打残局', NULL, 1, 'exclude', 'game: chess endgame', true),
	('开了煤气灶', NULL, 1, 'exclude', 'cooking', true),
	('狗吃了老鼠药', NULL, 1, 'exclude', 'pet poisoned, not self-harm', true),
	('猫吃了老鼠药', NULL, 1, 'exclude', 'pet poisoned, not self-harm', true),
	('网友见面会', NULL, 1, 'exclude', 'fan event', true),
	('抄起电话', NULL, 1, 'exclude', 'everyday: grabbed the phone', true),
	('分手就分', NULL, 1, 'exclude', 'everyday: 分手就分手/分手就分吧', true),
	('离婚就离', NULL, 1, 'exclude', 'everyday: 离婚就离婚/离婚就离吧', true),
	('打死他也不会', NULL, 1, 'exclude', 'everyday: 打死他也不会说', true),
	('鸟枪换炮', NULL, 1, 'exclude', 'idiom: big upgrade', true),
	('坑蒙拐骗', NULL, 1, 'exclude', 'idiom: petty swindling', true),
	('铁氰化钾', NULL, 1, 'exclude', 'food additive (亚铁氰化钾, anti-caking salt)', true),
	('悬梁刺股', NULL, 1, 'exclude', 'idiom: studying hard', true),
	('原子弹', NULL, 1, 'exclude', 'news/school; hides 子弹', true),
	('煽风点火', NULL, 1, 'exclude', 'idiom: stirring up trouble', true),
	('一棍子打死', NULL, 1, 'exclude', 'idiom: dismiss entirely', true),
	('硫酸盐', NULL, 1, 'exclude', 'chemistry/food', true),
	('辍学率', NULL, 1, 'exclude', 'school statistics', true);

INSERT INTO prevent.negation (cue, "window", note, builtin) VALUES
	('未有', 6, 'official: 未有自伤行为', true),
	('不曾', 6, 'literary 从未', true),
	('未遭受', 6, '未遭受家暴', true),
	('未受到', 6, '未受到威胁/侵害', true),
	('无明显', 6, '无明显自伤痕迹 (wider than bare 无)', true),
	('无任何', 6, '无任何轻生念头 (wider than bare 无)', true),
	('没有任何', 8, 'wider than 没有 (4)', true),
	('已无', 6, '已无轻生念头', true),
	('不再有', 6, '已不再有自杀想法', true),
	('未再', 4, '未再发生', true),
	('未持', 4, '未持刀/未持有', true),
	('并不', 4, '并不想死', true),
	('不像是', 4, '不像是自杀', true),
	('没说过', 6, '其称没说过要杀人', true);

-- findings that rule out what was written before them (see 82_severity.sql)
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	('一场误会', NULL, 1, 'disposition', 'finding: a misunderstanding', true),
	('纯属玩笑', NULL, 1, 'disposition', 'finding: a joke', true),
	('玩笑而已', NULL, 1, 'disposition', 'finding: a joke (covers 开玩笑而已)', true),
	('只是开玩笑', NULL, 1, 'disposition', 'finding: a joke', true),
	('只是说着玩', NULL, 1, 'disposition', 'finding: idle talk', true),
	('系一时气话', NULL, 1, 'disposition', 'finding: said in anger, no intent', true),
	('系气话', NULL, 1, 'disposition', 'finding: said in anger, no intent', true),
	('气头上说的', NULL, 1, 'disposition', 'finding: said in anger, no intent', true),
	('口头禅', NULL, 1, 'disposition', 'finding: a habitual phrase', true),
	('虚惊一场', NULL, 1, 'disposition', 'finding: false alarm', true),
	('虚假警情', NULL, 1, 'disposition', 'finding: false report', true),
	('报假警', NULL, 1, 'disposition', 'finding: false report', true),
	('无此事', NULL, 1, 'disposition', 'finding: did not happen (查无此事/并无此事)', true),
	('经核实不存在', NULL, 1, 'disposition', 'finding: verified not to exist', true),
	('系误报', NULL, 1, 'disposition', 'finding: mistaken report', true),
	('系误拨', NULL, 1, 'disposition', 'finding: misdialled 110', true),
	('系口误', NULL, 1, 'disposition', 'finding: slip of the tongue', true),
	('系玩具', NULL, 1, 'disposition', 'finding: a toy, not a weapon', true),
	('系道具', NULL, 1, 'disposition', 'finding: a prop', true),
	('系摆拍', NULL, 1, 'disposition', 'finding: staged video', true),
	('系拍戏', NULL, 1, 'disposition', 'finding: filming', true),
	('应急演练', NULL, 1, 'disposition', 'drill; often comes first, so also worth an exclusion-style rule', true),
	('反恐演练', NULL, 1, 'disposition', 'drill', true),
	('系演练', NULL, 1, 'disposition', 'drill', true),
	('消防演练', NULL, 1, 'disposition', 'drill', true),
	('系诈骗电话', NULL, 1, 'disposition', 'finding: fraud call (fake kidnap), no real victim', true),
	('平安找到', 'minor', 1, 'disposition', 'scope: minor (missing person found safe)', true),
	('已安全找到', 'minor', 1, 'disposition', 'scope: minor (missing person found safe)', true),
	('已平安回家', 'minor', 1, 'disposition', 'scope: minor (missing person found safe)', true),
	('已自行回家', 'minor', 1, 'disposition', 'scope: minor (missing person found safe)', true),
	('人已找到', 'minor', 1, 'disposition', 'scope: minor (missing person found safe)', true),
	('孩子已找到', 'minor', 1, 'disposition', 'scope: minor (missing person found safe)', true),
	('被家长接回', 'minor', 1, 'disposition', 'scope: minor (missing person found safe)', true);

-- terms of 80_lexicon.sql that reach a level on their own
UPDATE prevent.keyword SET min_level = 'high' WHERE builtin AND kind = 'match' AND term IN (
	'弄死你', '弄死他', '砍死', '捅死', '砍了你', '砍你', '要你的命', '送你上路', '崩了你', '崩了谁', '杀全家', '灭门', '持枪', '开枪', '拿枪', '炸药', '雷管', '炸弹', '泼汽油', '浇汽油', '带汽油', '带着汽油', '持菜刀', '挥刀', '追砍', '械斗', '砍伤', '捅伤', '捅向', '砍向', '跳楼', '跳河', '跳江', '上吊', '烧炭', '投河', '卧轨', '割脉', '往下跳', '寻短见', '自尽', '结束生命', '自我了断', '离开这个世界', '再见了这个世界', '遗书', '陪葬', '垫背', '一起死', '纵火', '放火', '烧死', '炸死', '爆炸装置', '砍人', '下毒', '劫持', '人质', '绑架', '见人就砍', '被拐', '拐卖', '性侵', '强奸');

/*
 * More of the same classes, found by narratives written blind by a second
 * session (online posts and community follow-ups, never the evaluation
 * records): murder-suicide, online euphemisms for suicide, farewells that
 * ask not to be stopped, threats by slang, weapon preparation.
 */
INSERT INTO prevent.keyword (term, category, weight, kind, min_level, signal, note, builtin) VALUES
	('谁都别活', 'extreme', 60, 'match', 'high', NULL, 'intent: murder-suicide', true),
	('谁也别活', 'extreme', 60, 'match', 'high', NULL, 'intent: murder-suicide', true),
	('一起去死', 'extreme', 55, 'match', 'high', NULL, 'intent: murder-suicide', true),
	('送俩娃上路', 'extreme', 70, 'match', 'high', NULL, 'intent: killing one''s children', true),
	('带着娃一起走', 'extreme', 50, 'match', 'high', NULL, 'euphemism: murder-suicide with children', true),
	('带着孩子一起走', 'extreme', 50, 'match', 'high', NULL, 'euphemism: murder-suicide with children', true),
	('天堂打卡', 'suicide', 45, 'match', NULL, 'intent_self', 'slang: to die', true),
	('睡个长觉', 'suicide', 30, 'match', NULL, 'intent_self', 'euphemism: to die', true),
	('睡过去不会醒', 'suicide', 45, 'match', NULL, 'intent_self', 'euphemism: overdose', true),
	('河里喂鱼', 'suicide', 45, 'match', NULL, 'intent_self', 'slang: drowning oneself', true),
	('往下一跃', 'suicide', 50, 'match', 'high', NULL, 'means: jumping', true),
	('一跃而下', 'suicide', 45, 'match', NULL, 'high_place', 'means: jumping', true),
	('活着真没意思', 'suicide', 40, 'match', NULL, 'intent_self', 'euphemism', true),
	('活着挺没劲', 'suicide', 30, 'match', NULL, 'intent_self', 'euphemism', true),
	('别来找我', 'suicide', 20, 'match', NULL, 'farewell', 'farewell', true),
	('谁也别拦', 'suicide', 20, 'match', NULL, 'farewell', 'farewell: do not stop me', true),
	('别拦我', 'suicide', 15, 'match', NULL, 'farewell', 'farewell: do not stop me', true),
	('弄死那个', 'threat', 45, 'match', NULL, NULL, 'intent: to kill a named person', true),
	('剁碎', 'threat', 40, 'match', NULL, NULL, 'intent: dismemberment', true),
	('把他办了', 'threat', 35, 'match', NULL, NULL, 'slang: to kill', true),
	('那孙子办了', 'threat', 35, 'match', NULL, NULL, 'slang: to kill', true),
	('硬货', 'weapon', 30, 'match', NULL, NULL, 'slang: a gun', true),
	('家伙什', 'weapon', 30, 'match', NULL, NULL, 'slang: a weapon', true),
	('磨刀', 'weapon', 12, 'match', NULL, NULL, 'means: sharpening a knife', true),
	('横着出', 'threat', 40, 'match', NULL, NULL, 'threat: to leave dead', true),
	('住不安生', 'threat', 15, 'match', NULL, NULL, 'threat that names no act', true);
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	('磨刀不误砍柴工', NULL, 1, 'exclude', 'idiom', true),
	('霍霍磨刀', NULL, 1, 'exclude', 'idiom (figurative)', true);
INSERT INTO prevent.proximity (term_a, term_b, within, category, weight, min_level, builtin) VALUES
	('活着', '没意思', 4, 'suicide', 35, NULL, true),
	('活着', '没劲', 4, 'suicide', 25, NULL, true),
	('燃气', '拧开', 8, 'suicide', 40, 'high', true),
	('煤气', '拧开', 8, 'suicide', 40, 'high', true),
	('木炭', '胶带', 10, 'suicide', 40, 'high', true);
/* ------------------------------------------------------------------------
 * The severity model's defaults: what reaches a level on its own, and which
 * signals together do.
 *
 * Scores add up terms, so several weak signals make a strong one; but one
 * strong signal must not wait for a companion.  A term's min_level is the
 * level it reaches alone, whatever the score: lethal means in a risk
 * context (explosives, firearms, fuel poured or carried to a person,
 * poison, charcoal burning), a suicide method under way, an explicit intent
 * to kill, an abduction or a sexual assault of a minor.  A combination
 * lifts the level when two categories meet with real weight each (a threat
 * and a weapon; a mental-health crisis and a weapon).  Dispositions are the
 * officer's findings that rule out what was written before them
 * (经核实系误会): the terms before them stop counting.
 * ------------------------------------------------------------------------ */

UPDATE prevent.keyword SET min_level = 'high'
 WHERE builtin AND kind = 'match' AND term IN (
	-- suicide: a method, or a farewell that means it
	'自杀', '喝农药', '服毒', '割腕', '割脉', '卧轨', '上吊', '自尽', '跳楼', '跳江', '投河', '跳河',
	'寻短见', '寻死', '烧炭', '结束生命', '自我了断', '离开这个世界', '再见了这个世界', '遗书',
	'开煤气',
	-- extreme acts
	'报复社会', '引爆', '同归于尽', '自焚', '投毒', '垫背', '陪葬', '纵火', '放火', '下毒', '砍人',
	'烧死', '见人就砍', '炸死', '一起死', '绑架', '人质', '劫持', '爆炸装置', '全炸了', '炸掉', '鱼死网破',
	'一起完蛋', '一把火',
	-- weapons in hand, firearms, explosives, fuel carried to a person
	'燃烧瓶', '持刀', '挥刀', '械斗', '持菜刀', '浇汽油', '猎枪', '追砍', '炸弹', '雷管', '炸药', '泼汽油',
	'持枪', '拿枪', '火药枪', '开枪', '手枪', '枪支', '爆炸物', '带汽油', '带着汽油', '砍伤', '捅伤',
	'捅向', '砍向', '持械', '抄家伙',
	-- (not 拿刀, 刺伤, 刺向: kitchens, bee stings, splinters; not 百草枯, 敌敌畏, 永别: farm work and
	-- goodbyes; with a threat, a farewell or the wish to die they are combinations)
	-- explicit intent to kill
	'杀了你', '买凶', '捅死', '送你上路', '砍了你', '砍死', '要么你死', '崩了你', '崩了谁', '杀全家', '灭门',
	'弄死你', '要你的命', '弄死他', '见不到明天的太阳', '地下团聚', '偿命',
	-- minors and persons held
	'强奸', '性侵', '被拐', '拐卖', '非法拘禁');

INSERT INTO prevent.combination (categories, min_weight, level, note, builtin) VALUES
	('{threat,weapon}', 10, 'high', 'a threat and a weapon', true),
	('{extreme,weapon}', 10, 'high', 'an extreme act and a weapon or fuel', true),
	('{threat,extreme}', 10, 'high', 'a threat of an extreme act', true),
	('{domestic,weapon}', 10, 'high', 'domestic violence with a weapon', true),
	('{mental,weapon}', 10, 'high', 'a mental-health crisis with a weapon', true),
	('{mental,threat}', 15, 'high', 'a mental-health crisis with threats', true),
	('{mental,suicide}', 15, 'high', 'a mental-health crisis with suicidal talk', true),
	('{minor,suicide}', 10, 'high', 'a minor talking of suicide', true),
	('{debt,suicide}', 30, 'high', 'a debt or wage dispute with a suicide threat', true),
	('{debt,extreme}', 10, 'high', 'a debt or wage dispute with an extreme act', true),
	('{domestic,suicide}', 30, 'high', 'domestic violence or a break-up with a suicide threat', true),
	('{domestic,threat}', 30, 'high', 'domestic violence with threats', true);

-- an officer's finding that rules out what was written before it (kind disposition); long enough
-- not to stand inside a denial (是误会 is in 这不是误会, 系游戏 in 系游戏厅老板)
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	('系误会', NULL, 1, 'disposition', 'finding: a misunderstanding', true),
	('纯属误会', NULL, 1, 'disposition', 'finding: a misunderstanding', true),
	('系谣言', NULL, 1, 'disposition', 'finding: a rumour', true),
	('系旧视频', NULL, 1, 'disposition', 'finding: an old video reposted', true),
	('旧视频', NULL, 1, 'disposition', 'finding: an old video reposted', true),
	('属谣言', NULL, 1, 'disposition', 'finding: a rumour', true),
	('已辟谣', NULL, 1, 'disposition', 'finding: a rumour refuted', true),
	('系误传', NULL, 1, 'disposition', 'finding: passed on wrongly', true),
	('系编造', NULL, 1, 'disposition', 'finding: made up', true),
	('系捏造', NULL, 1, 'disposition', 'finding: made up', true),
	('系虚构', NULL, 1, 'disposition', 'finding: made up', true),
	('风险已解除', NULL, 1, 'disposition', 'finding: the risk is over', true),
	('危险已解除', NULL, 1, 'disposition', 'finding: the danger is over', true),
	('系谎报', NULL, 1, 'disposition', 'finding: a false report', true),
	('系虚假', NULL, 1, 'disposition', 'finding: false', true),
	('情况不属实', NULL, 1, 'disposition', 'finding: untrue', true),
	('反映不属实', NULL, 1, 'disposition', 'finding: untrue', true),
	('举报不属实', NULL, 1, 'disposition', 'finding: untrue', true),
	('警情不属实', NULL, 1, 'disposition', 'finding: untrue', true),
	('系玩笑', NULL, 1, 'disposition', 'finding: a joke', true),
	('系开玩笑', NULL, 1, 'disposition', 'finding: a joke', true),
	('系恶作剧', NULL, 1, 'disposition', 'finding: a prank', true),
	('系网络游戏', NULL, 1, 'disposition', 'finding: a video game', true),
	('系影视剧', NULL, 1, 'disposition', 'finding: a film or series', true),
	('系演习', NULL, 1, 'disposition', 'finding: a drill', true),
	('系拍摄', NULL, 1, 'disposition', 'finding: filming', true),
	('排除刑事案件', NULL, 1, 'disposition', 'finding: no crime', true),
	('已平安找回', NULL, 1, 'disposition', 'finding: found safe', true),
	('已安全找回', NULL, 1, 'disposition', 'finding: found safe', true),
	('已找回', 'minor', 1, 'disposition', 'finding: the missing person is back', true),
	('已安全到家', 'minor', 1, 'disposition', 'finding: the missing person is home', true),
	('已平安到家', 'minor', 1, 'disposition', 'finding: the missing person is home', true);

-- denials that contain a finding: the finding inside them does not count
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	('不系误会', NULL, 1, 'exclude', 'a denied finding', true),
	('并非系误会', NULL, 1, 'exclude', 'a denied finding', true),
	('不系谣言', NULL, 1, 'exclude', 'a denied finding', true),
	('并非系谣言', NULL, 1, 'exclude', 'a denied finding', true);
/* ------------------------------------------------------------------------
 * Signal classes: what a term is evidence of beside its category, so that
 * prevent.combination can say "a child's age and a child gone missing" or
 * "a means of suicide and a farewell" without listing every pair of terms.
 *   minor_age   a child or a pupil (12岁, 初二, 小学生, 孩子)
 *   missing     gone, unreachable (离家出走, 至今未归, 失联, 关机)
 *   means       a means of suicide or poisoning (农药, 百草枯, 安眠药, 木炭, 煤气)
 *   farewell    last words, settling affairs (遗书, 后事, 别找我, 不拖累)
 *   intent_self wanting to die (不想活, 活着没意思, 一了百了)
 *   high_place  where people jump from (天台, 楼顶, 桥上, 塔吊, 江边)
 * Context words alone stay weak (they occur in routine reports); together
 * they make a severe case.
 * ------------------------------------------------------------------------ */

-- context words the lexicon lacked (weights below the low level: evidence, not risk); not
-- 学生, 女儿, 儿子: university students and grown-up children are as common in narratives
INSERT INTO prevent.keyword (term, category, weight, note, builtin)
SELECT v.term, v.category, v.weight, v.note, true
  FROM (VALUES
	('小学生', 'minor', 3, 'minor_age'), ('初中生', 'minor', 3, 'minor_age'), ('中学生', 'minor', 3, 'minor_age'),
	('高中生', 'minor', 2, 'minor_age'), ('初一', 'minor', 2, 'minor_age'), ('初二', 'minor', 2, 'minor_age'),
	('初三', 'minor', 2, 'minor_age'), ('幼儿园', 'minor', 2, 'minor_age'), ('孩子', 'minor', 1, 'minor_age'),
	('娃儿', 'minor', 1, 'minor_age'), ('小孩', 'minor', 2, 'minor_age'),
	('无法接通', 'minor', 4, 'missing'), ('没消息', 'minor', 4, 'missing'), ('没有消息', 'minor', 4, 'missing'),
	('找不到', 'minor', 4, 'missing'), ('没找到', 'minor', 4, 'missing'), ('未找到', 'minor', 4, 'missing'),
	('木炭', 'suicide', 5, 'means'), ('炭盆', 'suicide', 8, 'means'), ('燃气', 'suicide', 3, 'means'),
	('煤气', 'suicide', 4, 'means'), ('药片', 'suicide', 3, 'means'), ('一瓶药', 'suicide', 5, 'means'),
	('后事', 'suicide', 8, 'farewell'), ('不拖累', 'suicide', 8, 'farewell'), ('最后一次', 'suicide', 3, 'farewell'),
	('最后一场', 'suicide', 3, 'farewell'), ('不用找我', 'suicide', 8, 'farewell'), ('密码', 'suicide', 2, 'farewell'),
	('存折', 'suicide', 2, 'farewell'), ('来世', 'suicide', 8, 'farewell'),
	('活着没劲', 'suicide', 30, 'intent_self'), ('没意思透了', 'suicide', 20, 'intent_self'),
	('护栏外', 'suicide', 8, 'high_place'), ('窗台', 'suicide', 3, 'high_place'), ('桥上', 'suicide', 3, 'high_place'),
	('大桥', 'suicide', 2, 'high_place'), ('河边', 'suicide', 2, 'high_place'), ('楼顶上', 'suicide', 3, 'high_place')
  ) v(term, category, weight, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

UPDATE prevent.keyword k SET signal = s.signal
  FROM (VALUES
	('minor_age', ARRAY['10岁', '11岁', '12岁', '13岁', '14岁', '15岁', '16岁', '17岁', '未成年', '年级', '初中',
		'小学生', '初中生', '中学生', '高中生', '初一', '初二', '初三', '幼儿园', '孩子', '娃儿', '小孩']),
	('missing', ARRAY['离家出走', '未归', '至今未归', '没回家', '未回家', '没有回家', '失联', '联系不上', '关机',
		'不知去向', '下落不明', '去向不明', '找不到人', '人找不到', '失踪', '没回来', '打不通', '电话不接', '不接电话',
		'夜不归宿', '不见踪影', '至今联系不上', '至今未找到', '仍未找到', '无法接通', '没消息', '没有消息', '找不到',
		'没找到', '未找到']),
	('means', ARRAY['农药', '百草枯', '敌敌畏', '安眠药', '除草剂', '老鼠药', '农药瓶', '木炭', '炭盆', '燃气', '煤气',
		'药片', '一瓶药', '整瓶', '煤气阀', '开煤气']),
	('farewell', ARRAY['遗书', '遗言', '后事', '不拖累', '拖累', '连累', '别找我', '不要找我', '不用找我', '最后一次',
		'最后一场', '对不起爸妈', '对不起你们', '对不起大家', '对不起所有人', '下辈子', '来世', '照顾好自己', '永别',
		'密码', '存折', '交给你了', '我先走了', '一封信', '永别']),
	('intent_self', ARRAY['不想活', '活着没意思', '死了算了', '活不下去', '一了百了', '不想再活', '活着好累',
		'活着太累', '想死', '撑不下去', '走了干净', '人间不值得', '过够了', '活着没劲', '没意思透了', '想不开']),
	('high_place', ARRAY['天台', '楼顶', '楼顶上', '桥上', '大桥', '桥墩', '塔吊', '江边', '河边', '河堤', '护栏外',
		'窗台', '边缘', '外侧'])
  ) s(signal, terms)
 WHERE k.builtin AND k.kind = 'match' AND k.term = ANY (s.terms);

INSERT INTO prevent.combination (categories, min_weight, level, note, builtin) VALUES
	('{minor_age,missing}', 1, 'high', 'a child gone missing', true),
	('{means,farewell}', 1, 'high', 'a means of suicide and a farewell', true),
	('{means,intent_self}', 1, 'high', 'a means of suicide and the wish to die', true),
	('{farewell,intent_self}', 8, 'high', 'a farewell and the wish to die', true),
	('{high_place,intent_self}', 1, 'high', 'a high place and the wish to die', true),
	('{high_place,farewell}', 3, 'high', 'a high place and a farewell', true);
/* ------------------------------------------------------------------------
 * The default lexicon, fourth part: how a report says the matter is over,
 * and texts that are about a risk without being one.
 *   - findings that close a case (kind disposition: the terms before them
 *     stop counting): a dispute mediated and signed, wages paid, a child
 *     back home by itself, an inspection that found everything in order, a
 *     remark found to be a joke or quoted out of context;
 *   - a remark introduced as a joke (negation cue 开玩笑说);
 *   - publicity and prevention wording (预防自杀 班会, 禁枪宣传, 放火烧山
 *     牢底坐穿 banners), and things named after a risk (刀片服务器, 子弹头
 *     trains), as exclusions;
 *   - a child lost (走失) is a child missing; blunt weapons in hand.
 * Written from how follow-up records, 12345 replies and on-scene
 * dispositions are phrased, not from evaluation records; the held-out
 * figures are in the README (Detection quality).
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	-- a dispute settled
	('签订调解协议', NULL, 1, 'disposition', 'finding: mediated, agreement signed', true),
	('签订了调解协议', NULL, 1, 'disposition', 'finding: mediated, agreement signed', true),
	('达成调解协议', NULL, 1, 'disposition', 'finding: mediated, agreement reached', true),
	('达成和解', NULL, 1, 'disposition', 'finding: settled', true),
	('握手言和', NULL, 1, 'disposition', 'finding: reconciled', true),
	('调解成功', NULL, 1, 'disposition', 'finding: mediation succeeded', true),
	('矛盾已化解', NULL, 1, 'disposition', 'finding: the conflict is resolved', true),
	('纠纷已化解', NULL, 1, 'disposition', 'finding: the dispute is resolved', true),
	('已妥善化解', NULL, 1, 'disposition', 'finding: resolved', true),
	-- money paid
	('全部结清', NULL, 1, 'disposition', 'finding: wages or debt paid in full', true),
	('已结清', NULL, 1, 'disposition', 'finding: paid', true),
	('足额发放', NULL, 1, 'disposition', 'finding: wages paid in full', true),
	-- found, back home (the child's absence only)
	('自行回家', 'minor', 1, 'disposition', 'scope: minor (came home by itself)', true),
	('自行返回', 'minor', 1, 'disposition', 'scope: minor (came back by itself)', true),
	('已联系上', 'minor', 1, 'disposition', 'scope: minor (reached)', true),
	('已返回家中', 'minor', 1, 'disposition', 'scope: minor (back home)', true),
	('已回到家中', 'minor', 1, 'disposition', 'scope: minor (back home)', true),
	-- nothing found
	('无安全隐患', NULL, 1, 'disposition', 'finding: an inspection found no hazard', true),
	('账物相符', NULL, 1, 'disposition', 'finding: stock (explosives, firearms) tallies', true),
	('证照齐全', NULL, 1, 'disposition', 'finding: licensed and in order', true),
	('断章取义', NULL, 1, 'disposition', 'finding: quoted out of context', true),
	('玩笑话', NULL, 1, 'disposition', 'finding: a joke', true),
	('屋内无异常', NULL, 1, 'disposition', 'finding: nothing wrong on scene', true),
	-- publicity and prevention, and things named after a risk
	('预防自杀', NULL, 1, 'exclude', 'prevention work (班会, 讲座)', true),
	('防范自杀', NULL, 1, 'exclude', 'prevention work', true),
	('自杀干预', NULL, 1, 'exclude', 'prevention work (hotline, training)', true),
	('禁枪宣传', NULL, 1, 'exclude', 'publicity', true),
	('禁枪禁爆', NULL, 1, 'exclude', 'publicity', true),
	('放火烧山', NULL, 1, 'exclude', 'forest-fire slogan 放火烧山，牢底坐穿', true),
	('防拐骗', NULL, 1, 'exclude', 'safety lesson', true),
	('刀片服务器', NULL, 1, 'exclude', 'a server', true),
	('子弹头', NULL, 1, 'exclude', 'a bullet train', true),
	('细胞自杀', NULL, 1, 'exclude', 'biology (apoptosis)', true);

INSERT INTO prevent.negation (cue, "window", note, builtin) VALUES
	('开玩笑说', 12, 'a remark introduced as a joke (我不是开玩笑 is a keyword, not this)', true);

-- a child lost is a child missing (老人走失 has no child's age: no combination)
UPDATE prevent.keyword SET signal = 'missing'
 WHERE builtin AND kind = 'match' AND term = '走失' AND signal IS NULL;

-- blunt weapons in hand (钢管, 铁棍 alone: building sites and scrap yards)
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin) VALUES
	('持钢管', 'weapon', 35, 'match', 'means: a pipe in hand', true),
	('拿钢管', 'weapon', 30, 'match', 'means: a pipe in hand', true),
	('持铁棍', 'weapon', 35, 'match', 'means: an iron bar in hand', true),
	('拿铁棍', 'weapon', 30, 'match', 'means: an iron bar in hand', true),
	('持棍棒', 'weapon', 35, 'match', 'means: clubs in hand', true),
	('棒球棍', 'weapon', 25, 'match', 'means: rarely for baseball in a police report', true);
/* ------------------------------------------------------------------------
 * Imminence: when a risk already stated has a time set or the means ready.
 *
 * "扬言报复" is a threat (medium), "扬言报复，说明天就去他家" one with a date
 * (high); "不想活了" is a wish to die, "药已经买好，今晚就走" one with a plan; "要砍他"
 * a threat, "刀都磨好了" one with the means ready.  A duty officer issues the
 * second of each pair at once.  The words that make the
 * difference (今晚, 明天, 马上, 买好了, 磨亮, 在路上) are everywhere in routine
 * reports (今晚八时许报警, 明天再来调解), so they are no risk and add nothing
 * to the score: they are terms of kind signal, evidence of the class
 * imminent only, which prevent.combination pairs with a risk already
 * present with real weight (a threat, a wish to die, an extreme act, a
 * weapon, a means of suicide).
 *
 * The lists were written before measuring and not changed after: on three
 * labelled sets never tuned on (bench/corpus: blind-dispatch,
 * blind-hotline, blind-online-followup) severe records reaching high went
 * from 74 to 83 of 120, alert precision and recall unchanged
 * (bench/eval.sh; README, Detection quality).
 * ------------------------------------------------------------------------ */

-- a time set, or the means ready (weight: the class's weight for prevent.combination; never a score)
INSERT INTO prevent.keyword (term, kind, signal, weight, note, builtin)
SELECT v.term, 'signal', 'imminent', 30, v.note, true
  FROM (VALUES
	('今晚', 'a time set'), ('今天晚上', 'a time set'), ('今夜', 'a time set'), ('明天', 'a time set'),
	('明早', 'a time set'), ('明晚', 'a time set'), ('明日', 'a time set'), ('这周', 'a time set'),
	('周末', 'a time set'), ('下礼拜', 'a time set'), ('下周', 'a time set'), ('今天就', 'a time set'),
	('马上', 'at once'), ('现在就', 'at once'), ('一会儿就', 'at once'), ('待会', 'at once'), ('等会', 'at once'),
	('立刻', 'at once'), ('在路上', 'on the way'),
	('买好', 'the means ready'), ('准备好', 'the means ready'), ('备好', 'the means ready'), ('备齐', 'the means ready'),
	('磨好', 'the means ready'), ('磨亮', 'the means ready'), ('挂好', 'the means ready'), ('藏好', 'the means ready'),
	('揣着', 'the means ready'), ('带在身上', 'the means ready'), ('写好', 'the means ready'),
	('摸清', 'the target watched'), ('打听好', 'the target watched'), ('踩点', 'the target watched')
  ) v(term, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

INSERT INTO prevent.combination (categories, min_weight, level, note, builtin) VALUES
	('{threat,imminent}', 30, 'high', 'a threat with a time set or the means ready', true),
	('{suicide,imminent}', 30, 'high', 'a wish to die with a time set or the means ready', true),
	('{extreme,imminent}', 20, 'high', 'an extreme act with a time set or the means ready', true),
	('{weapon,imminent}', 20, 'high', 'a weapon with a time set or at hand', true),
	('{means,imminent}', 5, 'high', 'a means of suicide with a time set or ready', true);
/* ------------------------------------------------------------------------
 * What PUBLIC may do, in one place: read the lexicon, the settings and the
 * unit memberships, and run the read-only API; write nothing and run no
 * internal function.  Everything is revoked first, so an object added to
 * any file above is closed to PUBLIC until it is named here.  Unit members
 * get their rights from prevent.add_member (10_access.sql).
 * ------------------------------------------------------------------------ */

REVOKE ALL ON ALL TABLES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL ROUTINES IN SCHEMA prevent FROM PUBLIC;
GRANT USAGE ON SCHEMA prevent TO PUBLIC;
GRANT SELECT ON prevent.category, prevent.keyword, prevent.negation, prevent.proximity, prevent.combination,
	prevent.risk_threshold, prevent.setting, prevent.level_policy, prevent.unit_member,
	prevent.feedback_bucket, prevent.party_ignore, prevent.person_kind, prevent.route TO PUBLIC;
-- the progress of back-fills, as pg_stat_progress_* shows other sessions' work: not the last key
GRANT SELECT (source, since, batch, rows_total, rows_done, at_level, alerts, started_at, resumed_at, rows_at_resume,
			  updated_at, finished_at) ON prevent.backfill_run TO PUBLIC;
GRANT SELECT ON prevent.backfill_progress TO PUBLIC;
-- the read-only API, callable by anyone
GRANT EXECUTE ON FUNCTION prevent.normalize(text), prevent.match(text), prevent.assess(text),
	prevent.score(text), prevent.level(int), prevent.highlight(text, text, text), prevent.terms(text),
	prevent.assess(text[]), prevent.score(text[]), prevent.highlight(text[], text, text), prevent.explain(text[]),
	prevent.contains(text, text), prevent.contains_any(text, text[]),
	prevent.parties(text, text[]), prevent.resident_id_valid(text), prevent.my_units(),
	prevent.check_term(text, text), prevent.check_category(text), prevent.check_weight(text, int),
	prevent.setting_int(text, int), prevent.may_act(name, text),
	prevent.report_time_zone(), prevent.rate(bigint, bigint), prevent._is_text_type(regtype),
	prevent.order_is_open(text), prevent.order_breaches(prevent.work_order, timestamptz),
	prevent.max_term_length(), prevent.max_window(),
	prevent.explain(text), prevent.lexicon_report_records(text, prevent.risk_level, prevent.risk_level),
	prevent.lexicon_report(text, prevent.risk_level, prevent.risk_level), prevent.lexicon_report_terms(text, prevent.risk_level),
	prevent.version()
	TO PUBLIC;
