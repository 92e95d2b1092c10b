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
