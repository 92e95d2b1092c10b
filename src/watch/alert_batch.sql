-- alert_batch.sql: one batch of alerts, written with one statement.  The
-- build embeds it in src/watch/writer.c (the Makefile turns it into
-- alert_batch.h); it runs as the extension owner, with search_path pinned to
-- pg_catalog, pg_temp, so every prevent object is named with its schema.
--
-- $1  prevent._alert_input[], the alerts of the batch in insertion order
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
	SELECT x.source, x.source_key, x.unit, x.occurred_at, x.score, lv.level, x.categories, x.terms,
		   pp.parties, coalesce(m.persons, '{}') AS persons,
		   x.window_from, x.window_to, x.repeat_threshold, x.historic, x.ord,
		   -- a historic alert of an incident long past is recorded, not issued
		   NOT x.historic OR x.occurred_at >= now() - ow.within AS issuable,
		   nextval('prevent.alert_id_seq'::regclass) AS id
	  FROM unnest($1::prevent._alert_input[]) WITH ORDINALITY
		   AS x(source, source_key, unit, occurred_at, score, level, categories, terms,
				parties, window_from, window_to, repeat_threshold, historic, alert_level, ord)
	 CROSS JOIN (SELECT (SELECT s.value::interval FROM prevent.setting s
						  WHERE s.name = 'backfill_orders_within') AS within) ow
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
			   AND p.valid_from <= x.occurred_at AND (p.valid_until IS NULL OR x.occurred_at < p.valid_until)) m ON true
	 CROSS JOIN LATERAL (SELECT GREATEST(x.level, m.floor) AS level) lv
	 -- the trigger queues rows below the alert level that name a person: those not raised to it go
	 WHERE lv.level >= x.alert_level
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
), flags AS MATERIALIZED (
	SELECT b.ord,
		   r.ord IS NOT NULL AS is_repeat,
		   coalesce(pol.auto_issue, false) AND b.issuable AS auto_issue,
		   r.ord IS NOT NULL AND b.issuable AS repeat_issue
	  FROM b LEFT JOIN prevent.level_policy pol ON pol.level = b.level
	  LEFT JOIN (SELECT DISTINCT h.ord FROM hits h) r ON r.ord = b.ord
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
							   parties, repeat, historic, persons, status)
	SELECT b.id, b.source, b.source_key, b.unit, b.occurred_at, b.score, b.level, b.categories, b.terms,
		   b.parties, f.is_repeat, b.historic, b.persons,
		   CASE WHEN f.auto_issue OR f.repeat_issue THEN 'issued' WHEN b.issuable THEN 'pending' ELSE 'recorded' END
	  FROM b JOIN flags f ON f.ord = b.ord
	 ORDER BY b.ord
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
	   count(*) AS written
  FROM b JOIN flags f ON f.ord = b.ord
  LEFT JOIN other_units o ON o.ord = b.ord
