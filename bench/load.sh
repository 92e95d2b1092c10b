#!/usr/bin/env bash
# bench/load.sh — a bulk load into a watched table: how long, and does it go through?
#
# In one run it prints:
#   1. one COPY of BENCH_ROWS (2,000,000) rows of ~100-character Chinese incident narratives,
#      with BENCH_PARTIES (100,000) distinct phone numbers in the party column and ~5 % risky
#      rows (a term of prevent.terms() that is an alert on its own), into a watched table vs
#      the same rows into an unwatched one; both times, the ratio against the target
#      (watched <= BENCH_TARGET (2.5) x unwatched: PASS or MISS, reported, never an error),
#      and the alerts, repeats, work orders and escalations the COPY created.  The load is one
#      statement: all its alerts are written by one batch, naming every party at once, under
#      the server's max_locks_per_transaction (printed; the default is 64);
#   2. two COPYs of BENCH_CONCURRENT_ROWS (200,000) rows each, other rows over the same party
#      pool, started together into the watched table: whether each succeeded (a deadlock or
#      any other error is printed), their times, and the alerts and orders they created.
# Before each part the alerts of earlier ones are deleted, so every part starts alike.
#
# The data is generated deterministically (md5 of the row number) in schema bench_load, then
# written to files on the client and loaded with psql's \copy, timed on the client (wall
# clock).  The tables are ordinary logged tables with an identity key, a unit (20 stations) and
# a phone column (5 % NULL); the narrative clauses are everyday ones that the installed
# lexicon scores 0, so only the risky clause raises alerts.
#
# Usage:   bench/load.sh [--keep]
#   --keep   keep schema bench_load and the alerts / orders the run created (default: the
#            alerts, work orders, escalations and events of the bench tables are deleted and
#            the schema dropped at the end)
# Connection: the standard libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER, ...).  Run it
# as a superuser or the owner of the extension's tables, in a database where the extension is
# installed (CREATE EXTENSION prevent is run if it is missing).  It needs about 1 GB of disk for
# 2,000,000 rows (two tables, their alerts and the data files in /tmp).
# Environment: BENCH_ROWS (2000000), BENCH_PARTIES (100000), BENCH_CONCURRENT_ROWS (200000),
#              BENCH_TARGET (2.5, the largest acceptable watched/unwatched ratio).
set -euo pipefail
. "$(dirname "$0")/../scripts/pg-config.sh"   # psql of PG_CONFIG's PostgreSQL

. "$(dirname "$0")/lib/options.sh"

rows=${BENCH_ROWS:-2000000}
parties=${BENCH_PARTIES:-100000}
crows=${BENCH_CONCURRENT_ROWS:-200000}
target=${BENCH_TARGET:-2.5}
bench_keep_option "$@"
bench_whole_numbers rows parties crows
bench_number BENCH_TARGET "$target"
bench_tools psql awk

export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c jit=off -c statement_timeout=0 -c client_min_messages=warning"
export PGAPPNAME=bench/load.sh
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
sql() { "${PSQL[@]}" -A -t -c "$1"; }

tmp=$(mktemp -d /tmp/prevent-load-bench.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	rm -rf "$tmp"
	if [ "$keep" = 0 ]; then
		sql "SELECT bench_load.forget(); DROP SCHEMA bench_load CASCADE" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT

now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
div() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b == 0) print "n/a"; else printf "%.*f", d, a / b }'; }

