#!/usr/bin/env bash
# bench/backfill.sh — a table's history: back-fill and re-scan, against a plain COPY.
#
# In one run, over BENCH_ROWS (2,000,000) synthetic 110 incident narratives (those of
# bench/assess.sh: bench/lib/generate.sql, ~150 characters, ~5 % carrying a lexicon term), with
# a unit (20 stations) and an occurrence time spread over the last year, it prints side by side:
#   1. the same rows, from one file, three ways:
#        COPY into an unwatched table;
#        COPY into the same table definition, watched (the trigger assesses every row);
#        COPY into another unwatched one, then prevent.watch() and
#        CALL prevent.backfill(tbl, batch => BENCH_BATCH (10000)) — the back-fill alone is timed;
#      rows per second of each, and the back-fill's time as a ratio of each COPY's, with the
#      alerts and work orders each created (a back-fill records, without orders, the alerts of
#      incidents older than the setting backfill_orders_within, 7 days by default);
#   2. a re-scan of the back-filled table for one new term (BENCH_TERM, 鲨了自己, planted in
#      the narratives like the lexicon's terms, added to the lexicon for the run and removed
#      after): SELECT count(*) FROM prevent.rescan(tbl, ARRAY[term]) by a sequential scan, then
#      with a prevent.gin_ops index on the narrative (its build time printed); the rows found
#      (the same both ways), the index or table scans the function made, and the ratio.
#
# COPYs and the back-fill are timed on the client (wall clock around psql), once each, with a
# CHECKPOINT before each; the re-scans server-side, best of BENCH_RUNS (3) (bench.time_query).
# No figure is checked against a target: the ratios are printed, never asserted.  Sessions run
# with max_parallel_workers_per_gather = 0 and jit = off.
#
# bench.incident (the narratives) is shared with bench/assess.sh and reused while it has
# BENCH_ROWS rows generated from the same terms (bench/lib/incident.sh); this script plants the
# new term too, so the two scripts regenerate it in turn.  The tables are in schema
# bench_backfill, dropped at the end with the alerts and orders they raised (--keep keeps them).
#
# Usage:   bench/backfill.sh [--keep]
# Connection: the standard libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER, ...).  Run it as
# a superuser or the extension's owner (it watches, back-fills, re-scans and edits the lexicon),
# in a database where the extension is installed (created here if missing).  2,000,000 rows need
# about 2 GB of disk (the narratives, three tables, the file in /tmp).
# Environment: BENCH_ROWS (2000000), BENCH_BATCH (10000), BENCH_RUNS (3),
#              BENCH_TERM (鲨了自己; must not be in the lexicon yet).
set -euo pipefail
. "$(dirname "$0")/../scripts/pg-config.sh"   # psql of PG_CONFIG's PostgreSQL

. "$(dirname "$0")/lib/options.sh"
lib=$(cd "$(dirname "$0")/lib" && pwd)

rows=${BENCH_ROWS:-2000000}
batch=${BENCH_BATCH:-10000}
runs=${BENCH_RUNS:-3}
term=${BENCH_TERM:-鲨了自己}
bench_keep_option "$@"
bench_whole_numbers rows batch runs
bench_tools psql awk md5sum

export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c max_parallel_workers_per_gather=0 -c jit=off -c statement_timeout=0 -c client_min_messages=warning"
export PGAPPNAME=bench/backfill.sh
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
sql() { "${PSQL[@]}" -A -t -c "$1"; }

tmp=$(mktemp -d /tmp/prevent-backfill-bench.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	rm -rf "$tmp"
	if [ "$keep" = 0 ]; then
		sql "SELECT bench.forget_alerts(ARRAY(SELECT c.oid::regclass FROM pg_class c
				 WHERE c.relnamespace = to_regnamespace('bench_backfill') AND c.relkind = 'r'))" >/dev/null 2>&1 || true
		sql "DROP SCHEMA IF EXISTS bench_backfill CASCADE" >/dev/null 2>&1 || true
		sql "DELETE FROM prevent.keyword WHERE note = 'bench/backfill.sh'" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
div() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b == 0) print "n/a"; else printf "%.*f", d, a / b }'; }
per_s() { awk -v n="$1" -v ms="$2" 'BEGIN { if (ms == 0) print "n/a"; else printf "%.0f", n * 1000 / ms }'; }

