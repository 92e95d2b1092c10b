#!/usr/bin/env bash
# TAP: CALL prevent.backfill() as a DBA runs it on a table with history —
# committed batch by batch while live inserts go on, killed half-way and
# resumed — and then the invariant: every row at or above the alert level
# has exactly one alert, and no other row has one.
#
# prevent_backfill.calls holds PREVENT_BACKFILL_ROWS (20000) rows with even
# keys, inserted before watch(); a second session inserts rows with odd keys
# (inside the range the back-fill walks, so some are found by it after the
# trigger alerted them) in single-row and multi-row INSERTs while the
# back-fill runs.  The back-fill is started, its backend terminated once a
# few batches are committed, and CALLed again.
#
# Runs against the server in PGHOST/PGPORT as a superuser; creates and drops
# the database prevent_backfill.
set -uo pipefail
db=prevent_backfill
rows=${PREVENT_BACKFILL_ROWS:-20000}
work=$(mktemp -d)
cleanup() {
	[ -n "${live_pid:-}" ] && kill "$live_pid" 2>/dev/null
	[ -n "${call_pid:-}" ] && kill "$call_pid" 2>/dev/null
	wait 2>/dev/null
	dropdb --if-exists "$db" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$db" "$@"; }
t=0
ok() { t=$((t + 1)); if [ "$1" = "$2" ]; then echo "ok $t - $3"; else echo "not ok $t - $3"; echo "#   have: $1"; echo "#   want: $2"; fi; }

echo "1..9"
dropdb --if-exists "$db" >/dev/null 2>&1
createdb "$db" || { echo "Bail out! cannot create database $db"; exit 1; }
q <<SQL || { echo "Bail out! set-up failed"; exit 1; }
CREATE EXTENSION prevent;
CREATE TABLE calls (id bigint PRIMARY KEY, station text, caller text, at timestamptz, body text);
INSERT INTO calls
SELECT 2 * g, '派出所' || (g % 7), '139' || lpad((g % 997)::text, 8, '0'),
	   now() - (g % 90) * interval '1 day',
	   (ARRAY['邻居噪音纠纷，已调解', '男子扬言要杀了妻子，手持菜刀', '女子称不想活了，准备跳楼',
			  '丢失钱包一个', '两车剐蹭，无人员受伤', '其子离家出走至今未归'])[1 + g % 6] || '（' || g || '）'
  FROM generate_series(1, $rows) g;
SELECT prevent.watch('calls', 'body', unit_column => 'station', party_columns => '{caller}', occurred_column => 'at');
SQL

# live inserts with odd keys, in the range the back-fill walks
(
	for i in $(seq 0 59); do
		k=$((1 + 2 * (i * 331 % rows)))
		if [ $((i % 3)) -eq 0 ]; then
			q -c "INSERT INTO calls VALUES ($k, '派出所1', '13900000001', now(), '男子持刀扬言报复'),
											 ($((k + 2 * rows)), '派出所2', '13900000002', now(), '邻里纠纷')" || exit 1
		else
			q -c "INSERT INTO calls VALUES ($k, '派出所3', '13900000003', now(), '扬言要炸了大楼')" || exit 1
		fi
		sleep 0.05
	done
) >"$work/live.out" 2>&1 &
live_pid=$!

# the back-fill, killed once a few batches are committed
psql -X -q -d "$db" -c "CALL prevent.backfill('calls', batch => 500)" >"$work/call1.out" 2>&1 &
call_pid=$!
for _ in $(seq 1 200); do
	done_rows=$(q -c "SELECT rows_done FROM prevent.backfill_progress" 2>/dev/null)
	[ -n "$done_rows" ] && [ "$done_rows" -ge 2000 ] && break
	sleep 0.05
done
q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'CALL prevent.backfill%' AND pid <> pg_backend_pid()" >/dev/null
wait "$call_pid"
call_pid=
ok "$(q -c "SELECT state = 'unfinished' AND rows_done > 0 AND rows_done < rows_total FROM prevent.backfill_progress")" t \
	"killed half-way, the run is unfinished with its committed batches counted"
ok "$(grep -c 'NOTICE:  back-fill of calls: .* of .* rows (.*%), .* alerts, .* rows/s, about .* left' "$work/call1.out" | awk '{ print ($1 > 0) }')" 1 \
	"each batch says how far it is (rows, percent, alerts, rate, time left)"

psql -X -q -d "$db" -c "CALL prevent.backfill('calls', batch => 500)" >"$work/call2.out" 2>&1
ok $? 0 "CALL prevent.backfill() again"
ok "$(grep -c "NOTICE:  resumed the back-fill of calls after [1-9][0-9]* of $rows rows" "$work/call2.out")" 1 \
	"it resumes after the last committed batch"
wait "$live_pid"
ok $? 0 "the live inserts all went in"
live_pid=

ok "$(q -c "SELECT state, rows_done = rows_total FROM prevent.backfill_progress")" "finished|t" \
	"the run is finished, every row counted once"
# the invariant: the alerts are exactly the rows at or above the alert level, once each
ok "$(q -c "SELECT count(*) FROM calls c WHERE (prevent.assess(c.body)).level >= 'low'
			 AND NOT EXISTS (SELECT 1 FROM prevent.alert a WHERE a.source = 'calls'::regclass AND a.source_key = c.id::text)")" 0 \
	"no row at or above the alert level is without an alert"
ok "$(q -c "SELECT count(*) FROM (SELECT a.source_key FROM prevent.alert a GROUP BY a.source_key HAVING count(*) > 1) d")" 0 \
	"no row has two alerts"
ok "$(q -c "SELECT count(*) FROM prevent.alert a WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.id::text = a.source_key
			 AND (prevent.assess(c.body)).level >= 'low')")" 0 \
	"no alert for a row below the alert level"
