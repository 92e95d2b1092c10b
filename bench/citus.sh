#!/usr/bin/env bash
# bench/citus.sh — what does watching cost on a Citus cluster (README, Distributed deployment)?
#
# Starts its own cluster (test/citus/cluster.sh: a coordinator and two workers on loopback,
# ports BENCH_CITUS_PORT, default 55470, and the next two), installs and distributes prevent,
# and prints:
#   1. COPY of BENCH_ROWS (1,000,000) rows into an incident table distributed by unit
#      (co-located with prevent.alert) unwatched and watched, best of BENCH_RUNS (1), the
#      ratio checked against the target (watched <= 3x unwatched: PASS or MISS, never an
#      error), and the alerts, orders and escalations the watched COPY wrote on the workers;
#   2. prevent.link_alerts() over the alerts of that COPY (repeats over all units, their
#      orders and escalations): its time, per 10,000 alerts, and a second run (nothing new).
# The rows: ~150-character narratives of everyday clauses, one in twenty with a clause the
# default lexicon alerts on; 200 units; a phone column (the party) drawn from 50,000 numbers,
# so some alerts are repeats across units.  Generated deterministically (md5 of the row
# number) into a CSV file first; each COPY is timed on the client around psql's \copy.
# PG_CONFIG: a PostgreSQL 15 with Citus and prevent installed (scripts/citus.sh builds one).
set -euo pipefail
cd "$(dirname "$0")/.."
bindir=$("${PG_CONFIG:?set PG_CONFIG}" --bindir)
rows=${BENCH_ROWS:-1000000}
runs=${BENCH_RUNS:-1}
port=${BENCH_CITUS_PORT:-55470}
target=3
base=$(mktemp -d /tmp/citus-bench.XXXXXX)
trap 'test/citus/cluster.sh stop "$base" "$port"; rm -rf "$base.csv"' EXIT
test/citus/cluster.sh start "$base" "$port"
export PGHOST=$base PGPORT=$port PGUSER=postgres PGDATABASE=prevent_citus
sql() { "$bindir/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
now_ms() { date +%s%3N; }

sql >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION prevent;
SELECT prevent.distribute();
CREATE SCHEMA bench;
CREATE TABLE bench.plain (gxdw text NOT NULL, jjbh text NOT NULL, bjdh text, bjnr text,
						  bjsj timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (gxdw, jjbh));
CREATE TABLE bench.watched (LIKE bench.plain INCLUDING ALL);
SELECT create_distributed_table('bench.plain', 'gxdw', colocate_with => 'prevent.alert');
SELECT create_distributed_table('bench.watched', 'gxdw', colocate_with => 'prevent.alert');
SELECT prevent.watch('bench.watched', text_column => 'bjnr', key_column => 'jjbh', unit_column => 'gxdw',
					 party_columns => '{bjdh}', occurred_column => 'bjsj');
SQL

# the rows, as CSV
sql -c "\copy (SELECT 'pcs' || (1 + abs(hashtext(i::text || 'u')) % 200), 'J' || i,
	'139' || lpad((abs(hashtext(i::text || 'p')) % 50000)::text, 8, '0'),
	(ARRAY['报警人称其在小区门口与邻居因停车问题发生争执，','报警人称家中财物疑似被盗，请求民警到场查看，',
		   '报警人称路边有车辆违停堵住出入口，','报警人称楼上住户噪音扰民，多次沟通无果，'])[1 + abs(hashtext(i::text || 'a')) % 4]
	|| CASE WHEN abs(hashtext(i::text || 'r')) % 20 = 0
			THEN (ARRAY['对方扬言要杀了他全家，','对方持刀威胁要杀人，','双方打架斗殴，'])[1 + abs(hashtext(i::text || 'k')) % 3]
			ELSE '现场双方情绪稳定，' END
	|| (ARRAY['民警到场后了解情况并进行调解，双方表示接受。','民警已登记相关信息，建议当事人通过物业协商解决。',
			  '民警到场后未发现异常，已告知报警人注意安全。'])[1 + abs(hashtext(i::text || 'b')) % 3],
	now() - (abs(hashtext(i::text || 't')) % 2592000) * interval '1 second'
	FROM generate_series(1, $rows) i) TO '$base.csv' WITH (FORMAT csv)"

copy_ms() {	# table: the best of $runs \copy runs, the table emptied before each
	local best= t0 t1 ms
	for _ in $(seq "$runs"); do
		sql -c "TRUNCATE $1" -c "TRUNCATE prevent.alert, prevent.work_order, prevent.escalation, prevent.event, prevent.alert_link" >/dev/null
		t0=$(now_ms)
		sql -c "\copy $1 (gxdw, jjbh, bjdh, bjnr, bjsj) FROM '$base.csv' WITH (FORMAT csv)"
		t1=$(now_ms)
		ms=$((t1 - t0))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	done
	echo "$best"
}

plain=$(copy_ms bench.plain)
watched=$(copy_ms bench.watched)
ratio=$(awk -v w="$watched" -v p="$plain" 'BEGIN { printf "%.2f", w / p }')
verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r <= t) ? "PASS" : "MISS" }')
read -r alerts orders escalations < <(sql -c "SELECT (SELECT count(*) FROM prevent.alert), (SELECT count(*) FROM prevent.work_order),
	(SELECT count(*) FROM prevent.escalation)" | tr '|' ' ')
echo "== COPY of $rows rows into a table distributed by unit (2 workers), best of $runs"
printf '%-12s %8s ms\n' unwatched "$plain" watched "$watched"
echo "ratio:       ${ratio}x (target <= ${target}x: $verdict)"
echo "written:     $alerts alerts, $orders work orders, $escalations escalations (each unit's own)"

t0=$(now_ms)
linked=$(sql -c 'SELECT prevent.link_alerts()')
t1=$(now_ms)
repeats=$(sql -c "SELECT count(*) FROM prevent.alert WHERE repeat")
cross=$(sql -c "SELECT count(*) FROM prevent.work_order WHERE reason IN ('repeat', 'cross_jurisdiction')")
t2=$(now_ms)
again=$(sql -c 'SELECT prevent.link_alerts()')
t3=$(now_ms)
echo "== prevent.link_alerts() on the coordinator"
echo "first run:   $linked alerts linked in $((t1 - t0)) ms ($(awk -v t="$((t1 - t0))" -v n="$linked" 'BEGIN { printf "%.0f", n ? t * 10000 / n : 0 }') ms per 10,000 alerts); $repeats repeats, $cross repeat and cross-jurisdiction orders"
echo "second run:  $again alerts linked in $((t3 - t2)) ms"