echo "== prevent: back-fill and re-scan of a table's history"
sql "CREATE EXTENSION IF NOT EXISTS prevent" >/dev/null
echo "server:    $(sql "SELECT current_setting('server_version')"), database $(sql "SELECT current_database()"), prevent $(sql "SELECT extversion FROM pg_extension WHERE extname = 'prevent'"), shared_buffers $(sql "SHOW shared_buffers")"
echo "rows:      $rows; back-fill batches of $batch; re-scans best of $runs; new term $term"
if [ -r /proc/loadavg ]; then
	echo "this host: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc 2>/dev/null || echo '?') CPUs at start (timings are wall clock)"
fi
if [ -n "$(sql "SELECT 1 FROM prevent.keyword WHERE term_norm = prevent.normalize('$term')")" ]; then
	echo "backfill.sh: the lexicon already has $term: set BENCH_TERM to a term it lacks" >&2
	exit 2
fi

# ---------------------------------------------------------------- data
"${PSQL[@]}" -f "$lib/bench_schema.sql"
# the terms planted (and kept out of the everyday clauses): the lexicon's, as bench/assess.sh
# plants them, and the new one
"${PSQL[@]}" -v term="$term" <<'SQL'
BEGIN;
TRUNCATE bench.gen_terms;
INSERT INTO bench.gen_terms
SELECT unnest(prevent.terms()) UNION SELECT :'term';
COMMIT;
SQL
. "$lib/incident.sh"
bench_incident "$rows" 0
"${PSQL[@]}" <<SQL
\\copy (SELECT i.id, 'U' || lpad(bench.rnd(i.id, 30, 20)::text, 2, '0'), now() - bench.rnd(i.id, 31, 365 * 24) * interval '1 hour', i.content FROM bench.incident i ORDER BY i.id) TO '$tmp/rows.tsv'
DROP SCHEMA IF EXISTS bench_backfill CASCADE;
CREATE SCHEMA bench_backfill;
CREATE TABLE bench_backfill.plain (id bigint PRIMARY KEY, unit text NOT NULL, occurred_at timestamptz NOT NULL, narrative text);
CREATE TABLE bench_backfill.watched (LIKE bench_backfill.plain INCLUDING ALL);
CREATE TABLE bench_backfill.history (LIKE bench_backfill.plain INCLUDING ALL);
SELECT prevent.watch('bench_backfill.watched', 'narrative', unit_column => 'unit', occurred_column => 'occurred_at') \\g /dev/null
SQL
n_new=$(awk -v t="$term" 'index($0, t) { n++ } END { print n + 0 }' "$tmp/rows.tsv")
echo "            file $(du -h "$tmp/rows.tsv" | cut -f1), $n_new rows with $term, $n_gen_terms terms planted"

# ---------------------------------------------------------------- 1. COPY, COPY watched, back-fill
copy_into() { # copy_into TABLE: milliseconds
	local t0
	sql "CHECKPOINT" >/dev/null 2>&1 || true
	t0=$(now_ms)
	"${PSQL[@]}" -c "\\copy bench_backfill.$1 FROM '$tmp/rows.tsv'" >&2
	echo $(($(now_ms) - t0))
}
created() { # created TABLE: alerts, historic, orders
	sql "SELECT count(*), count(*) FILTER (WHERE a.historic),
			(SELECT count(*) FROM prevent.work_order w JOIN prevent.alert b ON b.id = w.alert_id WHERE b.source = 'bench_backfill.$1'::regclass)
		   FROM prevent.alert a WHERE a.source = 'bench_backfill.$1'::regclass" | tr '|' ' '
}
plain_ms=$(copy_into plain)
watched_ms=$(copy_into watched)
history_copy_ms=$(copy_into history)
sql "SELECT prevent.watch('bench_backfill.history', 'narrative', unit_column => 'unit', occurred_column => 'occurred_at')" >/dev/null
sql "CHECKPOINT" >/dev/null 2>&1 || true
t0=$(now_ms)
"${PSQL[@]}" -c "CALL prevent.backfill('bench_backfill.history', batch => $batch)"
backfill_ms=$(($(now_ms) - t0))
read -r w_alerts _ w_orders < <(created watched)
read -r h_alerts h_hist h_orders < <(created history)
read -r h_recorded < <(sql "SELECT count(*) FROM prevent.alert WHERE source = 'bench_backfill.history'::regclass AND status = 'recorded'")

