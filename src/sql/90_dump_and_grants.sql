/* ------------------------------------------------------------------------
 * pg_dump keeps every user-data table and sequence; PUBLIC may read the
 * lexicon and unit membership, write nothing, and run no internal function.
 * ------------------------------------------------------------------------ */

SELECT pg_catalog.pg_extension_config_dump('prevent.category', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.keyword', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.keyword_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.negation', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.negation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.proximity', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.proximity_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.combination', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.combination_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.risk_threshold', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.setting', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.level_policy', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.feedback_bucket', '');
-- memberships of roles that exist: a dropped role's OID would attach to another role on restore
SELECT pg_catalog.pg_extension_config_dump('prevent.unit_member',
	'WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) member::pg_catalog.oid)');
SELECT pg_catalog.pg_extension_config_dump('prevent.watched', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.alert', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.alert_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.work_order', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.work_order_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.escalation', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.escalation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.event', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.event_id_seq', '');
-- derived, but kept by the alert writer only: dumped with the alerts it counts
-- (prevent.order_stats and stats_state are not dumped: the work_order triggers rebuild them on restore)
SELECT pg_catalog.pg_extension_config_dump('prevent.repeat_party', '');

REVOKE ALL ON ALL TABLES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA prevent FROM PUBLIC;
GRANT USAGE ON SCHEMA prevent TO PUBLIC;
GRANT SELECT ON prevent.category, prevent.keyword, prevent.negation, prevent.proximity, prevent.combination,
	prevent.risk_threshold, prevent.setting, prevent.level_policy, prevent.unit_member,
	prevent.feedback_bucket TO PUBLIC;
-- the read-only API, callable by anyone
GRANT EXECUTE ON FUNCTION prevent.normalize(text), prevent.match(text), prevent.assess(text),
	prevent.score(text), prevent.level(int), prevent.highlight(text, text, text), prevent.terms(text),
	prevent.contains(text, text), prevent.contains_any(text, text[]),
	prevent.parties(text, text[]), prevent.resident_id_valid(text), prevent.my_units(),
	prevent.check_term(text, text), prevent.check_category(text), prevent.check_weight(text, int),
	prevent.setting_int(text, int), prevent.may_act(name, text),
	prevent.report_time_zone(), prevent.rate(bigint, bigint), prevent._is_text_type(regtype),
	prevent.explain(text), prevent.lexicon_report_records(text, prevent.risk_level, prevent.risk_level),
	prevent.lexicon_report(text, prevent.risk_level, prevent.risk_level), prevent.lexicon_report_terms(text, prevent.risk_level),
	prevent.version()
	TO PUBLIC;
