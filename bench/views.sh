#!/usr/bin/env bash
# bench/views.sh — are the BI views fast on 1,000,000 work orders?
# (and prevent.alert_counts, alerts by category, on the ~1,250,000 alerts behind them: its
# counters side by side with the same figures by a GROUP BY over prevent.alert)
#
# Builds a department's two years of history directly in prevent's tables and times every view:
#   * ~1,250,000 alerts over the last 24 months (730 days up to now) across 50 police stations
#     (unevenly busy), each naming a party (a phone number; 30 % of the alerts name one of
#     60,000 frequent callers, who mostly call in one unit) and 1-4 terms of the installed
#     lexicon (Zipf-like popularity); levels 25 % low, 25 % medium, 35 % high, 15 % critical;
#     a repeat is an alert with an earlier alert of its party within 30 days;
#   * exactly BENCH_ORDERS (1,000,000) work orders: one per high/critical alert and per repeat
#     (issued at once), one for the other unit of a cross-jurisdiction repeat, and enough
#     reviewed low/medium alerts to make the number; the other alerts are dismissed, or
#     pending when they came in the last 7 days;
#   * lifecycle times drawn per order against the deadlines of prevent.level_policy: ~3 %
#     accepted late, ~0.5 % first fed back after 24 hours, ~3 % closed late, a few never
#     accepted / fed back / closed, 95.7 % of the closed resolved, 60 % evaluated; nothing
#     after now, so the last days hold open and overdue orders as a live system would;
#   * escalations as the triggers and a 5-minute pg_cron prevent.escalate_overdue() would have
#     written them (risk_level tiers per level, repeat, cross_jurisdiction, overdue).
# The rows are written set-based, as the superuser, straight into prevent.alert, work_order
# and escalation (explicit ids, sequences moved past them): generating a million orders
# through the triggers of a watched table would take far too long.  No prevent.event rows
# are written (no view reads them).  The triggers being off, prevent.refresh_stats() then
# rebuilds the counters behind the rate views (its time is printed).  Deterministic: every
# number is a hash of a row number (hashint8extended), only the dates move with now().
# Then ANALYZE.
#
# Timing: for each view, SELECT * FROM prevent.<view> is run under
# EXPLAIN (ANALYZE, TIMING OFF) BENCH_RUNS (3) times; the best planning + execution time
# counts (server side; the rows are computed but not sent).  Each view is timed
#   - as the superuser (row-level security bypassed), and
#   - as role prevent_bench_views_bi, a member of unit '*' (what a BI tool connects as:
#     row-level security applies, every row visible),
#   - as that BI role with jit = off (PostgreSQL's default jit = on compiles these plans, which
#     can cost more than it saves; the column shows what `ALTER ROLE ... SET jit = off` gives),
# and compared with the limit (BENCH_LIMIT_MS, 1000 ms); a query whose first run takes longer
# than BENCH_SLOW_MS (10000 ms) is run only once.  Then typical BI filters: one
# station's last 6 months of closure_rate / feedback_rate, its unit_dashboard row, and the
# same closure_rate as that station's own role (prevent_bench_views_station, member of one
# unit).  The server's settings are used as they are (printed: jit, parallel workers,
# work_mem, shared_buffers).  --explain prints EXPLAIN (ANALYZE, BUFFERS) of every query over
# the limit.
#
# Usage:   bench/views.sh [--keep] [--reuse] [--explain]
#   --keep     keep database prevent_bench_views and the two roles at the end (default: drop them)
#   --reuse    time the views in a kept database of the same size, without generating it again
#   --explain  print the plans of the queries over the limit
# Connection: the standard libpq variables (PGHOST, PGPORT, PGUSER; PGDATABASE is only used
# to connect for CREATE / DROP DATABASE).  Needs a superuser.  The script creates (and, unless
# --keep, drops) only the database prevent_bench_views and the roles prevent_bench_views_bi and
# prevent_bench_views_station; it drops nothing else.  On 2 slow cores generating takes ~1.5
# minutes and timing 2-10 minutes (slower views take longer); the database takes ~1.2 GB.
# Environment: BENCH_ORDERS (1000000), BENCH_RUNS (3), BENCH_LIMIT_MS (1000), BENCH_SLOW_MS (10000).
set -euo pipefail
. "$(dirname "$0")/../scripts/pg-config.sh"   # psql, pgbench of PG_CONFIG's PostgreSQL

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

