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
#   3. UPDATE of all BENCH_ROWS rows already in the table (loaded by the COPY, so ~5 % have
#      alerts), watched vs unwatched, each statement alone:
#        - the narrative appended to (SET body = body || a plain clause): every alert is
#          re-assessed, at its level; checked against BENCH_UPDATE_TARGET (3x: PASS or MISS);
#        - the same over the 0 % set: no row matches, but every updated row is queued and the
#          writer looks up whether it has an alert; (watched 5 % - watched 0 %) / alerts is
#          what re-assessing an alert costs, (watched 0 % - unwatched 0 %) / rows the trigger,
#          the scan and the look-up of every row;
#        - the narrative swapped (SET body = the narrative of row i + rows/2, from a staging
#          table): nearly every alert falls below the alert level and as many rows rise to one;
#          checked against the same target;
#        - a column no trigger watches (note): the update triggers do not fire; checked
#          against BENCH_NOOP_TARGET (1.1x);
#        - where watch() takes text_columns, a table with two narrative columns, the caller's
#          report and the officer's account (cjqk, 处警情况, NULL after the COPY), watched as
#          one text, and the account filled in for every row (from the staging table);
#      with what each UPDATE did to the alerts (re-assessed, level up or down, raised, orders
#      and escalations issued, 'reassess' events), from prevent.alert and prevent.event.  An
#      UPDATE that fails is reported as failed with its error, and the others still run.
#
# The tables are ordinary logged tables with an identity key, a unit and a phone column
# (the party column; 10 % NULL, drawn from 50,000 numbers, so some risky rows are repeats
# of one party, as in real data, and get repeat and cross-jurisdiction orders).  Each COPY
# is timed on the client (wall clock around `psql -c '\copy ...'`), best of BENCH_RUNS (3)
# runs, the four variants interleaved; before each run the target is truncated and the
# alerts of earlier runs are deleted, so every run starts alike.  Each UPDATE is timed the
# same way (best of BENCH_RUNS, all variants interleaved); before each, its table is brought
# back to the state after its COPY: the alerts, orders, escalations and events of every bench
# table deleted (and the repeat parties left without an alert), the table truncated (identity
# restarted) and loaded again by COPY (the watched one raising its alerts again), frozen and
# analyzed, the extension's tables vacuumed (the deleted alerts of earlier runs have the same
# keys), and a checkpoint.
#
# The data is generated deterministically (md5 of the row number) in schema bench_watch;
# the narrative clauses are plain everyday ones, and any clause the installed lexicon
# scores above 0 is dropped before generating, so the 0 % set really has no match.  The
# risky terms are those of prevent.terms() that reach the low level on their own.
#
# Usage:   bench/watch.sh [--keep]
#   --keep   keep schema bench_watch and the alerts / orders the run created (default: the
#            alerts, work orders, escalations and events of the bench tables are deleted
#            and the schema dropped at the end; the next run deletes them first)
# Connection: the standard libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER, ...).  Run it
# as a superuser or the owner of the extension's tables (it deletes the alerts it created;
# those tables have row-level security), in a database where the extension is installed
# (CREATE EXTENSION prevent is run if it is missing).
# Environment: BENCH_ROWS (200000), BENCH_RUNS (3), BENCH_SECONDS (15), BENCH_CLIENTS (2),
#              BENCH_TARGET (3, the largest acceptable watched/unwatched COPY ratio),
#              BENCH_UPDATE_TARGET (3, the same for an UPDATE of the narrative),
#              BENCH_NOOP_TARGET (1.1, the same for an UPDATE of a column not watched).
set -euo pipefail
. "$(dirname "$0")/../scripts/pg-config.sh"   # psql, pgbench of PG_CONFIG's PostgreSQL

. "$(dirname "$0")/lib/options.sh"

rows=${BENCH_ROWS:-200000}
runs=${BENCH_RUNS:-3}
seconds=${BENCH_SECONDS:-15}
clients=${BENCH_CLIENTS:-2}
target=${BENCH_TARGET:-3}
update_target=${BENCH_UPDATE_TARGET:-3}
noop_target=${BENCH_NOOP_TARGET:-1.1}
bench_keep_option "$@"
bench_whole_numbers rows runs seconds clients
bench_number BENCH_TARGET "$target"
bench_number BENCH_UPDATE_TARGET "$update_target"
bench_number BENCH_NOOP_TARGET "$noop_target"
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
/* a schema kept by --keep: what its tables raised is forgotten before they go (dropping a
 * table leaves its alerts, whose parties would make this run's alerts repeats) */
