#!/usr/bin/env bash
# TAP: nothing in prevent depends on the caller's search_path, or on objects
# other roles create.
#
# An unprivileged role, regress_attacker, with CREATE on schema public plants
# traps: operators in public for every operator symbol over many type pairs
# (inexact pairs, which beat pg_catalog's operators whatever the path order,
# and exact ones, which win when public comes before pg_catalog), functions
# and aggregates in public shadowing pg_catalog ones, domains in public named
# like built-in types, and, in the session that then calls prevent, domains in
# pg_temp named like built-in types (pg_temp is searched first for types).
# A trap that runs records itself (a WARNING, and a row in public.trap_log,
# which everyone may insert into) and tries ALTER ROLE regress_attacker
# SUPERUSER.  Then every entry point runs: inserts (single, multi-row, COPY,
# row mode, partitioned) into watched tables, every view, every function of
# schema prevent (lifecycle, internal, matching, membership, watch/unwatch),
# the &~ / &~| operators and the GIN operator class, lexicon edits (their
# triggers), DDL on watched tables (event triggers) — as the superuser with
# search_path 'public, pg_catalog', 'public', and 'public' plus pg_temp
# domains; as regress_attacker (its own session, its pg_temp domains) where it
# has rights; and as regress_victim, a unit member with the default path.
#
# One test per scenario and entry-point group: it fails when the group
# errors, when a trap ran as any role other than regress_attacker itself (a
# trap running as the attacker in its own session is its own code and is only
# noted), or when regress_attacker became superuser (it is reset after each
# group).  Then: every prevent function was exercised, and regress_attacker
# never became superuser.
#
# Runs against the server in PGHOST/PGPORT as a superuser; creates and drops
# its own database and the roles regress_attacker, regress_victim and
# regress_member.
set -uo pipefail

db=prevent_spa_$$_$RANDOM
su=$(psql -X -At -d postgres -c "SELECT current_user" 2>/dev/null) || { echo "Bail out! cannot connect to the server"; exit 1; }
ATT=regress_attacker
VIC=regress_victim
MEM=regress_member
work=$(mktemp -d)
escalated_ever=
unset PGOPTIONS

cleanup() {
	dropdb --if-exists "$db" >/dev/null 2>&1
	for r in "$ATT" "$VIC" "$MEM"; do
		psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
	done
	rm -rf "$work"
}
trap cleanup EXIT

bail() { echo "Bail out! $*"; [ -f "$work/err" ] && sed 's/^/# /' "$work/err"; exit 1; }

# a query as the superuser with a safe search_path (the harness's own bookkeeping)
sq() { PGOPTIONS='-c search_path=pg_catalog,pg_temp' psql -X -q -v ON_ERROR_STOP=1 -At -d "$db" "$@" 2>"$work/err"; }
# the same, as another role
sq_as() { local role=$1; shift; PGOPTIONS='-c search_path=pg_catalog,pg_temp' psql -X -q -v ON_ERROR_STOP=1 -At -U "$role" -d "$db" "$@" 2>"$work/err"; }

# ---------------------------------------------------------------------------
# set-up
# ---------------------------------------------------------------------------
for r in "$ATT" "$VIC" "$MEM"; do
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>"$work/err" || bail "role $r exists and cannot be dropped"
done
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $ATT LOGIN" -c "CREATE ROLE $VIC LOGIN" -c "CREATE ROLE $MEM NOLOGIN" \
	>/dev/null 2>"$work/err" || bail "cannot create roles"
createdb -E UTF8 -T template0 "$db" 2>"$work/err" || bail "createdb failed"

scenarios="A B C D E F"
sq <<SQL >/dev/null || bail "set-up failed"
CREATE EXTENSION prevent;
GRANT CREATE ON SCHEMA public TO $ATT;
CREATE TABLE public.trap_log (
	logged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	step text, tag text, cur name, ses name, ctx text);
GRANT INSERT ON public.trap_log TO PUBLIC;

CREATE TABLE public.incident (jjbh text PRIMARY KEY, station text, caller text, narrative text,
	reported_at timestamptz NOT NULL DEFAULT now());
SELECT prevent.watch('public.incident', 'narrative', unit_column => 'station', party_columns => '{caller}',
	occurred_column => 'reported_at');
CREATE INDEX incident_narrative_gin ON public.incident USING gin (narrative prevent.gin_ops);
GRANT INSERT ON public.incident TO $ATT, $VIC;

-- watch_mode row, on an ordinary table
UPDATE prevent.setting SET value = 'row' WHERE name = 'watch_mode';
CREATE TABLE public.t_row (jjbh text PRIMARY KEY, station text, caller text, narrative text);
SELECT prevent.watch('public.t_row', 'narrative', unit_column => 'station', party_columns => '{caller}');
UPDATE prevent.setting SET value = 'batch' WHERE name = 'watch_mode';
-- a partitioned table (row mode, registration found through the parent)
CREATE TABLE public.t_part (jjbh text PRIMARY KEY, station text, caller text, narrative text) PARTITION BY HASH (jjbh);
CREATE TABLE public.t_part_0 PARTITION OF public.t_part FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.t_part_1 PARTITION OF public.t_part FOR VALUES WITH (MODULUS 2, REMAINDER 1);
SELECT prevent.watch('public.t_part', 'narrative', unit_column => 'station', party_columns => '{caller}');
-- tables for watch()/unwatch() in each superuser scenario
CREATE TABLE public.t2_a (jjbh text PRIMARY KEY, station text, caller text, narrative text, reported_at timestamptz);
CREATE TABLE public.t2_b (LIKE public.t2_a INCLUDING ALL);
CREATE TABLE public.t2_c (LIKE public.t2_a INCLUDING ALL);

SQL
# add_member(member, unit[, access]): members act (review, lifecycle) where the build distinguishes access
has_access=$(sq -c "SELECT count(*) FROM pg_proc WHERE proname = 'add_member' AND pronamespace = 'prevent'::regnamespace AND pronargs = 3") ||
	bail "looking up add_member"
act=""; [ "$has_access" -gt 0 ] && act=", 'act'"
sq -c "SELECT prevent.add_member('$ATT', 'U_D'$act)" -c "SELECT prevent.add_member('$ATT', 'U_F'$act)" \
	-c "SELECT prevent.add_member('$VIC', 'U_E'$act)" >/dev/null || bail "add_member"

# the attacker's own tables, one of them watched (by the superuser: watch() is not PUBLIC)
sq_as "$ATT" <<SQL >/dev/null || bail "attacker's tables"
CREATE TABLE public.att_own (jjbh pg_catalog.text PRIMARY KEY, station pg_catalog.text, narrative pg_catalog.text);
SQL
sq -c "SELECT prevent.watch('public.att_own', 'narrative', unit_column => 'station')" >/dev/null || bail "watch att_own"

# seed: per scenario 4 pending alerts (low) and 3 issued orders (critical)
seed=""
for s in $scenarios; do
	for i in 1 2 3 4; do seed+="('$s-p$i', 'U_$s', NULL, '邻里纠纷'),"; done
	for i in 1 2 3; do seed+="('$s-c$i', 'U_$s', NULL, '嫌疑人持刀扬言要同归于尽'),"; done
