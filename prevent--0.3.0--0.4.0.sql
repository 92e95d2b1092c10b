\echo Use "ALTER EXTENSION prevent UPDATE TO '0.4.0'" to load this file. \quit

/* ------------------------------------------------------------------------
 * prevent 0.3.0 -> 0.4.0, for ALTER EXTENSION prevent UPDATE.
 *
 * 0.3.0 is the install script prevent--0.3.0.sql (commit d7c3ef1's
 * src/sql); 0.4.0 is src/sql now.  This script takes a 0.3.0 database to
 * exactly what CREATE EXTENSION prevent makes in 0.4.0, keeping every row
 * (test/upgrade.sh updates a 0.1.0 database through every release to here
 * and compares it with a fresh install).  The rules are those of
 * prevent--0.1.0--0.2.0.sql: existing objects change in place, new ones are
 * created as in src/sql, built-in rows are added unless the database has a
 * row with that key, and the last sections close new objects to PUBLIC and
 * re-grant what add_member gives.
 * ------------------------------------------------------------------------ */

/* ---- Index keys (issue 18) ---- */
/*
 * prevent.gin_ops keys bigrams of the normalized text instead of trigrams
 * (src/core/index_keys.h): the extraction functions point at the bigram C
 * functions, and every index of the operator class in this database is
 * rebuilt, since its trigram keys mean nothing to a bigram search.  Until
 * this runs, the library serves such an index through the trigram functions
 * 0.3.0 named, so it stays correct between make install and the update.
 * REINDEX INDEX blocks writes to the table (and reads that would use the
 * index) while it runs; to keep that short on a large table, drop the index
 * before the update and CREATE INDEX CONCURRENTLY it afterwards (no NOTICE
 * says which indexes are rebuilt: an extension script runs with
 * client_min_messages at WARNING at least).  Indexes of other sessions'
 * temporary tables cannot be reached: a WARNING names them (they go with
 * their sessions).
 */
CREATE OR REPLACE FUNCTION prevent.gin_extract_value(text, internal) RETURNS internal
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_extract_value_bigram';

CREATE OR REPLACE FUNCTION prevent.gin_extract_query(text, internal, int2, internal, internal, internal, internal)
RETURNS internal
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_gin_extract_query_bigram';

COMMENT ON OPERATOR CLASS prevent.gin_ops USING gin IS
'GIN index on character bigrams of prevent.normalize(text), for &~, &~| and LIKE';

DO $$
DECLARE
	ix record;
BEGIN
	FOR ix IN
		SELECT DISTINCT c.oid::regclass AS name, pg_catalog.pg_is_other_temp_schema(c.relnamespace) AS unreachable
		  FROM pg_catalog.pg_index i
		  JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
		  JOIN pg_catalog.pg_opclass oc ON oc.oid = ANY (i.indclass::pg_catalog.oid[])
		 WHERE oc.opcname = 'gin_ops' AND oc.opcnamespace = 'prevent'::regnamespace
		   AND c.relkind = 'i'
		 ORDER BY 1
	LOOP
		IF ix.unreachable THEN
			RAISE WARNING 'index % of another session''s temporary table keeps its trigram keys', ix.name
				USING DETAIL = 'prevent.gin_ops now keys bigrams; searches through this index may miss rows until the session ends.';
			CONTINUE;
		END IF;
		EXECUTE pg_catalog.format('REINDEX INDEX %s', ix.name);
	END LOOP;
END
$$;
