#!/usr/bin/env bash
# bench/escalation.sh — what does a run of prevent.escalate_overdue() cost?
#
# It should cost what is due, not what is open.  Over BENCH_ORDERS (1,000,000) open work
# orders of which BENCH_DUE (1,000) have just missed a deadline, it prints the time of
#   1. a no-op run (nothing due: what every 5-minute pg_cron run costs most of the time),
#   2. a run that escalates the BENCH_DUE orders,
# each against the obvious alternative: the statement escalate_overdue() used to be, a scan of
# every open order through prevent.order_breaches() with a NOT EXISTS per missed deadline,
# run inline with the same `at`; and the ratio (old / new).  It also prints the first run
# after loading (every order new, '-infinity': each is looked at once, as the run after a
# batch of new orders looks at those) and the plan of the new selection.
#
# The data (deterministic: every number is a hash of the order number, times fixed around
# T = 2026-06-01 12:00 UTC) is written set-based, as the superuser, into prevent.alert and
# prevent.work_order (50 units; orders of the critical level's deadlines: accept 30 min,
# feedback 12 h, close 2 days; numbered in the order they were issued), all open:
#   * BENCH_DUE orders issued, accept deadline between T - 50 min and T - 1 min (due at T);
#   * a tenth issued 3-10 h before T, never accepted: their accept deadline was escalated by
#     the first run (T - 2 h), their next deadline is after T;
#   * the others issued (deadline after T), accepted (in time, feedback due after T) or fed
#     back (in time; close due after T).
# The first run is escalate_overdue(T - 2 h); then VACUUM ANALYZE.  Every timed run is
# inside BEGIN ... ROLLBACK, so each starts from the same state; the time is taken on the
# server (clock_timestamp() around the statement), best of BENCH_RUNS (5).  The no-op runs
# use at = T - 1 h, the due runs at = T; both statements must return the same count.
#
# Usage:   bench/escalation.sh [--keep]
#   --keep   keep database prevent_bench_escalation (default: drop it at the end)
# Connection: the standard libpq variables (PGHOST, PGPORT, PGUSER; PGDATABASE only to connect
# for CREATE / DROP DATABASE).  Needs a superuser.  Creates (and, unless --keep, drops) only
# the database prevent_bench_escalation.  On 2 slow cores generating takes ~1-2 minutes; the
# database takes ~0.5 GB.
# Environment: BENCH_ORDERS (1000000), BENCH_DUE (1000), BENCH_RUNS (5), BENCH_TARGET_MS
# (100: the most a run with BENCH_DUE due may take; PASS or MISS is printed, never an error).
set -euo pipefail
. "$(dirname "$0")/../scripts/pg-config.sh"   # psql of PG_CONFIG's PostgreSQL

. "$(dirname "$0")/lib/options.sh"

orders=${BENCH_ORDERS:-1000000}
due=${BENCH_DUE:-1000}
runs=${BENCH_RUNS:-5}
target=${BENCH_TARGET_MS:-100}
bench_keep_option "$@"
bench_whole_numbers orders due runs target
if [ "$due" -gt $((orders / 2)) ]; then
	echo "escalation.sh: BENCH_DUE ($due) must be at most half of BENCH_ORDERS ($orders)" >&2
	exit 2
fi

db=prevent_bench_escalation
export PGAPPNAME=bench/escalation.sh
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c client_min_messages=warning -c statement_timeout=0"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
admin() { "${PSQL[@]}" -d "${PGDATABASE:-postgres}" -A -t -c "$1"; }
sql() { "${PSQL[@]}" -d "$db" -A -t -c "$1"; }
now_s() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f s", b - a }'; }
line() { printf '%s\n' "------------------------------------------------------------------------------------"; }

if ! err=$(admin 'SELECT 1' 2>&1 >/dev/null); then
	echo "escalation.sh: cannot connect to PostgreSQL (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGUSER=${PGUSER:-}):" >&2
	echo "$err" >&2
	exit 1
fi
if [ "$(admin 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user')" != t ]; then
	echo "escalation.sh: needs a superuser (it writes prevent's tables directly and creates a database)" >&2
	exit 1
fi

