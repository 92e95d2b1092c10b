#!/usr/bin/env bash
# bench/watch.sh — what does watching an incident table cost?
#
# In one run it prints:
#   1. COPY of BENCH_ROWS (200,000) rows of ~150-character Chinese incident narratives into
#      a watched table vs the same table unwatched, for two data sets that differ only in
#      one clause: 0 % risky (no lexicon term at all) and ~5 % risky (one row in twenty
#      carries a term of prevent.terms() that is an alert on its own).  The 5 % ratio is
#      checked against the target (watched <= 3x unwatched: PASS or MISS; a miss is
#      reported, never an error).  Where the time goes:
#        - scan only: SELECT (prevent.assess(body)).level over the same rows (the C scan
#          without trigger or COPY);
#        - trigger + scan per row: (watched 0 % - unwatched 0 %) / rows;
#        - alert path per alert: (watched 5 % - watched 0 %) / alerts: what the SQL side
#          does for an alert (party locks, repeat check, the alert, work orders,
#          escalations, events);
#      and the alerts, work orders and escalations one COPY creates.  Where the extension
#      has the watch_mode setting, the 5 % COPY is also timed into a table watched in row
#      mode (each alert written by the row trigger at once: the path for tables
#      distributed by unit); watched above means the default (batch) mode.
#      (Row mode is timed in the first round only: it is an order of magnitude slower.)
#   2. single-row INSERT throughput with pgbench (pgbench -n -f script -T BENCH_SECONDS
#      -c BENCH_CLIENTS; 15 s, 2 clients), each transaction one INSERT ... SELECT of a
#      random row of the 5 % data set, into an unwatched and a watched table; TPS both
#      ways and their ratio, with synchronous_commit as configured and off (a slow WAL
#      flush at commit, the same both ways, can hide the cost of watching), and the
#      alerts / work orders the watched run created.
#
# The tables are ordinary logged tables with an identity key, a unit and a phone column
# (the party column; 10 % NULL, drawn from 50,000 numbers, so some risky rows are repeats
# of one party, as in real data, and get repeat and cross-jurisdiction orders).  Each COPY
# is timed on the client (wall clock around `psql -c '\copy ...'`), best of BENCH_RUNS (3)
# runs, the four variants interleaved; before each run the target is truncated and the
# alerts of earlier runs are deleted, so every run starts alike.
#
# The data is generated deterministically (md5 of the row number) in schema bench_watch;
# the narrative clauses are plain everyday ones, and any clause the installed lexicon
# scores above 0 is dropped before generating, so the 0 % set really has no match.  The
# risky terms are those of prevent.terms() that reach the low level on their own.
#
# Usage:   bench/watch.sh [--keep]
#   --keep   keep schema bench_watch and the alerts / orders the run created (default: the
#            alerts, work orders, escalations and events of the bench tables are deleted
#            and the schema dropped at the end)
# Connection: the standard libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER, ...).  Run it
# as a superuser or the owner of the extension's tables (it deletes the alerts it created;
# those tables have row-level security), in a database where the extension is installed
# (CREATE EXTENSION prevent is run if it is missing).
# Environment: BENCH_ROWS (200000), BENCH_RUNS (3), BENCH_SECONDS (15), BENCH_CLIENTS (2),
#              BENCH_TARGET (3, the largest acceptable watched/unwatched COPY ratio).
set -euo pipefail
. "$(dirname "$0")/../scripts/pg-config.sh"   # psql, pgbench of PG_CONFIG's PostgreSQL

. "$(dirname "$0")/lib/options.sh"

rows=${BENCH_ROWS:-200000}
runs=${BENCH_RUNS:-3}
seconds=${BENCH_SECONDS:-15}
clients=${BENCH_CLIENTS:-2}
target=${BENCH_TARGET:-3}
bench_keep_option "$@"
bench_whole_numbers rows runs seconds clients
bench_number BENCH_TARGET "$target"
bench_tools psql pgbench awk

export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c jit=off -c statement_timeout=0 -c client_min_messages=warning"
export PGAPPNAME=bench/watch.sh
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
sql() { "${PSQL[@]}" -A -t -c "$1"; }

