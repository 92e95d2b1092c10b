/*
 * bench/eval.sql — score labelled JSONL corpora with prevent.lexicon_report().
 *
 * Run by bench/eval.sh, which feeds the corpora on standard input
 * (\copy ... from pstdin), each line tagged with a "source", and sets these
 * psql variables:
 *   alert_level     level at which an alert counts as raised (default low)
 *   severe_level    level a severe record must reach (default high)
 *   min_precision, min_recall, min_severe   pass thresholds (0..1), on the union
 *   show_misses     'on' to list the misclassified records
 *   loso            'on' for the leave-one-source-out run
 * The last line of output is "EVAL_RESULT <passed> <failed>" for eval.sh.
 */
\set ON_ERROR_STOP on
\pset footer off
\pset null '-'

SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'prevent') AS no_extension \gset
\if :no_extension
\echo 'eval: extension prevent is not installed in this database (CREATE EXTENSION prevent)'
\quit
\endif

CREATE TEMP TABLE eval_raw (line text);
/* one JSON document per line; \x01 / \x02 never occur in the text, so the
   CSV reader neither unquotes nor splits anything (backslashes, quotes and
   tabs reach jsonb untouched) */
\copy eval_raw (line) from pstdin with (format csv, quote e'\x01', delimiter e'\x02')

CREATE TEMP TABLE eval_case AS
SELECT j ->> 'source' AS source,
       j ->> 'id' AS id,
       j ->> 'text' AS doc,
       coalesce((j ->> 'alert')::boolean, false) AS alert,
       coalesce((j ->> 'severe')::boolean, false) AS severe,
       coalesce(ARRAY(SELECT jsonb_array_elements_text(j -> 'categories')), '{}') AS categories,
       coalesce(nullif(j ->> 'trap', ''), '(none)') AS trap
  FROM (SELECT line::jsonb AS j FROM eval_raw WHERE btrim(line) <> '') r;

-- every record through the engine once, by prevent.lexicon_report_records()
CREATE TEMP TABLE eval_result AS
SELECT c.*, r.score, r.level, r.raised, r.caught AS escalated, r.terms,
       (prevent.assess(c.doc)).categories AS found
  FROM prevent.lexicon_report_records('SELECT doc AS text, alert, severe, source || chr(9) || id AS grp FROM pg_temp.eval_case',
                                :'alert_level', :'severe_level') r
  JOIN eval_case c ON c.source || chr(9) || c.id = r.grp;

\pset format unaligned
\pset tuples_only on
SELECT format('corpus: %s records from %s sources, %s alert (%s severe), %s routine; raised = level >= %s, severe hit = level >= %s',
              count(*), count(DISTINCT source), count(*) FILTER (WHERE alert), count(*) FILTER (WHERE severe),
              count(*) FILTER (WHERE NOT alert), :'alert_level', :'severe_level')
  FROM eval_result;
SELECT format('lexicon: %s match terms (%s with a min_level), %s exclusions, %s dispositions, %s negation cues, %s proximity rules, %s combinations; negation_scope = %s; thresholds %s',
              (SELECT count(*) FROM prevent.keyword WHERE enabled AND kind = 'match'),
              (SELECT count(*) FROM prevent.keyword WHERE enabled AND kind = 'match' AND min_level IS NOT NULL),
              (SELECT count(*) FROM prevent.keyword WHERE enabled AND kind = 'exclude'),
              (SELECT count(*) FROM prevent.keyword WHERE enabled AND kind = 'disposition'),
              (SELECT count(*) FROM prevent.negation WHERE enabled),
              (SELECT count(*) FROM prevent.proximity WHERE enabled),
              (SELECT count(*) FROM prevent.combination WHERE enabled),
              (SELECT value FROM prevent.setting WHERE name = 'negation_scope'),
              (SELECT string_agg(level || ' ' || min_score, ', ' ORDER BY level) FROM prevent.risk_threshold));
\pset tuples_only off
\pset format aligned

