\echo Use "ALTER EXTENSION prevent UPDATE TO '0.3.0'" to load this file. \quit

/* ------------------------------------------------------------------------
 * prevent 0.2.0 -> 0.3.0, for ALTER EXTENSION prevent UPDATE.
 *
 * 0.2.0 is the install script prevent--0.2.0.sql (commit 1aeb920's
 * src/sql); 0.3.0 is src/sql now.  This script takes a 0.2.0 database to
 * exactly what CREATE EXTENSION prevent makes in 0.3.0, keeping every row
 * (test/upgrade.sh updates a 0.1.0 database through 0.2.0 to here and
 * compares it with a fresh install).  The rules are those of
 * prevent--0.1.0--0.2.0.sql: existing objects change in place, new ones are
 * created as in src/sql, built-in rows are added unless the database has a
 * row with that key, and the last sections close new objects to PUBLIC and
 * re-grant what add_member gives.
 * ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * Settings (05_settings.sql): dismiss_on_update
 * ------------------------------------------------------------------------ */

CREATE OR REPLACE FUNCTION prevent.setting_before_write() RETURNS trigger
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

INSERT INTO prevent.setting (name, value, description, builtin)
SELECT v.* FROM (VALUES
	('dismiss_on_update', 'off', 'on: a pending alert whose row an UPDATE takes below its table''s alert level is dismissed, the review note saying so; off: it stays pending for the second judgement. Issued orders are never touched', true)) v (name, value, description, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.setting s WHERE s.name = v.name);

/* ------------------------------------------------------------------------
 * Lexicon (15_lexicon.sql): terms of kind signal, evidence of a signal
 * class only
 * ------------------------------------------------------------------------ */

ALTER TABLE prevent.keyword DROP CONSTRAINT keyword_kind_check;
ALTER TABLE prevent.keyword ADD CONSTRAINT keyword_kind_check
	CHECK (kind IN ('match', 'exclude', 'disposition', 'signal'));
ALTER TABLE prevent.keyword ADD CONSTRAINT keyword_signal_has_class
	CHECK (kind OPERATOR(pg_catalog.<>) 'signal' OR (signal IS NOT NULL AND category IS NULL));
COMMENT ON TABLE prevent.keyword IS 'Risk terms (kind match), innocent phrases that suppress matches inside them (kind exclude), dispositions that rule out the risks written before them (kind disposition: 经核实系误会), and evidence of a signal class for prevent.combination only (kind signal: 今晚)';
COMMENT ON COLUMN prevent.keyword.kind IS 'match: a risk term; exclude: an innocent phrase suppressing every match inside its span; disposition: a finding that rules out every match before it in the text (of its category, or of all when category is NULL); signal: evidence of its signal class only (no score, no category, not a term of prevent.terms()), which prevent.combination may pair with a category';

CREATE OR REPLACE FUNCTION prevent.keyword_before_write() RETURNS trigger
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

/* ------------------------------------------------------------------------
 * Alerts and orders (50_workflow.sql): when an UPDATE last re-assessed an
 * alert; one open order per alert and unit instead of one order ever
 * ------------------------------------------------------------------------ */

ALTER TABLE prevent.alert ADD COLUMN reassessed_at timestamptz;
COMMENT ON COLUMN prevent.alert.reassessed_at IS 'When an UPDATE of its row last assessed it again (score, level, categories, terms, parties, unit and time are that assessment''s; prevent.event has each change of level), or raised it; NULL: as its row was inserted';
ALTER TABLE prevent.work_order DROP CONSTRAINT work_order_alert_unit_key;
-- one open order per alert and unit: an alert whose orders are all closed may be issued again
-- (an UPDATE of its row raising it to a level that issues at once)
CREATE UNIQUE INDEX work_order_alert_unit_idx ON prevent.work_order (alert_id, unit) WHERE prevent.order_is_open(status);
-- an alert's orders (the foreign key, the views)
CREATE INDEX work_order_alert_idx ON prevent.work_order (alert_id);

/* ------------------------------------------------------------------------
 * Watching (55_watch.sql): several narrative columns, and UPDATE
 * ------------------------------------------------------------------------ */

-- prevent.watched: text_columns in place of text_column
ALTER TABLE prevent.watched ADD COLUMN text_columns name[];
UPDATE prevent.watched SET text_columns = ARRAY[text_column];
ALTER TABLE prevent.watched ALTER COLUMN text_columns SET NOT NULL;
ALTER TABLE prevent.watched DROP COLUMN text_column;
ALTER TABLE prevent.watched ADD CONSTRAINT watched_text_columns_check
	CHECK (pg_catalog.cardinality(text_columns) OPERATOR(pg_catalog.>=) 1
		AND pg_catalog.array_position(text_columns, NULL) IS NULL);
COMMENT ON COLUMN prevent.watched.text_columns IS 'The narrative columns, assessed as one text in this order (a line break between two)';

COMMENT ON FUNCTION prevent.watch_trigger() IS
'AFTER INSERT and AFTER UPDATE row trigger that prevent.watch() attaches to incident tables (argument ''batch'' or ''row'')';
COMMENT ON FUNCTION prevent.watch_flush() IS
'AFTER INSERT and AFTER UPDATE statement trigger that writes the alerts the row trigger queued';

