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
