\echo Use "ALTER EXTENSION prevent UPDATE TO '0.2.0'" to load this file. \quit

/* ------------------------------------------------------------------------
 * prevent 0.1.0 -> 0.2.0, for ALTER EXTENSION prevent UPDATE.
 *
 * 0.1.0 is the install script prevent--0.1.0.sql (commit e7a7f71's
 * src/sql); 0.2.0 is src/sql now.  This script takes a 0.1.0 database to
 * exactly what CREATE EXTENSION prevent makes in 0.2.0, keeping every row:
 * test/upgrade.sh fills a 0.1.0 database, runs it, and compares the schema
 * (columns, constraints, indexes, functions, views, triggers, policies,
 * grants, comments) with a fresh 0.2.0 install and every old row with what
 * it was.
 *
 * One section per feature, in the order of src/sql; each says which files
 * it follows.  To add a feature: a new section before the last three,
 * "PUBLIC" (closes every object added above to PUBLIC, as 99_public.sql
 * does: extend it as 99_public.sql grows), "Members" (re-grants what
 * add_member gives) and "Sessions".  Rules:
 *   - existing objects change in place (ALTER TABLE ... ADD COLUMN with a
 *     default that is true of the old rows, ALTER TYPE ... ADD ATTRIBUTE,
 *     DROP/ADD CONSTRAINT under the same name, CREATE OR REPLACE FUNCTION
 *     with the same SET search_path), new ones are created as in src/sql;
 *   - built-in rows are added unless the database has a row with that key
 *     (a keyword or cue by its normalized form, as the before-write
 *     triggers compare them; a setting by name): the DBA's row wins; rows
 *     the DBA edited or disabled are not touched (UPDATEs of built-in rows
 *     say AND builtin AND <the old value>);
 *   - COMMENTs and pg_extension_config_dump() as in src/sql.
 * ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * History (57_history.sql; 50_workflow.sql: alert.historic and status
 * recorded; 55_watch.sql: _alert_input.historic, alert_failure's index;
 * 05_settings.sql: backfill_orders_within; src/watch/alert_batch.sql is
 * in the library)
 * ------------------------------------------------------------------------ */

-- every alert of 0.1.0 came from the trigger as its row came in
ALTER TABLE prevent.alert ADD COLUMN historic boolean NOT NULL DEFAULT false;
ALTER TABLE prevent.alert DROP CONSTRAINT alert_status_check;
ALTER TABLE prevent.alert ADD CONSTRAINT alert_status_check
	CHECK (status IN ('pending', 'issued', 'dismissed', 'recorded'));
COMMENT ON COLUMN prevent.alert.historic IS 'Written by prevent.backfill() or prevent.rescan() for a row that was already in its table, not by the trigger as the row came in';
COMMENT ON COLUMN prevent.alert.status IS 'pending (waiting for prevent.review), issued (work orders exist), dismissed, recorded (historic, older than the setting backfill_orders_within: kept for repeats and counts, neither reviewed nor issued)';

-- (alert_failure.input is of this type: its rows read historic as NULL)
ALTER TYPE prevent._alert_input ADD ATTRIBUTE historic boolean;
CREATE INDEX alert_failure_source_idx ON prevent.alert_failure (source, source_key);

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

INSERT INTO prevent.setting (name, value, description, builtin) VALUES
	('backfill_orders_within', '7 days', 'Historic alerts (prevent.backfill, prevent.rescan) of incidents that occurred within this interval before now are issued or wait for review as new ones do; older ones are recorded only (status recorded)', true);

CREATE FUNCTION prevent._assess_history(tbl regclass, r record) RETURNS boolean
LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'prevent_assess_history';
COMMENT ON FUNCTION prevent._assess_history(regclass, record) IS
'Internal: assess a row already in watched table tbl and queue its alert as a historic one';

