-- pgTAP: security.  Each numbered finding of the security audit, tried as an
-- attack by unprivileged regress_ roles, and shown to fail: no role becomes
-- superuser, nothing planted in pg_temp or public runs inside prevent's code,
-- other roles' DDL works, no column type crashes a backend, memberships give
-- least privilege, and no role can hold prevent's locks.  Then the privileges
-- and definer rights of every function, as a whole.
--
-- Planted objects are dropped before the pgTAP assertions that follow them:
-- pgTAP's own functions do not pin their search_path.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(63);

-- a known lexicon (the default one is set aside until ROLLBACK)
DELETE FROM prevent.proximity; DELETE FROM prevent.negation; DELETE FROM prevent.keyword;
INSERT INTO prevent.keyword (term, category, weight) VALUES
	('纠纷', 'neighbour', 12), ('持刀', 'weapon', 65), ('同归于尽', 'extreme', 95);

CREATE ROLE regress_attacker;		-- INSERT on its incident table, CREATE on public: the worst application role
CREATE ROLE regress_ddl;			-- owns a schema of its own, no prevent rights
CREATE ROLE regress_station;		-- acting member of unit A所
CREATE ROLE regress_officer LOGIN;	-- a person, member of regress_station
CREATE ROLE regress_bi;				-- read-only member of '*'
GRANT regress_station TO regress_officer;
GRANT CREATE ON SCHEMA public TO regress_attacker;

-- what a trap records when it runs; readable and writable by all
CREATE TABLE public.trap_log (who name, what text);
GRANT SELECT, INSERT ON public.trap_log TO PUBLIC;

CREATE TABLE public.incident (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	station text,
	caller_phone text,
	narrative text,
	reported_at timestamptz
);
GRANT INSERT ON public.incident TO regress_attacker;
SELECT prevent.watch('public.incident', 'narrative', unit_column => 'station',
	party_columns => '{caller_phone}', occurred_column => 'reported_at');
SELECT prevent.add_member('regress_station', 'A所', 'act');
SELECT prevent.add_member('regress_bi', '*', 'read');

