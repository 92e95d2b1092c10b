/* ------------------------------------------------------------------------
 * Index support: containment operators over normalized text and the GIN
 * operator class prevent.gin_ops that serves them (src/contains.c, src/gin.c).
 *
 *   doc &~ term      prevent.normalize(term) is a substring of prevent.normalize(doc)
 *   doc &~| terms    doc &~ t for at least one non-NULL element t of terms
 *
 * The operators live in schema prevent: put prevent on the search_path, or
 * write OPERATOR(prevent.&~).  Estimates come from matchingsel, which runs
 * the operator over the column's most common values and histogram, so the
 * planner takes the index for rare terms and a sequential scan for common
 * ones.  Both functions normalize the whole text, hence COST 100 (that of
 * to_tsvector): cheaper conditions are tested first, and rechecks weigh.  The operator class also serves LIKE on the raw text (strategy 3):
 * normalization maps each character on its own, so whatever a LIKE pattern's
 * literal parts need in the normalized text, the index can look up.
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent.contains(doc text, term text) RETURNS boolean
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE COST 100
AS 'MODULE_PATHNAME', 'prevent_contains';
COMMENT ON FUNCTION prevent.contains(text, text) IS
'True when prevent.normalize(term) is a substring of prevent.normalize(doc); a term that normalizes to nothing is an error (operator &~)';

CREATE FUNCTION prevent.contains_any(doc text, terms text[]) RETURNS boolean
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE COST 100
AS 'MODULE_PATHNAME', 'prevent_contains_any';
COMMENT ON FUNCTION prevent.contains_any(text, text[]) IS
'True when doc contains (as prevent.contains) at least one of the terms; NULL elements are ignored (operator &~|)';

CREATE OPERATOR prevent.&~ (
	LEFTARG = text,
	RIGHTARG = text,
	FUNCTION = prevent.contains,
	RESTRICT = pg_catalog.matchingsel,
	JOIN = pg_catalog.matchingjoinsel
);
COMMENT ON OPERATOR prevent.&~ (text, text) IS
'doc &~ term: doc contains term after both are normalized (prevent.normalize); indexable with prevent.gin_ops';

CREATE OPERATOR prevent.&~| (
	LEFTARG = text,
	RIGHTARG = text[],
	FUNCTION = prevent.contains_any,
	RESTRICT = pg_catalog.matchingsel,
	JOIN = pg_catalog.matchingjoinsel
);
COMMENT ON OPERATOR prevent.&~| (text, text[]) IS
'doc &~| terms: doc contains at least one of the terms after normalization; indexable with prevent.gin_ops';

CREATE FUNCTION prevent.gin_extract_value(text, internal) RETURNS internal
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_extract_value';

CREATE FUNCTION prevent.gin_extract_query(text, internal, int2, internal, internal, internal, internal)
RETURNS internal
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_extract_query';

CREATE FUNCTION prevent.gin_consistent(internal, int2, text, int4, internal, internal, internal, internal)
RETURNS boolean
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_consistent';

CREATE FUNCTION prevent.gin_compare_partial(int8, int8, int2, internal) RETURNS int4
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_compare_partial';

CREATE FUNCTION prevent.gin_triconsistent(internal, int2, text, int4, internal, internal, internal)
RETURNS "char"
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_triconsistent';

CREATE OPERATOR CLASS prevent.gin_ops
FOR TYPE text USING gin
AS
	OPERATOR	1	prevent.&~ (text, text),
	OPERATOR	2	prevent.&~| (text, text[]),
	OPERATOR	3	pg_catalog.~~ (text, text),
	FUNCTION	1	pg_catalog.btint8cmp (int8, int8),
	FUNCTION	2	prevent.gin_extract_value (text, internal),
	FUNCTION	3	prevent.gin_extract_query (text, internal, int2, internal, internal, internal, internal),
	FUNCTION	4	prevent.gin_consistent (internal, int2, text, int4, internal, internal, internal, internal),
	FUNCTION	5	prevent.gin_compare_partial (int8, int8, int2, internal),
	FUNCTION	6	prevent.gin_triconsistent (internal, int2, text, int4, internal, internal, internal),
	STORAGE		int8;
COMMENT ON OPERATOR CLASS prevent.gin_ops USING gin IS
'GIN index on character trigrams of prevent.normalize(text), for &~, &~| and LIKE';