cleanup() { [ "$keep" = 1 ] || admin "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; }
trap cleanup EXIT
admin "DROP DATABASE IF EXISTS $db" >/dev/null
admin "CREATE DATABASE $db" >/dev/null
sql "CREATE EXTENSION prevent" >/dev/null

start=$(now_s)
echo "generating $orders open work orders, $due of them due ..."
"${PSQL[@]}" -d "$db" -v orders="$orders" -v due="$due" <<'SQL'
SET max_parallel_workers_per_gather = 0;
CREATE SCHEMA bench;
CREATE TABLE bench.incident (id bigint PRIMARY KEY, body text);
COMMENT ON TABLE bench.incident IS 'Stand-in for the watched table the generated alerts name as their source (empty)';
-- a uniform number in [0, 1) from a row number and a stream number
CREATE FUNCTION bench.r(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (hashint8extended(i, k) & 4294967295)::float8 / 4294967296.0 $$;
CREATE TABLE bench.meta AS
SELECT timestamptz '2026-06-01 12:00+00' AS t, :orders::bigint AS orders, :due::bigint AS due,
	   :orders::bigint / :due AS step;

-- one alert per 50 orders (one order to each of 50 units)
INSERT INTO prevent.alert (id, source, source_key, unit, occurred_at, created_at, score, level, categories, terms, status)
SELECT a, 'bench.incident'::regclass, a::text, 'S' || lpad((a % 50)::text, 2, '0'), m.t - interval '3 days', m.t - interval '3 days',
	   90, 'critical', '{threat}', '{bench}', 'issued'
  FROM bench.meta m, generate_series(1, (m.orders + 49) / 50) a;
SELECT setval(pg_get_serial_sequence('prevent.alert', 'id'), (SELECT max(id) FROM prevent.alert)) \g /dev/null

-- kind: due (BENCH_DUE of them), escalated (a tenth: accept deadline escalated, next after T),
-- or by id % 3 issued / accepted / fed_back with every deadline so far met
CREATE TABLE bench.o AS
SELECT i AS id,
	   CASE WHEN i % m.step = 0 AND i / m.step <= m.due THEN 'due'
			WHEN i % 10 = 1 THEN 'escalated'
			ELSE (ARRAY['issued', 'accepted', 'fed_back'])[1 + i % 3] END AS kind
  FROM bench.meta m, generate_series(1, m.orders) i;
-- numbered in the order they were issued, as orders are: the due ones are among the newest
CREATE TABLE bench.w AS
SELECT row_number() OVER (ORDER BY x.issued_at, x.i) AS id, x.kind, x.issued_at
  FROM (SELECT o.id AS i, o.kind,
	   m.t - CASE o.kind WHEN 'due' THEN interval '80 minutes' - interval '49 minutes' * bench.r(o.id, 1)
						 WHEN 'escalated' THEN interval '10 hours' - interval '7 hours' * bench.r(o.id, 1)
						 WHEN 'issued' THEN interval '25 minutes' * bench.r(o.id, 1)
						 WHEN 'accepted' THEN interval '11 hours' - interval '10 hours' * bench.r(o.id, 1)
						 ELSE interval '40 hours' - interval '27 hours' * bench.r(o.id, 1) END AS issued_at
		  FROM bench.o o, bench.meta m) x;

INSERT INTO prevent.work_order (id, alert_id, unit, level, reason, status, issued_at, accept_due, due_at, close_due,
								accepted_at, fed_back_at)
SELECT w.id, (w.id - 1) / 50 + 1, 'S' || lpad(((w.id - 1) % 50)::text, 2, '0'),
	   'critical', 'risk_level',
	   CASE w.kind WHEN 'accepted' THEN 'accepted' WHEN 'fed_back' THEN 'fed_back' ELSE 'issued' END,
	   w.issued_at, w.issued_at + interval '30 minutes', w.issued_at + interval '12 hours', w.issued_at + interval '2 days',
	   CASE WHEN w.kind IN ('accepted', 'fed_back') THEN w.issued_at + interval '10 minutes' END,
	   CASE WHEN w.kind = 'fed_back' THEN w.issued_at + interval '2 hours' END
  FROM bench.w w
 ORDER BY w.id;
SELECT setval(pg_get_serial_sequence('prevent.work_order', 'id'), (SELECT max(id) FROM prevent.work_order)) \g /dev/null
-- the tiers that followed them at issue
INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, created_at)
SELECT w.id, w.unit, 1, 'risk_level', w.issued_at FROM prevent.work_order w;
DROP TABLE bench.o, bench.w;
SQL
echo "  generated in $(since "$start")"

start=$(now_s)
first=$(sql "SELECT prevent.escalate_overdue(t - interval '2 hours') FROM bench.meta")
echo "first run after loading, every order new (at T - 2 h): $first escalations in $(since "$start")"
start=$(now_s)
sql "VACUUM ANALYZE prevent.work_order, prevent.escalation" >/dev/null
echo "VACUUM ANALYZE in $(since "$start")"

sql "SELECT format('data: %s work orders (%s open), %s escalations (%s overdue); work_order %s, its indexes %s',
			(SELECT count(*) FROM prevent.work_order), (SELECT count(*) FROM prevent.work_order WHERE prevent.order_is_open(status)),
			(SELECT count(*) FROM prevent.escalation), (SELECT count(*) FROM prevent.escalation WHERE reason = 'overdue'),
			pg_size_pretty(pg_table_size('prevent.work_order')), pg_size_pretty(pg_indexes_size('prevent.work_order')))"
