-- alert_retire.sql: before a batch re-assesses the alerts of updated rows
-- (alert_batch.sql), take their parties out of what the repeat check and
-- the repeat views count.  Embedded in src/watch/writer.c like
-- alert_batch.sql; runs as the extension owner, search_path pinned, after
-- the writer locked the alerts (alert_lock below) and the parties.
--
-- $1  bigint[], the alerts to re-assess
--
-- del:  their rows of prevent.party_incident, gone (alert_batch.sql adds
--       those of the new assessment);
-- cnt:  for each (party, unit) they had that prevent.repeat_party counts,
--       its alerts without them (the alerts to re-assess hashed once, not
--       compared with each of a party's alerts);
-- the rows of prevent.repeat_party of those keys are counted again (the
-- batch adds the re-assessed alerts back to the parties it flags), and a
-- key left with no alert goes.  Returns the rows taken out.
WITH del AS (
	DELETE FROM prevent.party_incident p
	 WHERE p.alert_id = ANY ($1)
	RETURNING p.party, p.unit
), cnt AS MATERIALIZED (
	SELECT d.party, d.unit, count(p.alert_id) AS n, min(p.occurred_at) AS first_at, max(p.occurred_at) AS last_at
	  FROM (SELECT DISTINCT del.party, del.unit FROM del
			 WHERE EXISTS (SELECT 1 FROM prevent.repeat_party r
							WHERE r.party = del.party AND r.unit IS NOT DISTINCT FROM del.unit)) d
	  LEFT JOIN prevent.party_incident p ON p.party = d.party AND p.unit IS NOT DISTINCT FROM d.unit
	   AND p.alert_id NOT IN (SELECT x.id FROM unnest($1) x(id))	-- a hashed subplan: ids are never NULL
	 GROUP BY d.party, d.unit
), recount AS (
	UPDATE prevent.repeat_party r
	   SET incidents = c.n, first_at = c.first_at, last_at = c.last_at
	  FROM cnt c
	 WHERE r.party = c.party AND r.unit IS NOT DISTINCT FROM c.unit AND c.n > 0
	RETURNING 1
), gone AS (
	DELETE FROM prevent.repeat_party r
	 USING cnt c
	 WHERE r.party = c.party AND r.unit IS NOT DISTINCT FROM c.unit AND c.n = 0
	RETURNING 1
)
SELECT count(*) FROM del