done
sq -c "INSERT INTO public.incident (jjbh, station, caller, narrative) VALUES ${seed%,}" >/dev/null || bail "seeding"
declare -A AL OR
while IFS='|' read -r key aid oid; do
	AL[$key]=$aid; OR[$key]=$oid
done < <(sq -c "SELECT a.source_key, a.id, coalesce(w.id, 0) FROM prevent.alert a
				LEFT JOIN prevent.work_order w ON w.alert_id = a.id AND w.unit = a.unit
			   WHERE a.source = 'public.incident'::regclass")
for s in $scenarios; do
	for i in 1 2 3 4; do
		[ -n "${AL[$s-p$i]:-}" ] && [ "${OR[$s-p$i]}" = 0 ] || bail "seed alert $s-p$i is not a pending alert without order"
	done
	for i in 1 2 3; do [ "${OR[$s-c$i]:-0}" != 0 ] || bail "seed incident $s-c$i issued no work order"; done
done

# ---------------------------------------------------------------------------
# the traps (planted by regress_attacker)
# ---------------------------------------------------------------------------
sq_as "$ATT" <<'SQL' >/dev/null || bail "planting the traps failed"
SET client_min_messages = warning;
SET search_path = pg_catalog, public;

CREATE FUNCTION public.trap_fire(tag pg_catalog.text) RETURNS pg_catalog.bool
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $f$
DECLARE
	stack text;
	via text;
	once text := 'audit.f' || md5(tag || current_user);
BEGIN
	-- once per session, trap and role (a trap may run once per row)
	IF current_setting(once, true) IS NOT NULL AND current_setting(once, true) <> '' THEN
		RETURN true;
	END IF;
	PERFORM set_config(once, '1', false);
	GET DIAGNOSTICS stack = PG_CONTEXT;
	SELECT string_agg(l, ' <- ') INTO via
	  FROM regexp_split_to_table(stack, E'\n') l WHERE l !~ 'trap_';
	via := left(coalesce(via, ''), 400);
	RAISE WARNING 'TRAP_FIRED[%|%|%|%]', tag, current_user, session_user, via;
	BEGIN
		INSERT INTO public.trap_log (step, tag, cur, ses, ctx)
		VALUES (current_setting('audit.step', true), tag, current_user, session_user, via);
	EXCEPTION WHEN OTHERS THEN NULL;
	END;
	BEGIN
		EXECUTE 'ALTER ROLE regress_attacker SUPERUSER';
	EXCEPTION WHEN OTHERS THEN NULL;
	END;
	RETURN true;
END
$f$;
GRANT EXECUTE ON FUNCTION public.trap_fire(text) TO PUBLIC;

-- operators: every symbol over every pair pg_catalog can resolve
DO $gen$
DECLARE
	ops text[] := ARRAY['=', '<>', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '^', '||', '@>', '<@', '&&',
						'~', '~*', '!~', '!~*', '~~', '!~~', '~~*', '!~~*', '#', '&', '|', '<<', '>>'];
	pairs text[] := ARRAY[
		'text;text', 'text;name', 'name;text', 'name;name', 'text;unknown', 'name;unknown',
		'character varying;text', 'text;character varying', 'text;"char"', '"char";text', '"char";"char"',
		'oid;oid', 'regclass;oid', 'oid;regclass', 'regclass;regclass', 'regtype;regtype', 'regtype;oid',
		'oid;regtype', 'regrole;oid', 'oid;regrole', 'regnamespace;oid', 'oid;regnamespace', 'regproc;oid',
		'bigint;bigint', 'integer;integer', 'smallint;smallint', 'bigint;integer', 'integer;bigint',
		'smallint;integer', 'integer;smallint', 'smallint;bigint', 'bigint;smallint',
		'numeric;numeric', 'numeric;bigint', 'bigint;numeric', 'numeric;integer', 'integer;numeric',
		'numeric;smallint', 'smallint;numeric', 'numeric;double precision', 'double precision;numeric',
		'double precision;bigint', 'bigint;double precision', 'double precision;integer',
		'timestamp with time zone;timestamp with time zone', 'timestamp with time zone;timestamp without time zone',
		'timestamp without time zone;timestamp with time zone', 'timestamp with time zone;date',
		'date;timestamp with time zone', 'timestamp with time zone;interval', 'timestamp without time zone;interval',
		'interval;interval', 'date;date', 'date;interval', 'date;integer', 'interval;timestamp with time zone',
		'interval;double precision', 'interval;numeric', 'interval;bigint', 'interval;integer',
		'boolean;boolean', 'bytea;bytea', 'jsonb;jsonb', 'jsonb;text',
		'text[];text[]', 'name[];name[]', 'smallint[];smallint[]', 'integer[];integer[]', 'bigint[];bigint[]',
		'interval[];interval[]', 'text[];text', 'text;text[]', 'name[];name', 'name;name[]',
		'smallint[];smallint', 'smallint[];integer[]', 'integer[];smallint[]', 'bigint[];bigint',
		'prevent.risk_level;prevent.risk_level', 'prevent.risk_level;text', 'text;prevent.risk_level',
		'prevent.risk_level[];prevent.risk_level[]', 'prevent.risk_level[];prevent.risk_level'];
	op text; pr text; l text; r text; res text; n int := 0;
BEGIN
	FOREACH pr IN ARRAY pairs LOOP
		l := split_part(pr, ';', 1);
		r := split_part(pr, ';', 2);
		FOREACH op IN ARRAY ops LOOP
			BEGIN
				EXECUTE format('SELECT pg_catalog.format_type(pg_catalog.pg_typeof(NULL::%s OPERATOR(pg_catalog.%s) NULL::%s)::pg_catalog.oid, NULL)',
							   l, op, r) INTO res;
			EXCEPTION WHEN OTHERS THEN
				CONTINUE;
			END;
			n := n + 1;
			BEGIN
				EXECUTE format($c$CREATE FUNCTION public.trap_op_%s(%s, %s) RETURNS %s LANGUAGE plpgsql
								 SET search_path = pg_catalog, pg_temp
								 AS $b$BEGIN PERFORM public.trap_fire(%L); RETURN $1 OPERATOR(pg_catalog.%s) $2; END$b$$c$,
							   n, l, r, res, format('operator public.%s (%s, %s)', op, l, r), op);
				EXECUTE format('CREATE OPERATOR public.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = public.trap_op_%s)', op, l, r, n);
			EXCEPTION WHEN OTHERS THEN
				NULL;	-- e.g. a plpgsql function cannot take unknown
			END;
		END LOOP;
	END LOOP;
END
$gen$;

-- functions shadowing pg_catalog ones (name | arguments | result | the real call)
DO $gen$
DECLARE
	fns text[] := ARRAY[
		'now||timestamp with time zone|pg_catalog.now()',
		'nextval|regclass|bigint|pg_catalog.nextval($1)',
		'nextval|text|bigint|pg_catalog.nextval($1::pg_catalog.regclass)',
		'lower|character varying|text|pg_catalog.lower($1::pg_catalog.text)',
		'upper|character varying|text|pg_catalog.upper($1::pg_catalog.text)',
		'lower|name|text|pg_catalog.lower($1::pg_catalog.text)',
		'btrim|character varying|text|pg_catalog.btrim($1::pg_catalog.text)',
		'btrim|name|text|pg_catalog.btrim($1::pg_catalog.text)',
		'length|name|integer|pg_catalog.length($1::pg_catalog.text)',
		'length|character varying|integer|pg_catalog.length($1::pg_catalog.text)',
		'left|name,integer|text|pg_catalog.left($1::pg_catalog.text, $2)',
		'replace|name,text,text|text|pg_catalog.replace($1::pg_catalog.text, $2, $3)',
		'unnest|text[]|SETOF text|pg_catalog.unnest($1)',
		'unnest|name[]|SETOF name|pg_catalog.unnest($1)',
		'unnest|smallint[]|SETOF smallint|pg_catalog.unnest($1)',
		'unnest|integer[]|SETOF integer|pg_catalog.unnest($1)',
		'array_position|text[],text|integer|pg_catalog.array_position($1, $2)',
		'array_position|name[],name|integer|pg_catalog.array_position($1, $2)',
		'array_replace|name[],name,name|name[]|pg_catalog.array_replace($1, $2, $3)',
		'array_append|interval[],interval|interval[]|pg_catalog.array_append($1, $2)',
		'array_length|text[],integer|integer|pg_catalog.array_length($1, $2)',
		'cardinality|text[]|integer|pg_catalog.cardinality($1)',
		'cardinality|name[]|integer|pg_catalog.cardinality($1)',
		'width_bucket|interval,interval[]|integer|pg_catalog.width_bucket($1, $2)',
		'generate_series|integer,bigint|SETOF bigint|pg_catalog.generate_series($1::pg_catalog.int8, $2)',
		'generate_series|integer,integer|SETOF integer|pg_catalog.generate_series($1, $2)',
		'pg_has_role|name,name,text|boolean|pg_catalog.pg_has_role($1, $2, $3)',
		'has_table_privilege|name,text,text|boolean|pg_catalog.has_table_privilege($1, $2, $3)',
		'current_setting|text|text|pg_catalog.current_setting($1)',
		'current_setting|text,boolean|text|pg_catalog.current_setting($1, $2)',
		'set_config|text,text,boolean|text|pg_catalog.set_config($1, $2, $3)',
		'hashtext|text|integer|pg_catalog.hashtext($1)',
		'hashtextextended|text,bigint|bigint|pg_catalog.hashtextextended($1, $2)',
		'hashtextextended|text,integer|bigint|pg_catalog.hashtextextended($1, $2)',
		'pg_advisory_xact_lock|bigint|void|pg_catalog.pg_advisory_xact_lock($1)',
		'pg_try_advisory_xact_lock|bigint|boolean|pg_catalog.pg_try_advisory_xact_lock($1)',
		'date_trunc|text,timestamp with time zone|timestamp with time zone|pg_catalog.date_trunc($1, $2)',
		'date_trunc|text,timestamp without time zone|timestamp without time zone|pg_catalog.date_trunc($1, $2)',
		'timezone|text,timestamp with time zone|timestamp without time zone|pg_catalog.timezone($1, $2)',
		'round|numeric,integer|numeric|pg_catalog.round($1, $2)',
		'round|numeric|numeric|pg_catalog.round($1)',
		'format|text,text|text|pg_catalog.format($1, $2)',
		'format|text,name|text|pg_catalog.format($1, $2)',
		'format|text,regclass|text|pg_catalog.format($1, $2)',
		'format|text,text,text|text|pg_catalog.format($1, $2, $3)',
		'quote_ident|name|text|pg_catalog.quote_ident($1::pg_catalog.text)',
		'regexp_split_to_table|text,text|SETOF text|pg_catalog.regexp_split_to_table($1, $2)',
		'string_to_array|text,text|text[]|pg_catalog.string_to_array($1, $2)',
		'array_to_string|text[],text|text|pg_catalog.array_to_string($1, $2)',
		'to_regclass|text|regclass|pg_catalog.to_regclass($1)',
		'clock_timestamp||timestamp with time zone|pg_catalog.clock_timestamp()',
		'statement_timestamp||timestamp with time zone|pg_catalog.statement_timestamp()',
		'getdatabaseencoding||name|pg_catalog.getdatabaseencoding()',
		'abs|bigint|bigint|pg_catalog.abs($1)'];
	f text; nm text; args text; ret text; body text; n int := 0;
BEGIN
	FOREACH f IN ARRAY fns LOOP
		nm := split_part(f, '|', 1); args := split_part(f, '|', 2);
		ret := split_part(f, '|', 3); body := split_part(f, '|', 4);
		n := n + 1;
		BEGIN
			EXECUTE format($c$CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE plpgsql
							 SET search_path = pg_catalog, pg_temp
							 AS $b$BEGIN PERFORM public.trap_fire(%L); %s; END$b$$c$,
						   nm, args, ret, format('function public.%s(%s)', nm, args),
						   CASE WHEN ret LIKE 'SETOF %' THEN 'RETURN QUERY SELECT ' || body
								WHEN ret = 'void' THEN 'PERFORM ' || body
								ELSE 'RETURN ' || body END);
		EXCEPTION WHEN OTHERS THEN
			RAISE WARNING 'trap function %(%) not created: %', nm, args, SQLERRM;
		END;
	END LOOP;
END
$gen$;

-- aggregates shadowing pg_catalog ones
CREATE FUNCTION public.trap_sf_interval(s interval[], v interval) RETURNS interval[] LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$BEGIN PERFORM public.trap_fire('aggregate public.array_agg(interval)'); RETURN array_append(s, v); END$$;
CREATE AGGREGATE public.array_agg(interval) (SFUNC = public.trap_sf_interval, STYPE = interval[]);
CREATE FUNCTION public.trap_sf_text(s text[], v text) RETURNS text[] LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$BEGIN PERFORM public.trap_fire('aggregate public.array_agg(text)'); RETURN array_append(s, v); END$$;
CREATE AGGREGATE public.array_agg(text) (SFUNC = public.trap_sf_text, STYPE = text[]);
CREATE FUNCTION public.trap_sf_name(s name[], v name) RETURNS name[] LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$BEGIN PERFORM public.trap_fire('aggregate public.array_agg(name)'); RETURN array_append(s, v); END$$;
CREATE AGGREGATE public.array_agg(name) (SFUNC = public.trap_sf_name, STYPE = name[]);
CREATE FUNCTION public.trap_sf_sagg(s text, v name, d text) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$BEGIN PERFORM public.trap_fire('aggregate public.string_agg(name, text)'); RETURN CASE WHEN s IS NULL THEN v::text ELSE s || d || v::text END; END$$;
CREATE AGGREGATE public.string_agg(name, text) (SFUNC = public.trap_sf_sagg, STYPE = text);
CREATE FUNCTION public.trap_sf_count(s bigint) RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$BEGIN PERFORM public.trap_fire('aggregate public.count(*)'); RETURN s + 1; END$$;
CREATE AGGREGATE public.count(*) (SFUNC = public.trap_sf_count, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION public.trap_sf_sum(s numeric, v bigint) RETURNS numeric LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$BEGIN PERFORM public.trap_fire('aggregate public.sum(bigint)'); RETURN coalesce(s, 0) + v; END$$;
CREATE AGGREGATE public.sum(bigint) (SFUNC = public.trap_sf_sum, STYPE = numeric);
CREATE FUNCTION public.trap_sf_min(s bigint, v bigint) RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$BEGIN PERFORM public.trap_fire('aggregate public.min(bigint)'); RETURN least(s, v); END$$;
CREATE AGGREGATE public.min(bigint) (SFUNC = public.trap_sf_min, STYPE = bigint);
CREATE FUNCTION public.trap_sf_max(s timestamptz, v timestamptz) RETURNS timestamptz LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$BEGIN PERFORM public.trap_fire('aggregate public.max(timestamptz)'); RETURN greatest(s, v); END$$;
CREATE AGGREGATE public.max(timestamptz) (SFUNC = public.trap_sf_max, STYPE = timestamptz);

-- domains in public named like built-in types (found first when public precedes pg_catalog)
DO $gen$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['text', 'name', 'date', 'regclass', 'regtype', 'regrole', 'oid', 'int2', 'int4', 'int8',
							 'bool', 'timestamptz', 'timestamp', 'interval', 'numeric', 'varchar', 'float8', 'jsonb'] LOOP
		EXECUTE format('CREATE DOMAIN public.%I AS pg_catalog.%I CHECK (public.trap_fire(%L))', t, t, 'domain public.' || t);
	END LOOP;
END
$gen$;
SQL
ntraps=$(sq -c "SELECT count(*) FROM pg_operator WHERE oprnamespace = 'public'::regnamespace") || bail "counting traps"
nfuncs=$(sq -c "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname !~ '^trap_'") || bail "counting traps"
[ "$ntraps" -gt 300 ] || bail "only $ntraps trap operators were created"

# pg_temp domains named like built-in types, planted in the session that then calls prevent
PG_TEMP_TRAPS="SET search_path = pg_catalog, pg_temp;
DO \$pt\$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['text', 'name', 'date', 'regclass', 'regtype', 'regrole', 'oid', 'int2', 'int4', 'int8',
							 'bool', 'timestamptz', 'timestamp', 'interval', 'numeric', 'varchar', 'float8', 'jsonb'] LOOP
		EXECUTE format('CREATE DOMAIN pg_temp.%I AS pg_catalog.%I CHECK (public.trap_fire(%L))', t, t, 'domain pg_temp.' || t);
	END LOOP;
END
\$pt\$;"

fnlist=$(sq -c "SELECT string_agg(DISTINCT proname, ' ') FROM pg_proc WHERE pronamespace = 'prevent'::regnamespace") ||
	bail "listing functions"
has_fn() { [[ " $fnlist " == *" $1 "* ]]; }
views=$(sq -c "SELECT string_agg(format('SELECT * FROM %I.%I;', schemaname, viewname), E'\n' ORDER BY viewname)
			   FROM pg_views WHERE schemaname = 'prevent'") || bail "listing views"
[ -n "$views" ] || bail "no prevent views"

# ---------------------------------------------------------------------------
# entry points
# ---------------------------------------------------------------------------
tab=$'\t'
g_insert_single() {	# $1 scenario, $2 table
	echo "INSERT INTO public.$2 (jjbh, station, narrative) VALUES ('$1-i1', 'U_$1', '报警人称其丈夫持刀威胁要同归于尽');"
	echo "INSERT INTO public.$2 (jjbh, station, narrative) VALUES ('$1-i2', 'U_$1', '对方扬言报复');"
}
g_insert_multi() {	# a repeat party across units: cross-jurisdiction orders
	local s=$1 ph=13800000${2}01 ph2=13800000${2}02
	cat <<SQL
INSERT INTO public.incident (jjbh, station, caller, narrative) VALUES
	('$s-m1', 'U_$s', '$ph', '嫌疑人持刀扬言要同归于尽'),
	('$s-m2', 'U_${s}2', '$ph', '邻里纠纷'),
	('$s-m3', 'U_$s', NULL, '一切正常'),
	('$s-m4', 'U_$s', NULL, '报警人${ph2}称邻居持刀威胁，身份证11010519491231002X');
INSERT INTO public.incident (jjbh, station, caller, narrative) VALUES ('$s-m5', 'U_${s}3', '$ph', '对方扬言报复');
SQL
}
g_copy() {
	local s=$1 ph=13800000${2}01
	echo "COPY public.incident (jjbh, station, caller, narrative) FROM STDIN;"
	echo "$s-k1${tab}U_$s${tab}$ph${tab}嫌疑人持刀扬言要同归于尽"
	echo "$s-k2${tab}U_$s${tab}\\N${tab}今日无事"
	echo "$s-k3${tab}U_${s}4${tab}$ph${tab}甲乙双方因宅基地纠纷争吵"
	echo '\.'
}
g_insert_other() {	# row mode and a partitioned table
	local s=$1 ph=13800000${2}01
	cat <<SQL
INSERT INTO public.t_row (jjbh, station, caller, narrative) VALUES ('$s-r1', 'U_$s', '$ph', '嫌疑人持刀扬言要同归于尽');
INSERT INTO public.t_row (jjbh, station, caller, narrative) VALUES ('$s-r2', 'U_$s', NULL, '邻里纠纷'), ('$s-r3', 'U_${s}2', '$ph', '对方扬言报复');
INSERT INTO public.t_part (jjbh, station, caller, narrative) VALUES ('$s-t1', 'U_$s', '$ph', '嫌疑人持刀扬言要同归于尽'),
	('$s-t2', 'U_$s', NULL, '邻里纠纷'), ('$s-t3', 'U_${s}2', NULL, '男子持刀在街上游荡');
SQL
}
g_views() { echo "$views"; }
g_matching() {	# $2 = 1: also the GIN index on public.incident (superuser)
	cat <<'SQL'
SELECT prevent.normalize('ＫＴＶ門口有人 持-刀 鬥毆');
SELECT * FROM prevent.version();
SELECT * FROM prevent.match('他在微信里揚言要殺 了 她全家，还说要去买汽油');
SELECT (prevent.assess('报警人称其丈夫持刀威胁要同归于尽')).*;
SELECT prevent.score('经走访核实，未发现其有自杀倾向');
SELECT prevent.level(75);
SELECT prevent.highlight('他扬言要杀了人');
SELECT prevent.highlight('他扬言要杀了人', '<b>', '</b>');
SELECT prevent.terms();
SELECT prevent.terms('suicide');
SELECT prevent.resident_id_valid('11010519491231002X');
SELECT prevent.parties('报警人电话+86 138-0000-1111');
SELECT prevent.parties('报警人电话13800001111', '{13900002222}');
SELECT * FROM prevent.my_units();
SELECT prevent.report_time_zone();
SELECT prevent.rate(1, 3), prevent.rate(0, 0);
SELECT prevent.setting_int('repeat_tier', 3);
SELECT prevent.may_act(CURRENT_USER, 'U_A');
SELECT prevent.check_term('term', '测试词');
SELECT prevent.check_category('threat');
SELECT prevent.check_weight('weight', 10);
SELECT prevent.contains('同-归-于-盡', '同归于尽');
SELECT prevent.contains_any('持刀伤人', '{同归于尽,持刀}');
SELECT '同-归-于-盡' OPERATOR(prevent.&~) '同归于尽';
SELECT '持刀伤人' OPERATOR(prevent.&~|) '{同归于尽,持刀}';
SELECT * FROM prevent.explain('他扬言要拿刀，还说家里有炸药，经核实系误会');
SELECT * FROM prevent.explain(ARRAY['报警人称其丈夫持刀', NULL, '民警到场后，男子扬言要杀了她']);
SELECT prevent.highlight(ARRAY['报警人称其丈夫持刀', NULL, '民警到场后，男子扬言要杀了她']);
SELECT prevent.highlight(ARRAY['他扬言要杀了人'], '<b>', '</b>');
SELECT (prevent.assess(ARRAY['网传有人持刀砍人', '经核实系谣言'])).*, prevent.score(ARRAY['他说要杀', '人了']);
SELECT * FROM prevent.lexicon_report('SELECT ''他扬言要拿刀'' AS text, true AS alert, true AS severe, ''g'' AS grp');
SELECT * FROM prevent.lexicon_report_records('SELECT ''家里有炸药'' AS text, true AS alert, true AS severe');
SELECT * FROM prevent.lexicon_report_terms('SELECT ''他扬言要拿刀'' AS text, true AS alert, false AS severe');
SQL
	[ "$2" = 1 ] && cat <<'SQL'
SET enable_seqscan = off;
SELECT jjbh FROM public.incident WHERE narrative OPERATOR(prevent.&~) '同归于尽' LIMIT 1;
SELECT jjbh FROM public.incident WHERE narrative OPERATOR(prevent.&~|) prevent.terms('extreme') LIMIT 1;
SELECT jjbh FROM public.incident WHERE narrative OPERATOR(pg_catalog.~~) '%持刀%' LIMIT 1;
RESET enable_seqscan;
SQL
	return 0
}
g_lifecycle() {	# $2 = 1: also escalate_overdue (superuser)
	local s=$1
	cat <<SQL
SELECT prevent.review(${AL[$s-p1]}, true, '二次研判：需要处置');
SELECT prevent.review(${AL[$s-p2]}, false, '误报');
SELECT prevent.accept(${OR[$s-c1]}, '收到');
SELECT prevent.feedback(${OR[$s-c1]}, '已出警');
SELECT prevent.feedback(${OR[$s-c1]}, '补充：已联系家属');
SELECT prevent.close(${OR[$s-c1]}, true, '已化解');
SELECT prevent.evaluate(${OR[$s-c1]}, 5, '处置及时');
SQL
	[ "$2" = 1 ] && cat <<SQL
SELECT prevent.escalate_overdue();
SELECT prevent.escalate_overdue('2099-01-01 00:00+00');
SQL
	return 0
}
g_internal() {
	local s=$1
	cat <<SQL
SELECT prevent._review(${AL[$s-p3]}, true, 'x', CURRENT_USER);
SELECT prevent._accept(${OR[$s-c2]}, 'x', pg_catalog.now(), CURRENT_USER);
SELECT prevent._feedback(${OR[$s-c2]}, 'x', pg_catalog.now(), CURRENT_USER);
SELECT prevent._close(${OR[$s-c2]}, true, 'x', pg_catalog.now(), CURRENT_USER);
SELECT prevent._evaluate(${OR[$s-c2]}, 4, 'x', pg_catalog.now(), CURRENT_USER);
SELECT prevent._transition(${OR[$s-c3]}, 'accept', pg_catalog.now(), 'x', NULL, NULL, CURRENT_USER);
SELECT prevent._issue(ARRAY[ROW(a.id, a.level, a.unit, a.repeat, 'review', ARRAY['U_${s}9'],
                                ARRAY[ROW('U_${s}8', 'managed_person', NULL, NULL, NULL, NULL)::prevent._recipient,
                                      ROW('U_${s}7', 'category_push', 2, '1 hour', '1 day', '7 days')::prevent._recipient])::prevent._issue_request],
                      CURRENT_USER, pg_catalog.now())
  FROM prevent.alert a WHERE a.id OPERATOR(pg_catalog.=) ${AL[$s-p4]};
SELECT prevent._require_unit(CURRENT_USER, 'U_$s', 'x');
CREATE TABLE public.rls_probe_$s (unit pg_catalog.text);
SELECT prevent._restrict_to_unit('public.rls_probe_$s');
SELECT prevent.max_term_length(), prevent.max_window(), prevent.order_is_open('issued');
SELECT b.* FROM prevent.work_order w, prevent.order_breaches(w, '2099-01-01 00:00+00') b;
SELECT b.* FROM prevent.work_order w, prevent._unescalated_breaches(w, '2099-01-01 00:00+00') b;
SELECT prevent._column_type('public.incident', 'narrative', 'x');
SELECT prevent._feedback_bounds();
SELECT * FROM prevent._order_contribution('U_$s', '2026-01-01 10:00+08', '2026-01-01 12:00+08', '2026-01-02 10:00+08',
	true, 1, 'Asia/Shanghai', '{00:30:00,01:00:00,24:00:00}');
SELECT prevent._counts_nonzero(1, 0, 0, 0, 0, 0);
SELECT prevent._compact_order_stats();
SELECT prevent._rebuild_order_stats();
SELECT prevent.refresh_stats();
SQL
	# functions of some builds only
	has_fn _grant_for_access && echo "SELECT prevent._grant_for_access('$ATT');"
	has_fn _is_text_type && echo "SELECT prevent._is_text_type('pg_catalog.text'), prevent._is_text_type('pg_catalog.int4');"
	has_fn order_overdue && echo "SELECT b.* FROM prevent.work_order w, prevent.order_overdue(w, '2099-01-01 00:00+00') b;"
	has_fn deadline_missed && echo "SELECT prevent.deadline_missed('issued', NULL, '2026-01-01 00:00+00', '2099-01-01 00:00+00');"
	# the Citus deployment mode (src/sql/90_citus.sql): on a single node distribute() refuses, the
	# job and the shard writer do nothing, _on_every_node() and _on_workers() stop at
	# run_command_on_workers()
	if has_fn distribute; then
		cat <<SQL
SELECT prevent.sees_unit('U_$s'), prevent._on_citus_worker(), prevent.link_alerts(), prevent._write_shard('{}', CURRENT_USER),
	prevent._escalate_overdue_cluster(pg_catalog.now());
DO \$x\$ BEGIN PERFORM prevent.distribute(4); EXCEPTION WHEN object_not_in_prerequisite_state THEN NULL; END \$x\$;
DO \$x\$ BEGIN PERFORM prevent._on_every_node('SELECT 1'); EXCEPTION WHEN undefined_function THEN NULL; END \$x\$;
DO \$x\$ BEGIN PERFORM prevent._on_workers('SELECT 1'); EXCEPTION WHEN undefined_function THEN NULL; END \$x\$;
SQL
	fi
	return 0
}
g_history() {	# back-fill of rows inserted before watch(): the procedure, its steps, the progress view
	local s=${1,,}
	cat <<SQL
CREATE TABLE public.hist_$s (id pg_catalog.int8 PRIMARY KEY, station pg_catalog.text, phone pg_catalog.text,
	at pg_catalog.timestamptz, narrative pg_catalog.text);
INSERT INTO public.hist_$s (id, station, phone, at, narrative) VALUES
	(1, 'U_$1', '13900000001', '2026-01-01 10:00+08', '嫌疑人持刀扬言要同归于尽'),
	(2, 'U_$1', '13900000001', '2026-01-02 10:00+08', '该男子再次扬言要同归于尽'),
	(3, 'U_${1}2', '13900000001', '2026-01-03 10:00+08', '邻里纠纷'),
	(4, 'U_$1', '13900000002', '2026-01-04 10:00+08', '男子持刀在街上游荡'),
	(5, 'U_$1', NULL, '2026-01-05 10:00+08', '女子称不想活了');
SELECT prevent.watch('public.hist_$s', 'narrative', unit_column => 'station', party_columns => '{phone}',
	occurred_column => 'at');
CALL prevent.backfill('public.hist_$s', batch => 2);
CALL prevent.backfill('public.hist_$s', since => '2026-01-03 00:00+08', batch => 2);
SELECT * FROM prevent.backfill_progress;
BEGIN;
SELECT prevent._assess_history('public.hist_$s', h) FROM public.hist_$s h;
SELECT prevent._write_history();
SELECT * FROM prevent._backfill_step('public.hist_$s', NULL, 10, true);
COMMIT;
SELECT * FROM prevent._history_source('public.hist_$s', '2026-01-03 00:00+08', false);
SELECT prevent._canonical_party('+86 139-0000-0001', 'party');
SQL
}
g_membership() {
	cat <<SQL
SELECT prevent.add_member('$MEM', 'U_$1');
SELECT prevent.add_member('$MEM', '*'$act);
SQL
	[ -n "$act" ] && echo "SELECT prevent.add_member('$MEM', 'U_$1', 'read');"
	cat <<SQL
SELECT prevent.remove_member('$MEM', 'U_$1');
SELECT prevent.remove_member('$MEM', '*');
SQL
}
g_watch() {
	local t=t2_${1,,}
	cat <<SQL
SELECT prevent.watch('public.$t', 'narrative', unit_column => 'station', party_columns => '{caller}', occurred_column => 'reported_at');
INSERT INTO public.$t (jjbh, station, caller, narrative, reported_at) VALUES ('$1-w1', 'U_$1', '13912345678', '嫌疑人持刀扬言要同归于尽', '2026-01-01 10:00+08');
SELECT * FROM prevent.rescan('public.$t', '{同归于尽,扬言}', '2025-01-01 00:00+08');
SELECT * FROM prevent.rescan('public.$t', '{同归于尽}', write => true);
SELECT prevent._stored_key(pg_catalog.repeat('键', 100));
SELECT prevent.unwatch('public.$t');
SELECT prevent.watch('public.$t', 'narrative', key_column => 'jjbh', alert_level => 'medium', repeat_window => '7 days', repeat_threshold => 3);
INSERT INTO public.$t (jjbh, station, narrative) VALUES ('$1-w2', 'U_$1', '对方扬言报复');
SELECT prevent.unwatch('public.$t');
SELECT prevent.watch('public.$t', text_columns => '{narrative,caller}', unit_column => 'station', occurred_column => 'reported_at');
UPDATE public.$t SET caller = '民警到场，对方持刀' WHERE jjbh OPERATOR(pg_catalog.=) '$1-w2';
UPDATE public.$t SET narrative = '求助开锁', station = 'U_${1}2', reported_at = '2026-01-02 10:00+08' WHERE jjbh OPERATOR(pg_catalog.=) '$1-w1';
SELECT prevent._watch_mode('public.$t');
SELECT prevent._drop_update_triggers('public.$t');
SELECT prevent._watch_update_triggers('public.$t');
DROP TRIGGER prevent_watch ON public.$t;
DROP TRIGGER prevent_watch_flush ON public.$t;
DROP TRIGGER prevent_watch_update ON public.$t;
DROP TRIGGER prevent_watch_update_flush ON public.$t;
SELECT prevent._watch_triggers('public.$t');
SELECT prevent.unwatch('public.$t');
SQL
}
g_lexicon() {
	cat <<'SQL'
INSERT INTO prevent.category (name, label) VALUES ('audit_cat', '审计');
UPDATE prevent.category SET label = '审计二' WHERE name OPERATOR(pg_catalog.=) 'audit_cat';
INSERT INTO prevent.keyword (term, category, weight) VALUES ('审计测试词甲', 'audit_cat', 35);
INSERT INTO prevent.keyword (term, kind) VALUES ('审计无害词组', 'exclude');
UPDATE prevent.keyword SET weight = 36 WHERE term OPERATOR(pg_catalog.=) '审计测试词甲';
INSERT INTO prevent.negation (cue, "window") VALUES ('审计否认', 5);
UPDATE prevent.negation SET "window" = 6 WHERE cue OPERATOR(pg_catalog.=) '审计否认';
INSERT INTO prevent.proximity (term_a, term_b, within, category, weight) VALUES ('审计甲', '审计乙', 8, 'audit_cat', 20);
UPDATE prevent.proximity SET weight = 21 WHERE term_a OPERATOR(pg_catalog.=) '审计甲';
SELECT prevent.score('审计测试词甲，审计甲审计乙');
DELETE FROM prevent.proximity WHERE term_a OPERATOR(pg_catalog.=) '审计甲';
DELETE FROM prevent.negation WHERE cue OPERATOR(pg_catalog.=) '审计否认';
DELETE FROM prevent.keyword WHERE term OPERATOR(pg_catalog.=) ANY ('{审计测试词甲,审计无害词组}');
DELETE FROM prevent.category WHERE name OPERATOR(pg_catalog.=) 'audit_cat';
UPDATE prevent.risk_threshold SET min_score = 11 WHERE level OPERATOR(pg_catalog.=) 'low';
INSERT INTO prevent.risk_threshold (level, min_score, builtin) VALUES ('low', 10, true);
UPDATE prevent.risk_threshold SET min_score = 10 WHERE level OPERATOR(pg_catalog.=) 'low';
INSERT INTO prevent.setting (name, value, builtin) VALUES ('negation_scope', 'occurrence', true);
UPDATE prevent.setting SET value = 'category' WHERE name OPERATOR(pg_catalog.=) 'negation_scope';
UPDATE prevent.setting SET value = 'UTC' WHERE name OPERATOR(pg_catalog.=) 'report_time_zone';
UPDATE prevent.setting SET value = 'Asia/Shanghai' WHERE name OPERATOR(pg_catalog.=) 'report_time_zone';
INSERT INTO prevent.feedback_bucket (upper_bound, label) VALUES ('10 minutes', '<= 10 min');
DELETE FROM prevent.feedback_bucket WHERE label OPERATOR(pg_catalog.=) '<= 10 min';
UPDATE prevent.level_policy SET accept_within = '45 minutes' WHERE level OPERATOR(pg_catalog.=) 'critical';
INSERT INTO prevent.level_policy (level, auto_issue, tiers, accept_within, feedback_within, close_within, builtin)
	VALUES ('critical', true, '{1,2,3}', '30 minutes', '12 hours', '2 days', true);
SELECT prevent.score('报警人称其丈夫持刀威胁要同归于尽');
SQL
}
g_ddl() {	# event triggers: rename, add, drop columns; drop a watched table
	local t=ddl_${1,,}
	cat <<SQL
CREATE TABLE public.$t (id pg_catalog.int8 PRIMARY KEY, station pg_catalog.text, narrative pg_catalog.text, extra pg_catalog.text);
SELECT prevent.watch('public.$t', 'narrative', unit_column => 'station');
INSERT INTO public.$t (id, station, narrative) VALUES (1, 'U_$1', '嫌疑人持刀扬言要同归于尽');
ALTER TABLE public.$t RENAME COLUMN narrative TO narrative2;
INSERT INTO public.$t (id, station, narrative2) VALUES (2, 'U_$1', '嫌疑人持刀扬言要同归于尽');
ALTER TABLE public.$t RENAME COLUMN narrative2 TO narrative;
ALTER TABLE public.$t ADD COLUMN more pg_catalog.text;
ALTER TABLE public.$t DROP COLUMN extra;
ALTER TABLE public.$t ALTER COLUMN more SET DEFAULT 'x';
ALTER TABLE public.$t ALTER COLUMN narrative TYPE pg_catalog.varchar(500);
UPDATE public.$t SET narrative = '经核实系误会' WHERE id OPERATOR(pg_catalog.=) 1;
CREATE INDEX ON public.$t USING gin (narrative prevent.gin_ops);
ALTER TABLE public.t2_${1,,} ADD COLUMN unwatched_extra pg_catalog.int4;
DROP TABLE public.$t;
SQL
}
g_persons() {	# persons of concern: the registry's triggers, the writer raising a row below the
	# alert level, their orders, contacts
	local s=$1 t=pe_${1,,}
	cat <<SQL
INSERT INTO prevent.person (identifier, kind, unit, valid_from) VALUES ('+86 139-0000-${2}${2}01', 'mental', 'U_${s}5', '2026-01-01+08'),
	('1390000${2}${2}02', 'petitioner', 'U_${s}5', '2026-01-01+08');
UPDATE prevent.person SET note = 'x' WHERE identifier OPERATOR(pg_catalog.=) '1390000${2}${2}01';
CREATE TABLE public.$t (id pg_catalog.int8 PRIMARY KEY, station pg_catalog.text, caller pg_catalog.text, narrative pg_catalog.text);
SELECT prevent.watch('public.$t', 'narrative', unit_column => 'station', party_columns => '{caller}', alert_level => 'high');
INSERT INTO public.$t (id, station, caller, narrative) VALUES (1, 'U_$s', '1390000${2}${2}01', '对方扬言报复'), (2, 'U_$s', NULL, '对方扬言报复');
INSERT INTO public.incident (jjbh, station, caller, narrative) VALUES ('$s-p9', 'U_$s', '1390000${2}${2}02', '邻里纠纷');
SELECT prevent.review(a.id, true) FROM prevent.alert a WHERE a.source_key OPERATOR(pg_catalog.=) '$s-p9';
SELECT prevent.record_contact(p.id, '入户走访') FROM prevent.person p WHERE p.unit OPERATOR(pg_catalog.=) 'U_${s}5';
SELECT prevent._record_contact(p.id, '电话回访', NULL, CURRENT_USER) FROM prevent.person p WHERE p.unit OPERATOR(pg_catalog.=) 'U_${s}5';
SELECT prevent._person_recipients(pg_catalog.array_agg(p.id)) FROM prevent.person p;
SELECT * FROM prevent.person_incidents;
SELECT * FROM prevent.person_contact_status;
DROP TABLE public.$t;
SQL
}
g_routing() {	# routing by category: the route table's trigger, the writer and review pushing
	# orders to its recipients, the alert counters and their views
	local s=$1
	cat <<SQL
INSERT INTO prevent.route (category, unit, tier, accept_within, feedback_within, close_within)
	VALUES ('neighbour', 'R_${s}1', 2, '2 hours', '48 hours', '15 days'), ('weapon', 'R_${s}2', NULL, NULL, NULL, NULL);
UPDATE prevent.route SET note = 'x' WHERE unit OPERATOR(pg_catalog.=) 'R_${s}1';
INSERT INTO public.incident (jjbh, station, caller, narrative) VALUES ('$s-r1', 'U_$s', NULL, '男子持刀与邻居纠纷'),
	('$s-r2', 'U_$s', NULL, '邻里纠纷');
SELECT prevent.review(a.id, true) FROM prevent.alert a WHERE a.source_key OPERATOR(pg_catalog.=) '$s-r2';
SELECT prevent._route_recipients(ARRAY['neighbour', 'weapon'], 'high');
SELECT prevent._recipients(ARRAY(SELECT p.id FROM prevent.person p), ARRAY['neighbour', 'weapon'], 'high');
SELECT * FROM prevent.alert_counts;
SELECT * FROM prevent.alert_counts_total;
SELECT prevent._compact_alert_stats();
SELECT prevent._fold_due('prevent.alert_stats_writes', 'alert_stats', 3);
SELECT prevent._rebuild_alert_stats();
SELECT * FROM prevent._alert_contribution('U_$s', pg_catalog.now(), ARRAY['neighbour'], 'low', 1, 'Asia/Shanghai');
DELETE FROM prevent.route WHERE unit OPERATOR(pg_catalog.=) ANY (ARRAY['R_${s}1', 'R_${s}2']);
SQL
}
g_own_table() {	# regress_attacker: its own watched table and DDL on its own tables
	local s=$1
	cat <<SQL
INSERT INTO public.att_own (jjbh, station, narrative) VALUES ('$s-o1', 'U_$s', '嫌疑人持刀扬言要同归于尽');
INSERT INTO public.att_own (jjbh, station, narrative) VALUES ('$s-o2', 'U_$s', '邻里纠纷'), ('$s-o3', 'U_$s', '男子持刀在街上游荡');
SQL
}
g_own_ddl() {
	local s=$1
	cat <<SQL
CREATE TABLE public.att_tmp_${s,,} (id pg_catalog.int8 PRIMARY KEY, narrative pg_catalog.text);
ALTER TABLE public.att_tmp_${s,,} ADD COLUMN c pg_catalog.text;
CREATE INDEX ON public.att_tmp_${s,,} USING gin (narrative prevent.gin_ops);
INSERT INTO public.att_tmp_${s,,} (id, narrative) VALUES (1, '同-归-于-盡');
DROP TABLE public.att_tmp_${s,,};
ALTER TABLE public.att_own ADD COLUMN extra_${s,,} pg_catalog.text;
ALTER TABLE public.att_own RENAME COLUMN narrative TO narrative_${s,,};
INSERT INTO public.att_own (jjbh, station, narrative_${s,,}) VALUES ('$s-o9', 'U_$s', '嫌疑人持刀扬言要同归于尽');
ALTER TABLE public.att_own RENAME COLUMN narrative_${s,,} TO narrative;
ALTER TABLE public.att_own DROP COLUMN extra_${s,,};
SQL
}

# steps: "scenario|role|group|args"
steps=()
for s in A B C; do
	n=$(( $(printf '%d' "'$s") - 64 ))
	steps+=("$s|$su|insert_single|incident" "$s|$su|insert_multi|$n" "$s|$su|copy|$n" "$s|$su|insert_other|$n"
			"$s|$su|views|" "$s|$su|matching|1" "$s|$su|lifecycle|1" "$s|$su|internal|" "$s|$su|membership|"
			"$s|$su|watch|" "$s|$su|history|" "$s|$su|lexicon|" "$s|$su|ddl|" "$s|$su|persons|$n" "$s|$su|routing|")
done
for s in D F; do
	n=$(( $(printf '%d' "'$s") - 64 ))
	steps+=("$s|$ATT|insert_single|incident" "$s|$ATT|insert_multi|$n" "$s|$ATT|copy|$n" "$s|$ATT|own_table|"
			"$s|$ATT|views|" "$s|$ATT|matching|0" "$s|$ATT|lifecycle|0" "$s|$ATT|own_ddl|")
done
steps+=("E|$VIC|insert_single|incident" "E|$VIC|insert_multi|5" "E|$VIC|copy|5" "E|$VIC|views|"
		"E|$VIC|matching|0" "E|$VIC|lifecycle|0")

declare -A DESC=(
	[A]="superuser, search_path = public, pg_catalog"
	[B]="superuser, search_path = public"
	[C]="superuser, search_path = public, pg_temp domains in the session"
	[D]="$ATT, default search_path, pg_temp domains in its session"
	[F]="$ATT, search_path = public, pg_catalog, pg_temp domains in its session"
	[E]="$VIC (unit member), default search_path"
)
prelude() {
	case $1 in
		A) echo "SET search_path = public, pg_catalog;" ;;
		B) echo "SET search_path = public;" ;;
		C) echo "$PG_TEMP_TRAPS"; echo "SET search_path = public;" ;;
		D) echo "$PG_TEMP_TRAPS"; echo "RESET search_path;" ;;
		F) echo "$PG_TEMP_TRAPS"; echo "SET search_path = public, pg_catalog;" ;;
		E) : ;;
	esac
}

