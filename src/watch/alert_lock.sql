-- alert_lock.sql: the alerts of the rows of a batch that may have one
-- (updated rows, rows inserted into a partition), locked (in id
-- order, so two batches cannot deadlock) before the party locks, as
-- prevent._review() locks the alert it reviews.  Embedded in
-- src/watch/writer.c like alert_batch.sql; runs as the extension owner,
-- search_path pinned.
--
-- $1  prevent._alert_input[], the batch
--
-- Returns the positions (1-based) of the items whose row has an alert, the
-- alerts, and their parties (locked with the batch's: the re-assessment
-- takes them out of prevent.party_incident).
WITH x AS MATERIALIZED (
	SELECT x.ordinality AS ord, x.source, x.source_key
	  FROM unnest($1::prevent._alert_input[]) WITH ORDINALITY x
	 WHERE x.reassess
), a AS MATERIALIZED (
	SELECT a.id, a.source, a.source_key, a.parties
	  FROM prevent.alert a
	 WHERE (a.source, a.source_key) IN (SELECT x.source, x.source_key FROM x)
	 ORDER BY a.id
	   FOR NO KEY UPDATE OF a
)
SELECT (SELECT array_agg(DISTINCT x.ord) FROM x WHERE EXISTS (SELECT 1 FROM a WHERE a.source = x.source AND a.source_key = x.source_key)),
	   (SELECT array_agg(a.id ORDER BY a.id) FROM a),
	   (SELECT array_agg(DISTINCT p.party) FROM a CROSS JOIN LATERAL unnest(a.parties) p(party))