orders=${BENCH_ORDERS:-1000000}
runs=${BENCH_RUNS:-3}
limit_ms=${BENCH_LIMIT_MS:-1000}
slow_ms=${BENCH_SLOW_MS:-10000}
keep=0
reuse=0
explain=0
while [ $# -gt 0 ]; do
	case $1 in
		--keep) keep=1 ;;
		--reuse) reuse=1; keep=1 ;;
		--explain) explain=1 ;;
		-h | --help) usage; exit 0 ;;
		*) echo "views.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
for v in orders runs limit_ms slow_ms; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "views.sh: $v must be a positive whole number, not '${!v}'" >&2
		exit 2
	fi
done
alerts=$((orders * 5 / 4))
db=prevent_bench_views
bi_role=prevent_bench_views_bi
station_role=prevent_bench_views_station
station_unit=城关派出所

export PGAPPNAME=bench/views.sh
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c client_min_messages=warning -c statement_timeout=0"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
admin() { "${PSQL[@]}" -d "${PGDATABASE:-postgres}" -A -t -c "$1"; }
sql() { "${PSQL[@]}" -d "$db" -A -t -c "$1"; }

tmp=$(mktemp -d /tmp/prevent-bench-views.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
line() { printf '%s\n' "--------------------------------------------------------------------------------------------"; }
now_s() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f s", b - a }'; }

if ! admin 'SELECT 1' >/dev/null 2>"$tmp/err"; then
	echo "views.sh: cannot connect to PostgreSQL (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGUSER=${PGUSER:-}):" >&2
	cat "$tmp/err" >&2
	exit 1
fi
if [ "$(admin 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user')" != t ]; then
	echo "views.sh: needs a superuser (it writes prevent's tables directly and creates a database and two roles)" >&2
	exit 1
fi

drop_all() {
	admin "DROP DATABASE IF EXISTS $db" >/dev/null
	admin "DROP ROLE IF EXISTS $bi_role" >/dev/null
	admin "DROP ROLE IF EXISTS $station_role" >/dev/null
}

have_db=$(admin "SELECT 1 FROM pg_database WHERE datname = '$db'")
if [ "$reuse" = 1 ] && [ -n "$have_db" ] &&
	[ "$(sql "SELECT orders FROM bench.meta" 2>/dev/null || true)" = "$orders" ] &&
	[ "$(sql "SELECT count(*) FROM prevent.work_order" 2>/dev/null || true)" = "$orders" ]; then
	echo "reusing database $db ($orders work orders, generated $(sql "SELECT to_char(t_end, 'YYYY-MM-DD HH24:MI') FROM bench.meta"))"
else
	[ "$reuse" = 1 ] && echo "no reusable database $db of $orders work orders: generating it"
	drop_all
	admin "CREATE DATABASE $db" >/dev/null
	admin "CREATE ROLE $bi_role NOLOGIN; CREATE ROLE $station_role NOLOGIN" >/dev/null
	sql "CREATE EXTENSION prevent" >/dev/null

	cat >"$tmp/generate.sql" <<'SQL'
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SET synchronous_commit = off;
-- the rows are consistent by construction: skip the foreign-key checks (and any other
-- ordinary trigger) while loading, as pg_restore --disable-triggers would
SET session_replication_role = replica;

CREATE SCHEMA bench;
CREATE TABLE bench.jq (id bigint PRIMARY KEY, body text);
COMMENT ON TABLE bench.jq IS 'Stand-in for the watched incident table the generated alerts name as their source (empty)';
-- a uniform number in [0, 1) from a row number and a stream number
CREATE FUNCTION bench.r(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (hashint8extended(i, k) & 4294967295)::float8 / 4294967296.0 $$;
CREATE TABLE bench.meta AS
SELECT date_trunc('minute', now()) AS t_end, :alerts::int AS alerts, :orders::int AS orders;

CREATE TABLE bench.unit (n int PRIMARY KEY, name text NOT NULL);
INSERT INTO bench.unit (n, name)
SELECT n, name || '派出所' FROM unnest(ARRAY[
	'城关', '东城', '西城', '南湖', '北关', '新华', '人民路', '解放路', '火车站', '开发区',
	'高新区', '江南', '江北', '河西', '湖滨', '滨江', '工业园', '大学城', '新城', '老城',
	'中山路', '建设路', '和平', '长安', '望江', '金沙', '龙泉', '青山', '白云', '红星',
	'东湖', '西湖', '南门', '北门', '城南', '城北', '城东', '城西', '沿江', '港口',
	'机场', '站前', '桥头', '柳树', '梅园', '桃源', '杏花', '石桥', '花园', '新村']) WITH ORDINALITY AS u(name, n);

-- the installed match terms, in a fixed pseudo-random order of popularity
CREATE TABLE bench.term AS
SELECT row_number() OVER (ORDER BY bench.r(k.id, 7), k.id)::int AS n, k.term, k.category
  FROM prevent.keyword k WHERE k.kind = 'match' AND k.enabled;
ALTER TABLE bench.term ADD PRIMARY KEY (n);

\echo '  alerts: times, units, parties, levels'
CREATE TABLE bench.a AS
SELECT i AS id,
	   m.t_end - interval '730 days' * (1 - (i - 1 + bench.r(i, 1)) / m.alerts) AS occurred_at,
	   -- station 1 busiest; frequent callers mostly (80 %) call in their own station
	   1 + floor(50 * (CASE WHEN bench.r(i, 3) < 0.3 AND bench.r(i, 13) < 0.8
							THEN bench.r(floor(bench.r(i, 4) * 60000)::bigint, 14)
							ELSE bench.r(i, 2) END) ^ 1.6)::int AS unit_no,
	   CASE WHEN bench.r(i, 3) < 0.3
			THEN '139' || lpad(floor(bench.r(i, 4) * 60000)::int::text, 8, '0')
			ELSE '1' || (3 + floor(bench.r(i, 5) * 7))::int || lpad(floor(bench.r(i, 4) * 1e9)::bigint::text, 9, '0')
	   END COLLATE "C" AS party,
	   CASE WHEN bench.r(i, 6) < 0.25 THEN 'low' WHEN bench.r(i, 6) < 0.50 THEN 'medium'
			WHEN bench.r(i, 6) < 0.85 THEN 'high' ELSE 'critical' END::prevent.risk_level AS level,
	   1 + floor(t.nt * bench.r(i, 8) ^ 3)::int AS t1,          -- first term: popular ones more often
	   1 + floor(bench.r(i, 9) * 37)::int AS step,               -- the others: t1 + k * step
	   1 + floor(bench.r(i, 10) * 3.4)::int AS nterms,
	   t.nt
  FROM bench.meta m, (SELECT count(*)::int AS nt FROM bench.term) t, generate_series(1, m.alerts) AS i;

\echo '  alerts: repeats (same party within 30 days) and their other units'
CREATE TABLE bench.rep AS
SELECT x.id, x.is_repeat, CASE WHEN x.is_repeat AND x.prev_unit <> x.unit_no THEN x.prev_unit END AS other_unit,
	   x.level >= 'high' OR x.is_repeat AS must_issue
  FROM (SELECT a.id, a.unit_no, a.level,
			   coalesce(lag(a.occurred_at) OVER w >= a.occurred_at - interval '30 days', false) AS is_repeat,
			   lag(a.unit_no) OVER w AS prev_unit
		  FROM bench.a a WINDOW w AS (PARTITION BY a.party ORDER BY a.occurred_at, a.id)) x;
ALTER TABLE bench.rep ADD PRIMARY KEY (id);

-- low / medium alerts issued after review: as many as make exactly meta.orders work orders
SELECT m.orders - (SELECT count(*) FILTER (WHERE r.must_issue) + count(r.other_unit) FROM bench.rep r) AS reviewed_issued
  FROM bench.meta m \gset
CREATE TABLE bench.iss AS
SELECT r.id, r.must_issue OR r.id IN (SELECT x.id FROM bench.rep x WHERE NOT x.must_issue
									   ORDER BY bench.r(x.id, 12), x.id LIMIT :reviewed_issued) AS issued
  FROM bench.rep r;
ALTER TABLE bench.iss ADD PRIMARY KEY (id);

\echo '  prevent.alert'
INSERT INTO prevent.alert (id, source, source_key, unit, occurred_at, created_at, score, level, categories, terms,
						   parties, repeat, status, reviewed_at, reviewed_by, review_note)
SELECT a.id, 'bench.jq'::regclass, a.id::text, u.name, a.occurred_at, a.occurred_at,
	   CASE a.level WHEN 'low' THEN 10 + floor(bench.r(a.id, 11) * 20) WHEN 'medium' THEN 30 + floor(bench.r(a.id, 11) * 30)
					WHEN 'high' THEN 60 + floor(bench.r(a.id, 11) * 30) ELSE 90 + floor(bench.r(a.id, 11) * 11) END::int,
	   a.level,
	   (ARRAY[t1.category, t2.category, t3.category, t4.category])[1:a.nterms],
	   (ARRAY[t1.term, t2.term, t3.term, t4.term])[1:a.nterms],
	   ARRAY[a.party::text], r.is_repeat,
	   CASE WHEN i.issued THEN 'issued' WHEN rv.at IS NULL THEN 'pending' ELSE 'dismissed' END,
	   rv.at, CASE WHEN rv.at IS NOT NULL THEN 'bench_reviewer' END,
	   CASE WHEN rv.at IS NOT NULL AND NOT i.issued THEN '核实无风险' END
  FROM bench.a a
  JOIN bench.rep r ON r.id = a.id
  JOIN bench.iss i ON i.id = a.id
  JOIN bench.unit u ON u.n = a.unit_no
  JOIN bench.term t1 ON t1.n = a.t1
  JOIN bench.term t2 ON t2.n = 1 + (a.t1 - 1 + a.step) % a.nt
  JOIN bench.term t3 ON t3.n = 1 + (a.t1 - 1 + 2 * a.step) % a.nt
  JOIN bench.term t4 ON t4.n = 1 + (a.t1 - 1 + 3 * a.step) % a.nt
 CROSS JOIN bench.meta m
 -- reviewed: low / medium alerts issued after review, or dismissed; 70 % of the last 7 days' still pending
 CROSS JOIN LATERAL (SELECT CASE WHEN NOT r.must_issue
									AND (i.issued OR a.occurred_at <= m.t_end - interval '7 days' OR bench.r(a.id, 15) >= 0.7)
							   THEN least(m.t_end, a.occurred_at + interval '10 minutes' + interval '8 hours' * bench.r(a.id, 16)) END AS at) rv
 ORDER BY a.id;
SELECT setval(pg_get_serial_sequence('prevent.alert', 'id'), (SELECT max(id) FROM prevent.alert)) \g /dev/null

\echo '  work orders and their lifecycle'
CREATE TABLE bench.o AS
WITH o AS MATERIALIZED (
	SELECT a.id AS alert_id, a.level, r.is_repeat, r.other_unit IS NOT NULL AS multi_unit,
		   2 * a.id + k.is_cross::int AS ok,
		   CASE WHEN k.is_cross THEN r.other_unit ELSE a.unit_no END AS unit_no,
		   CASE WHEN k.is_cross THEN 'cross_jurisdiction' WHEN a.level >= 'high' THEN 'risk_level'
				WHEN r.is_repeat THEN 'repeat' ELSE 'review' END AS reason,
		   CASE WHEN r.must_issue THEN a.occurred_at + interval '1 second' * (5 + 115 * bench.r(a.id, 17))
				ELSE least(m.t_end, a.occurred_at + interval '10 minutes' + interval '8 hours' * bench.r(a.id, 16)) END AS issued_at,
		   pol.accept_within, pol.feedback_within, pol.close_within, m.t_end
	  FROM bench.a a
	  JOIN bench.rep r ON r.id = a.id
	  JOIN bench.iss i ON i.id = a.id AND i.issued
	  JOIN prevent.level_policy pol ON pol.level = a.level
	 CROSS JOIN bench.meta m
	 CROSS JOIN LATERAL (VALUES (false), (true)) k(is_cross)
	 WHERE NOT k.is_cross OR r.other_unit IS NOT NULL
), d AS MATERIALIZED (
	-- offsets from issue: accepted (3 % late), first feedback (0.5 % after 24 h), closed (3 % late)
	SELECT o.*,
		   CASE WHEN bench.r(o.ok, 21) < 0.03 THEN o.accept_within * (1 + 3 * bench.r(o.ok, 22))
				ELSE o.accept_within * (0.05 + 0.9 * bench.r(o.ok, 22)) END AS d_acc,
		   bench.r(o.ok, 23) < 0.002 AS acc_never,
		   bench.r(o.ok, 24) < 0.005 AS fb_late,
		   bench.r(o.ok, 26) < 0.002 AS fb_never,
		   bench.r(o.ok, 27) < 0.03 AS cl_late,
		   bench.r(o.ok, 29) < 0.002 AS cl_never
	  FROM o
), e AS MATERIALIZED (
	SELECT d.*,
		   CASE WHEN d.fb_late THEN interval '24 hours' + interval '48 hours' * bench.r(d.ok, 25)
				ELSE d.d_acc + (d.feedback_within - d.d_acc) * 0.95 * bench.r(d.ok, 25) ^ 2 END AS d_fb
	  FROM d
), f AS MATERIALIZED (
	SELECT e.*,
		   e.d_fb + CASE WHEN e.cl_late THEN e.close_within * (1 + 2 * bench.r(e.ok, 28))
						 ELSE greatest(interval '1 hour', (e.close_within - e.d_fb) * (0.1 + 0.85 * bench.r(e.ok, 28))) END AS d_cl
	  FROM e
), g AS MATERIALIZED (
	-- each stage happens only after the one before it, and not after now
	SELECT f.*,
		   CASE WHEN NOT f.acc_never AND f.issued_at + f.d_acc <= f.t_end THEN f.issued_at + f.d_acc END AS accepted_at,
		   CASE WHEN NOT f.acc_never AND NOT f.fb_never AND f.issued_at + f.d_fb <= f.t_end THEN f.issued_at + f.d_fb END AS fed_back_at,
		   CASE WHEN NOT f.acc_never AND NOT f.fb_never AND NOT f.cl_never AND f.issued_at + f.d_cl <= f.t_end
				THEN f.issued_at + f.d_cl END AS closed_at
	  FROM f
)
SELECT row_number() OVER (ORDER BY g.issued_at, g.ok) AS id,
	   g.alert_id, g.ok, g.unit_no, g.level, g.reason, g.is_repeat, g.multi_unit,
	   g.issued_at, g.issued_at + g.accept_within AS accept_due, g.issued_at + g.feedback_within AS due_at,
	   g.issued_at + g.close_within AS close_due,
	   g.accepted_at, g.fed_back_at, g.closed_at,
	   CASE WHEN g.closed_at IS NOT NULL THEN bench.r(g.ok, 30) < 0.957 END AS resolved,
	   ev.at AS evaluated_at,
	   CASE WHEN ev.at IS NOT NULL THEN 3 + floor(3 * bench.r(g.ok, 32))::int END AS rating
  FROM g
 CROSS JOIN LATERAL (SELECT CASE WHEN g.closed_at IS NOT NULL AND bench.r(g.ok, 31) < 0.6
								  AND g.closed_at + interval '1 hour' + interval '7 days' * bench.r(g.ok, 33) <= g.t_end
							 THEN g.closed_at + interval '1 hour' + interval '7 days' * bench.r(g.ok, 33) END AS at) ev;

\echo '  prevent.work_order'
INSERT INTO prevent.work_order (id, alert_id, unit, level, reason, status, issued_at, accept_due, due_at, close_due,
								accepted_at, fed_back_at, closed_at, resolved, evaluated_at, rating)
SELECT o.id, o.alert_id, u.name, o.level, o.reason,
	   CASE WHEN o.evaluated_at IS NOT NULL THEN 'evaluated' WHEN o.closed_at IS NOT NULL THEN 'closed'
			WHEN o.fed_back_at IS NOT NULL THEN 'fed_back' WHEN o.accepted_at IS NOT NULL THEN 'accepted' ELSE 'issued' END,
	   o.issued_at, o.accept_due, o.due_at, o.close_due, o.accepted_at, o.fed_back_at, o.closed_at, o.resolved,
	   o.evaluated_at, o.rating
  FROM bench.o o JOIN bench.unit u ON u.n = o.unit_no
 ORDER BY o.id;
SELECT setval(pg_get_serial_sequence('prevent.work_order', 'id'), (SELECT max(id) FROM prevent.work_order)) \g /dev/null

\echo '  prevent.escalation'
-- as the triggers wrote them at issue ...
CREATE TABLE bench.e AS
SELECT o.id AS work_order_id, o.unit_no, t.tier::smallint AS tier, 'risk_level' AS reason, NULL::text AS breach, o.issued_at AS created_at
  FROM bench.o o JOIN prevent.level_policy pol ON pol.level = o.level AND pol.auto_issue
 CROSS JOIN LATERAL unnest(pol.tiers) t(tier)
 WHERE o.reason <> 'review'
UNION ALL
SELECT o.id, o.unit_no, 3, 'repeat', NULL, o.issued_at FROM bench.o o WHERE o.is_repeat
UNION ALL
SELECT o.id, o.unit_no, 1, 'cross_jurisdiction', NULL, o.issued_at FROM bench.o o WHERE o.multi_unit;
-- ... and prevent.escalate_overdue() every 5 minutes: one tier up per missed deadline
INSERT INTO bench.e
SELECT b.id, b.unit_no, greatest(1, coalesce(t.min_tier, 4) - b.k)::smallint, 'overdue', b.breach, b.due + interval '5 minutes'
  FROM (SELECT o.id, o.unit_no, x.breach, x.due, row_number() OVER (PARTITION BY o.id ORDER BY x.due) AS k
		  FROM bench.o o CROSS JOIN bench.meta m
		 CROSS JOIN LATERAL (VALUES ('accept', o.accept_due, o.accepted_at), ('feedback', o.due_at, o.fed_back_at),
									('close', o.close_due, o.closed_at)) x(breach, due, done)
		 WHERE coalesce(x.done, m.t_end) > x.due + interval '5 minutes') b
  LEFT JOIN (SELECT e.work_order_id, min(e.tier) AS min_tier FROM bench.e e GROUP BY e.work_order_id) t
	ON t.work_order_id = b.id;
INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, breach, created_at)
SELECT e.work_order_id, u.name, e.tier, e.reason, e.breach, e.created_at
  FROM bench.e e JOIN bench.unit u ON u.n = e.unit_no
 ORDER BY e.created_at, e.work_order_id, e.tier;

\echo '  ANALYZE'
DROP TABLE bench.a, bench.rep, bench.iss, bench.o, bench.e;
RESET session_replication_role;
-- the rows went in with triggers off: rebuild the counters behind the rate views, as a DBA does
-- after such a load (timed: it is also what changing report_time_zone or the buckets costs)
SELECT format('  prevent.refresh_stats(): %s orders counted, %s ms', prevent.refresh_stats(),
			  round(1000 * extract(epoch FROM pg_catalog.clock_timestamp() - pg_catalog.now()))) AS refresh_line \gset
\echo :refresh_line
VACUUM ANALYZE prevent.alert, prevent.work_order, prevent.escalation, prevent.keyword, prevent.order_stats, prevent.alert_stats;
SQL
	echo "generating $orders work orders and ~$alerts alerts in database $db (directly into prevent's tables,"
	echo "as the superuser: a million orders through the triggers of a watched table would take far too long)"
	t0=$(now_s)
	"${PSQL[@]}" -d "$db" -v alerts="$alerts" -v orders="$orders" -f "$tmp/generate.sql"
	echo "generated in $(since "$t0")"
	sql "SELECT prevent.add_member('$bi_role', '*'); SELECT prevent.add_member('$station_role', '$station_unit');" >/dev/null
	sql "GRANT USAGE ON SCHEMA bench TO $bi_role, $station_role" >/dev/null
fi

# ---------------------------------------------------------------- timing helper
sql "CREATE OR REPLACE FUNCTION bench.best(q text, runs int, slow_ms numeric, OUT ms numeric, OUT nrows bigint)
LANGUAGE plpgsql AS \$\$
DECLARE
	p json;
	t numeric;
BEGIN
	FOR i IN 1..runs LOOP
		EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || q INTO p;
		t := (p->0->>'Planning Time')::numeric + (p->0->>'Execution Time')::numeric;
		IF ms IS NULL OR t < ms THEN ms := t; END IF;
		nrows := (p->0->'Plan'->>'Actual Rows')::bigint;
		EXIT WHEN t > slow_ms;
	END LOOP;
	ms := round(ms, 1);
END
\$\$;
GRANT EXECUTE ON FUNCTION bench.best(text, int, numeric) TO $bi_role, $station_role;" >/dev/null

# ---------------------------------------------------------------- what was built
echo
echo "prevent views benchmark: every BI view over $orders work orders"
line
echo "server:     $(sql 'SELECT version()')"
echo "machine:    $(nproc 2>/dev/null || echo '?') CPU(s) where this script runs; server via $(sql "SELECT coalesce(host(inet_server_addr()), 'local socket')")"
echo "speed:      $(sql "SET max_parallel_workers_per_gather = 0; SET jit = off;
	SELECT ms FROM bench.best('SELECT count(*) FROM generate_series(1, 1000000)', 3, 100000)") ms for SELECT count(*) FROM generate_series(1, 1000000) (to compare machines)"
echo "settings:   $(sql "SELECT string_agg(name || ' = ' || current_setting(name), ', ' ORDER BY name)
	FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'jit', 'shared_buffers', 'work_mem', 'random_page_cost')")"