DO $$
BEGIN
	IF to_regprocedure('bench_watch.forget_all()') IS NOT NULL THEN
		PERFORM bench_watch.forget_all();
	END IF;
END
$$;
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
/* UPDATE: the same tables with a column no trigger watches (note) */
CREATE TABLE bench_watch.upd_plain (LIKE bench_watch.plain INCLUDING ALL, note text);
CREATE TABLE bench_watch.upd_watched (LIKE bench_watch.upd_plain INCLUDING ALL);
DO $$
BEGIN
	PERFORM prevent.watch('bench_watch.watched', 'body', unit_column => 'unit', party_columns => ARRAY['phone']::name[]);
	PERFORM prevent.watch('bench_watch.pgb_watched', 'body', unit_column => 'unit', party_columns => ARRAY['phone']::name[]);
	PERFORM prevent.watch('bench_watch.upd_watched', 'body', unit_column => 'unit', party_columns => ARRAY['phone']::name[]);
END
$$;

/* where watch() takes several narrative columns: a 110 table's two, the caller's report
 * (body) and the officer's account (cjqk, 处警情况), assessed as one text */
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = 'prevent'::regnamespace AND p.proname = 'watch' AND 'text_columns' = ANY (p.proargnames)) THEN
		CREATE TABLE bench_watch.upd2_plain (LIKE bench_watch.plain INCLUDING ALL, cjqk text);
		CREATE TABLE bench_watch.upd2_watched (LIKE bench_watch.upd2_plain INCLUDING ALL);
		PERFORM prevent.watch('bench_watch.upd2_watched', text_columns => ARRAY['body', 'cjqk']::name[],
							  unit_column => 'unit', party_columns => ARRAY['phone']::name[]);
	END IF;
END
$$;

/* the new narratives of the swapping UPDATE: row i gets those of row i + rows/2 (0 % and 5 %
 * sets), so that nearly every row with a term loses it and as many rows gain one */
CREATE TABLE bench_watch.fix AS
SELECT s.id, o.body0, o.body5
  FROM bench_watch.src s JOIN bench_watch.src o ON o.id = (s.id - 1 + :rows / 2) % :rows + 1;
ALTER TABLE bench_watch.fix ADD PRIMARY KEY (id);
ANALYZE bench_watch.fix;

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

/* what an UPDATE did to the alerts of table t: snapshot(t) before it, effect(t) after */
CREATE TABLE bench_watch.snap_alert (id bigint PRIMARY KEY, level prevent.risk_level NOT NULL, status text NOT NULL);
CREATE TABLE bench_watch.snap_count (orders bigint NOT NULL, escalations bigint NOT NULL);
CREATE FUNCTION bench_watch.orders(t regclass) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT count(*) FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source = t
$$;
CREATE FUNCTION bench_watch.escalations(t regclass) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT count(*) FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
	  JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source = t
$$;
CREATE FUNCTION bench_watch.snapshot(t regclass) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM bench_watch.snap_alert;
	DELETE FROM bench_watch.snap_count;
	INSERT INTO bench_watch.snap_alert SELECT a.id, a.level, a.status::text FROM prevent.alert a WHERE a.source = t;
	INSERT INTO bench_watch.snap_count VALUES (bench_watch.orders(t), bench_watch.escalations(t));
$$;
/* alerts before; raised by the UPDATE; re-assessed; of those, level up, level down, below the
 * alert level now, status changed; orders and escalations added; 'reassess' events */
CREATE FUNCTION bench_watch.effect(t regclass,
	OUT before bigint, OUT raised bigint, OUT reassessed bigint, OUT rose bigint, OUT fell bigint,
	OUT below bigint, OUT restatus bigint, OUT orders bigint, OUT escalations bigint, OUT events bigint)
