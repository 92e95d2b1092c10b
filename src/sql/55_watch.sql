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
-- (a body of BEGIN ATOMIC, not RETURN: Citus fails on RETURN bodies that read a table)
CREATE FUNCTION prevent._watch_mode(tbl regclass) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT CASE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = tbl) = 'p'
					 OR coalesce((SELECT s.value FROM prevent.setting s WHERE s.name = 'watch_mode'), 'batch') = 'row'
				THEN 'row' ELSE 'batch' END;
END;

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

/*
 * Whether this is a worker of a Citus cluster (README, Distributed
 * deployment): there the event triggers do nothing, prevent.watched being
 * the coordinator's to keep.  false without Citus.
 */
CREATE FUNCTION prevent._on_citus_worker() RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	worker boolean;
BEGIN
	IF to_regclass('pg_catalog.pg_dist_local_group') IS NULL THEN
		RETURN false;
	END IF;
	EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_local_group g WHERE g.groupid OPERATOR(pg_catalog.<>) 0)'
		INTO worker;
	RETURN worker;
END
$$;

/* a watched table dropped: forget it */
CREATE FUNCTION prevent._on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	dropped oid[];
BEGIN
	-- (on a Citus worker, prevent.watched is the coordinator's: README, Distributed deployment)
	IF prevent._on_citus_worker() THEN
		RETURN;
	END IF;
	-- the relations first: on Citus, prevent.watched is a reference table, and the DELETE goes
	-- to other nodes, where pg_event_trigger_dropped_objects() cannot be called
	dropped := ARRAY(SELECT d.objid FROM pg_event_trigger_dropped_objects() d
					  WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0);
	IF EXISTS (SELECT 1 FROM prevent.watched w WHERE w.source::oid = ANY (dropped)) THEN
		DELETE FROM prevent.watched w WHERE w.source::oid = ANY (dropped);
	END IF;
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
	IF prevent._on_citus_worker() THEN
		RETURN;
	END IF;
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