echo "== prevent: a bulk load into a watched table"
sql "CREATE EXTENSION IF NOT EXISTS prevent" >/dev/null
echo "server:    $(sql "SELECT current_setting('server_version')"), database $(sql "SELECT current_database()"), prevent $(sql "SELECT extversion FROM pg_extension WHERE extname = 'prevent'")"
locks=$(sql "SELECT setting || CASE WHEN setting = boot_val THEN ' (the default)' ELSE ' (NOT the default, ' || boot_val || ')' END
			   FROM pg_settings WHERE name = 'max_locks_per_transaction'")
echo "settings:  max_locks_per_transaction $locks, max_connections $(sql "SHOW max_connections"), shared_buffers $(sql "SHOW shared_buffers")"
echo "rows:      $rows in one COPY, parties drawn from a pool of $parties phones; then 2 concurrent COPYs of $crows rows"
if [ -r /proc/loadavg ]; then
	echo "this host: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc 2>/dev/null || echo '?') CPUs at start (timings are wall clock)"
fi

# ---------------------------------------------------------------- data
t0=$(now_ms)
"${PSQL[@]}" <<'SQL'
DROP SCHEMA IF EXISTS bench_load CASCADE;
CREATE SCHEMA bench_load;

/* deterministic pseudo-random 1..n from (row, stream) */
CREATE FUNCTION bench_load.rnd(i bigint, k int, n int) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT 1 + (('x' || substr(md5(i::text || ':' || k::text), 1, 8))::bit(32)::bigint % n)::int $$;

/* everyday clauses (any the installed lexicon scores is dropped), openings, risky terms */
CREATE TABLE bench_load.words AS
SELECT ARRAY(SELECT f FROM unnest(ARRAY[
	'其电动车在小区楼下丢失，', '车辆停放时间约为两小时，', '其手机在公交车上遗失，',
	'民警调取了周边监控视频，', '双方因停车位问题发生争执，', '物业人员也在现场，',
	'社区网格员已到场协助，', '经现场核实，', '报警人所述情况基本属实，', '已告知其通过法律途径解决，',
	'民警对双方进行了劝解，', '双方均表示不再追究，', '报警人对处理结果表示满意，', '现场秩序正常，',
	'未造成财产损失，', '损失金额约两千元，', '民警已将相关情况登记备案，', '并提醒其注意保管个人财物，',
	'建议其向社区反映，', '此事已持续一个多月，', '双方各执一词，', '快递员称包裹被他人冒领，',
	'商家同意退款，', '已通知物业维修，', '报警人称其被困电梯，', '双方就赔偿金额协商一致，',
	'在某小区三栋二单元，', '在某菜市场内，', '在某超市收银台，', '在某停车场，']) f
			 WHERE prevent.score(f) = 0 ORDER BY f) AS frag,
	   ARRAY(SELECT f FROM unnest(ARRAY['报警人称：', '来电人称，', '接群众报警，', '民警巡逻时发现，',
										'今日上午十时许，', '昨晚八点左右，']) f
			 WHERE prevent.score(f) = 0 ORDER BY f) AS opening,
	   ARRAY(SELECT t FROM unnest(prevent.terms()) t WHERE (prevent.assess(t)).level >= 'low' ORDER BY t) AS term,
	   ARRAY['对方曾说“%s”，', '据邻居反映，当事人提到%s，', '报警人称事情涉及%s，', '其微信消息中有“%s”字样，'] AS carrier;

/* row i of the data: unit, phone (one of :parties), narrative (~5 % with a risky clause) */
CREATE FUNCTION bench_load.row(i bigint, parties int, OUT unit text, OUT phone text, OUT body text)
LANGUAGE sql STABLE AS $$
	SELECT 'U' || lpad(bench_load.rnd(i, 1, 20)::text, 2, '0'),
		   CASE WHEN bench_load.rnd(i, 2, 20) > 1 THEN '13' || lpad((bench_load.rnd(i, 3, parties) - 1)::text, 9, '0') END,
		   w.opening[bench_load.rnd(i, 4, cardinality(w.opening))]
		   || CASE WHEN bench_load.rnd(i, 5, 1000) <= 50
				   THEN format(w.carrier[bench_load.rnd(i, 6, 4)], w.term[bench_load.rnd(i, 7, cardinality(w.term))])
				   ELSE '' END
		   || w.frag[bench_load.rnd(i, 8, cardinality(w.frag))] || w.frag[bench_load.rnd(i, 9, cardinality(w.frag))]
		   || w.frag[bench_load.rnd(i, 10, cardinality(w.frag))] || w.frag[bench_load.rnd(i, 11, cardinality(w.frag))]
		   || w.frag[bench_load.rnd(i, 12, cardinality(w.frag))] || w.frag[bench_load.rnd(i, 13, cardinality(w.frag))]
		   || '。'
	  FROM bench_load.words w
$$;

CREATE TABLE bench_load.plain (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	unit text NOT NULL,
	phone text,
	body text
);
CREATE TABLE bench_load.watched (LIKE bench_load.plain INCLUDING ALL);
SELECT prevent.watch('bench_load.watched', 'body', unit_column => 'unit', party_columns => ARRAY['phone']::name[]) \g /dev/null

/* forget what the bench tables raised: alerts, orders, escalations, events, repeat parties */
CREATE FUNCTION bench_load.forget() RETURNS void
LANGUAGE sql AS $$
	DELETE FROM prevent.event e USING prevent.alert a WHERE e.alert_id = a.id AND a.source = 'bench_load.watched'::regclass;
	DELETE FROM prevent.escalation s USING prevent.work_order w, prevent.alert a
	 WHERE s.work_order_id = w.id AND w.alert_id = a.id AND a.source = 'bench_load.watched'::regclass;
	DELETE FROM prevent.work_order w USING prevent.alert a WHERE w.alert_id = a.id AND a.source = 'bench_load.watched'::regclass;
	DELETE FROM prevent.alert a WHERE a.source = 'bench_load.watched'::regclass;
	SELECT prevent.refresh_stats();
$$;

/* what the watched table's alerts add up to */
CREATE FUNCTION bench_load.created(OUT alerts bigint, OUT repeats bigint, OUT orders bigint, OUT cross_orders bigint,
								   OUT escalations bigint)
LANGUAGE sql STABLE AS $$
	SELECT (SELECT count(*) FROM prevent.alert a WHERE a.source = 'bench_load.watched'::regclass),
		   (SELECT count(*) FROM prevent.alert a WHERE a.source = 'bench_load.watched'::regclass AND a.repeat),
		   count(*), count(*) FILTER (WHERE w.reason = 'cross_jurisdiction'),
		   (SELECT count(*) FROM prevent.escalation e JOIN prevent.work_order x ON x.id = e.work_order_id
			  JOIN prevent.alert a ON a.id = x.alert_id WHERE a.source = 'bench_load.watched'::regclass)
	  FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
	 WHERE a.source = 'bench_load.watched'::regclass
$$;
SQL

# the big file: rows 1..rows; the concurrent ones: the next 2 x crows rows, same party pool
sql "\\copy (SELECT r.* FROM generate_series(1, $rows) i, bench_load.row(i, $parties) r) TO '$tmp/load.tsv'"
sql "\\copy (SELECT r.* FROM generate_series($rows + 1, $rows + $crows) i, bench_load.row(i, $parties) r) TO '$tmp/c1.tsv'"
sql "\\copy (SELECT r.* FROM generate_series($rows + $crows + 1, $rows + 2 * $crows) i, bench_load.row(i, $parties) r) TO '$tmp/c2.tsv'"
nphone=$(awk -F'\t' '$2 != "\\N" { seen[$2] = 1 } END { print length(seen) }' "$tmp/load.tsv")
echo "data:      $rows rows ($(du -h "$tmp/load.tsv" | cut -f1)), $nphone distinct phones; generated in $(( ($(now_ms) - t0) / 1000 )) s"

# ---------------------------------------------------------------- 1. one big COPY
copy_into() { # copy_into TABLE FILE: milliseconds, or fails
	local t0 t1
	t0=$(now_ms)
	"${PSQL[@]}" -c "\\copy bench_load.$1 (unit, phone, body) FROM '$2'" >&2 || return 1
	t1=$(now_ms)
	echo $((t1 - t0))
}
sql "CHECKPOINT" >/dev/null 2>&1 || true
plain_ms=$(copy_into plain "$tmp/load.tsv")
sql "CHECKPOINT" >/dev/null 2>&1 || true
if watched_ms=$(copy_into watched "$tmp/load.tsv"); then
	watched_ok=1
else
	watched_ok=0; watched_ms=0
fi
read -r alerts repeats orders cross escal < <(sql "SELECT * FROM bench_load.created()" | tr '|' ' ')
read -r levels < <(sql "SELECT coalesce(string_agg(level || ' ' || n, ', ' ORDER BY level), 'none') FROM (
	SELECT level, count(*) AS n FROM prevent.alert WHERE source = 'bench_load.watched'::regclass GROUP BY level) x")
ratio=$(div "$watched_ms" "$plain_ms")
if [ "$watched_ok" = 1 ]; then
	verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r <= t) ? "PASS" : "MISS" }')