tmp=$(mktemp -d /tmp/prevent-watch-bench.XXXXXX)
chmod 755 "$tmp"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

# milliseconds since the epoch
now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
# a / b with d decimals
div() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b == 0) print "n/a"; else printf "%.*f", d, a / b }'; }

echo "== prevent: the cost of watching a table"
sql "CREATE EXTENSION IF NOT EXISTS prevent" >/dev/null
echo "server:    $(sql "SELECT current_setting('server_version')"), database $(sql "SELECT current_database()"), prevent $(sql "SELECT extversion FROM pg_extension WHERE extname = 'prevent'")"
echo "rows:      $rows per COPY, best of $runs runs; pgbench ${seconds}s x $clients clients"
# a busy machine makes every figure noisy: say so
if [ -r /proc/loadavg ]; then
	echo "this host: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc 2>/dev/null || echo '?') CPUs at start (timings are wall clock)"
fi

# ---------------------------------------------------------------- data
"${PSQL[@]}" -v rows="$rows" <<'SQL'
DROP SCHEMA IF EXISTS bench_watch CASCADE;
CREATE SCHEMA bench_watch;

/* deterministic pseudo-random 1..n from (row, stream) */
CREATE FUNCTION bench_watch.rnd(i bigint, k int, n int) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT 1 + (('x' || substr(md5(i::text || ':' || k::text), 1, 8))::bit(32)::bigint % n)::int $$;

/* everyday clauses; any the installed lexicon scores is dropped */
CREATE TABLE bench_watch.frag AS
SELECT row_number() OVER (ORDER BY f) AS n, f
  FROM unnest(ARRAY[
	'其电动车在小区楼下丢失，', '车辆停放时间约为两小时，', '其手机在公交车上遗失，',
	'民警调取了周边监控视频，', '双方因停车位问题发生争执，', '物业人员也在现场，',
	'社区网格员已到场协助，', '经现场核实，', '报警人所述情况基本属实，', '已告知其通过法律途径解决，',
	'民警对双方进行了劝解，', '双方均表示不再追究，', '报警人对处理结果表示满意，', '现场秩序正常，',
	'未造成财产损失，', '损失金额约两千元，', '民警已将相关情况登记备案，', '并提醒其注意保管个人财物，',
	'建议其向社区反映，', '此事已持续一个多月，', '双方各执一词，', '快递员称包裹被他人冒领，',
	'外卖骑手与顾客因送餐时间发生争执，', '商家同意退款，', '内有现金约三百元及身份证，',
	'民警已开具受案回执，', '报警人称楼道内有异味，', '经查系垃圾未及时清理，', '已通知物业维修，',
	'报警人称其被困电梯，', '被困人员已安全救出，', '报警人称其车辆被剐蹭，', '双方就赔偿金额协商一致，',
	'经民警沿途寻找，', '已将老人安全送回家中，', '报警人称隔壁装修声音较大，', '施工方表示会调整施工时间，',
	'报警人称网购商品未收到，', '已告知其联系平台客服，', '双方对事实经过无异议，', '现场围观群众已疏散，',
	'在某小区三栋二单元，', '在某菜市场内，', '在某超市收银台，', '在某停车场，', '在某公司宿舍，']) f
 WHERE prevent.score(f) = 0;

CREATE TABLE bench_watch.opening AS
SELECT row_number() OVER (ORDER BY f) AS n, f
  FROM unnest(ARRAY['报警人称：', '来电人称，', '接群众报警，', '民警巡逻时发现，', '辖区群众到所报称：',
					'今日上午十时许，', '昨晚八点左右，', '当日下午三时许，']) f
 WHERE prevent.score(f) = 0;

/* risky terms: enabled match terms that are an alert on their own */
CREATE TABLE bench_watch.term AS
SELECT row_number() OVER (ORDER BY t) AS n, t
  FROM unnest(prevent.terms()) t
 WHERE (prevent.assess(t)).level >= 'low';

/* one table, both data sets: body0 (0 % risky) and body5 (~5 % risky: the second clause is
 * a carrier phrase with a term); the rest is the same, cut to 148 characters + 。 */
