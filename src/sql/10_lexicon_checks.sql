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
	IF NEW.kind IS NULL OR NEW.kind NOT IN ('match', 'exclude', 'disposition') THEN
		RAISE EXCEPTION 'invalid keyword kind "%"', NEW.kind
			USING ERRCODE = 'check_violation',
				  HINT = 'Use ''match'' for a risk term, ''exclude'' for an innocent phrase, ''disposition'' for a finding that rules the risk out.';
	END IF;
	IF NEW.signal IS NOT NULL AND (NEW.kind <> 'match' OR EXISTS (SELECT 1 FROM prevent.category c WHERE c.name = NEW.signal)) THEN
		RAISE EXCEPTION 'invalid signal "%" for keyword "%"', NEW.signal, NEW.term
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Only a match term carries a signal class, and a signal may not be named like a category.';
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

	SELECT k.id, k.term INTO dup FROM prevent.keyword k
	 WHERE k.term_norm = NEW.term_norm AND k.id IS DISTINCT FROM NEW.id
	   AND (TG_OP = 'INSERT' OR k.id <> OLD.id);
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
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('id');

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
	IF EXISTS (SELECT 1 FROM prevent.negation n WHERE n.cue_norm = NEW.cue_norm AND n.id <> NEW.id) THEN
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
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('id');

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

CREATE FUNCTION prevent.setting_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
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
		WHEN 'repeat_tier', 'cross_jurisdiction_tier' THEN
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