echo
echo "== $rows rows from one file"
printf '  %-38s %9s ms %9s rows/s   %s\n' "COPY, unwatched" "$plain_ms" "$(per_s "$rows" "$plain_ms")" ""
printf '  %-38s %9s ms %9s rows/s   %s\n' "COPY, watched" "$watched_ms" "$(per_s "$rows" "$watched_ms")" "$w_alerts alerts, $w_orders orders"
printf '  %-38s %9s ms %9s rows/s   %s\n' "CALL prevent.backfill (after a COPY)" "$backfill_ms" "$(per_s "$rows" "$backfill_ms")" \
	"$h_alerts historic alerts ($h_recorded recorded), $h_orders orders"
echo "  (that table's own COPY, unwatched: $history_copy_ms ms)"
echo "  back-fill / COPY watched:   $(div "$backfill_ms" "$watched_ms")x"
echo "  back-fill / COPY unwatched: $(div "$backfill_ms" "$plain_ms")x"

# ---------------------------------------------------------------- 2. re-scan for the new term
sql "INSERT INTO prevent.keyword (term, category, weight, note) VALUES ('$term', 'suicide', 40, 'bench/backfill.sh')" >/dev/null
# best time, rows found, and the scans of the table and of the index in the timing transaction
rescan_timed() {
	"${PSQL[@]}" -A -t -F ' ' -v term="$term" -v runs="$runs" <<'SQL'
SELECT round(t.best_ms::numeric, 1), t.result,
	   pg_stat_get_xact_numscans('bench_backfill.history'::regclass),
	   coalesce(pg_stat_get_xact_numscans(to_regclass('bench_backfill.history_narrative_gin')), 0)
  FROM bench.time_query(format('SELECT count(*) FROM prevent.rescan(%L, %L::text[])', 'bench_backfill.history', ARRAY[:'term']), :runs) t;
SQL
}
read -r seq_ms seq_n seq_tscans seq_iscans < <(rescan_timed)
t0=$(now_ms)
sql "CREATE INDEX history_narrative_gin ON bench_backfill.history USING gin (narrative prevent.gin_ops); ANALYZE bench_backfill.history"
index_ms=$(($(now_ms) - t0))
read -r idx_ms idx_n idx_tscans idx_iscans < <(rescan_timed)

echo
echo "== re-scan of $rows rows for the new term $term ($n_new rows contain it)"
printf '  %-38s %9s ms   %s rows, %s table scans, %s index scans\n' "no index (sequential scan)" "$seq_ms" "$seq_n" "$seq_tscans" "$seq_iscans"
printf '  %-38s %9s ms   %s rows, %s table scans, %s index scans\n' "prevent.gin_ops index" "$idx_ms" "$idx_n" "$idx_tscans" "$idx_iscans"
echo "  (building the index took $index_ms ms)"
echo "  sequential / index: $(div "$seq_ms" "$idx_ms" 0)x$([ "$seq_n" = "$idx_n" ] && echo ", the same rows" || echo ", DIFFERENT ROW COUNTS")"

echo
echo "== summary"
echo "| $rows narratives | time | rows/s | ratio |"
echo "|---|---:|---:|---:|"
echo "| COPY into an unwatched table | $plain_ms ms | $(per_s "$rows" "$plain_ms") | 1 |"
echo "| COPY into a watched table ($w_alerts alerts) | $watched_ms ms | $(per_s "$rows" "$watched_ms") | $(div "$watched_ms" "$plain_ms")x |"
echo "| CALL prevent.backfill() ($h_alerts historic alerts) | $backfill_ms ms | $(per_s "$rows" "$backfill_ms") | $(div "$backfill_ms" "$plain_ms")x ($(div "$backfill_ms" "$watched_ms")x watched COPY) |"
echo "| prevent.rescan() for $term, sequential scan ($seq_n rows) | $seq_ms ms | | $(div "$seq_ms" "$idx_ms" 0)x |"
echo "| prevent.rescan() for $term, prevent.gin_ops index | $idx_ms ms | | 1 |"
if [ -r /proc/loadavg ]; then
	echo "this host: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
fi
if [ "$keep" = 1 ]; then
	echo "kept: schema bench_backfill, its alerts and orders, and $term in the lexicon (note 'bench/backfill.sh')"
fi