LANGUAGE sql STABLE AS $$
	SELECT (SELECT count(*) FROM bench_watch.snap_alert),
		   count(*) FILTER (WHERE s.id IS NULL),
		   count(*) FILTER (WHERE s.id IS NOT NULL AND a.reassessed_at IS NOT NULL),
		   count(*) FILTER (WHERE a.level > s.level),
		   count(*) FILTER (WHERE a.level < s.level),
		   count(*) FILTER (WHERE a.level < s.level AND a.level < 'low'),
		   count(*) FILTER (WHERE a.status::text <> s.status),
		   bench_watch.orders(t) - (SELECT c.orders FROM bench_watch.snap_count c),
		   bench_watch.escalations(t) - (SELECT c.escalations FROM bench_watch.snap_count c),
		   (SELECT count(*) FROM prevent.event e JOIN prevent.alert x ON x.id = e.alert_id
			 WHERE x.source = t AND e.action = 'reassess')
	  FROM prevent.alert a LEFT JOIN bench_watch.snap_alert s ON s.id = a.id
	 WHERE a.source = t
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

# ---------------------------------------------------------------- UPDATE
# the tables the writer touches, vacuumed before each timed UPDATE: the alerts of earlier runs
# (same table, same keys) are deleted, and their dead index entries would slow later runs
prevent_tables=$(sql "SELECT string_agg(c.oid::regclass::text, ', ' ORDER BY c.relname) FROM pg_class c
	WHERE c.relnamespace = 'prevent'::regnamespace AND c.relkind = 'r'")
has_two=$(sql "SELECT to_regclass('bench_watch.upd2_watched') IS NOT NULL")
has_update=$(sql "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'bench_watch.upd_watched'::regclass
	AND tgname = 'prevent_watch_update')")

# table $1 as after a COPY of data set $2 and nothing else: only its own alerts (those of the
# COPY), frozen and analyzed, the prevent tables vacuumed, a checkpoint
upd_reset() {
	local table=$1 set=$2
	sql "SELECT bench_watch.forget_all(); TRUNCATE bench_watch.$table RESTART IDENTITY" >/dev/null || return 1
	"${PSQL[@]}" -c "\\copy bench_watch.$table (unit, phone, body) FROM '$tmp/src$set.tsv'" || return 1
	sql "VACUUM (FREEZE, ANALYZE) bench_watch.$table" >/dev/null || return 1
	sql "VACUUM $prevent_tables" >/dev/null || return 1
	sql "SELECT bench_watch.snapshot('bench_watch.$table')" >/dev/null || return 1
	sql "CHECKPOINT" >/dev/null 2>&1 || true
}
# the table of UPDATE variant $1, and the data set it is loaded with
variant_table() {
	case $1 in
		body_* | swap_*) local t=upd_${1#*_}; echo "${t%?} ${1: -1}" ;;
		note_*) echo "upd_${1#note_} 5" ;;
		two_*) echo "upd2_${1#two_} 5" ;;
	esac
}
# variant $1: reset its table, time its UPDATE; prints milliseconds, or "failed" (the error
# in $tmp/$1.err: an UPDATE that fails is reported, and the other variants still run)
update_once() {
	local v=$1 table set stmt t0 t1
	read -r table set < <(variant_table "$v")
	case $v in
		body_*) stmt="UPDATE bench_watch.$table SET body = body || '民警已到场处置，双方已离开。'" ;;
		swap_*) stmt="UPDATE bench_watch.$table t SET body = f.body$set FROM bench_watch.fix f WHERE f.id = t.id" ;;
		note_*) stmt="UPDATE bench_watch.$table SET note = '已电话回访，报警人表示满意。'" ;;
		two_*) stmt="UPDATE bench_watch.$table t SET cjqk = f.body5 FROM bench_watch.fix f WHERE f.id = t.id" ;;
	esac
	upd_reset "$table" "$set" || return 1
	t0=$(now_ms)
	if ! "${PSQL[@]}" -c "$stmt" 2>"$tmp/$v.err"; then
		echo failed
		return 0
	fi
	t1=$(now_ms)
	echo $((t1 - t0))
}