sql "SELECT format('data:       %s alerts (%s pending, %s repeats), %s work orders (%s open, %s closed), %s escalations (%s overdue)',
			(SELECT count(*) FROM prevent.alert), (SELECT count(*) FROM prevent.alert WHERE status = 'pending'),
			(SELECT count(*) FROM prevent.alert WHERE repeat),
			count(*), count(*) FILTER (WHERE status IN ('issued', 'accepted', 'fed_back')), count(closed_at),
			(SELECT count(*) FROM prevent.escalation), (SELECT count(*) FROM prevent.escalation WHERE reason = 'overdue'))
	   FROM prevent.work_order"
sql "SELECT format('            %s units, issued %s .. %s; sizes: alert %s, work_order %s, escalation %s (with indexes)',
			count(DISTINCT unit), to_char(min(issued_at), 'YYYY-MM-DD'), to_char(max(issued_at), 'YYYY-MM-DD'),
			pg_size_pretty(pg_total_relation_size('prevent.alert')), pg_size_pretty(pg_total_relation_size('prevent.work_order')),
			pg_size_pretty(pg_total_relation_size('prevent.escalation')))
	   FROM prevent.work_order"
sql "SELECT format('headline:   closure %s %%, 24-hour feedback %s %%, resolution %s %%', closure_rate, feedback_rate, resolution_rate)
	   FROM prevent.department_summary"

