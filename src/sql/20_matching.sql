/* ------------------------------------------------------------------------
 * Normalization and matching (C).
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent.normalize(doc text) RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_normalize';
COMMENT ON FUNCTION prevent.normalize(text) IS
'Normalized text: NFKC with case folding, Traditional -> Simplified, noise (whitespace, punctuation, symbols, emoji, zero-width) dropped, clause breaks kept';

CREATE FUNCTION prevent.version(OUT extension text, OUT unicode text, OUT icu text)
RETURNS record
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_version';
COMMENT ON FUNCTION prevent.version() IS
'Version of the loaded prevent module, and the Unicode and ICU versions its normalization table was generated from (they decide prevent.normalize() and the prevent.gin_ops keys)';

CREATE FUNCTION prevent.match(doc text,
	OUT keyword_id bigint, OUT term text, OUT category text,
	OUT weight int, OUT "position" int, OUT length int)
RETURNS SETOF record
LANGUAGE c STABLE STRICT PARALLEL SAFE ROWS 4
AS 'MODULE_PATHNAME', 'prevent_match';
COMMENT ON FUNCTION prevent.match(text) IS
'One row per keyword occurrence not suppressed by an exclusion or a negation; position and length are in characters of doc, so substr(doc, position, length) is the matched original text';

CREATE FUNCTION prevent.assess(doc text) RETURNS prevent.assessment
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_assess';
COMMENT ON FUNCTION prevent.assess(text) IS
'Score (0-100), risk level, categories and distinct terms of doc';

-- narrative columns (e.g. the call-taker's and the officer's) assessed as one text: the elements
-- joined with line breaks (a hard clause break: no term matches across two, no negation or
-- disposition reaches into the next), a NULL element as empty, an empty array as no text
CREATE FUNCTION prevent.assess(docs text[]) RETURNS prevent.assessment
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_assess_columns';
COMMENT ON FUNCTION prevent.assess(text[]) IS
'Score (0-100), risk level, categories and distinct terms of narrative columns as one text: the elements of docs joined with line breaks (no term matches across two; a NULL element is empty)';

CREATE FUNCTION prevent.score(doc text) RETURNS int
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_score';
COMMENT ON FUNCTION prevent.score(text) IS
'min(100, sum of the weights of the distinct keywords and proximity rules matched in doc)';

CREATE FUNCTION prevent.score(docs text[]) RETURNS int
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_score_columns';
COMMENT ON FUNCTION prevent.score(text[]) IS
'min(100, sum of the weights of the distinct keywords and proximity rules matched in the elements of docs joined with line breaks (no term matches across two; a NULL element is empty)';

CREATE FUNCTION prevent.level(score int) RETURNS prevent.risk_level
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_level';
COMMENT ON FUNCTION prevent.level(int) IS
'Risk level of a score under prevent.risk_threshold';

CREATE FUNCTION prevent.highlight(doc text, open text DEFAULT '【', close text DEFAULT '】') RETURNS text
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_highlight';
COMMENT ON FUNCTION prevent.highlight(text, text, text) IS
'doc with every keyword occurrence wrapped in open and close (overlapping occurrences merged)';

CREATE FUNCTION prevent.highlight(docs text[], open text DEFAULT '【', close text DEFAULT '】') RETURNS text[]
LANGUAGE c STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_highlight_columns';
COMMENT ON FUNCTION prevent.highlight(text[], text, text) IS
'docs with every keyword occurrence of their joined text (the elements joined with line breaks) wrapped in open and close, in the element it is in; NULL elements stay NULL';

CREATE FUNCTION prevent.terms(category text DEFAULT NULL) RETURNS text[]
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_terms';
COMMENT ON FUNCTION prevent.terms(text) IS
'Enabled match terms, of one category or (NULL) of all';

CREATE FUNCTION prevent.explain(doc text,
	OUT signal text, OUT detail text, OUT category text, OUT "position" int, OUT length int,
	OUT weight int, OUT level prevent.risk_level, OUT effect text)
RETURNS SETOF record
LANGUAGE c STABLE STRICT PARALLEL SAFE ROWS 8
AS 'MODULE_PATHNAME', 'prevent_explain';
COMMENT ON FUNCTION prevent.explain(text) IS
'Why doc gets its level: one row per signal (term occurrences with what they added or what removed them, dispositions and harmless contexts, proximity rules, combinations), then the score and the level';

CREATE FUNCTION prevent.explain(docs text[],
	OUT signal text, OUT detail text, OUT category text, OUT column_no int, OUT "position" int, OUT length int,
	OUT weight int, OUT level prevent.risk_level, OUT effect text)
RETURNS SETOF record
LANGUAGE c STABLE STRICT PARALLEL SAFE ROWS 8
AS 'MODULE_PATHNAME', 'prevent_explain_columns';
COMMENT ON FUNCTION prevent.explain(text[]) IS
'Why narrative columns get their level, assessed as one text (the elements of docs joined with line breaks): the rows of explain(text), with column_no, the subscript of the element an occurrence is in, and its position within that element, so that substr(docs[column_no], position, length) is the matched original text';
