/* ------------------------------------------------------------------------
 * pg_dump keeps every lexicon row and sequence; PUBLIC may read, not write.
 * ------------------------------------------------------------------------ */

SELECT pg_catalog.pg_extension_config_dump('prevent.category', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.keyword', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.keyword_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.negation', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.negation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.proximity', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.proximity_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.risk_threshold', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.setting', '');

REVOKE ALL ON ALL TABLES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA prevent FROM PUBLIC;
GRANT USAGE ON SCHEMA prevent TO PUBLIC;
GRANT SELECT ON prevent.category, prevent.keyword, prevent.negation, prevent.proximity,
	prevent.risk_threshold, prevent.setting TO PUBLIC;