\echo
\echo 'Each source and their union (prevent.lexicon_report)'
SELECT grp AS source, records AS n, alerts AS alert, raised, true_alerts AS tp, false_alerts AS fp,
       "precision", recall, f1, severe_caught || '/' || severe AS "severe hit", severe_recall AS "severe recall",
       false_alerts || '/' || (records - alerts) AS "false pos", false_positive_rate AS "fp rate"
  FROM prevent.lexicon_report('SELECT doc AS text, alert, severe, source AS grp FROM pg_temp.eval_case', :'alert_level', :'severe_level');

\echo 'The union per trap'
SELECT grp AS trap, records AS n, alerts AS alert, raised, true_alerts AS tp, false_alerts AS fp,
       "precision", recall, f1, severe_caught || '/' || severe AS "severe hit", severe_recall AS "severe recall",
       false_alerts || '/' || (records - alerts) AS "false pos", false_positive_rate AS "fp rate"
  FROM prevent.lexicon_report('SELECT doc AS text, alert, severe, trap AS grp FROM pg_temp.eval_case', :'alert_level', :'severe_level')
 WHERE grp <> 'ALL';

\echo 'Per-category recall on the union (a record counts once for each of its labelled categories;'
\echo '"detected" = raised and the engine reports that category)'
SELECT cat AS category, count(*) AS records,
       count(*) FILTER (WHERE raised) AS raised,
       round(count(*) FILTER (WHERE raised)::numeric / count(*), 3) AS recall,
       count(*) FILTER (WHERE raised AND cat = ANY (found)) AS detected,
       round(count(*) FILTER (WHERE raised AND cat = ANY (found))::numeric / count(*), 3) AS "detected rate"
  FROM eval_result, unnest(categories) AS cat
 GROUP BY cat
 ORDER BY cat;

\echo 'Levels'
SELECT level, count(*) AS records,
       count(*) FILTER (WHERE alert) AS alert,
       count(*) FILTER (WHERE severe) AS severe,
       count(*) FILTER (WHERE NOT alert) AS routine
  FROM eval_result
 GROUP BY level
 ORDER BY level;

\if :loso
/*
 * Leave one source out.  The fitted parameters are the low and high
 * thresholds: every pair of a grid is tried on all records (the thresholds
 * are changed inside this one statement and restored at its end), then for
 * each source the pair with the best worst-of(precision, recall, severe
 * recall, severe precision) on the other sources is applied to it.  Severe
 * precision (records at the severe level that are severe) keeps the fit
 * from making everything severe.
 */
CREATE TEMP TABLE eval_fit (lo int, hi int, source text, alert boolean, severe boolean, raised boolean, caught boolean);
DO $$
DECLARE
	saved jsonb := (SELECT jsonb_object_agg(level, min_score) FROM prevent.risk_threshold);
	crit int := (SELECT min_score FROM prevent.risk_threshold WHERE level = 'critical');
	lo int;
	hi int;
BEGIN
	FOREACH lo IN ARRAY ARRAY[5, 8, 10, 12, 15, 20, 25] LOOP
		FOREACH hi IN ARRAY ARRAY[20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80] LOOP
			CONTINUE WHEN hi <= lo + 1;		-- medium lies between
			UPDATE prevent.risk_threshold t
			   SET min_score = CASE t.level WHEN 'low' THEN lo WHEN 'medium' THEN (lo + hi) / 2
											WHEN 'high' THEN hi ELSE greatest(crit, hi + 1) END;
			INSERT INTO eval_fit
			SELECT lo, hi, split_part(r.grp, chr(9), 1), r.alert, r.severe, r.raised, r.caught
			  FROM prevent.lexicon_report_records('SELECT doc AS text, alert, severe, source || chr(9) || id AS grp FROM pg_temp.eval_case') r;
		END LOOP;
	END LOOP;
	UPDATE prevent.risk_threshold t SET min_score = (saved ->> t.level::text)::int;