uvariants=(body_plain5 body_watched5 body_plain0 body_watched0 swap_plain5 swap_watched5 note_plain note_watched)
if [ "$has_two" = t ]; then uvariants+=(two_plain two_watched); fi
declare -A ubest effect ufail
for v in "${uvariants[@]}"; do ubest[$v]=; ufail[$v]=; done
for ((r = 1; r <= runs; r++)); do
	for v in "${uvariants[@]}"; do
		ms=$(update_once "$v")
		if [ "$ms" = failed ]; then
			ufail[$v]=$(head -n 1 "$tmp/$v.err")
			echo "$v: the UPDATE failed: ${ufail[$v]}" >&2
			continue
		fi
		if [ -z "${ubest[$v]}" ] || [ "$ms" -lt "${ubest[$v]}" ]; then ubest[$v]=$ms; fi
		if [[ $v == *_watched* ]]; then
			# what the UPDATE did to the alerts (the same every run)
			read -r table _ < <(variant_table "$v")
			effect[$v]=$(sql "SELECT * FROM bench_watch.effect('bench_watch.$table')" | tr '|' ' ')
		fi
	done
	echo "run $r/$runs: best so far (ms): $(for v in "${uvariants[@]}"; do printf '%s %s  ' "$v" "${ubest[$v]}"; done)" >&2
done
sql "SELECT bench_watch.forget_all(); TRUNCATE bench_watch.upd_plain, bench_watch.upd_watched" >/dev/null
if [ "$has_two" = t ]; then sql "TRUNCATE bench_watch.upd2_plain, bench_watch.upd2_watched" >/dev/null; fi

# an effect as words: re-assessed (level up / down, below the alert level), raised, orders
effect_words() {
	local before raised reassessed rose fell below restatus orders escal events
	if [ -z "$1" ]; then echo "-"; return; fi
	read -r before raised reassessed rose fell below restatus orders escal events <<<"$1"
	echo "of $before alerts $reassessed re-assessed ($rose level up, $fell down, $below of them below the alert level now; $restatus changed status), $raised raised; $orders work orders and $escal escalations issued, $events reassess events"
}
effect_field() { local a; read -r -a a <<<"$1"; echo "${a[$2]:-0}"; }
# the best time of variant $1 ("12 ms"), or "failed"
ucell() { if [ -n "${ubest[$1]}" ]; then echo "${ubest[$1]} ms"; else echo failed; fi; }
# watched / unwatched of variants $1, $2 ("2.31x"), or n/a
uratio() { if [ -n "${ubest[$1]}" ] && [ -n "${ubest[$2]}" ]; then echo "$(div "${ubest[$2]}" "${ubest[$1]}")x"; else echo n/a; fi; }
# PASS or MISS of ratio $1 against target $2 ("UPDATE failed" if it did)
uverdict() { if [ "$1" = n/a ]; then echo "UPDATE failed"; else awk -v r="${1%x}" -v t="$2" 'BEGIN { print (r <= t) ? "PASS" : "MISS" }'; fi; }
# the counts of effect $1 named by the field numbers $2... ("9948 re-assessed, 0 orders"), for a table row
ucounts() {
	local e=$1 out= f n
	shift
	[ -n "$e" ] || return 0
	for f in "$@"; do
		n=$(effect_field "$e" "${f%%:*}")
		out="${out:+$out, }$n ${f#*:}"
	done
	echo " ($out)"
}
# "watched - unwatched" of two variants in ms, or n/a
udiff() { if [ -n "${ubest[$1]}" ] && [ -n "${ubest[$2]}" ]; then echo $(( ubest[$1] - ubest[$2] )); else echo n/a; fi; }

uratio5=$(uratio body_plain5 body_watched5)
uratio0=$(uratio body_plain0 body_watched0)
sratio=$(uratio swap_plain5 swap_watched5)
nratio=$(uratio note_plain note_watched)
uverdict5=$(uverdict "$uratio5" "$update_target")
sverdict=$(uverdict "$sratio" "$update_target")
nverdict=$(uverdict "$nratio" "$noop_target")
# alerts the 5 % UPDATE wrote: raised + re-assessed
utouched=$(( $(effect_field "${effect[body_watched5]:-}" 1) + $(effect_field "${effect[body_watched5]:-}" 2) ))
per_row_upd=$(udiff body_watched0 body_plain0)
alert_upd=$(udiff body_watched5 body_watched0)

echo
echo "== UPDATE of $rows rows already in the table (loaded by the COPY; best of $runs)"
if [ "$has_update" != t ]; then
	echo "  (this version of prevent does not re-assess rows on UPDATE: watched and unwatched do the same)"
