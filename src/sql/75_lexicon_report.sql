/* ------------------------------------------------------------------------
 * The lexicon report: test the lexicon on labelled history before enabling
 * a change, and see how the second judgement (prevent.review) treats each
 * term.
 *
 * A labelled set is a table or a query with the columns text (the
 * narrative), alert (boolean: a duty officer wants it flagged) and severe
 * (boolean: it needs an immediate order), and optionally grp (any text to
 * break the figures down by).  An alert is raised at alert_level or above,
 * a severe record is caught at severe_level or above.
 * ------------------------------------------------------------------------ */

-- each labelled record with what the current lexicon makes of it
CREATE FUNCTION prevent.lexicon_report_records(labelled text,
	alert_level prevent.risk_level DEFAULT 'low', severe_level prevent.risk_level DEFAULT 'high')
RETURNS TABLE (grp text, text text, alert boolean, severe boolean, score int, level prevent.risk_level,
			   raised boolean, caught boolean, terms text[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	src text;
BEGIN
	IF labelled IS NULL OR btrim(labelled) = '' THEN
		RAISE EXCEPTION 'labelled must name a table or be a query' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF alert_level IS NULL OR alert_level = 'none' OR severe_level IS NULL OR severe_level = 'none' THEN
		RAISE EXCEPTION 'alert_level and severe_level must be low, medium, high or critical'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- a query, or a table or view named with its schema; run with the caller's rights
	IF labelled ~* '^\s*(select|with|values|table)\s' THEN
		src := labelled;
	ELSIF pg_catalog.to_regclass(labelled) IS NOT NULL THEN
		src := pg_catalog.format('SELECT * FROM %s', pg_catalog.to_regclass(labelled));
	ELSE
		RAISE EXCEPTION 'relation "%" does not exist', labelled
			USING ERRCODE = 'undefined_table',
				  HINT = 'Name the table with its schema (public.history), or give a query (SELECT narrative AS text, ...).';
	END IF;
	BEGIN
		RETURN QUERY EXECUTE pg_catalog.format(
			'SELECT r.grp, r.text, r.alert, r.severe, (a).score, (a).level,
					(a).level >= $1, (a).level >= $2, (a).terms
			   FROM (SELECT pg_catalog.to_jsonb(q) ->> ''grp'' AS grp, q.text::pg_catalog.text AS text,
							q.alert::boolean AS alert, q.severe::boolean AS severe
					   FROM (%s) q) r
			  CROSS JOIN LATERAL (SELECT prevent.assess(r.text) AS a) x', src)
			USING alert_level, severe_level;
	EXCEPTION
		WHEN undefined_column THEN
			RAISE EXCEPTION 'the labelled set must have the columns text, alert and severe'
				USING ERRCODE = 'undefined_column',
					  DETAIL = SQLERRM,
					  HINT = 'For example: SELECT narrative AS text, is_risk AS alert, is_severe AS severe FROM my_history.';
	END;
END
$$;
COMMENT ON FUNCTION prevent.lexicon_report_records(text, prevent.risk_level, prevent.risk_level) IS
'Each record of a labelled set (a table name or a query with columns text, alert, severe and optionally grp) with its score, level, whether it raised an alert and was caught as severe, and its terms';

-- precision, recall and severe recall of the current lexicon on a labelled set, overall and per grp
CREATE FUNCTION prevent.lexicon_report(labelled text,
	alert_level prevent.risk_level DEFAULT 'low', severe_level prevent.risk_level DEFAULT 'high')
RETURNS TABLE (grp text, records bigint, alerts bigint, raised bigint, true_alerts bigint, false_alerts bigint,
			   missed bigint, "precision" numeric, recall numeric, f1 numeric, severe bigint, severe_caught bigint,
			   severe_recall numeric, false_positive_rate numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN c.total THEN 'ALL' ELSE c.grp END, c.n, c.alerts, c.raised, c.tp, c.raised - c.tp, c.alerts - c.tp,
		   round(c.tp::numeric / nullif(c.raised, 0), 3),
		   round(c.tp::numeric / nullif(c.alerts, 0), 3),
		   round(2 * c.tp::numeric / nullif(c.raised + c.alerts, 0), 3),
		   c.severe, c.severe_caught,
		   round(c.severe_caught::numeric / nullif(c.severe, 0), 3),
		   round((c.raised - c.tp)::numeric / nullif(c.n - c.alerts, 0), 3)
	  FROM (SELECT r.grp, GROUPING(r.grp) = 1 AS total, count(*) AS n, count(*) FILTER (WHERE r.alert) AS alerts,
				   count(*) FILTER (WHERE r.raised) AS raised, count(*) FILTER (WHERE r.raised AND r.alert) AS tp,
				   count(*) FILTER (WHERE r.severe) AS severe, count(*) FILTER (WHERE r.severe AND r.caught) AS severe_caught
			  FROM prevent.lexicon_report_records(labelled, alert_level, severe_level) r
			 GROUP BY GROUPING SETS ((), (r.grp))) c
	 WHERE c.total OR c.grp IS NOT NULL
	 ORDER BY NOT c.total, c.grp
$$;
COMMENT ON FUNCTION prevent.lexicon_report(text, prevent.risk_level, prevent.risk_level) IS
'Alert precision, recall, F1, severe recall and false-positive rate of the current lexicon on a labelled set (table name or query with columns text, alert, severe, optional grp); one row for ALL and one per grp';

-- what each term and rule does on a labelled set
CREATE FUNCTION prevent.lexicon_report_terms(labelled text, alert_level prevent.risk_level DEFAULT 'low')
RETURNS TABLE (term text, records bigint, in_alerts bigint, in_routine bigint, raised_routine bigint, "precision" numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t.term, count(*), count(*) FILTER (WHERE r.alert), count(*) FILTER (WHERE NOT r.alert),
		   count(*) FILTER (WHERE NOT r.alert AND r.raised),
		   round(count(*) FILTER (WHERE r.alert)::numeric / count(*), 3)
	  FROM prevent.lexicon_report_records(labelled, alert_level) r
	 CROSS JOIN LATERAL unnest(r.terms) t(term)
	 GROUP BY t.term
	 ORDER BY count(*) FILTER (WHERE NOT r.alert AND r.raised) DESC, count(*) DESC, t.term
$$;
COMMENT ON FUNCTION prevent.lexicon_report_terms(text, prevent.risk_level) IS
'Per term and proximity rule of the current lexicon: records of a labelled set it occurs in (not excluded or negated), how many are alerts and routine, routine ones it helped raise, and its precision';

/*
 * The second judgement fed back: per term, how reviewers decided the alerts
 * it raised (dismissed alerts point at terms to reweigh or exclude).
 */
CREATE VIEW prevent.review_outcome WITH (security_invoker = true) AS
SELECT t.term,
	   count(*) AS alerts,
	   count(*) FILTER (WHERE a.status = 'pending') AS pending,
	   count(*) FILTER (WHERE a.reviewed_at IS NOT NULL AND a.status = 'issued') AS issued_on_review,
	   count(*) FILTER (WHERE a.status = 'dismissed') AS dismissed,
	   round(100.0 * count(*) FILTER (WHERE a.status = 'dismissed')
			 / nullif(count(*) FILTER (WHERE a.reviewed_at IS NOT NULL), 0), 2) AS dismissed_rate
  FROM prevent.alert a CROSS JOIN LATERAL unnest(a.terms) t(term)
 GROUP BY t.term;
COMMENT ON VIEW prevent.review_outcome IS 'Per term: the alerts it raised and how the second judgement (prevent.review) decided them';
COMMENT ON COLUMN prevent.review_outcome.term IS 'A term or proximity rule of the alerts';
COMMENT ON COLUMN prevent.review_outcome.alerts IS 'Alerts naming the term (that the reader may see)';
COMMENT ON COLUMN prevent.review_outcome.pending IS 'Of them, waiting for review';
COMMENT ON COLUMN prevent.review_outcome.issued_on_review IS 'Issued as work orders by a reviewer';
COMMENT ON COLUMN prevent.review_outcome.dismissed IS 'Dismissed by a reviewer';
COMMENT ON COLUMN prevent.review_outcome.dismissed_rate IS 'Dismissed, in percent of the reviewed ones';
