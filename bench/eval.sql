/*
 * bench/eval.sql — score a labelled JSONL corpus with prevent.assess().
 *
 * Run by bench/eval.sh, which feeds the JSONL file on standard input
 * (\copy ... from pstdin) and sets these psql variables:
 *   alert_level     level at which an alert counts as raised (default low)
 *   severe_level    level a severe record must reach (default high)
 *   min_precision, min_recall, min_severe   pass thresholds (0..1)
 *   show_misses     'on' to list the misclassified records
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
SELECT j ->> 'id' AS id,
       j ->> 'text' AS doc,
       coalesce((j ->> 'alert')::boolean, false) AS alert,
       coalesce((j ->> 'severe')::boolean, false) AS severe,
       coalesce(ARRAY(SELECT jsonb_array_elements_text(j -> 'categories')), '{}') AS categories,
       coalesce(nullif(j ->> 'trap', ''), '(none)') AS trap
  FROM (SELECT line::jsonb AS j FROM eval_raw WHERE btrim(line) <> '') r;

CREATE TEMP TABLE eval_result AS
SELECT c.*, a.score, a.level, a.categories AS found, a.terms,
       a.level >= :'alert_level'::prevent.risk_level AS raised,
       a.level >= :'severe_level'::prevent.risk_level AS escalated
  FROM eval_case c, LATERAL prevent.assess(c.doc) a;

\pset format unaligned
\pset tuples_only on
SELECT format('corpus: %s records, %s alert (%s severe), %s routine; raised = level >= %s, severe hit = level >= %s',
              count(*), count(*) FILTER (WHERE alert), count(*) FILTER (WHERE severe),
              count(*) FILTER (WHERE NOT alert), :'alert_level', :'severe_level')
  FROM eval_result;
SELECT format('lexicon: %s match terms, %s exclusions, %s negation cues, %s proximity rules; negation_scope = %s',
              (SELECT count(*) FROM prevent.keyword WHERE enabled AND kind = 'match'),
              (SELECT count(*) FROM prevent.keyword WHERE enabled AND kind = 'exclude'),
              (SELECT count(*) FROM prevent.negation WHERE enabled),
              (SELECT count(*) FROM prevent.proximity WHERE enabled),
              (SELECT value FROM prevent.setting WHERE name = 'negation_scope'));
\pset tuples_only off
\pset format aligned

/* precision / recall / F1 / severe recall / false-positive rate, overall and per trap */
CREATE TEMP VIEW eval_metrics AS
SELECT grp, n, pos, raised, tp, fp, sev, sev_hit, neg,
       round(tp::numeric / nullif(tp + fp, 0), 3) AS precision,
       round(tp::numeric / nullif(pos, 0), 3) AS recall,
       round(2 * tp::numeric / nullif(2 * tp + fp + (pos - tp), 0), 3) AS f1,
       round(sev_hit::numeric / nullif(sev, 0), 3) AS severe_recall,
       round(fp::numeric / nullif(neg, 0), 3) AS fp_rate
  FROM (SELECT coalesce(trap, 'ALL') AS grp, grouping(trap) AS g,
               count(*) AS n,
               count(*) FILTER (WHERE alert) AS pos,
               count(*) FILTER (WHERE raised) AS raised,
               count(*) FILTER (WHERE raised AND alert) AS tp,
               count(*) FILTER (WHERE raised AND NOT alert) AS fp,
               count(*) FILTER (WHERE severe) AS sev,
               count(*) FILTER (WHERE severe AND escalated) AS sev_hit,
               count(*) FILTER (WHERE NOT alert) AS neg
          FROM eval_result
         GROUP BY ROLLUP (trap)) s
 ORDER BY g DESC, grp;

\echo
\echo 'Alert and severe detection (overall, then per trap)'
SELECT grp AS "set", n, pos AS alert, raised, tp, fp,
       precision, recall, f1,
       sev_hit || '/' || sev AS "severe hit", severe_recall AS "severe recall",
       fp || '/' || neg AS "false pos", fp_rate AS "fp rate"
  FROM eval_metrics;

\echo 'Per-category recall (a record counts once for each of its labelled categories;'
\echo '"detected" = raised and the engine reports that category)'
SELECT cat AS category, count(*) AS records,
       count(*) FILTER (WHERE raised) AS raised,
       round(count(*) FILTER (WHERE raised)::numeric / count(*), 3) AS recall,
       count(*) FILTER (WHERE raised AND cat = ANY (found)) AS detected,
       round(count(*) FILTER (WHERE raised AND cat = ANY (found))::numeric / count(*), 3) AS "detected rate"
  FROM eval_result, unnest(categories) AS cat
 GROUP BY cat
 ORDER BY cat;

\echo 'Score distribution'
SELECT level, count(*) AS records,
       count(*) FILTER (WHERE alert) AS alert,
       count(*) FILTER (WHERE severe) AS severe,
       count(*) FILTER (WHERE NOT alert) AS routine
  FROM eval_result
 GROUP BY level
 ORDER BY level;

\if :show_misses
\echo 'Misclassified records'
SELECT id, trap,
       CASE WHEN severe THEN 'severe' WHEN alert THEN 'alert' ELSE 'routine' END AS expected,
       level AS got, score,
       CASE WHEN raised AND NOT alert THEN 'false alert'
            WHEN alert AND NOT raised THEN 'missed alert'
            ELSE 'severe too low' END AS problem,
       array_to_string(terms, ' ') AS terms,
       left(doc, 60) AS text
  FROM eval_result
 WHERE raised <> alert OR (severe AND NOT escalated)
 ORDER BY problem, id;
\endif

\echo 'Targets'
CREATE TEMP VIEW eval_target AS
SELECT t.name AS target, t.value, t.threshold,
       CASE WHEN t.value >= t.threshold THEN 'pass' ELSE 'FAIL' END AS result
  FROM eval_metrics m,
       LATERAL (VALUES ('alert precision', coalesce(m.precision, 0), :'min_precision'::numeric),
                       ('alert recall', coalesce(m.recall, 0), :'min_recall'::numeric),
                       ('severe recall', coalesce(m.severe_recall, 1), :'min_severe'::numeric)) t(name, value, threshold)
 WHERE m.grp = 'ALL' AND m.n > 0;
SELECT * FROM eval_target;

\pset format unaligned
\pset tuples_only on
SELECT 'EVAL_RESULT ' || count(*) FILTER (WHERE result = 'pass') || ' ' || count(*) FILTER (WHERE result <> 'pass')
  FROM eval_target;