-- the trap: logs, then tries to make regress_attacker a superuser
SET ROLE regress_attacker;
CREATE FUNCTION public.trap(what text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO public.trap_log (who, what) VALUES (current_user, what);
	BEGIN
		EXECUTE 'ALTER ROLE regress_attacker SUPERUSER';
	EXCEPTION WHEN insufficient_privilege THEN NULL;
	END;
	RETURN true;
END
$$;
RESET ROLE;

------------------------------------------------------------------------------
-- 1. pg_temp types named like built-in ones, planted by an INSERT-only role,
--    are not resolved by the code that runs as the owner (the registration
--    loader, the lexicon loader, the alert writer)
------------------------------------------------------------------------------
SET ROLE regress_attacker;
CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (public.trap('pg_temp.text'));
CREATE DOMAIN pg_temp.name AS pg_catalog.name CHECK (public.trap('pg_temp.name'));
CREATE DOMAIN pg_temp.int4 AS pg_catalog.int4 CHECK (public.trap('pg_temp.int4'));
CREATE DOMAIN pg_temp.int8 AS pg_catalog.int8 CHECK (public.trap('pg_temp.int8'));
CREATE DOMAIN pg_temp.bool AS pg_catalog.bool CHECK (public.trap('pg_temp.bool'));
CREATE DOMAIN pg_temp.interval AS pg_catalog.interval CHECK (public.trap('pg_temp.interval'));
CREATE DOMAIN pg_temp.regclass AS pg_catalog.regclass CHECK (public.trap('pg_temp.regclass'));
CREATE DOMAIN pg_temp.timestamptz AS pg_catalog.timestamptz CHECK (public.trap('pg_temp.timestamptz'));
CREATE DOMAIN pg_temp.numeric AS pg_catalog.numeric CHECK (public.trap('pg_temp.numeric'));
-- (the lexicon, changed above, and the new registration load afresh in this session)
INSERT INTO public.incident (station, caller_phone, narrative) VALUES
	('A所', '13800000001', '嫌疑人持刀扬言同归于尽'),
	('A所', '13800000001', '两人因纠纷再次持刀对峙');
RESET ROLE;
SET search_path = pg_temp, public, pg_catalog;
INSERT INTO public.incident (station, caller_phone, narrative) VALUES ('B所', '13800000001', '持刀同归于尽');
RESET search_path;
DROP DOMAIN pg_temp.text, pg_temp.name, pg_temp.int4, pg_temp.int8, pg_temp.bool, pg_temp.interval,
	pg_temp.regclass, pg_temp.timestamptz, pg_temp.numeric;
SELECT is((SELECT count(*) FROM trap_log), 0::bigint, '1. no pg_temp type planted by an INSERT-only role ran');
SELECT ok(NOT (SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_attacker'), '1. the INSERT-only role did not become superuser');
SELECT is((SELECT count(*) FROM prevent.alert WHERE source = 'public.incident'::regclass), 3::bigint,
	'1. its incidents raised their alerts as usual');
SELECT ok((SELECT repeat FROM prevent.alert WHERE unit = 'B所'), '1. and the repeat across units was found');

------------------------------------------------------------------------------
-- 2. operators and functions planted in public for argument types with no
--    exact pg_catalog match are not resolved by views, triggers or functions
--    run by a superuser whose search_path puts public first
------------------------------------------------------------------------------
SET ROLE regress_attacker;
CREATE FUNCTION public.trap_cmp(regclass, oid) RETURNS boolean LANGUAGE sql AS $$ SELECT public.trap('= (regclass, oid)') $$;
CREATE OPERATOR public.= (LEFTARG = regclass, RIGHTARG = oid, FUNCTION = public.trap_cmp);
CREATE FUNCTION public.trap_div(numeric, bigint) RETURNS numeric LANGUAGE sql AS $$ SELECT public.trap('/ (numeric, bigint)')::int::numeric $$;
CREATE OPERATOR public./ (LEFTARG = numeric, RIGHTARG = bigint, FUNCTION = public.trap_div);
CREATE FUNCTION public.trap_mul(numeric, bigint) RETURNS numeric LANGUAGE sql AS $$ SELECT public.trap('* (numeric, bigint)')::int::numeric $$;
CREATE OPERATOR public.* (LEFTARG = numeric, RIGHTARG = bigint, FUNCTION = public.trap_mul);
CREATE FUNCTION public.trap_gt(bigint, integer) RETURNS boolean LANGUAGE sql AS $$ SELECT public.trap('> (bigint, integer)') $$;
CREATE OPERATOR public.> (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = public.trap_gt);
CREATE FUNCTION public.trap_eq_text_name(text, name) RETURNS boolean LANGUAGE sql AS $$ SELECT public.trap('= (text, name)') $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = name, FUNCTION = public.trap_eq_text_name);
CREATE FUNCTION public.trap_eq_name_text(name, text) RETURNS boolean LANGUAGE sql AS $$ SELECT public.trap('= (name, text)') $$;
CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = text, FUNCTION = public.trap_eq_name_text);
CREATE FUNCTION public.trap_ne(numeric, integer) RETURNS boolean LANGUAGE sql AS $$ SELECT public.trap('<> (numeric, integer)') $$;
CREATE OPERATOR public.<> (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.trap_ne);
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT public.trap('now()')::int::text::timestamptz $$;
RESET ROLE;
-- a new watched table: its registration is loaded afresh
CREATE TABLE public.incident2 (id int PRIMARY KEY, station text, narrative text);
SELECT prevent.watch('public.incident2', 'narrative', unit_column => 'station');
SET search_path = public, pg_catalog;
INSERT INTO public.incident2 VALUES (1, 'A所', '持刀同归于尽'), (2, 'A所', '纠纷');
SELECT count(*) >= 0 FROM prevent.closure_rate;
SELECT count(*) >= 0 FROM prevent.feedback_rate;
SELECT count(*) >= 0 FROM prevent.resolution_rate;
SELECT count(*) >= 0 FROM prevent.department_summary;
SELECT count(*) >= 0 FROM prevent.repeat_incidents;
SELECT count(*) >= 0 FROM prevent.unit_dashboard;
SELECT (prevent.accept(min(id))).status AS accepted FROM prevent.work_order WHERE unit = 'A所' \gset
SELECT prevent.escalate_overdue(pg_catalog.now() + interval '30 days') >= 0;
SELECT prevent.refresh_stats() >= 0;
RESET search_path;
DROP OPERATOR public.= (regclass, oid), public./ (numeric, bigint), public.* (numeric, bigint), public.> (bigint, integer),
	public.= (text, name), public.= (name, text), public.<> (numeric, integer);
DROP FUNCTION public.now();
SELECT is((SELECT string_agg(DISTINCT what, ', ') FROM trap_log), NULL, '2. no operator or function planted in public ran');
SELECT is(:'accepted'::text, 'accepted'::text, '2. and the lifecycle call with public first worked');
SELECT ok(NOT (SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_attacker'), '2. the planting role did not become superuser');
SELECT is((SELECT count(*) FROM prevent.alert WHERE source = 'public.incident2'::regclass), 2::bigint,
	'2. the superuser''s inserts raised their alerts');

------------------------------------------------------------------------------
-- 3. the schema: prevent's functions are found by OID, and the schema cannot
--    be renamed from under them (installing into a foreign schema: test/install.sh)
------------------------------------------------------------------------------
SELECT throws_ok($$ALTER SCHEMA prevent RENAME TO prevent_old$$, '0A000',
	'the schema of extension prevent must stay named prevent', '3. the extension''s schema cannot be renamed');
SELECT ok(NOT has_schema_privilege('public', 'prevent', 'CREATE'), '3. PUBLIC cannot create in schema prevent');
SELECT is((SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'prevent'::regnamespace
			AND c.relowner <> (SELECT relowner FROM pg_class WHERE oid = 'prevent.alert'::regclass)), 0::bigint,
	'3. every relation in schema prevent has the extension''s owner');

------------------------------------------------------------------------------
-- 4. a role without any prevent rights keeps its DDL: every object kind
------------------------------------------------------------------------------
CREATE SCHEMA regress_ddl_schema AUTHORIZATION regress_ddl;
SET ROLE regress_ddl;
SET search_path = regress_ddl_schema, public;
SELECT lives_ok($$CREATE TABLE t (id int PRIMARY KEY, v text)$$, '4. CREATE TABLE');
SELECT lives_ok($$ALTER TABLE t ADD COLUMN w int, ALTER COLUMN v TYPE varchar(20); ALTER TABLE t RENAME COLUMN w TO x$$, '4. ALTER TABLE');
SELECT lives_ok($$CREATE INDEX t_v_idx ON t (v); ALTER INDEX t_v_idx RENAME TO t_v_idx2; DROP INDEX t_v_idx2$$, '4. index: create, alter, drop');
SELECT lives_ok($$CREATE VIEW v AS SELECT * FROM t; ALTER VIEW v RENAME TO v2; DROP VIEW v2$$, '4. view: create, alter, drop');
SELECT lives_ok($$CREATE SEQUENCE s; ALTER SEQUENCE s RESTART 5; DROP SEQUENCE s$$, '4. sequence: create, alter, drop');
SELECT lives_ok($$CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; ALTER FUNCTION f() RENAME TO f2; DROP FUNCTION f2()$$,
	'4. function: create, alter, drop');
SELECT lives_ok($$CREATE TYPE ty AS (a int); ALTER TYPE ty ADD ATTRIBUTE b text; DROP TYPE ty$$, '4. type: create, alter, drop');
SELECT lives_ok($$CREATE TEMP TABLE tt (a int); ALTER TABLE tt ADD COLUMN b int; DROP TABLE tt$$, '4. temporary table: create, alter, drop');
SELECT lives_ok($$CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a; DROP MATERIALIZED VIEW mv$$, '4. materialized view');
SELECT lives_ok($$DROP TABLE t$$, '4. DROP TABLE');
RESET search_path;
RESET ROLE;

------------------------------------------------------------------------------
-- 5. column types: only varlena strings are watched, and stay so
------------------------------------------------------------------------------
CREATE TABLE public.typed (id int PRIMARY KEY, n name, c char(20), vc varchar(40), i int, narrative text);
SELECT throws_ok($$SELECT prevent.watch('public.typed', 'n')$$, '42804',
	'column "n" of relation public.typed is of type name, not text', '5. a name column is refused');
SELECT throws_ok($$SELECT prevent.watch('public.typed', 'i')$$, '42804', NULL, '5. an int column is refused');
SELECT lives_ok($$SELECT prevent.watch('public.typed', 'c'); SELECT prevent.unwatch('public.typed')$$, '5. char(n) is watched');
SELECT lives_ok($$SELECT prevent.watch('public.typed', 'vc'); SELECT prevent.unwatch('public.typed')$$, '5. varchar is watched');
SELECT prevent.watch('public.typed', 'narrative');
SELECT throws_ok($$ALTER TABLE public.typed ALTER COLUMN narrative TYPE name$$, '42804',
	'text column "narrative" of public.typed is watched by prevent and cannot become type name', '5. ALTER COLUMN TYPE name is refused');
SELECT throws_ok($$ALTER TABLE public.typed ALTER COLUMN narrative TYPE int USING 0$$, '42804', NULL, '5. ALTER COLUMN TYPE int is refused');
SELECT lives_ok($$ALTER TABLE public.typed ALTER COLUMN narrative TYPE varchar(100)$$, '5. ALTER COLUMN TYPE varchar is allowed');
INSERT INTO public.typed (id, narrative) VALUES (1, '持刀同归于尽');
SELECT is((SELECT count(*) FROM prevent.alert WHERE source = 'public.typed'::regclass), 1::bigint, '5. and the varchar column is watched');
-- with the event trigger disabled (by a superuser), the trigger itself refuses the row
ALTER EVENT TRIGGER prevent_alter_table DISABLE;
ALTER TABLE public.typed ALTER COLUMN narrative TYPE name;
ALTER EVENT TRIGGER prevent_alter_table ENABLE;
SELECT throws_ok($$INSERT INTO public.typed (id, narrative) VALUES (2, '持刀同归于尽')$$, '42804',
	'text column "narrative" of watched table "typed" is of type name, not text', '5. a name column behind the trigger''s back is refused, no crash');

------------------------------------------------------------------------------
-- 6. least privilege: read and act memberships, role names, dropped roles
------------------------------------------------------------------------------
SELECT ok(has_table_privilege('regress_bi', 'prevent.closure_rate', 'SELECT'), '6. a read member reads the views');
SELECT ok(NOT has_function_privilege('regress_bi', 'prevent.accept(bigint, text, timestamptz)', 'EXECUTE')
	AND NOT has_function_privilege('regress_bi', 'prevent.review(bigint, boolean, text)', 'EXECUTE'),
	'6. a read member of ''*'' cannot review or move orders');
SELECT ok(NOT prevent.may_act('regress_bi', 'A所'), '6. and may not act even if granted EXECUTE');
SELECT ok(prevent.may_act('regress_station', 'A所') AND NOT prevent.may_act('regress_station', 'B所'),
	'6. an acting member acts for its unit only');
SELECT function_privs_are('prevent', 'accept', ARRAY['bigint', 'text', 'timestamp with time zone'], 'regress_station',
	ARRAY['EXECUTE'], '6. an acting member may call accept');
SELECT function_privs_are('prevent', 'accept', ARRAY['bigint', 'text', 'timestamp with time zone'], 'regress_bi',
	ARRAY[]::text[], '6. a read member may not');
SELECT throws_ok($$SELECT prevent.add_member('regress_bi', 'A所', 'write')$$, '22023', NULL, '6. an unknown access is refused');
-- a role whose name needs quotes, and one literally named with the quotes
CREATE ROLE "Regress Mixed";
CREATE ROLE """Regress Mixed""";
SELECT lives_ok($$SELECT prevent.add_member('"Regress Mixed"', 'A所', 'read')$$, '6. a role whose name needs quotes is added');
-- (has_table_privilege takes a role's name as it is, not as an identifier)
SELECT ok(has_table_privilege('Regress Mixed', 'prevent.alert', 'SELECT'), '6. and receives the grants');
SELECT ok(NOT has_table_privilege('"Regress Mixed"', 'prevent.alert', 'SELECT'), '6. a role named with the quotes receives nothing');
-- remove_member takes back what no membership needs
SELECT prevent.remove_member('"Regress Mixed"', 'A所');
SELECT ok(NOT has_table_privilege('Regress Mixed', 'prevent.alert', 'SELECT'), '6. remove_member revokes the grants');
-- a dropped role's membership does not pass to a new role of the same name
CREATE ROLE regress_gone;
SELECT prevent.add_member('regress_gone', 'A所', 'act');
DROP OWNED BY regress_gone;
DROP ROLE regress_gone;
CREATE ROLE regress_gone;
SELECT ok(NOT prevent.may_act('regress_gone', 'A所'), '6. a new role with a dropped member''s name may not act');
SET ROLE regress_gone;
SELECT is((SELECT count(*) FROM prevent.my_units()), 0::bigint, '6. and sees no unit');
RESET ROLE;
-- a membership follows its role through a rename
ALTER ROLE regress_station RENAME TO regress_station2;
SELECT ok(prevent.may_act('regress_station2', 'A所'), '6. a renamed role keeps its membership');
ALTER ROLE regress_station2 RENAME TO regress_station;

------------------------------------------------------------------------------
-- 7. locks: prevent's are rows no other role can lock, and a COPY naming
--    20,000 parties does not run the lock table out (blocking: specs/lock_abuse.spec)
------------------------------------------------------------------------------
-- even with SELECT on them (which PUBLIC does not have), locking their rows needs UPDATE
GRANT SELECT ON prevent._party_lock, prevent._job_lock TO regress_attacker;
SET ROLE regress_attacker;
SELECT throws_ok($$SELECT FROM prevent._party_lock FOR UPDATE$$, '42501', NULL, '7. no role can take a party lock');
SELECT throws_ok($$SELECT FROM prevent._job_lock FOR UPDATE$$, '42501', NULL, '7. no role can take a job lock');
SELECT lives_ok($$INSERT INTO public.incident (station, caller_phone, narrative)
	SELECT 'C所', (13900000000 + g)::text, '持刀纠纷' FROM generate_series(1, 20000) g$$,
	'7. one statement raising alerts for 20,000 distinct parties succeeds');
RESET ROLE;
SELECT is((SELECT count(*) FROM prevent.alert WHERE unit = 'C所'), 20000::bigint, '7. and wrote every alert');
SELECT is((SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'), 0::bigint,
	'7. holding no advisory lock');

------------------------------------------------------------------------------
-- 9. smaller findings
------------------------------------------------------------------------------
SELECT min(id) AS c_order FROM prevent.work_order WHERE unit = 'C所' \gset
SET ROLE regress_station;
SELECT throws_ok('SELECT prevent.accept(' || :c_order || ')', '42501',
	'role "regress_station" may not act on work order ' || :c_order,
	'9. refusing an order of another unit does not reveal its unit');
RESET ROLE;
SELECT throws_ok($$UPDATE prevent.level_policy SET tiers = '{1,1}' WHERE level = 'high'$$, '23514', NULL,
	'9. a tier given twice in a level policy is refused');
SELECT throws_ok($$UPDATE prevent.level_policy SET tiers = '{1,NULL}' WHERE level = 'high'$$, '23514', NULL,
	'9. a NULL tier is refused');
CREATE TEMP TABLE temp_incident (id int PRIMARY KEY, narrative text);
SELECT throws_ok($$SELECT prevent.watch('temp_incident', 'narrative')$$, '42809', NULL, '9. a temporary table cannot be watched');
-- the event log names the person who logged in, and the role acted as
SET SESSION AUTHORIZATION regress_officer;
SET ROLE regress_station;
SELECT (prevent.accept(id)).status FROM prevent.work_order WHERE unit = 'A所' AND status = 'issued' ORDER BY id LIMIT 1;
RESET ROLE;
RESET SESSION AUTHORIZATION;
SELECT is((SELECT actor::text || ' as ' || acting_role::text FROM prevent.event WHERE action = 'accept' ORDER BY id DESC LIMIT 1),
	'regress_officer as regress_station', '9. after SET ROLE, the event log names the login and the role acted as');

-- the README's lexicon administrator: table grants only, no superuser
CREATE ROLE regress_lexicon_admin;
GRANT INSERT, UPDATE, DELETE ON prevent.keyword, prevent.negation, prevent.proximity, prevent.combination,
	prevent.category, prevent.risk_threshold, prevent.setting, prevent.level_policy TO regress_lexicon_admin;
SET ROLE regress_lexicon_admin;
SELECT lives_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('扬言报复', 'threat', 40);
	UPDATE prevent.setting SET value = 'UTC' WHERE name = 'report_time_zone';
	UPDATE prevent.level_policy SET tiers = '{1,2}' WHERE level = 'high';
	INSERT INTO prevent.combination (categories, level) VALUES ('{debt,threat}', 'high')$$,
	'the README''s lexicon administrator edits terms, settings and policies');
RESET ROLE;
SELECT is(prevent.score('扬言报复'), 40, 'and the new term counts at once');

------------------------------------------------------------------------------
-- every function: who may run it, whose rights it runs with, its search_path
------------------------------------------------------------------------------
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ' ORDER BY p.oid::regprocedure::text COLLATE "C") COLLATE "C" FROM pg_proc p
			WHERE p.pronamespace = 'prevent'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE')),
	'prevent."normalize"(text), prevent._is_text_type(regtype), prevent.assess(text), prevent.assess(text[]), '
	'prevent.check_category(text), '
	'prevent.check_term(text,text), prevent.check_weight(text,integer), prevent.contains(text,text), '
	'prevent.contains_any(text,text[]), '
	'prevent.deadline_missed(text,timestamp with time zone,timestamp with time zone,timestamp with time zone), '
	'prevent.explain(text), prevent.explain(text[]), '
	'prevent.highlight(text,text,text), prevent.highlight(text[],text,text), prevent.level(integer), '
	'prevent.lexicon_report(text,prevent.risk_level,prevent.risk_level), '
	'prevent.lexicon_report_records(text,prevent.risk_level,prevent.risk_level), '
	'prevent.lexicon_report_terms(text,prevent.risk_level), prevent.match(text), '
	'prevent.max_term_length(), prevent.max_window(), '
	'prevent.may_act(name,text), prevent.my_units(), '
	'prevent.order_breaches(prevent.work_order,timestamp with time zone), prevent.order_is_open(text), '
	'prevent.order_overdue(prevent.work_order,timestamp with time zone), '
	'prevent.parties(text,text[]), prevent.rate(bigint,bigint), '
	'prevent.report_time_zone(), prevent.resident_id_valid(text), prevent.score(text), prevent.score(text[]), '
	'prevent.setting_int(text,integer), '
	'prevent.terms(text), prevent.version()',
	'PUBLIC may run the read-only API and nothing else');
SELECT is((SELECT string_agg(p.proname, ', ' ORDER BY p.proname) FROM pg_proc p
			WHERE p.pronamespace = 'prevent'::regnamespace AND p.prosecdef),
	'_alert_removed, _alert_stats, _on_alter_schema, _on_alter_table, _on_sql_drop, _rebuild_order_stats, _stats_config_changed, _work_order_stats, escalate_overdue, refresh_stats',
	'the SECURITY DEFINER functions are exactly these');
SELECT is_definer('prevent', '_on_sql_drop', '{}'::name[], 'event trigger functions run as the owner');
SELECT isnt_definer('prevent', 'watch', ARRAY['regclass', 'name', 'name', 'name', 'name[]', 'name', 'prevent.risk_level', 'interval', 'integer', 'name[]'],
	'watch() runs as its caller');
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
			WHERE p.pronamespace = 'prevent'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
			  AND p.prosqlbody IS NULL
			  AND NOT coalesce(p.proconfig @> '{"search_path=pg_catalog, pg_temp"}', false)
			  -- a procedure that commits cannot have SET clauses: backfill() only loops over the pinned
			  -- prevent._backfill_step(), with its operators qualified (checked below)
			  AND p.oid <> 'prevent.backfill(regclass,timestamptz,int)'::regprocedure), NULL,
	'every SQL and PL/pgSQL function pins search_path or has a body bound at creation');
SELECT is((SELECT pg_catalog.regexp_replace(p.prosrc, '''[^'']*''|OPERATOR\(pg_catalog\.[^)]+\)|:=', '', 'g') ~ '[=<>+*/|%~!@#^&-]'
			 FROM pg_proc p WHERE p.oid = 'prevent.backfill(regclass,timestamptz,int)'::regprocedure), false,
	'prevent.backfill() (no SET clause: it commits) uses no operator the caller''s search_path could resolve');
SELECT is((SELECT string_agg(c.relname || ':' || a.privilege_type, ', ' ORDER BY c.relname) FROM pg_class c, aclexplode(c.relacl) a
			WHERE c.relnamespace = 'prevent'::regnamespace AND a.grantee = 0 AND a.privilege_type <> 'SELECT'), NULL,
	'PUBLIC may write to nothing in schema prevent');

SELECT * FROM finish();
ROLLBACK;