# what prevent.alert_counts gives, computed from the alerts themselves (the alternative to its counters)
alert_group_by="SELECT a.unit, date_trunc('month', a.occurred_at AT TIME ZONE prevent.report_time_zone())::date AS month, c.category, a.level, count(*) AS alerts FROM prevent.alert a CROSS JOIN LATERAL unnest(CASE WHEN cardinality(a.categories) > 0 THEN a.categories ELSE '{NULL}' END) c(category) GROUP BY 1, 2, 3, 4"
since_month=$(sql "SELECT to_char(date_trunc('month', now() AT TIME ZONE prevent.report_time_zone()) - interval '5 months', 'YYYY-MM-DD')")
queries=(
	"closure_rate|SELECT * FROM prevent.closure_rate"
	"feedback_rate|SELECT * FROM prevent.feedback_rate"
	"resolution_rate|SELECT * FROM prevent.resolution_rate"
	"department_closure_rate|SELECT * FROM prevent.department_closure_rate"
	"department_feedback_rate|SELECT * FROM prevent.department_feedback_rate"
	"department_resolution_rate|SELECT * FROM prevent.department_resolution_rate"
	"department_summary|SELECT * FROM prevent.department_summary"
	"feedback_time|SELECT * FROM prevent.feedback_time"
	"repeat_incidents|SELECT * FROM prevent.repeat_incidents"
	"overdue_orders|SELECT * FROM prevent.overdue_orders"
	"keyword_hits|SELECT * FROM prevent.keyword_hits"
	"unit_dashboard|SELECT * FROM prevent.unit_dashboard"
	"alert_counts (counters)|SELECT * FROM prevent.alert_counts"
	"  the same as GROUP BY over alert|$alert_group_by"
	"alert_counts_total (counters)|SELECT * FROM prevent.alert_counts_total"
	"  the same as GROUP BY over alert|SELECT month, category, level, sum(alerts)::bigint AS alerts FROM ($alert_group_by) g GROUP BY 1, 2, 3"
	"BI: closure_rate, 1 unit, 6 months|SELECT * FROM prevent.closure_rate WHERE unit = '$station_unit' AND month >= DATE '$since_month'"
	"BI: feedback_rate, 1 unit, 6 months|SELECT * FROM prevent.feedback_rate WHERE unit = '$station_unit' AND month >= DATE '$since_month'"
	"BI: resolution_rate, 6 months, all|SELECT * FROM prevent.resolution_rate WHERE month >= DATE '$since_month'"
	"BI: unit_dashboard, 1 unit|SELECT * FROM prevent.unit_dashboard WHERE unit = '$station_unit'"
	"BI: alert_counts, 1 category, 6 months|SELECT * FROM prevent.alert_counts WHERE category = 'neighbour' AND month >= DATE '$since_month'"
)