# the step bodies, written first: the functions no group calls get a group of their own
all_sql=""
i=0
for step in "${steps[@]}"; do
	IFS='|' read -r s role group arg <<<"$step"
	i=$((i + 1))
	"g_$group" "$s" "$arg" >"$work/body.$i"
	[ "$role" = "$su" ] && all_sql+="$(cat "$work/body.$i")"$'\n'
done
# every function of schema prevent other than trigger, event-trigger and GIN support functions
sq -F '|' -c "SELECT DISTINCT p.proname,
					 format('prevent.%I(%s)', p.proname,
							(SELECT string_agg(format('NULL::%I.%I', tn.nspname, t.typname), ', ' ORDER BY a.n)
							   FROM unnest(p.proargtypes) WITH ORDINALITY a(t, n)
							   JOIN pg_type t ON t.oid = a.t JOIN pg_namespace tn ON tn.oid = t.typnamespace))
				FROM pg_proc p
			   WHERE p.pronamespace = 'prevent'::regnamespace AND p.prokind = 'f'
				 AND p.prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
				 AND NOT EXISTS (SELECT 1 FROM pg_amproc a WHERE a.amproc = p.oid)" >"$work/functions" || bail "listing functions"
uncalled=""
fallback=""
while IFS='|' read -r f call; do
	if ! grep -q "prevent\.$f(" <<<"$all_sql"; then
		uncalled+="$f "
		fallback+="DO \$x\$ BEGIN PERFORM $call; EXCEPTION WHEN OTHERS THEN RAISE NOTICE '%', SQLERRM; END \$x\$;"$'\n'
	fi
