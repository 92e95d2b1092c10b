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