sql "SELECT 'server: PostgreSQL ' || current_setting('server_version') || ', shared_buffers ' || current_setting('shared_buffers')
			|| ', work_mem ' || current_setting('work_mem') || ', jit ' || current_setting('jit')"

# the statement escalate_overdue() was, inline (the global lock left out)
old_stmt="WITH breach AS (
	SELECT w.id, w.unit, b.breach, b.n
	  FROM prevent.work_order w
	  CROSS JOIN LATERAL prevent.order_breaches(w, :'at') b
	 WHERE prevent.order_is_open(w.status)
	   AND NOT EXISTS (SELECT 1 FROM prevent.escalation e
						WHERE e.work_order_id = w.id AND e.reason = 'overdue' AND e.breach = b.breach)
	 ORDER BY w.id, b.n
), ins AS (
	INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, breach, created_at)
	SELECT b.id, b.unit,
		   greatest(1, coalesce((SELECT min(e.tier) FROM prevent.escalation e WHERE e.work_order_id = b.id), 4) - 1
					   - (row_number() OVER (PARTITION BY b.id ORDER BY b.n) - 1)::int),
		   'overdue', b.breach, :'at'
	  FROM breach b
	ON CONFLICT DO NOTHING
	RETURNING 1
)
SELECT count(*) FROM ins"

# time_ms STATEMENT AT: best of $runs runs, each in a transaction rolled back; prints "ms count"
time_ms() {
	local best='' out ms n
	for _ in $(seq "$runs"); do
		out=$("${PSQL[@]}" -d "$db" -A -t -v at="$2" <<SQL
BEGIN;
SELECT clock_timestamp() AS t0 \gset
$1 \gset r_
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000, 2) || ' ' || :'r_count';
ROLLBACK;
SQL
)
		read -r ms n <<<"$out"
		if [ -z "$best" ] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$ms; fi
	done
	echo "$best $n"
}
# the function's result column is named after it: give both the same name
new_stmt="SELECT prevent.escalate_overdue(:'at') AS count"

t=$(sql "SELECT t FROM bench.meta")
t_noop=$(sql "SELECT t - interval '1 hour' FROM bench.meta")
read -r new_noop n1 < <(time_ms "$new_stmt" "$t_noop")
read -r old_noop n2 < <(time_ms "$old_stmt" "$t_noop")
read -r new_due n3 < <(time_ms "$new_stmt" "$t")
read -r old_due n4 < <(time_ms "$old_stmt" "$t")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0fx", a / b; else print "-" }'; }

echo
echo "escalate_overdue over $orders open orders, best of $runs (ms, server side)"
line
printf '%-34s %12s %16s %10s %8s\n' "run" "escalations" "escalate_overdue" "old scan" "old/new"
line
printf '%-34s %12s %16s %10s %8s\n' "no-op (at T - 1 h: nothing due)" "$n1/$n2" "$new_noop" "$old_noop" "$(ratio "$old_noop" "$new_noop")"
printf '%-34s %12s %16s %10s %8s\n' "$due due (at T)" "$n3/$n4" "$new_due" "$old_due" "$(ratio "$old_due" "$new_due")"
line
if [ "$n1" != "$n2" ] || [ "$n3" != "$n4" ]; then
	echo "MISMATCH: escalate_overdue and the old statement escalated different numbers of deadlines" >&2
	exit 1
fi
verdict=$(awk -v a="$new_due" -v b="$target" 'BEGIN { print (a < b) ? "PASS" : "MISS" }')
echo "target: a run with $due due under $target ms: $verdict ($new_due ms)"
echo
echo "the selection (EXPLAIN of the orders escalate_overdue locks, at T):"
sql "EXPLAIN (COSTS OFF) SELECT w.id FROM prevent.work_order w WHERE w.next_escalation_due < '$t' FOR UPDATE SKIP LOCKED" | sed 's/^/  /'
[ "$keep" = 1 ] && echo "kept database $db (drop with: DROP DATABASE $db;)"
exit 0