CREATE TABLE bench_watch.src (
	id bigint PRIMARY KEY,
	unit text NOT NULL,
	phone text,
	risky boolean NOT NULL,
	body0 text NOT NULL,
	body5 text NOT NULL
);
INSERT INTO bench_watch.src
SELECT g.i,
	   'U' || lpad(bench_watch.rnd(g.i, 1, 20)::text, 2, '0'),
	   CASE WHEN bench_watch.rnd(g.i, 2, 10) > 1
			THEN '13' || lpad((bench_watch.rnd(g.i, 3, 50000) - 1)::text, 9, '0') END,
	   x.carrier IS NOT NULL,
	   left(x.head || x.tail, 148) || '。',
	   left(x.head || coalesce(x.carrier, '') || x.tail, 148) || '。'
  FROM generate_series(1, :rows) g(i)
 CROSS JOIN LATERAL (
	SELECT (SELECT o.f FROM bench_watch.opening o
			 WHERE o.n = bench_watch.rnd(g.i, 4, (SELECT count(*)::int FROM bench_watch.opening))) AS head,
		   CASE WHEN bench_watch.rnd(g.i, 5, 1000) <= 50 THEN
				format((ARRAY['对方曾说“%s”，', '据邻居反映，当事人提到%s，', '报警人称事情涉及%s，',
							  '其微信消息中有“%s”字样，'])[bench_watch.rnd(g.i, 6, 4)],
					   (SELECT t.t FROM bench_watch.term t
						 WHERE t.n = bench_watch.rnd(g.i, 7, (SELECT count(*)::int FROM bench_watch.term))))
		   END AS carrier,
		   (SELECT string_agg(f.f, '' ORDER BY s.k)
			  FROM generate_series(1, 16) s(k)
			  JOIN bench_watch.frag f
				ON f.n = bench_watch.rnd(g.i * 32 + s.k, 8, (SELECT count(*)::int FROM bench_watch.frag))) AS tail
 ) x;
ANALYZE bench_watch.src;

CREATE TABLE bench_watch.plain (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	unit text NOT NULL,
	phone text,
	body text
);
CREATE TABLE bench_watch.watched (LIKE bench_watch.plain INCLUDING ALL);
CREATE TABLE bench_watch.pgb_plain (LIKE bench_watch.plain INCLUDING ALL);
CREATE TABLE bench_watch.pgb_watched (LIKE bench_watch.plain INCLUDING ALL);
DO $$
BEGIN
	PERFORM prevent.watch('bench_watch.watched', 'body', unit_column => 'unit', party_columns => ARRAY['phone']::name[]);
	PERFORM prevent.watch('bench_watch.pgb_watched', 'body', unit_column => 'unit', party_columns => ARRAY['phone']::name[]);
END
$$;

/* where the extension has watch modes: the same table watched in row mode (each alert
 * written by the row trigger at once, the path for tables distributed by unit) */
DO $$
DECLARE
	mode text;
BEGIN
	SELECT value INTO mode FROM prevent.setting WHERE name = 'watch_mode';
	IF FOUND THEN
		CREATE TABLE bench_watch.watched_row (LIKE bench_watch.plain INCLUDING ALL);
		UPDATE prevent.setting SET value = 'row' WHERE name = 'watch_mode';
		PERFORM prevent.watch('bench_watch.watched_row', 'body', unit_column => 'unit', party_columns => ARRAY['phone']::name[]);
		UPDATE prevent.setting SET value = mode WHERE name = 'watch_mode';
	END IF;
END
$$;

/* forget what the bench tables raised: alerts, orders, escalations, events */
CREATE FUNCTION bench_watch.forget(tables regclass[]) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM prevent.event e USING prevent.alert a WHERE e.alert_id = a.id AND a.source = ANY (tables);
	DELETE FROM prevent.escalation s USING prevent.work_order w, prevent.alert a
	 WHERE s.work_order_id = w.id AND w.alert_id = a.id AND a.source = ANY (tables);
	DELETE FROM prevent.work_order w USING prevent.alert a WHERE w.alert_id = a.id AND a.source = ANY (tables);
	DELETE FROM prevent.alert a WHERE a.source = ANY (tables);
	-- (deleting alerts takes their parties out of prevent.party_incident, not out of
	-- prevent.repeat_party: its rows left without an incident go here)
	DELETE FROM prevent.repeat_party r
	 WHERE NOT EXISTS (SELECT 1 FROM prevent.party_incident p WHERE p.party = r.party AND p.unit IS NOT DISTINCT FROM r.unit);
