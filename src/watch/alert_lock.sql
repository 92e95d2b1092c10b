-- alert_lock.sql: the alerts of the updated rows of a batch, locked (in id
-- order, so two batches cannot deadlock) before the party locks, as
-- prevent._review() locks the alert it reviews.  Embedded in
-- src/watch/writer.c like alert_batch.sql; runs as the extension owner,
-- search_path pinned.
--
-- $1  prevent._alert_input[], the batch
--
-- The alerts' open work orders are locked too (after their alerts, in id
-- order), as a station's transition locks its order (prevent._transition()):
-- the batch decides from them whether to raise open orders or issue new
-- ones, so an order being closed must be waited for and read closed, not
-- read open and then skipped by the raise (which left a raised alert with
-- neither).  escalate_overdue() skips orders locked so, as it skips those
-- of a transition.
--
-- Returns the positions (1-based) of the items whose row has an alert, the
-- alerts, their parties (locked with the batch's: the re-assessment takes
-- them out of prevent.party_incident), and the number of orders locked
-- (which the writer does not read: it makes the orders' CTE run, after the
-- alerts are all locked by the columns before it).
WITH x AS MATERIALIZED (
	SELECT x.ordinality AS ord, x.source, x.source_key
	  FROM unnest($1::prevent._alert_input[]) WITH ORDINALITY x
	 WHERE x.updated
), a AS MATERIALIZED (
	SELECT a.id, a.source, a.source_key, a.parties
	  FROM prevent.alert a
	 WHERE (a.source, a.source_key) IN (SELECT x.source, x.source_key FROM x)
	 ORDER BY a.id
	   FOR NO KEY UPDATE OF a
), o AS MATERIALIZED (
	SELECT w.id
	  FROM prevent.work_order w
	 WHERE w.alert_id IN (SELECT a.id FROM a) AND prevent.order_is_open(w.status)
	 ORDER BY w.id
	   FOR NO KEY UPDATE OF w
)
SELECT (SELECT array_agg(DISTINCT x.ord) FROM x WHERE EXISTS (SELECT 1 FROM a WHERE a.source = x.source AND a.source_key = x.source_key)),
	   (SELECT array_agg(a.id ORDER BY a.id) FROM a),
	   (SELECT array_agg(DISTINCT p.party) FROM a CROSS JOIN LATERAL unnest(a.parties) p(party)),
	   (SELECT count(*) FROM o)