-- the queue's items say whether they come from an UPDATE and may have an alert (alert_failure.input
-- is of this type: its old rows read the new attributes as NULL)
ALTER TYPE prevent._alert_input ADD ATTRIBUTE updated boolean;
ALTER TYPE prevent._alert_input ADD ATTRIBUTE reassess boolean;

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

DROP FUNCTION prevent.watch(regclass, name, name, name, name[], name, prevent.risk_level, interval, int);
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

CREATE OR REPLACE FUNCTION prevent.unwatch(tbl regclass) RETURNS void
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

CREATE OR REPLACE FUNCTION prevent._on_alter_table() RETURNS event_trigger
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

CREATE EVENT TRIGGER prevent_before_alter_table ON ddl_command_start WHEN TAG IN ('ALTER TABLE')
	EXECUTE FUNCTION prevent._before_alter_table();

-- the tables watched before: their update triggers
SELECT prevent._watch_update_triggers(w.source) FROM prevent.watched w ORDER BY w.source::oid;

/* ------------------------------------------------------------------------
 * Re-scan (58_rescan.sql): every narrative column
 * ------------------------------------------------------------------------ */

CREATE OR REPLACE FUNCTION prevent.rescan(tbl regclass, terms text[], since timestamptz DEFAULT NULL,
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

-- ---- columns: explain/highlight/assess over text[] (begin)
/* ------------------------------------------------------------------------
 * Narrative columns (20_matching.sql): assess, score, highlight and explain
 * over text[], the elements joined with line breaks as the watch trigger
 * joins a row's narrative columns.  Read-only, so PUBLIC may run them, as
 * 99_public.sql grants them after revoking everything.
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent.assess(docs text[]) RETURNS prevent.assessment
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_assess_columns';
COMMENT ON FUNCTION prevent.assess(text[]) IS
'Score (0-100), risk level, categories and distinct terms of narrative columns as one text: the elements of docs joined with line breaks (no term matches across two; a NULL element is empty)';

CREATE FUNCTION prevent.score(docs text[]) RETURNS int
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_score_columns';
COMMENT ON FUNCTION prevent.score(text[]) IS
'min(100, sum of the weights of the distinct keywords and proximity rules matched in the elements of docs joined with line breaks (no term matches across two; a NULL element is empty)';

CREATE FUNCTION prevent.highlight(docs text[], open text DEFAULT '【', close text DEFAULT '】') RETURNS text[]
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_highlight_columns';
COMMENT ON FUNCTION prevent.highlight(text[], text, text) IS
'docs with every keyword occurrence of their joined text (the elements joined with line breaks) wrapped in open and close, in the element it is in; NULL elements stay NULL';

CREATE FUNCTION prevent.explain(docs text[],
	OUT signal text, OUT detail text, OUT category text, OUT column_no int, OUT "position" int, OUT length int,
	OUT weight int, OUT level prevent.risk_level, OUT effect text)
RETURNS SETOF record
LANGUAGE c STABLE STRICT PARALLEL SAFE ROWS 8
AS 'MODULE_PATHNAME', 'prevent_explain_columns';
COMMENT ON FUNCTION prevent.explain(text[]) IS
'Why narrative columns get their level, assessed as one text (the elements of docs joined with line breaks): the rows of explain(text), with column_no, the subscript of the element an occurrence is in, and its position within that element, so that substr(docs[column_no], position, length) is the matched original text';

REVOKE ALL ON FUNCTION prevent.assess(text[]), prevent.score(text[]), prevent.highlight(text[], text, text),
	prevent.explain(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION prevent.assess(text[]), prevent.score(text[]), prevent.highlight(text[], text, text),
	prevent.explain(text[]) TO PUBLIC;
-- ---- columns (end)

/* ------------------------------------------------------------------------
 * Imminence (src/sql/85_imminence.sql as 0.3.0 has it): its built-in rows,
 * where the database has no row with the term or the combination
 * ------------------------------------------------------------------------ */

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

INSERT INTO prevent.combination (categories, min_weight, level, note, builtin)
SELECT v.categories::text[], v.min_weight, v.level::prevent.risk_level, v.note, v.builtin
  FROM (VALUES
	('{threat,imminent}', 30, 'high', 'a threat with a time set or the means ready', true),
	('{suicide,imminent}', 30, 'high', 'a wish to die with a time set or the means ready', true),
	('{extreme,imminent}', 20, 'high', 'an extreme act with a time set or the means ready', true),
	('{weapon,imminent}', 20, 'high', 'a weapon with a time set or at hand', true),
	('{means,imminent}', 5, 'high', 'a means of suicide with a time set or ready', true)) v (categories, min_weight, level, note, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.combination c
				   WHERE c.categories = v.categories::text[] AND c.level = v.level::prevent.risk_level);

/* ------------------------------------------------------------------------
 * PUBLIC (99_public.sql of 0.3.0, again): everything revoked, then what
 * PUBLIC may use named, so that whatever the sections above added is
 * closed to PUBLIC until it is named here.
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

/* ------------------------------------------------------------------------
 * Sessions (src/watch/registry.c, the version rule): a statement on
 * prevent.watched invalidates what every session's library cached about
 * the extension's objects, so that a session of another library version
 * checks the version again before it writes.  Keep it last.
 * ------------------------------------------------------------------------ */

UPDATE prevent.watched w SET source = w.source WHERE false;
