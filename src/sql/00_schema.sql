\echo Use "CREATE EXTENSION prevent" to load this file. \quit

/*
 * prevent 0.1.0 — install script, built from the pieces in src/sql, in name order.
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
 */
CREATE FUNCTION prevent._restore_builtin() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key name := TG_ARGV[0];
	assignments text;
	replaced bigint;
BEGIN
	SELECT string_agg(format('%I = ($1).%I', a.attname, a.attname), ', ' ORDER BY a.attnum) INTO assignments
	  FROM pg_attribute a
	 WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> key;
	EXECUTE format('UPDATE %I.%I t SET %s WHERE t.%I = ($1).%I AND t.builtin',
				   TG_TABLE_SCHEMA, TG_TABLE_NAME, assignments, key, key)
		USING NEW;
	GET DIAGNOSTICS replaced = ROW_COUNT;
	IF replaced > 0 THEN
		RETURN NULL;
	END IF;
	RETURN NEW;
END
$$;

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
		CONSTRAINT keyword_kind_check CHECK (kind IN ('match', 'exclude', 'disposition')),
	min_level prevent.risk_level
		CONSTRAINT keyword_min_level_check CHECK (min_level OPERATOR(pg_catalog.<>) 'none'),
	signal text
		CONSTRAINT keyword_signal_format CHECK (signal OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]{0,62}$'),
	enabled boolean NOT NULL DEFAULT true,
	note text,
	builtin boolean NOT NULL DEFAULT false,
	term_norm text NOT NULL,
	CONSTRAINT keyword_term_norm_key UNIQUE (term_norm),
	CONSTRAINT keyword_match_has_category CHECK (kind OPERATOR(pg_catalog.<>) 'match' OR category IS NOT NULL)
);
CREATE INDEX keyword_category_idx ON prevent.keyword (category);
COMMENT ON TABLE prevent.keyword IS 'Risk terms (kind match), innocent phrases that suppress matches inside them (kind exclude), and dispositions that rule out the risks written before them (kind disposition: 经核实系误会)';
COMMENT ON COLUMN prevent.keyword.term IS 'The term as written; matched after normalization, so 殺人, 杀 人 and 杀人 are one term';
COMMENT ON COLUMN prevent.keyword.category IS 'Category of a match term (required for kind match)';
COMMENT ON COLUMN prevent.keyword.weight IS 'Score contribution, 1-100, counted once per text however often the term occurs';
COMMENT ON COLUMN prevent.keyword.kind IS 'match: a risk term; exclude: an innocent phrase suppressing every match inside its span; disposition: a finding that rules out every match before it in the text (of its category, or of all when category is NULL)';
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

CREATE TABLE prevent.setting (
	name text PRIMARY KEY,
	value text NOT NULL,
	description text,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.setting IS 'Engine settings (name, value); unknown names and invalid values are refused';
