-- alert_batch.sql: one batch of alerts, written with one statement.  The
-- build embeds it in src/watch/writer.c (the Makefile turns it into
-- alert_batch.h); it runs as the extension owner, with search_path pinned to
-- pg_catalog, pg_temp, so every prevent object is named with its schema.
--
-- $1  prevent._alert_input[], the alerts of the batch in insertion order
-- $2  name, the role the trigger fired as (events)
--
-- A row that may have an alert (reassess: from an UPDATE, or an INSERT into
-- a partition, as a row an UPDATE moves arrives) and has one re-assesses
-- that alert: the writer locked it and took its parties out of
-- prevent.party_incident and prevent.repeat_party before (alert_retire.sql),
-- and here it keeps its id, gets the new assessment, its parties back, the
-- repeat check again, an event when its level or status changes, and orders
-- when the new level issues at once (or it became a repeat) and it has none
-- open; open orders of a lower level are raised to the new one, its tiers
-- added and deadlines never later than the new level's.  An updated row
-- without an alert becomes one as an inserted row does.
--
-- b:           the batch, with alert ids drawn in advance and the values of
--              prevent.party_ignore left out of the parties; the persons
--              of concern among the parties raise the level (the rule is
--              here, nowhere else), and rows still below their table's
--              alert level are left out; historic rows (prevent.backfill,
--              rescan) already alerted left out, and those older than
--              backfill_orders_within not issuable;
-- prior_old,   for each (row, party), the earlier alerts of the party within
-- prior_new:   the row's repeat window (window_from to window_to, worked
--              out by the trigger), in prevent.party_incident (a range of
--              its index on (party, occurred_at): the window, not the
--              party's whole history) and earlier in the batch;
-- hits:        the (row, party) pairs that make repeat_threshold;
-- flags:       repeat or not, and whether the level or the repeat issues at
--              once (never for an alert that is not issuable);
-- rp, ins_repeat_party:  prevent.repeat_party for the parties of repeat
--              alerts: filled from all the party's alerts at its first
--              repeat, counted up after that (a party's rows are only
--              written under its party lock);
-- ins_party_incident, ins_alert:  the alerts, issued or pending, and their
--              parties by time.
--
-- It returns the alerts to issue as prevent._issue_request[] (NULL if
-- none), which the writer hands to prevent._issue(): why each is issued to
-- its own unit, the other units of its party's earlier incidents, the
-- units of its persons of concern, then the recipients of its categories
-- (prevent.route); and the number of alerts written.
WITH b AS MATERIALIZED (
	SELECT x.source, x.source_key, x.unit, occ.at AS occurred_at, x.score, lv.level, x.categories, x.terms,
		   pp.parties, coalesce(m.persons, '{}') AS persons,
		   x.window_from + occ.shift AS window_from, x.window_to + occ.shift AS window_to,
		   x.repeat_threshold, x.historic, x.updated, x.alert_level, x.ord,
		   old.id AS old_id, old.level AS old_level, old.status AS old_status, old.repeat AS old_repeat,
		   -- a historic alert of an incident long past is recorded, not issued (and stays so)
		   CASE WHEN old.id IS NOT NULL THEN old.status <> 'recorded'
				ELSE NOT x.historic OR occ.at >= now() - ow.within END AS issuable,
		   coalesce(old.id, nextval('prevent.alert_id_seq'::regclass)) AS id
	  FROM unnest($1::prevent._alert_input[]) WITH ORDINALITY
		   AS x(source, source_key, unit, occurred_at, score, level, categories, terms,
				parties, window_from, window_to, repeat_threshold, historic, alert_level, updated, reassess, ord)
	 CROSS JOIN (SELECT (SELECT s.value::interval FROM prevent.setting s
						  WHERE s.name = 'backfill_orders_within') AS within) ow
	 -- the alert of a row that may have one (updated, or moved to another partition), the
	 -- latest if it has several
	 LEFT JOIN LATERAL (
			SELECT a.id, a.level, a.status, a.repeat, a.occurred_at FROM prevent.alert a
			 WHERE x.reassess AND a.source = x.source AND a.source_key = x.source_key
			 ORDER BY a.id DESC LIMIT 1) old ON true
	 -- when it occurred: a row that may have an alert and has no time of its own (no occurred
	 -- column, or NULL in it) comes without one, and keeps its alert's (else the time of this
	 -- transaction, as for a new row); its repeat window, made around that time by the
	 -- trigger, moves with it
	 CROSS JOIN LATERAL (
			SELECT coalesce(x.occurred_at, old.occurred_at, now()) AS at,
				   CASE WHEN x.occurred_at IS NULL THEN coalesce(old.occurred_at, now()) - now()
						ELSE interval '0' END AS shift) occ
	 CROSS JOIN LATERAL (
			SELECT ARRAY(SELECT p.party FROM unnest(x.parties) p(party)
						  WHERE NOT EXISTS (SELECT 1 FROM prevent.party_ignore i WHERE i.party = p.party)) AS parties) pp
	 -- persons of concern: an incident with a risk signal (level low or above; naming a person
	 -- is no risk by itself) whose parties include persons managed when it occurred is raised
	 -- to the highest floor of their kinds
	 LEFT JOIN LATERAL (
			SELECT array_agg(p.id ORDER BY p.id) AS persons, max(k.floor) AS floor
			  FROM prevent.person p JOIN prevent.person_kind k ON k.kind = p.kind
			 WHERE x.level >= 'low' AND p.identifier = ANY (pp.parties)
			   AND p.valid_from <= occ.at AND (p.valid_until IS NULL OR occ.at < p.valid_until)) m ON true
	 CROSS JOIN LATERAL (SELECT GREATEST(x.level, m.floor) AS level) lv
	 -- the trigger queues rows below the alert level that name a person, and updated rows: those
	 -- neither raised to it nor alerted before go
	 WHERE (lv.level >= x.alert_level OR old.id IS NOT NULL)
	 -- a row already alerted (or kept back) is not alerted again from its history
	   AND NOT (x.historic
				AND (EXISTS (SELECT 1 FROM prevent.alert a
							  WHERE a.source = x.source AND a.source_key = x.source_key)
					 OR EXISTS (SELECT 1 FROM prevent.alert_failure f
								 WHERE f.source = x.source AND f.source_key = x.source_key)))
), bp AS MATERIALIZED (
	SELECT b.ord, p.party, b.unit, b.occurred_at, b.window_from, b.window_to, b.repeat_threshold
	  FROM b CROSS JOIN LATERAL unnest(b.parties) p(party)
), prior_old AS (
	SELECT bp.ord, bp.party, count(*) AS n,
		   array_agg(a.unit ORDER BY a.occurred_at DESC) FILTER (WHERE a.unit IS NOT NULL) AS units
	  FROM bp
	  JOIN prevent.party_incident a ON a.party = bp.party
	   AND a.occurred_at BETWEEN bp.window_from AND bp.window_to
	 GROUP BY bp.ord, bp.party
), prior_new AS (
	SELECT bp.ord, bp.party, count(*) AS n,
		   array_agg(bp2.unit ORDER BY bp2.occurred_at DESC) FILTER (WHERE bp2.unit IS NOT NULL) AS units
	  FROM bp
	  JOIN bp bp2 ON bp2.party = bp.party AND bp2.ord < bp.ord
	   AND bp2.occurred_at BETWEEN bp.window_from AND bp.window_to
	 GROUP BY bp.ord, bp.party
), hits AS MATERIALIZED (
	SELECT bp.ord, bp.party, o.units AS old_units, nw.units AS new_units
	  FROM bp
	  LEFT JOIN prior_old o ON o.ord = bp.ord AND o.party = bp.party
	  LEFT JOIN prior_new nw ON nw.ord = bp.ord AND nw.party = bp.party
	 WHERE coalesce(o.n, 0) + coalesce(nw.n, 0) + 1 >= bp.repeat_threshold
), issuing AS (
	-- whether an alert is issued now: a new one when its level issues at once or it is a repeat;
	-- a re-assessed one with no open order, when its new level issues at once and rose (or it
	-- still waits for review), or it became a repeat
	SELECT b.ord,
		   r.ord IS NOT NULL AS is_repeat,
		   coalesce(pol.auto_issue, false) AND b.issuable
			 AND (b.old_id IS NULL OR (NOT o.open AND (b.level > b.old_level OR b.old_status = 'pending'))) AS auto_issue,
		   -- (a re-assessed alert fallen below its table's alert level is no risk to issue)
		   r.ord IS NOT NULL AND b.issuable AND b.level >= b.alert_level
			 AND (b.old_id IS NULL OR (NOT o.open AND NOT b.old_repeat)) AS repeat_issue,
		   o.open
	  FROM b LEFT JOIN prevent.level_policy pol ON pol.level = b.level
	  LEFT JOIN (SELECT DISTINCT h.ord FROM hits h) r ON r.ord = b.ord
	 CROSS JOIN LATERAL (
			SELECT EXISTS (SELECT 1 FROM prevent.work_order w
							WHERE b.old_id IS NOT NULL AND w.alert_id = b.old_id
							  AND prevent.order_is_open(w.status)) AS open) o
), flags AS MATERIALIZED (
	SELECT i.*,
		   CASE WHEN i.auto_issue OR i.repeat_issue THEN 'issued'
				WHEN b.old_id IS NULL THEN CASE WHEN b.issuable THEN 'pending' ELSE 'recorded' END
				-- dismissed at a lower level: the new one needs a second judgement again
				WHEN b.old_status = 'dismissed' AND b.level > b.old_level AND b.level >= b.alert_level THEN 'pending'
				WHEN b.old_status = 'pending' AND b.level < b.alert_level
					 AND (SELECT s.value FROM prevent.setting s WHERE s.name = 'dismiss_on_update') = 'on' THEN 'dismissed'
				ELSE b.old_status END AS status
	  FROM issuing i JOIN b ON b.ord = i.ord
), rp AS MATERIALIZED (
	SELECT bp.party, bool_or(f.is_repeat) AS flagged,
		   EXISTS (SELECT 1 FROM prevent.repeat_party r WHERE r.party = bp.party) AS known
	  FROM bp JOIN flags f ON f.ord = bp.ord
	 GROUP BY bp.party
), ins_repeat_party AS (
	INSERT INTO prevent.repeat_party AS r (party, unit, incidents, first_at, last_at)
	SELECT x.party, x.unit, count(*), min(x.occurred_at), max(x.occurred_at)
	  FROM (SELECT rp.party, a.unit, a.occurred_at
			  FROM rp JOIN prevent.party_incident a ON a.party = rp.party
			 WHERE rp.flagged AND NOT rp.known
			UNION ALL
			SELECT bp.party, bp.unit, bp.occurred_at
			  FROM bp JOIN rp ON rp.party = bp.party
			 WHERE rp.flagged OR rp.known) x
	 GROUP BY x.party, x.unit
	 ORDER BY x.party, x.unit
	ON CONFLICT (party, unit) DO UPDATE
	   SET incidents = r.incidents + excluded.incidents,
		   first_at = LEAST(r.first_at, excluded.first_at),
		   last_at = GREATEST(r.last_at, excluded.last_at)
	RETURNING 1
), ins_party_incident AS (
	INSERT INTO prevent.party_incident (party, occurred_at, alert_id, unit)
	SELECT bp.party, bp.occurred_at, b.id, bp.unit
	  FROM bp JOIN b ON b.ord = bp.ord
	RETURNING 1
), ins_alert AS (
	INSERT INTO prevent.alert (id, source, source_key, unit, occurred_at, score, level, categories, terms,
							   parties, repeat, historic, persons, status, reassessed_at)
	SELECT b.id, b.source, b.source_key, b.unit, b.occurred_at, b.score, b.level, b.categories, b.terms,
		   b.parties, f.is_repeat, b.historic, b.persons, f.status, CASE WHEN b.updated THEN now() END
	  FROM b JOIN flags f ON f.ord = b.ord
	 WHERE b.old_id IS NULL
	 ORDER BY b.ord
	RETURNING 1
), upd_alert AS (
	UPDATE prevent.alert a
	   SET unit = b.unit, occurred_at = b.occurred_at, score = b.score, level = b.level,
		   categories = b.categories, terms = b.terms, parties = b.parties, persons = b.persons,
		   repeat = f.is_repeat, status = f.status, reassessed_at = now(),
		   reviewed_at = CASE WHEN f.status = 'dismissed' AND b.old_status = 'pending' THEN now() ELSE a.reviewed_at END,
		   reviewed_by = CASE WHEN f.status = 'dismissed' AND b.old_status = 'pending' THEN SESSION_USER ELSE a.reviewed_by END,
		   review_note = CASE WHEN f.status = 'dismissed' AND b.old_status = 'pending'
							  THEN 'dismissed on update: below the alert level (setting dismiss_on_update)' ELSE a.review_note END
	  FROM b JOIN flags f ON f.ord = b.ord
	 WHERE a.id = b.old_id
	RETURNING 1
), ins_event AS (
	-- an alert raised by an update of its row, or re-assessed to another level or status
	INSERT INTO prevent.event (alert_id, unit, action, from_status, to_status, at, actor, acting_role, note)
	SELECT b.id, b.unit, 'reassess', b.old_status, f.status, now(), SESSION_USER, $2,
		   CASE WHEN b.old_id IS NULL THEN format('raised by an update of its row: level %s', b.level)
				ELSE format('level %s -> %s', b.old_level, b.level) END
	  FROM b JOIN flags f ON f.ord = b.ord
	 WHERE CASE WHEN b.old_id IS NULL THEN b.updated ELSE b.level <> b.old_level OR f.status <> b.old_status END
	 ORDER BY b.ord
	RETURNING 1
), upd_order AS (
	-- a re-assessed alert's open orders of a lower level: raised to the new one
	UPDATE prevent.work_order w
	   SET level = b.level,
		   accept_due = LEAST(w.accept_due, w.issued_at + p.accept_within),
		   due_at = LEAST(w.due_at, w.issued_at + p.feedback_within),
		   close_due = LEAST(w.close_due, w.issued_at + p.close_within),
		   next_escalation_due = '-infinity'
	  FROM b JOIN flags f ON f.ord = b.ord
	  JOIN prevent.level_policy p ON p.level = b.level
	 WHERE f.open AND w.alert_id = b.old_id AND prevent.order_is_open(w.status) AND w.level < b.level
	RETURNING w.id, w.unit, p.tiers
), ins_tier AS (
	INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, created_at)
	SELECT u.id, u.unit, t.tier, 'risk_level', now()
	  FROM upd_order u CROSS JOIN LATERAL unnest(u.tiers) t(tier)
	ON CONFLICT DO NOTHING
	RETURNING 1
),
-- the other units of each repeat's party: those of its latest incidents, at most
-- cross_jurisdiction_max_units
other_units AS (
	SELECT x.ord, array_agg(x.unit ORDER BY x.latest) AS units
	  FROM (SELECT h.ord, u.unit, min(u.pos) AS latest,
				   row_number() OVER (PARTITION BY h.ord ORDER BY min(u.pos)) AS n
			  FROM hits h JOIN b ON b.ord = h.ord
			 CROSS JOIN LATERAL unnest(coalesce(h.new_units, '{}') || coalesce(h.old_units, '{}'))
				   WITH ORDINALITY u(unit, pos)
			 WHERE u.unit IS DISTINCT FROM b.unit
			 GROUP BY h.ord, u.unit) x
	 WHERE x.n <= (SELECT prevent.setting_int('cross_jurisdiction_max_units', 5))  -- read once
	 GROUP BY x.ord
)
SELECT array_agg(ROW(b.id, b.level, b.unit, f.is_repeat,
					 CASE WHEN f.auto_issue THEN 'risk_level' ELSE 'repeat' END,
					 o.units,
					 prevent._recipients(b.persons, b.categories, b.level))::prevent._issue_request
				 ORDER BY b.ord) FILTER (WHERE f.auto_issue OR f.repeat_issue),
	   count(*) FILTER (WHERE b.old_id IS NULL) AS written
  FROM b JOIN flags f ON f.ord = b.ord
  LEFT JOIN other_units o ON o.ord = b.ord