END
$$;
CREATE TEMP VIEW eval_fold AS
WITH held AS (SELECT DISTINCT source FROM eval_fit),
train AS (
	SELECT h.source AS held_out, f.lo, f.hi,
	       count(*) FILTER (WHERE f.raised AND f.alert)::numeric / nullif(count(*) FILTER (WHERE f.raised), 0) AS p,
	       count(*) FILTER (WHERE f.raised AND f.alert)::numeric / nullif(count(*) FILTER (WHERE f.alert), 0) AS r,
	       count(*) FILTER (WHERE f.caught AND f.severe)::numeric / nullif(count(*) FILTER (WHERE f.severe), 0) AS s,
	       count(*) FILTER (WHERE f.caught AND f.severe)::numeric / nullif(count(*) FILTER (WHERE f.caught), 0) AS sp
	  FROM held h JOIN eval_fit f ON f.source <> h.source
	 GROUP BY h.source, f.lo, f.hi),
best AS (
	SELECT DISTINCT ON (held_out) held_out, lo, hi
	  FROM train
	 ORDER BY held_out, least(p, r, s, sp) DESC NULLS LAST, 2 * p * r / nullif(p + r, 0) DESC NULLS LAST,
	          abs(lo - 10) + abs(hi - 60))
SELECT b.held_out AS source, b.lo AS low, b.hi AS high,
       round(count(*) FILTER (WHERE f.raised AND f.alert)::numeric / nullif(count(*) FILTER (WHERE f.raised), 0), 3) AS "precision",
       round(count(*) FILTER (WHERE f.raised AND f.alert)::numeric / nullif(count(*) FILTER (WHERE f.alert), 0), 3) AS recall,
       round(2 * count(*) FILTER (WHERE f.raised AND f.alert)::numeric
             / nullif(count(*) FILTER (WHERE f.raised) + count(*) FILTER (WHERE f.alert), 0), 3) AS f1,
       round(count(*) FILTER (WHERE f.caught AND f.severe)::numeric / nullif(count(*) FILTER (WHERE f.severe), 0), 3) AS "severe recall",
       round(count(*) FILTER (WHERE f.caught AND f.severe)::numeric / nullif(count(*) FILTER (WHERE f.caught), 0), 3) AS "severe precision"
  FROM best b JOIN eval_fit f ON f.source = b.held_out AND f.lo = b.lo AND f.hi = b.hi
 GROUP BY b.held_out, b.lo, b.hi
 ORDER BY b.held_out;

\echo 'Leave one source out: thresholds fitted on the other sources, this one scored untouched'
SELECT * FROM eval_fold;
SELECT 'worst held-out' AS source, min("precision") AS "precision", min(recall) AS recall, min(f1) AS f1,
       min("severe recall") AS "severe recall", min("severe precision") AS "severe precision"
  FROM eval_fold;
\endif

\if :show_misses
\echo 'Misclassified records'
SELECT source, id, trap,
       CASE WHEN severe THEN 'severe' WHEN alert THEN 'alert' ELSE 'routine' END AS expected,
       level AS got, score,
       CASE WHEN raised AND NOT alert THEN 'false alert'
            WHEN alert AND NOT raised THEN 'missed alert'
            ELSE 'severe too low' END AS problem,
       array_to_string(terms, ' ') AS terms,
       left(doc, 60) AS text
  FROM eval_result
 WHERE raised <> alert OR (severe AND NOT escalated)
 ORDER BY source, problem, id;
\endif

\echo 'Targets (the union, default thresholds)'
CREATE TEMP VIEW eval_target AS
SELECT t.name AS target, t.value, t.threshold,
       CASE WHEN t.value >= t.threshold THEN 'pass' ELSE 'FAIL' END AS result
  FROM prevent.lexicon_report('SELECT doc AS text, alert, severe FROM pg_temp.eval_case', :'alert_level', :'severe_level') m,
       LATERAL (VALUES ('alert precision', coalesce(m."precision", 0), :'min_precision'::numeric),
                       ('alert recall', coalesce(m.recall, 0), :'min_recall'::numeric),
                       ('severe recall', coalesce(m.severe_recall, 1), :'min_severe'::numeric)) t(name, value, threshold)
 WHERE m.grp = 'ALL' AND m.records > 0;
SELECT * FROM eval_target;

\pset format unaligned
\pset tuples_only on
SELECT 'EVAL_RESULT ' || count(*) FILTER (WHERE result = 'pass') || ' ' || count(*) FILTER (WHERE result <> 'pass')
  FROM eval_target;