$$;
CREATE FUNCTION bench_watch.forget_all() RETURNS void
LANGUAGE sql AS $$
	SELECT bench_watch.forget(ARRAY(SELECT c.oid::regclass FROM pg_class c
									 WHERE c.relnamespace = 'bench_watch'::regnamespace AND c.relkind = 'r'));
$$;
SQL

read -r nfrag nterm avglen nrisky nphone < <(sql "SELECT (SELECT count(*) FROM bench_watch.frag), (SELECT count(*) FROM bench_watch.term),
	round(avg(length(body5))), count(*) FILTER (WHERE risky), count(DISTINCT phone) FROM bench_watch.src" | tr '|' ' ')
echo "data:      $rows rows, avg $avglen characters; $nrisky rows ($(div $((nrisky * 100)) "$rows" 2) %) carry one of $nterm risky terms; $nphone distinct phones; $nfrag everyday clauses"

for d in 0 5; do
	sql "\\copy (SELECT unit, phone, body$d FROM bench_watch.src ORDER BY id) TO '$tmp/src$d.tsv'"
done
echo "files:     $(du -h "$tmp/src5.tsv" | cut -f1) each"

# ---------------------------------------------------------------- scan only
# the C scan alone (prevent.assess, as the trigger scans), and what it finds
t0=$(now_ms)
read -r hits0 < <(sql "SELECT count(*) FILTER (WHERE (prevent.assess(body0)).level >= 'low') FROM bench_watch.src")
scan0=$(( $(now_ms) - t0 ))
t0=$(now_ms)
read -r hits5 < <(sql "SELECT count(*) FILTER (WHERE (prevent.assess(body5)).level >= 'low') FROM bench_watch.src")
scan5=$(( $(now_ms) - t0 ))
t0=$(now_ms)
sql "SELECT count(*), sum(length(body5)) FROM bench_watch.src" >/dev/null
floor=$(( $(now_ms) - t0 ))

# ---------------------------------------------------------------- COPY
# one COPY of data set $2 into table $1; prints milliseconds
copy_once() {
	local table=$1 set=$2 t0 t1
	# every run starts without alerts of earlier runs (of any bench table: same parties)
	sql "TRUNCATE bench_watch.$table; SELECT bench_watch.forget_all();" >/dev/null
	sql "CHECKPOINT" >/dev/null 2>&1 || true
	t0=$(now_ms)
	"${PSQL[@]}" -c "\\copy bench_watch.$table (unit, phone, body) FROM '$tmp/src$set.tsv'" || return 1
	t1=$(now_ms)
	echo $((t1 - t0))
}

variants=(plain0 watched0 plain5 watched5)
has_row=$(sql "SELECT to_regclass('bench_watch.watched_row') IS NOT NULL")
if [ "$has_row" = t ]; then variants+=(watched_row5); fi
declare -A best
for v in "${variants[@]}"; do best[$v]=; done
for ((r = 1; r <= runs; r++)); do
	for v in "${variants[@]}"; do
		# row mode is an order of magnitude slower: timed in the first round only
		if [ "$v" = watched_row5 ] && [ "$r" -gt 1 ]; then continue; fi
		ms=$(copy_once "${v%?}" "${v: -1}")
		if [ -z "${best[$v]}" ] || [ "$ms" -lt "${best[$v]}" ]; then best[$v]=$ms; fi
		if [ "$v" = watched5 ]; then
			# what one COPY of the 5 % set creates (the same every run)
			read -r alerts5 repeats5 orders5 escal5 < <(sql "SELECT
				(SELECT count(*) FROM prevent.alert a WHERE a.source = 'bench_watch.watched'::regclass),
				(SELECT count(*) FROM prevent.alert a WHERE a.source = 'bench_watch.watched'::regclass AND a.repeat),
				(SELECT count(*) FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
				  WHERE a.source = 'bench_watch.watched'::regclass),
				(SELECT count(*) FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
				   JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source = 'bench_watch.watched'::regclass)" | tr '|' ' ')
			read -r levels5 < <(sql "SELECT string_agg(level || ' ' || n, ', ' ORDER BY level) FROM (
				SELECT level, count(*) AS n FROM prevent.alert WHERE source = 'bench_watch.watched'::regclass GROUP BY level) x")
		fi
		if [ "$v" = watched0 ]; then
			read -r alerts0 < <(sql "SELECT count(*) FROM prevent.alert a WHERE a.source = 'bench_watch.watched'::regclass")
		fi
	done
	echo "run $r/$runs: best so far (ms): $(for v in "${variants[@]}"; do printf '%s %s  ' "$v" "${best[$v]}"; done)" >&2
done
sql "TRUNCATE bench_watch.plain, bench_watch.watched; SELECT bench_watch.forget_all();" >/dev/null
if [ "$has_row" = t ]; then sql "TRUNCATE bench_watch.watched_row" >/dev/null; fi

ratio0=$(div "${best[watched0]}" "${best[plain0]}")
ratio5=$(div "${best[watched5]}" "${best[plain5]}")
verdict=$(awk -v r="$ratio5" -v t="$target" 'BEGIN { print (r <= t) ? "PASS" : "MISS" }')
per_row_us=$(div $(( (best[watched0] - best[plain0]) * 1000 )) "$rows" 1)
extra5=$(( best[watched5] - best[watched0] ))
per_alert_ms=$(div "$extra5" "$alerts5" 3)

echo
echo "== COPY $rows rows (best of $runs)"
printf '%-34s %10s %10s %8s\n' "" "unwatched" "watched" "ratio"
printf '%-34s %7s ms %7s ms %7sx\n' "0 % risky ($alerts0 alerts)" "${best[plain0]}" "${best[watched0]}" "$ratio0"
printf '%-34s %7s ms %7s ms %7sx\n' "5 % risky ($alerts5 alerts)" "${best[plain5]}" "${best[watched5]}" "$ratio5"
if [ "$has_row" = t ]; then
	printf '%-34s %7s ms %7s ms %7sx\n' "5 % risky, row mode" "${best[plain5]}" "${best[watched_row5]}" "$(div "${best[watched_row5]}" "${best[plain5]}")"
fi
echo "target:    watched COPY <= ${target}x unwatched (5 % risky): $verdict ($ratio5 x)"
echo "           0 % risky (scan and trigger only): $(awk -v r="$ratio0" -v t="$target" 'BEGIN { print (r <= t) ? "PASS" : "MISS" }') ($ratio0 x)"
echo
echo "== where the time goes (watched COPY, 5 % risky: ${best[watched5]} ms)"
printf '  %-48s %7s ms\n' "COPY itself (unwatched)" "${best[plain5]}"
printf '  %-48s %7s ms   (%s us/row)\n' "row trigger + C scan (watched 0% - unwatched 0%)" "$(( best[watched0] - best[plain0] ))" "$per_row_us"
printf '  %-48s %7s ms   (%s ms/alert)\n' "alert path for $alerts5 alerts (watched 5% - 0%)" "$extra5" "$per_alert_ms"
printf '  %-48s %7s ms   (0 %%: %s ms; read alone: %s ms)\n' "for comparison: assess() over the rows, 5 %" "$scan5" "$scan0" "$floor"
echo "  alerts found by assess(): 0 % set $hits0, 5 % set $hits5"
echo "  one COPY of the 5 % set created $alerts5 alerts ($levels5; $repeats5 repeats),"
echo "  $orders5 work orders, $escal5 escalations"

# ---------------------------------------------------------------- pgbench
for t in pgb_plain pgb_watched; do
	cat >"$tmp/$t.sql" <<EOF
\\set i random(1, $rows)
INSERT INTO bench_watch.$t (unit, phone, body) SELECT unit, phone, body5 FROM bench_watch.src WHERE id = :i;
EOF
done
pgb() {
	local out
	out=$(pgbench -n -f "$tmp/$1.sql" -T "$seconds" -c "$clients" -j "$clients" 2>&1) || { echo "$out" >&2; return 1; }
	echo "$out" | awk '/^tps = / { print $3; exit }'
}
# as configured, then with synchronous_commit = off: a commit's WAL flush (the same both
# ways) can hide what watching costs
sync=$(sql "SELECT current_setting('synchronous_commit')")
declare -A tps
for mode in configured async; do
	opts=$PGOPTIONS
	[ "$mode" = async ] && opts="$PGOPTIONS -c synchronous_commit=off"
	for t in pgb_plain pgb_watched; do
		sql "TRUNCATE bench_watch.$t; SELECT bench_watch.forget_all(); CHECKPOINT" >/dev/null 2>&1 || true
		tps[$mode.$t]=$(PGOPTIONS=$opts pgb "$t")
	done
done
read -r pgb_rows pgb_alerts pgb_orders < <(sql "SELECT (SELECT count(*) FROM bench_watch.pgb_watched),
	(SELECT count(*) FROM prevent.alert a WHERE a.source = 'bench_watch.pgb_watched'::regclass),
	(SELECT count(*) FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
	  WHERE a.source = 'bench_watch.pgb_watched'::regclass)" | tr '|' ' ')

echo
echo "== single-row INSERT, pgbench -n -T $seconds -c $clients (5 % risky rows)"
printf '  %-34s %10s %10s %8s\n' "" "unwatched" "watched" "ratio"
printf '  %-34s %6.0f tps %6.0f tps %8s\n' "synchronous_commit = $sync" "${tps[configured.pgb_plain]}" "${tps[configured.pgb_watched]}" \
	"$(div "${tps[configured.pgb_watched]}" "${tps[configured.pgb_plain]}")"
printf '  %-34s %6.0f tps %6.0f tps %8s\n' "synchronous_commit = off" "${tps[async.pgb_plain]}" "${tps[async.pgb_watched]}" \
	"$(div "${tps[async.pgb_watched]}" "${tps[async.pgb_plain]}")"
echo "  the last watched run inserted $pgb_rows rows and created $pgb_alerts alerts and $pgb_orders work orders"

echo
echo "== summary"
echo "| | unwatched | watched | ratio |"
echo "|---|---:|---:|---:|"
echo "| COPY $rows rows, 0 % risky | ${best[plain0]} ms | ${best[watched0]} ms | ${ratio0}x |"
echo "| COPY $rows rows, 5 % risky ($alerts5 alerts) | ${best[plain5]} ms | ${best[watched5]} ms | ${ratio5}x ($verdict, target <= ${target}x) |"
if [ "$has_row" = t ]; then
	echo "| COPY $rows rows, 5 % risky, row mode | ${best[plain5]} ms | ${best[watched_row5]} ms | $(div "${best[watched_row5]}" "${best[plain5]}")x |"
fi
echo "| single-row INSERT, $clients clients, synchronous_commit = $sync | $(printf '%.0f' "${tps[configured.pgb_plain]}") tps | $(printf '%.0f' "${tps[configured.pgb_watched]}") tps | $(div "${tps[configured.pgb_watched]}" "${tps[configured.pgb_plain]}") |"
echo "| single-row INSERT, $clients clients, synchronous_commit = off | $(printf '%.0f' "${tps[async.pgb_plain]}") tps | $(printf '%.0f' "${tps[async.pgb_watched]}") tps | $(div "${tps[async.pgb_watched]}" "${tps[async.pgb_plain]}") |"

if [ -r /proc/loadavg ]; then
	echo "this host: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
fi

# ---------------------------------------------------------------- clean up
if [ "$keep" = 1 ]; then
	echo "kept: schema bench_watch and the alerts / orders of its tables"
else
	sql "SELECT bench_watch.forget_all(); DROP SCHEMA bench_watch CASCADE" >/dev/null
fi