CREATE FUNCTION prevent._write_history() RETURNS bigint
LANGUAGE c AS 'MODULE_PATHNAME', 'prevent_write_history';
COMMENT ON FUNCTION prevent._write_history() IS
'Internal: write the alerts prevent._assess_history() queued; returns the alerts written in the transaction since its last call';

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
COMMENT ON COLUMN prevent.backfill_run.at_level IS 'Rows assessed at or above the table''s alert level';
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
COMMENT ON COLUMN prevent.backfill_progress.at_level IS 'Rows assessed at or above the table''s alert level';
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
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'tbl must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- historic writers of tbl take turns (see the top of this file)
	SELECT * INTO w FROM prevent.watched x WHERE x.source = tbl FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'table % is not watched', tbl
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Call prevent.watch() for it first: new rows are then assessed as they come, and prevent.backfill() assesses the rest.';
	END IF;
	IF since IS NOT NULL THEN
		IF w.occurred_column IS NULL THEN
			RAISE EXCEPTION 'table % is watched without an occurred column, so since cannot be used', tbl
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'Back-fill all rows (since => NULL), or watch the table again with occurred_column.';
		END IF;
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
 * Lexicon (84_findings.sql): findings that close a case, publicity
 * wording, blunt weapons
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin)
SELECT v.* FROM (VALUES
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
	('细胞自杀', NULL, 1, 'exclude', 'biology (apoptosis)', true)) v (term, category, weight, kind, note, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

INSERT INTO prevent.negation (cue, "window", note, builtin)
SELECT v.* FROM (VALUES
	('开玩笑说', 12, 'a remark introduced as a joke (我不是开玩笑 is a keyword, not this)', true)) v (cue, "window", note, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.negation n WHERE n.cue_norm = prevent.normalize(v.cue));

-- a child lost is a child missing (老人走失 has no child's age: no combination)
UPDATE prevent.keyword SET signal = 'missing'
 WHERE builtin AND kind = 'match' AND term = '走失' AND signal IS NULL;

-- blunt weapons in hand (钢管, 铁棍 alone: building sites and scrap yards)
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin)
SELECT v.* FROM (VALUES
	('持钢管', 'weapon', 35, 'match', 'means: a pipe in hand', true),
	('拿钢管', 'weapon', 30, 'match', 'means: a pipe in hand', true),
	('持铁棍', 'weapon', 35, 'match', 'means: an iron bar in hand', true),
	('拿铁棍', 'weapon', 30, 'match', 'means: an iron bar in hand', true),
	('持棍棒', 'weapon', 35, 'match', 'means: clubs in hand', true),
	('棒球棍', 'weapon', 25, 'match', 'means: rarely for baseball in a police report', true)) v (term, category, weight, kind, note, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

/* ------------------------------------------------------------------------
 * PUBLIC (99_public.sql of 0.2.0, again): everything revoked, then what
 * PUBLIC may use named, so that whatever the sections above added is
 * closed to PUBLIC until it is named here.
 * ------------------------------------------------------------------------ */

REVOKE ALL ON ALL TABLES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL ROUTINES IN SCHEMA prevent FROM PUBLIC;
GRANT USAGE ON SCHEMA prevent TO PUBLIC;
GRANT SELECT ON prevent.category, prevent.keyword, prevent.negation, prevent.proximity, prevent.combination,
	prevent.risk_threshold, prevent.setting, prevent.level_policy, prevent.unit_member,
	prevent.feedback_bucket, prevent.party_ignore TO PUBLIC;
-- the progress of back-fills, as pg_stat_progress_* shows other sessions' work: not the last key
GRANT SELECT (source, since, batch, rows_total, rows_done, at_level, alerts, started_at, resumed_at, rows_at_resume,
			  updated_at, finished_at) ON prevent.backfill_run TO PUBLIC;
GRANT SELECT ON prevent.backfill_progress TO PUBLIC;
-- the read-only API, callable by anyone
GRANT EXECUTE ON FUNCTION prevent.normalize(text), prevent.match(text), prevent.assess(text),
	prevent.score(text), prevent.level(int), prevent.highlight(text, text, text), prevent.terms(text),
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
 * Members (10_access.sql): the rights prevent.add_member gave, again for
 * every member, so that readers see the views added above
 * ------------------------------------------------------------------------ */

SELECT prevent._grant_for_access(m.member)
  FROM (SELECT DISTINCT u.member FROM prevent.unit_member u
		 WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) u.member::pg_catalog.oid)) m;

/* ------------------------------------------------------------------------
 * Sessions (src/watch/registry.c, the version rule): a statement on
 * prevent.watched invalidates what every session's library cached about
 * the extension's objects, so that a session of another library version
 * checks the version again before it writes.  Keep it last.
 * ------------------------------------------------------------------------ */

UPDATE prevent.watched w SET source = w.source WHERE false;
