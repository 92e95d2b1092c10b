/*
 * bench/lib/standin.sql — adds the stand-in lexicon (bench/lib/standin_lexicon.tsv, passed in the
 * psql variable standin_tsv) to prevent.keyword and prevent.negation.  bench/assess.sh runs it
 * only while the installed lexicon has fewer than 100 terms, and always inside a transaction
 * that it rolls back: nothing of it is ever committed.  Rows whose term the lexicon already has
 * (after normalization) or whose category does not exist are skipped.
 */
CREATE TEMP TABLE bench_standin ON COMMIT DROP AS
SELECT f[1] AS kind, nullif(f[2], '') AS category, f[3]::int AS weight, f[4] AS term
  FROM regexp_split_to_table(:'standin_tsv', E'\n') AS l,
	   LATERAL string_to_array(l, E'\t') AS f
 WHERE l <> '' AND l !~ '^#';

INSERT INTO prevent.keyword (term, category, weight, kind, note)
SELECT DISTINCT ON (prevent.normalize(s.term)) s.term, s.category, s.weight, s.kind, 'bench/assess.sh stand-in'
  FROM bench_standin s
 WHERE s.kind IN ('match', 'exclude')
   AND (s.kind = 'exclude' OR EXISTS (SELECT 1 FROM prevent.category c WHERE c.name = s.category))
   AND NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(s.term))
 ORDER BY prevent.normalize(s.term);

INSERT INTO prevent.negation (cue, "window", note)
SELECT DISTINCT ON (prevent.normalize(s.term)) s.term, s.weight, 'bench/assess.sh stand-in'
  FROM bench_standin s
 WHERE s.kind = 'negation'
   AND NOT EXISTS (SELECT 1 FROM prevent.negation n WHERE n.cue_norm = prevent.normalize(s.term))
 ORDER BY prevent.normalize(s.term);
