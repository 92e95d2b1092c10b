-- pgTAP: prevent.rescan() — after a term is added to the lexicon, the rows already in a
-- watched table that it would alert: exactly the rows an independent scan with the current
-- lexicon finds (prevent.normalize + strpos, prevent.assess, the table's alert level), with
-- and without a prevent.gin_ops index (the index used when there is one); since; write =>
-- true writing historic alerts once, with their status per backfill_orders_within; its
-- errors and who may call it.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(43);

\ir fixtures/lexicon.sql
\ir fixtures/incident.sql

-- history: rows that were in the table before it was watched
INSERT INTO incident (id, station, caller_phone, narrative, reported_at) OVERRIDING SYSTEM VALUE VALUES
	(1, 'A所', '13800000001', '网友留言称想鲨了自己。', '2025-06-01 10:00+08'),	-- the new term only
	(2, 'A所', NULL, '报警人称其子扬言要鲨 了 自 己。', '2025-07-01 10:00+08'),	-- 扬言 (medium) and the term, spaced
	(3, 'B所', NULL, '聊天记录中出现“鯊了自己”字样。', now() - interval '1 day'),	-- Traditional, recent
	(4, 'B所', NULL, '未发现鲨了自己的迹象。', '2025-08-01 10:00+08'),			-- negated: no risk
	(5, 'C所', NULL, '双方因纠纷发生口角。', '2025-09-01 10:00+08'),				-- low, without the term
	(6, 'C所', NULL, NULL, '2025-09-02 10:00+08'),
	(7, 'C所', NULL, '鲨了自己', '2024-01-01 10:00+08');							-- before since below
-- and 2,000 routine ones, 8 of them with the term, 20 with 纠纷
INSERT INTO incident (id, station, narrative, reported_at) OVERRIDING SYSTEM VALUE
SELECT 100 + i, 'E所',
	   CASE WHEN i % 250 = 0 THEN '网上聊天时说想鲨了自己，' WHEN i % 100 = 1 THEN '双方因纠纷争吵，' ELSE '' END
	   || '民警到场调解，现场秩序正常。', timestamptz '2025-01-01 00:00+08' + i * interval '1 hour'
  FROM generate_series(1, 2000) i;
-- watched as fixtures/incident_watched.sql does it; then a row the trigger alerts (critical)
SELECT prevent.watch('incident', 'narrative', unit_column => 'station',
	party_columns => '{caller_phone}', occurred_column => 'reported_at') \g /dev/null
INSERT INTO incident (id, station, narrative, reported_at) OVERRIDING SYSTEM VALUE
VALUES (8, 'D所', '持刀扬言鲨了自己', now());
ANALYZE incident;

-- what rescan must return, found independently: the normalized text contains a term
-- (strpos, no operator, no index), and prevent.assess reaches the table's alert level
CREATE FUNCTION rescan_expected(terms text[], since timestamptz DEFAULT NULL)
RETURNS TABLE (source_key text, occurred_at timestamptz, level prevent.risk_level, score int,
			   categories text[], terms text[], alerted boolean)
LANGUAGE sql AS $$
	SELECT t.id::text, t.reported_at, (t.a).level, (t.a).score, (t.a).categories, (t.a).terms,
		   EXISTS (SELECT 1 FROM prevent.alert x WHERE x.source = 'incident'::regclass AND x.source_key = t.id::text)
	  FROM (SELECT i.*, prevent.assess(i.narrative) AS a FROM incident i) t
	 WHERE EXISTS (SELECT 1 FROM unnest(rescan_expected.terms) k
					WHERE strpos(prevent.normalize(t.narrative), prevent.normalize(k)) > 0)
	   AND (t.a).level >= (SELECT w.alert_level FROM prevent.watched w WHERE w.source = 'incident'::regclass)
	   AND (since IS NULL OR t.reported_at >= since)
	 ORDER BY t.id
$$;
CREATE FUNCTION rescan_got(terms text[], since timestamptz DEFAULT NULL)
RETURNS TABLE (source_key text, occurred_at timestamptz, level prevent.risk_level, score int,
			   categories text[], terms text[], alerted boolean)
LANGUAGE sql AS $$
	SELECT r.source_key, r.occurred_at, r.level, r.score, r.categories, r.terms, r.alerted
	  FROM prevent.rescan('incident', terms, since) r
$$;
-- the lines of EXPLAIN of q
CREATE FUNCTION plan_of(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q;
END
$$;
-- the hint of the error sql raises (NULL: none, or no error)
CREATE FUNCTION error_hint(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	hint text;
BEGIN
	EXECUTE sql;
	RETURN NULL;
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
	RETURN hint;
END
$$;

-- who may call it
SELECT ok(NOT has_function_privilege('public', 'prevent.rescan(regclass, text[], timestamptz, boolean)', 'EXECUTE'),
	'rescan is not granted to PUBLIC (as watch and backfill: it reads every narrative)');

-- before the term is in the lexicon: only rows that reach the alert level without it
SELECT results_eq($$SELECT source_key, alerted FROM prevent.rescan('incident', '{鲨了自己}')$$,
	$$VALUES ('2', false), ('8', true)$$,
	'before the term is added: the rows with it that other terms bring to the alert level, and which have an alert');
SELECT results_eq($$SELECT * FROM rescan_got('{鲨了自己}')$$, $$SELECT * FROM rescan_expected('{鲨了自己}')$$,
	'before: the rows, levels, scores, categories and terms of an independent scan');
SELECT is((SELECT level::text FROM prevent.rescan('incident', '{鲨了自己}') WHERE source_key = '2'), 'medium',
	'before: row 2 has the level 扬言 alone gives');

-- the duty officer adds the term
INSERT INTO prevent.keyword (term, category, weight) VALUES ('鲨了自己', 'suicide', 40);
SELECT results_eq($$SELECT source_key FROM prevent.rescan('incident', '{鲨了自己}') WHERE source_key::int < 100$$,
	$$VALUES ('1'), ('2'), ('3'), ('7'), ('8')$$,
	'after: the rows the new term alerts appear (spaced and Traditional forms too; negated and term-less rows do not)');
SELECT is((SELECT count(*) FROM prevent.rescan('incident', '{鲨了自己}') WHERE source_key::int > 100), 8::bigint,
	'after: the 8 routine rows with the term');
SELECT results_eq($$SELECT * FROM rescan_got('{鲨了自己}')$$, $$SELECT * FROM rescan_expected('{鲨了自己}')$$,
	'after: exactly the rows of an independent scan with the new lexicon');
SELECT results_eq($$SELECT level::text, score, categories, terms FROM prevent.rescan('incident', '{鲨了自己}') WHERE source_key = '2'$$,
	$$VALUES ('high', 75, '{threat,suicide}'::text[], '{扬言,鲨了自己}'::text[])$$,
	'after: row 2 assessed with the current lexicon');
SELECT results_eq($$SELECT * FROM rescan_got('{鲨了自己,纠纷}')$$, $$SELECT * FROM rescan_expected('{鲨了自己,纠纷}')$$,
	'several terms: rows containing any of them');
SELECT ok((SELECT count(*) FROM prevent.rescan('incident', '{鲨了自己,纠纷}')) > (SELECT count(*) FROM prevent.rescan('incident', '{鲨了自己}')),
	'several terms: more rows than one of them');
SELECT results_eq($$SELECT * FROM rescan_got('{鲨了自己, NULL}')$$, $$SELECT * FROM rescan_expected('{鲨了自己}')$$,
	'a NULL element is ignored');

-- since
SELECT results_eq($$SELECT * FROM rescan_got('{鲨了自己}', '2025-01-01 00:00+08')$$,
	$$SELECT * FROM rescan_expected('{鲨了自己}', '2025-01-01 00:00+08')$$,
	'since: only rows that occurred at or after it');
SELECT ok(NOT EXISTS (SELECT 1 FROM prevent.rescan('incident', '{鲨了自己}', '2025-01-01 00:00+08') WHERE source_key = '7'),
	'since: the row of 2024 is left out');
SELECT is((SELECT occurred_at FROM prevent.rescan('incident', '{鲨了自己}') WHERE source_key = '1'),
	'2025-06-01 10:00+08'::timestamptz, 'occurred_at is the occurred column');

-- without an index: a sequential scan; with a prevent.gin_ops index: the index, same rows
SELECT pg_stat_get_xact_numscans('incident'::regclass) AS seq0 \gset
SELECT count(*) FROM prevent.rescan('incident', '{鲨了自己}') \g /dev/null
SELECT ok(pg_stat_get_xact_numscans('incident'::regclass) > :seq0, 'without an index rescan scans the table sequentially');
CREATE INDEX incident_narrative_gin ON incident USING gin (narrative prevent.gin_ops);
SET LOCAL enable_seqscan = off;
SELECT ok(EXISTS (SELECT 1 FROM plan_of($$SELECT * FROM incident t WHERE t.narrative OPERATOR(prevent.&~|) '{鲨了自己}'$$) line
		WHERE line ~ 'Bitmap Index Scan on incident_narrative_gin'),
	'rescan''s condition on the narrative can use the index (EXPLAIN)');
SELECT pg_stat_get_xact_numscans('incident'::regclass) AS seq0,
	   pg_stat_get_xact_numscans('incident_narrative_gin'::regclass) AS idx0 \gset
SELECT count(*) FROM prevent.rescan('incident', '{鲨了自己}') \g /dev/null
SELECT ok(pg_stat_get_xact_numscans('incident_narrative_gin'::regclass) > :idx0
		  AND pg_stat_get_xact_numscans('incident'::regclass) = :seq0,
	'with a prevent.gin_ops index rescan reads the index, not the whole table');
SELECT results_eq($$SELECT * FROM rescan_got('{鲨了自己}')$$, $$SELECT * FROM rescan_expected('{鲨了自己}')$$,
	'with the index: the same rows as the independent scan');
SELECT results_eq($$SELECT * FROM rescan_got('{鲨了自己,纠纷}', '2025-01-01 00:00+08')$$,
	$$SELECT * FROM rescan_expected('{鲨了自己,纠纷}', '2025-01-01 00:00+08')$$,
	'with the index: several terms and since, the same rows');
RESET enable_seqscan;

-- write => true under another backfill_orders_within: an old high row is issued
SAVEPOINT other_setting;
UPDATE prevent.setting SET value = '100 years' WHERE name = 'backfill_orders_within';
SELECT count(*) FROM prevent.rescan('incident', '{鲨了自己}', write => true) \g /dev/null
SELECT results_eq($$SELECT a.status, a.historic, (SELECT count(*) FROM prevent.work_order o WHERE o.alert_id = a.id)
					  FROM prevent.alert a WHERE a.source_key = '2'$$,
	$$VALUES ('issued', true, 1::bigint)$$,
	'backfill_orders_within 100 years: the high row of 2025 is issued, with its order');
ROLLBACK TO SAVEPOINT other_setting;

-- write => true (the default 7 days): historic alerts, once
SELECT is((SELECT value FROM prevent.setting WHERE name = 'backfill_orders_within'), '7 days', 'the default setting');
SELECT count(*) AS alerts0 FROM prevent.alert \gset
CREATE TABLE first_write AS SELECT * FROM prevent.rescan('incident', '{鲨了自己}', write => true);
SELECT results_eq($$SELECT source_key, alerted, written FROM first_write WHERE source_key::int < 100$$,
	$$VALUES ('1', false, true), ('2', false, true), ('3', false, true), ('7', false, true), ('8', true, false)$$,
	'write: the rows without an alert get one; the alerted row keeps its own');
SELECT results_eq($$SELECT source_key, level, score FROM first_write$$,
	$$SELECT source_key, level, score FROM rescan_expected('{鲨了自己}')$$,
	'write: it returns the rows it would return read-only');
SELECT is((SELECT count(*) FROM prevent.alert) - :alerts0, (SELECT count(*) FROM first_write WHERE written),
	'write: one alert per row written');
SELECT results_eq($$SELECT a.source_key, a.status, a.historic, a.level::text, a.unit FROM prevent.alert a
					 WHERE a.source_key IN ('1', '2', '3', '7') ORDER BY a.source_key$$,
	$$VALUES ('1', 'recorded', true, 'medium', 'A所'), ('2', 'recorded', true, 'high', 'A所'),
			 ('3', 'pending', true, 'medium', 'B所'), ('7', 'recorded', true, 'medium', 'C所')$$,
	'write: historic alerts, recorded when older than backfill_orders_within, else pending review as new ones');
SELECT is((SELECT count(*) FROM prevent.work_order o JOIN prevent.alert a ON a.id = o.alert_id WHERE a.historic), 0::bigint,
	'write: no work order for historic alerts of old or medium incidents');
SELECT results_eq($$SELECT a.parties FROM prevent.alert a WHERE a.source_key = '1'$$, $$VALUES ('{13800000001}'::text[])$$,
	'write: the alert has its parties, as the trigger''s would');
SELECT results_eq($$SELECT historic, status FROM prevent.alert WHERE source_key = '8'$$, $$VALUES (false, 'issued')$$,
	'write: the trigger''s alert of row 8 is untouched');
CREATE TABLE second_write AS SELECT * FROM prevent.rescan('incident', '{鲨了自己}', write => true);
SELECT is((SELECT count(*) FROM second_write WHERE written), 0::bigint, 'a second write writes nothing');
SELECT ok((SELECT bool_and(alerted) FROM second_write) AND (SELECT count(*) FROM second_write) = (SELECT count(*) FROM first_write),
	'a second write finds every row alerted');
SELECT is((SELECT count(*) FROM (SELECT source_key FROM prevent.alert WHERE source = 'incident'::regclass
								 GROUP BY source_key HAVING count(*) > 1) d), 0::bigint,
	'no row has two alerts');

-- a key longer than alerts store (200 bytes): found by the key as stored, so alerted once
CREATE TABLE long_keys (code text PRIMARY KEY, narrative text);
INSERT INTO long_keys VALUES (repeat('案', 100) || '1', '想鲨了自己'), (repeat('案', 100) || '2', '想鲨了自己');
SELECT prevent.watch('long_keys', 'narrative') \g /dev/null
SELECT count(*) FROM prevent.rescan('long_keys', '{鲨了自己}', write => true) \g /dev/null
SELECT results_eq($$SELECT octet_length(r.source_key) <= 200, r.alerted, r.written FROM prevent.rescan('long_keys', '{鲨了自己}') r$$,
	$$VALUES (true, true, false), (true, true, false)$$,
	'keys over 200 bytes: each row is found alerted, by its key as alerts store it (a prefix and a hash)');
SELECT is((SELECT count(DISTINCT source_key) FROM prevent.alert WHERE source = 'long_keys'::regclass), 2::bigint,
	'keys over 200 bytes: two rows, two alerts');

-- errors, each with its SQLSTATE (and hint), changing nothing
SELECT count(*) AS alerts1 FROM prevent.alert \gset
CREATE TABLE unwatched (id int PRIMARY KEY, narrative text);
CREATE TABLE watched_no_time (id int PRIMARY KEY, narrative text);
SELECT prevent.watch('watched_no_time', 'narrative') \g /dev/null
SELECT throws_ok($$SELECT * FROM prevent.rescan(NULL, '{鲨了自己}')$$, '22004', 'tbl and write must not be NULL', 'NULL table');
SELECT throws_ok($$SELECT * FROM prevent.rescan('incident', '{鲨了自己}', write => NULL)$$, '22004', NULL, 'NULL write');
SELECT throws_ok($$SELECT * FROM prevent.rescan('incident', NULL)$$, '22023', 'no terms to re-scan for', 'NULL terms');
SELECT throws_ok($$SELECT * FROM prevent.rescan('incident', '{}')$$, '22023', 'no terms to re-scan for', 'no terms');
SELECT throws_ok($$SELECT * FROM prevent.rescan('incident', '{NULL}')$$, '22023', 'no terms to re-scan for', 'only NULL terms');
SELECT throws_ok($$SELECT * FROM prevent.rescan('incident', '{鲨了自己,"，、 😀"}')$$, '22023',
	'search term "，、 😀" is empty after normalization', 'a term that normalizes to nothing');
SELECT throws_ok($$SELECT * FROM prevent.rescan('unwatched', '{鲨了自己}')$$, '55000', 'table public.unwatched is not watched', 'a table not watched');
SELECT throws_ok($$SELECT * FROM prevent.rescan('watched_no_time', '{鲨了自己}', since => now())$$, '22023',
	'table public.watched_no_time is watched without an occurred column, so since cannot be used', 'since without an occurred column');
SELECT results_eq($$SELECT error_hint(q) IS NOT NULL FROM unnest(ARRAY[
		'SELECT * FROM prevent.rescan(''incident'', ''{}'')',
		'SELECT * FROM prevent.rescan(''incident'', ''{"，、"}'')',
		'SELECT * FROM prevent.rescan(''unwatched'', ''{鲨了自己}'')',
		'SELECT * FROM prevent.rescan(''watched_no_time'', ''{鲨了自己}'', now())']) q$$,
	$$VALUES (true), (true), (true), (true)$$, 'each error but a NULL argument has a hint');
SELECT is((SELECT count(*) FROM prevent.alert), :alerts1::bigint, 'the errors wrote nothing');

SELECT * FROM finish();
ROLLBACK;