fi
printf '  %-46s %10s %10s %8s\n' "" "unwatched" "watched" "ratio"
printf '  %-46s %10s %10s %8s\n' "narrative appended to, 5 % risky" "$(ucell body_plain5)" "$(ucell body_watched5)" "$uratio5"
printf '  %-46s %10s %10s %8s\n' "narrative appended to, 0 % risky (no match)" "$(ucell body_plain0)" "$(ucell body_watched0)" "$uratio0"
printf '  %-46s %10s %10s %8s\n' "narrative swapped, 5 % risky (rise and fall)" "$(ucell swap_plain5)" "$(ucell swap_watched5)" "$sratio"
printf '  %-46s %10s %10s %8s\n' "a column not watched (note)" "$(ucell note_plain)" "$(ucell note_watched)" "$nratio"
if [ "$has_two" = t ]; then
	printf '  %-46s %10s %10s %8s\n' "second narrative column (cjqk, NULL -> text)" "$(ucell two_plain)" "$(ucell two_watched)" \
		"$(uratio two_plain two_watched)"
fi
echo "target:    watched UPDATE of the narrative <= ${update_target}x unwatched (5 % risky): appended $uverdict5 ($uratio5), swapped $sverdict ($sratio)"
echo "           watched UPDATE of a column not watched <= ${noop_target}x unwatched: $nverdict ($nratio)"
for v in "${uvariants[@]}"; do
	if [ -n "${ufail[$v]}" ]; then echo "  FAILED: $v (in at least one run): ${ufail[$v]}"; fi
done
echo "  appended, 5 %: $(effect_words "${effect[body_watched5]:-}")"
echo "  appended, 0 %: $(effect_words "${effect[body_watched0]:-}")"
echo "  swapped, 5 %:  $(effect_words "${effect[swap_watched5]:-}")"
echo "  note:          $(effect_words "${effect[note_watched]:-}")"
if [ "$has_two" = t ]; then
	echo "  cjqk:          $(effect_words "${effect[two_watched]:-}")"
fi
echo
echo "== where the time goes (watched UPDATE appending to the narrative, 5 % risky: $(ucell body_watched5))"
printf '  %-50s %7s ms\n' "UPDATE itself (unwatched)" "${ubest[body_plain5]:-n/a}"
printf '  %-50s %7s ms   (%s us/row)\n' "row trigger + C scan + queue + look-up of the" "$per_row_upd" \
	"$( [ "$per_row_upd" = n/a ] && echo n/a || div $(( per_row_upd * 1000 )) "$rows" 1)"
printf '  %-50s\n' "  rows' alerts (watched 0 % - unwatched 0 %)"
printf '  %-50s %7s ms   (%s ms/alert)\n' "alert path for $utouched alerts (watched 5 % - 0 %)" "$alert_upd" \
	"$( [ "$alert_upd" = n/a ] && echo n/a || div "$alert_upd" "$utouched" 3)"
printf '  %-50s %7s ms\n' "for comparison: assess() over the rows, 5 %" "$scan5"

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

echo "| UPDATE appending to the narrative, $rows rows, 5 % risky$(ucounts "${effect[body_watched5]:-}" 2:re-assessed 7:orders) | $(ucell body_plain5) | $(ucell body_watched5) | $uratio5 ($uverdict5, target <= ${update_target}x) |"
echo "| UPDATE appending to the narrative, $rows rows, 0 % risky | $(ucell body_plain0) | $(ucell body_watched0) | $uratio0 |"
echo "| UPDATE swapping the narrative, $rows rows, 5 % risky$(ucounts "${effect[swap_watched5]:-}" 1:raised 4:fell 7:orders) | $(ucell swap_plain5) | $(ucell swap_watched5) | $sratio ($sverdict, target <= ${update_target}x) |"
echo "| UPDATE of a column not watched, $rows rows | $(ucell note_plain) | $(ucell note_watched) | $nratio ($nverdict, target <= ${noop_target}x) |"
if [ "$has_two" = t ]; then
	echo "| UPDATE of the second narrative column, $rows rows$(ucounts "${effect[two_watched]:-}" 1:raised 2:re-assessed 7:orders) | $(ucell two_plain) | $(ucell two_watched) | $(uratio two_plain two_watched) |"
fi

if [ -r /proc/loadavg ]; then
	echo "this host: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
fi

# ---------------------------------------------------------------- clean up
if [ "$keep" = 1 ]; then
	echo "kept: schema bench_watch and the alerts / orders of its tables"
else
	sql "SELECT bench_watch.forget_all(); DROP SCHEMA bench_watch CASCADE" >/dev/null
fi