done <"$work/functions"
g_uncalled() { echo "$fallback"; }
if [ -n "$uncalled" ]; then
	for s in A B C; do
		steps+=("$s|$su|uncalled|")
		g_uncalled >"$work/body.$(( ${#steps[@]} ))"
	done
fi

echo "1..$(( ${#steps[@]} + 2 ))"
t=0
start=$SECONDS
for step in "${steps[@]}"; do
	IFS='|' read -r s role group arg <<<"$step"
	t=$((t + 1))
	label="$s:$group"
	{
		echo "SET client_min_messages = warning;"
		echo "SET audit.step = '$label';"
		prelude "$s"
		cat "$work/body.$t"
	} >"$work/step.sql"
	PGOPTIONS= psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=default -At -U "$role" -d "$db" -f "$work/step.sql" >"$work/out" 2>&1
	rc=$?
	# did regress_attacker become superuser (then reset it), and the trap_log rows of this step
	sq -F '|' -c "SELECT rolsuper FROM pg_roles WHERE rolname = '$ATT'" \
		-c "SELECT tag, cur, ses, ctx FROM public.trap_log WHERE step = '$label'" \
		-c "DO \$r\$ BEGIN IF (SELECT rolsuper FROM pg_roles WHERE rolname = '$ATT') THEN ALTER ROLE $ATT NOSUPERUSER; END IF; END \$r\$" \
		>"$work/after" || bail "checking after step $label"
	super=$(head -n 1 "$work/after")
	[ "$super" = t ] && escalated_ever+="$label "
	# firings: the WARNINGs (also those rolled back) and trap_log
	{
		sed -n 's/^.*TRAP_FIRED\[\([^|]*\)|\([^|]*\)|\([^|]*\)|\(.*\)\]$/\1|\2|\3|\4/p' "$work/out"
		tail -n +2 "$work/after"
	} | sort -u >"$work/fired"
	bad=$(awk -F'|' -v att="$ATT" '$2 != att' "$work/fired")
	own=$(awk -F'|' -v att="$ATT" '$2 == att' "$work/fired")
	name="[${DESC[$s]}] $group: no trap ran"
	if [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$super" != t ]; then
		echo "ok $t - $name"
	else
		echo "not ok $t - $name"
		[ $rc -ne 0 ] && awk '/(ERROR|FATAL):/ { e = 1; print; next } e && /^(DETAIL|HINT|CONTEXT):/ { print; next } { e = 0 }' "$work/out" |
			head -8 | sed 's/^/#   error: /'
		[ -n "$bad" ] && awk -F'|' '{ printf "#   TRAP %s ran as %s (session %s) via: %s\n", $1, $2, $3, ($4 == "" ? "(no SQL context)" : $4) }' <<<"$bad" | sort -u | head -20
		[ "$super" = t ] && echo "#   $ATT BECAME SUPERUSER (reset)"
	fi
	[ -n "$own" ] && awk -F'|' '{ printf "#   note: trap %s ran as the attacker itself (harmless) via: %s\n", $1, $4 }' <<<"$own" | sort -u | head -5
done

# every function of schema prevent (other than trigger, event-trigger and GIN support functions) was called
# with plausible arguments (not only with NULLs by the "uncalled" group)
t=$((t + 1))
if [ -z "$uncalled" ]; then echo "ok $t - every prevent function was called"
else echo "not ok $t - every prevent function was called"; echo "#   only called with NULL arguments: $uncalled"; fi

t=$((t + 1))
super=$(sq -c "SELECT rolsuper FROM pg_roles WHERE rolname = '$ATT'")
if [ -z "$escalated_ever" ] && [ "$super" = f ]; then
	echo "ok $t - $ATT never became superuser"
else
	echo "not ok $t - $ATT never became superuser"
	echo "#   it became superuser in: ${escalated_ever:-(at the end)}"
fi
echo "# $ntraps trap operators, $nfuncs trap functions/aggregates; $(( SECONDS - start )) s for the entry points"
exit 0