else
	verdict="MISS (the watched COPY failed)"
fi

echo
echo "== one COPY of $rows rows (a pool of $parties parties, ~5 % risky)"
printf '  %-12s %9s ms\n' "unwatched" "$plain_ms"
printf '  %-12s %9s ms   %s\n' "watched" "$watched_ms" "$([ "$watched_ok" = 1 ] && echo succeeded || echo FAILED)"
echo "  ratio      ${ratio}x   target <= ${target}x: $verdict"
echo "  created:   $alerts alerts ($(div $((alerts * 100)) "$rows" 2) % of the rows; $levels; $repeats repeats), $orders work orders ($cross cross-jurisdiction), $escal escalations"

# ---------------------------------------------------------------- 2. two COPYs at once
sql "TRUNCATE bench_load.watched; SELECT bench_load.forget(); CHECKPOINT" >/dev/null
t0=$(now_ms)
( s=$(now_ms); "${PSQL[@]}" -c "\\copy bench_load.watched (unit, phone, body) FROM '$tmp/c1.tsv'" >"$tmp/c1.out" 2>&1; echo "$? $(( $(now_ms) - s ))" >"$tmp/c1.rc" ) &
( s=$(now_ms); "${PSQL[@]}" -c "\\copy bench_load.watched (unit, phone, body) FROM '$tmp/c2.tsv'" >"$tmp/c2.out" 2>&1; echo "$? $(( $(now_ms) - s ))" >"$tmp/c2.rc" ) &
wait
both_ms=$(( $(now_ms) - t0 ))
read -r rc1 ms1 <"$tmp/c1.rc"
read -r rc2 ms2 <"$tmp/c2.rc"
read -r crows_in < <(sql "SELECT count(*) FROM bench_load.watched")
read -r calerts crepeats corders ccross cescal < <(sql "SELECT * FROM bench_load.created()" | tr '|' ' ')

