-- alert_lock.sql: the alerts a batch re-assesses (alert_find.sql), locked
-- in id order after the party locks, as prevent._review() locks the alert
-- it reviews; then their open work orders, in id order, as a station's
-- transition locks its order (prevent._transition()): the batch decides
-- from them whether to raise open orders or issue new ones, so an order
-- being closed must be waited for and read closed, not read open and then
-- skipped by the raise (which left a raised alert with neither).
-- escalate_overdue() skips orders locked so, as it skips those of a
-- transition.  Embedded in src/watch/writer.c like alert_batch.sql; runs as
-- the extension owner, search_path pinned.
--
-- $1  bigint[], the alerts
--
-- Returns the numbers of alerts and orders locked (which the writer does
-- not read: the orders' CTE runs after the alerts are all locked).
WITH a AS MATERIALIZED (
	SELECT a.id
	  FROM prevent.alert a
	 WHERE a.id = ANY ($1)
	 ORDER BY a.id
	   FOR NO KEY UPDATE OF a
), o AS MATERIALIZED (
	SELECT w.id
	  FROM prevent.work_order w
	 WHERE w.alert_id IN (SELECT a.id FROM a) AND prevent.order_is_open(w.status)
	 ORDER BY w.id
	   FOR NO KEY UPDATE OF w
)
SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM o)
