-- alert_find.sql: the alerts of the rows of a batch that may have one
-- (updated rows, rows inserted into a partition), read before any of them
-- is locked: the writer locks the parties first (theirs and the batch's),
-- then the alerts (alert_lock.sql), in the lock order of 50_workflow.sql.
-- What is read here stays true until then: an alert's parties change only
-- when its own row is re-assessed, and this transaction holds that row's
-- lock.  Embedded in src/watch/writer.c like alert_batch.sql; runs as the
-- extension owner, search_path pinned.
--
-- $1  prevent._alert_input[], the batch
--
-- Returns the positions (1-based) of the items whose row has an alert, the
-- alerts' ids, and their parties.
WITH x AS MATERIALIZED (
	SELECT x.ordinality AS ord, x.source, x.source_key
	  FROM unnest($1::prevent._alert_input[]) WITH ORDINALITY x
	 WHERE x.reassess
), a AS MATERIALIZED (
	SELECT a.id, a.source, a.source_key, a.parties
	  FROM prevent.alert a
	 WHERE (a.source, a.source_key) IN (SELECT x.source, x.source_key FROM x)
)
SELECT (SELECT array_agg(DISTINCT x.ord) FROM x WHERE EXISTS (SELECT 1 FROM a WHERE a.source = x.source AND a.source_key = x.source_key)),
	   (SELECT array_agg(a.id ORDER BY a.id) FROM a),
	   (SELECT array_agg(DISTINCT p.party) FROM a CROSS JOIN LATERAL unnest(a.parties) p(party))