echo
echo "== two concurrent COPYs of $crows rows each into the watched table (same party pool)"
for k in 1 2; do
	rc_var=rc$k; ms_var=ms$k
	if [ "${!rc_var}" = 0 ]; then
		printf '  COPY %s   %9s ms   succeeded\n' "$k" "${!ms_var}"
	else
		printf '  COPY %s   %9s ms   FAILED (psql status %s): %s\n' "$k" "${!ms_var}" "${!rc_var}" "$(tr '\n' ' ' <"$tmp/c$k.out")"
	fi
done
echo "  both:      $both_ms ms wall clock; $crows_in rows in the table"
echo "  created:   $calerts alerts ($crepeats repeats), $corders work orders ($ccross cross-jurisdiction), $cescal escalations"
if [ "$rc1" = 0 ] && [ "$rc2" = 0 ]; then conc="both succeeded"; else conc="FAILED"; fi

echo
echo "== summary"
echo "| | unwatched | watched | ratio |"
echo "|---|---:|---:|---:|"
echo "| one COPY, $rows rows, a pool of $parties parties, 5 % risky ($alerts alerts, $orders orders) | $plain_ms ms | $watched_ms ms | ${ratio}x ($verdict, target <= ${target}x) |"
echo "| two concurrent COPYs, $crows rows each ($calerts alerts, $corders orders) | | $ms1 ms, $ms2 ms | $conc |"
if [ -r /proc/loadavg ]; then
	echo "this host: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
fi

# ---------------------------------------------------------------- clean up
if [ "$keep" = 1 ]; then
	echo "kept: schema bench_load and the alerts / orders of its tables"
fi