echo
echo "Best of $runs, EXPLAIN (ANALYZE, TIMING OFF) planning + execution, server side; limit $limit_ms ms."
echo "superuser: row-level security bypassed; BI role: $bi_role, member of unit '*', row-level security applies;"
echo "jit=off: the BI role with SET jit = off.  BI filters: unit = '$station_unit', month >= $since_month."
line
printf '%-38s %8s %13s %13s %13s\n' "view / query" "rows" "superuser ms" "BI role ms" "jit=off ms"
line
slow=()
verdict() { awk -v m="$1" -v l="$limit_ms" 'BEGIN { print (m < l) ? "ok" : "NO" }'; }
for entry in "${queries[@]}"; do
	name=${entry%%|*}
	q=${entry#*|}
	qlit=$(printf '%s' "$q" | sed "s/'/''/g")
	IFS='|' read -r ms_su nrows < <(sql "SELECT ms || '|' || nrows FROM bench.best('$qlit', $runs, $slow_ms)")
	ms_bi=$("${PSQL[@]}" -d "$db" -A -t -c "SET ROLE $bi_role" -c "SELECT ms FROM bench.best('$qlit', $runs, $slow_ms)")
	ms_nj=$("${PSQL[@]}" -d "$db" -A -t -c "SET ROLE $bi_role" -c "SET jit = off" -c "SELECT ms FROM bench.best('$qlit', $runs, $slow_ms)")
	v_su=$(verdict "$ms_su")
	v_bi=$(verdict "$ms_bi")
	printf '%-38s %8s %9s %-3s %9s %-3s %9s %-3s\n' "$name" "$nrows" "$ms_su" "$v_su" "$ms_bi" "$v_bi" "$ms_nj" "$(verdict "$ms_nj")"
	if [ "$v_su" = NO ] || [ "$v_bi" = NO ]; then
		slow+=("$entry")
	fi
done
qlit="SELECT * FROM prevent.closure_rate"
IFS='|' read -r ms_st nrows < <("${PSQL[@]}" -d "$db" -A -t -c "SET ROLE $station_role" -c "SELECT ms || '|' || nrows FROM bench.best('$qlit', $runs, $slow_ms)")
ms_stnj=$("${PSQL[@]}" -d "$db" -A -t -c "SET ROLE $station_role" -c "SET jit = off" -c "SELECT ms FROM bench.best('$qlit', $runs, $slow_ms)")
printf '%-38s %8s %9s %-3s %9s %-3s %9s %-3s\n' "station role: closure_rate (own unit)" "$nrows" "-" "" "$ms_st" "$(verdict "$ms_st")" "$ms_stnj" "$(verdict "$ms_stnj")"
line
echo "(ok: under $limit_ms ms; NO: over; the station role sees only unit $station_unit)"

if [ ${#slow[@]} -eq 0 ]; then
	echo "every view answered within $limit_ms ms"
else
	echo "${#slow[@]} quer$([ ${#slow[@]} -eq 1 ] && echo y || echo ies) over $limit_ms ms as the superuser or the BI role (default jit):"
	printf '  %s\n' "${slow[@]%%|*}"
	if [ "$explain" = 1 ]; then
		for entry in "${slow[@]}"; do
			echo
			echo "== EXPLAIN (ANALYZE, BUFFERS) ${entry#*|}"
			sql "EXPLAIN (ANALYZE, BUFFERS) ${entry#*|}"
		done
	else
		echo "(--explain prints their plans)"
	fi
fi

if [ "$keep" = 1 ]; then
	echo
	echo "kept database $db and roles $bi_role, $station_role (bench/views.sh --reuse times them again;"
	echo "drop with: DROP DATABASE $db; DROP ROLE $bi_role; DROP ROLE $station_role;)"
else
	drop_all
fi
