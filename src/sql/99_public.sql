/* ------------------------------------------------------------------------
 * What PUBLIC may do, in one place: read the lexicon, the settings and the
 * unit memberships, and run the read-only API; write nothing and run no
 * internal function.  Everything is revoked first, so an object added to
 * any file above is closed to PUBLIC until it is named here.  Unit members
 * get their rights from prevent.add_member (10_access.sql).
 * ------------------------------------------------------------------------ */

REVOKE ALL ON ALL TABLES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL ROUTINES IN SCHEMA prevent FROM PUBLIC;
GRANT USAGE ON SCHEMA prevent TO PUBLIC;
GRANT SELECT ON prevent.category, prevent.keyword, prevent.negation, prevent.proximity, prevent.combination,
	prevent.risk_threshold, prevent.setting, prevent.level_policy, prevent.unit_member,
	prevent.feedback_bucket, prevent.party_ignore, prevent.person_kind, prevent.route TO PUBLIC;
-- the progress of back-fills, as pg_stat_progress_* shows other sessions' work: not the last key
GRANT SELECT (source, since, batch, rows_total, rows_done, at_level, alerts, started_at, resumed_at, rows_at_resume,
			  updated_at, finished_at) ON prevent.backfill_run TO PUBLIC;
GRANT SELECT ON prevent.backfill_progress TO PUBLIC;
-- the read-only API, callable by anyone
GRANT EXECUTE ON FUNCTION prevent.normalize(text), prevent.match(text), prevent.assess(text),
	prevent.score(text), prevent.level(int), prevent.highlight(text, text, text), prevent.terms(text),
	prevent.assess(text[]), prevent.score(text[]), prevent.highlight(text[], text, text), prevent.explain(text[]),
	prevent.contains(text, text), prevent.contains_any(text, text[]),
	prevent.parties(text, text[]), prevent.resident_id_valid(text), prevent.my_units(),
	prevent.check_term(text, text), prevent.check_category(text), prevent.check_weight(text, int),
	prevent.setting_int(text, int), prevent.may_act(name, text),
	prevent.report_time_zone(), prevent.rate(bigint, bigint), prevent._is_text_type(regtype),
	prevent.order_is_open(text), prevent.order_breaches(prevent.work_order, timestamptz),
	prevent.order_overdue(prevent.work_order, timestamptz),
	prevent.deadline_missed(text, timestamptz, timestamptz, timestamptz),
	prevent.max_term_length(), prevent.max_window(),
	prevent.explain(text), prevent.lexicon_report_records(text, prevent.risk_level, prevent.risk_level),
	prevent.lexicon_report(text, prevent.risk_level, prevent.risk_level), prevent.lexicon_report_terms(text, prevent.risk_level),
	prevent.version()
	TO PUBLIC;
