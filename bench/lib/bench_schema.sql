/*
 * bench/lib/bench_schema.sql — helpers of bench/assess.sh and bench/backfill.sh, in schema bench
 * (created on demand, never part of the extension).
 *
 *   bench.rnd(i, salt, m)      deterministic pseudo-random 1..m (a hash of i and salt:
 *                              the same on every run, whatever the plan or order)
 *   bench.fw(n)                n in full-width digits (１２３)
 *   bench.neutral(phrases)     the phrases containing no term of bench.gen_terms (all of them
 *                              if none is left)
 *   bench.regex_quote(term)    term with ARE metacharacters escaped
 *   bench.like_quote(term)     term with LIKE's \ % _ escaped (default escape \)
 *   bench.time_query(q, runs, slow_ms)
 *                              runs q up to `runs` times, timing each execution
 *                              server-side with clock_timestamp() around EXECUTE;
 *                              stops after the first run if it took more than slow_ms
 *   bench.time_queries(keys, qs, runs, slow_ms)
 *                              the same for several queries, run in turn (q1 q2 q3 q1 q2 q3
 *                              ...), so that a machine whose load changes during the run
 *                              slows them alike and their ratios stay meaningful
 *   bench.forget_alerts(sources)  what watched tables raised, deleted (see below)
 *   bench.meta                 what bench.incident was generated from (rows, terms)
 *
 * Idempotent: run it before every benchmark.
 */
CREATE SCHEMA IF NOT EXISTS bench;

CREATE TABLE IF NOT EXISTS bench.meta (
	name text PRIMARY KEY,
	value text NOT NULL
);

CREATE OR REPLACE FUNCTION bench.rnd(i bigint, salt bigint, m int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((hashint8extended(i, salt) & 9223372036854775807) % m)::int + 1;

CREATE OR REPLACE FUNCTION bench.fw(n int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN translate(n::text, '0123456789', '０１２３４５６７８９');

CREATE TABLE IF NOT EXISTS bench.gen_terms (term text NOT NULL);

CREATE OR REPLACE FUNCTION bench.neutral(phrases text[]) RETURNS text[]
LANGUAGE sql STABLE
RETURN coalesce((SELECT array_agg(p ORDER BY o) FROM unnest(phrases) WITH ORDINALITY u(p, o)
				  WHERE NOT EXISTS (SELECT 1 FROM bench.gen_terms g WHERE strpos(p, g.term) > 0)),
				phrases);

CREATE OR REPLACE FUNCTION bench.regex_quote(term text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN regexp_replace(term, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g');

CREATE OR REPLACE FUNCTION bench.like_quote(term text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_');

CREATE OR REPLACE FUNCTION bench.time_query(q text, runs int DEFAULT 3, slow_ms float8 DEFAULT 1e9,
	OUT runs_done int, OUT best_ms float8, OUT all_ms text, OUT result text)
LANGUAGE plpgsql
AS $$
DECLARE
	t0 timestamptz;
	ms float8;
	r text;
	times float8[] := '{}';
BEGIN
	FOR i IN 1 .. runs LOOP
		t0 := clock_timestamp();
		EXECUTE 'SELECT btrim(x::text, ''()'') FROM (' || q || ') x' INTO r;
		ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
		times := times || ms;
		IF result IS NOT NULL AND result IS DISTINCT FROM r THEN
			RAISE EXCEPTION 'bench: run % of "%" returned %, an earlier run %', i, left(q, 60), r, result;
		END IF;
		result := r;
		EXIT WHEN ms > slow_ms;
	END LOOP;
	runs_done := cardinality(times);
	best_ms := (SELECT min(t) FROM unnest(times) t);
	all_ms := (SELECT string_agg(round(t::numeric, 1)::text, ' / ') FROM unnest(times) t);
END
$$;

CREATE OR REPLACE FUNCTION bench.time_queries(keys text[], qs text[], runs int DEFAULT 3, slow_ms float8 DEFAULT 1e9)
RETURNS TABLE (key text, runs_done int, best_ms float8, all_ms text, result text)
LANGUAGE plpgsql
AS $$
DECLARE
	n int := cardinality(qs);
	times float8[] := array_fill(NULL::float8, ARRAY[n * runs]);
	results text[] := array_fill(NULL::text, ARRAY[n]);
	slow boolean[] := array_fill(false, ARRAY[n]);
	t0 timestamptz;
	ms float8;
	r text;
BEGIN
	FOR i IN 1 .. runs LOOP
		FOR k IN 1 .. n LOOP
			CONTINUE WHEN slow[k];		/* too slow to repeat */
			t0 := clock_timestamp();
			EXECUTE 'SELECT btrim(x::text, ''()'') FROM (' || qs[k] || ') x' INTO r;
			ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
			IF results[k] IS NOT NULL AND results[k] IS DISTINCT FROM r THEN
				RAISE EXCEPTION 'bench: run % of "%" returned %, an earlier run %', i, left(qs[k], 60), r, results[k];
			END IF;
			results[k] := r;
			times[(i - 1) * n + k] := ms;
			slow[k] := ms > slow_ms;
		END LOOP;
	END LOOP;
	FOR k IN 1 .. n LOOP
		key := keys[k];
		result := results[k];
		SELECT count(t), min(t), string_agg(round(t::numeric, 1)::text, ' / ' ORDER BY i)
		  INTO runs_done, best_ms, all_ms
		  FROM generate_series(1, runs) i, LATERAL (SELECT times[(i - 1) * n + k] AS t) x
		 WHERE t IS NOT NULL;
		RETURN NEXT;
	END LOOP;
END
$$;

/*
 * bench.forget_alerts(sources): delete what the watched tables sources raised (events,
 * escalations, work orders, alerts, kept-back alerts) and rebuild the counters, so a bench
 * leaves prevent's tables as it found them.  Needs the rights of the extension's owner.
 */
CREATE OR REPLACE FUNCTION bench.forget_alerts(sources regclass[]) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM prevent.event e USING prevent.alert a WHERE e.alert_id = a.id AND a.source = ANY (sources);
	DELETE FROM prevent.escalation s USING prevent.work_order w, prevent.alert a
	 WHERE s.work_order_id = w.id AND w.alert_id = a.id AND a.source = ANY (sources);
	DELETE FROM prevent.work_order w USING prevent.alert a WHERE w.alert_id = a.id AND a.source = ANY (sources);
	DELETE FROM prevent.alert a WHERE a.source = ANY (sources);
	DELETE FROM prevent.alert_failure f WHERE f.source = ANY (sources);
	SELECT prevent.refresh_stats();
$$;
