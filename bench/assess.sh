#!/usr/bin/env bash
# bench/assess.sh — how fast is prevent.assess() against what a DBA would write without it?
#
# In one run, over the same table of synthetic 110 incident narratives (BENCH_ROWS rows,
# default 200,000, ~150 Chinese characters each; bench.incident, UNLOGGED), it times
#   (a) SELECT count(*) FROM t WHERE (prevent.assess(content)).level >= 'low'
#       and SELECT sum(prevent.score(content)) FROM t
#   (b) SELECT count(*) FROM t WHERE content ~ '(k1|k2|...|kN)'          (the same N terms,
#   (c) SELECT count(*) FROM t WHERE content LIKE ANY ('{%k1%,...}')      metacharacters escaped)
#   (d) SELECT count(*), sum(octet_length(content)) FROM t                 (the floor)
# and the same (a) and (d) over a second shape, long texts dense with hits (bench.incident_dense,
# BENCH_DENSE_ROWS rows, default a quarter of BENCH_ROWS, ~600 characters each, every other
# clause at random a risky one carrying a lexicon term), and prints each best time, the ratios
# regex/assess, like/assess and, for both shapes, assess/floor and score/floor, whether the
# targets are met (assess >= 50x faster than the regex; assess within 3x of the floor on both
# shapes; a miss is reported, never an error), and a summary table for the README's
# Performance section.
#
# Timing: server-side, clock_timestamp() around EXECUTE in a plpgsql function
# (bench.time_query), best of BENCH_RUNS (3) runs after a warm-up scan; a query whose first
# run takes longer than BENCH_SLOW_MS (5000) ms is run once.  The floor, assess and score
# queries of both shapes are run in turn (floor assess score dense-floor dense-assess
# dense-score floor ...), so that a change in the
# machine's load during the run does not skew their ratios.  Every session runs with
# max_parallel_workers_per_gather = 0 and jit = off, so all queries do the same serial scan.
#
# The lexicon is the installed one (prevent.terms()).  While it has fewer than 100 terms (the
# default lexicon not yet installed), the script warns loudly and adds a stand-in lexicon of
# ~390 terms (bench/lib/standin_lexicon.tsv) inside a transaction that it rolls back; pass
# --no-standin to measure the installed lexicon as it is.
#
# The table is generated once, deterministically (bench/lib/generate.sql: everyday narrative
# clauses that contain no lexicon term, and in ~5 % of the rows a random lexicon term), and
# reused while it has BENCH_ROWS rows and was generated from the same terms and generator;
# --rebuild forces a new one.  A run takes ~3 minutes on 2 cores (regex and LIKE ANY ~1.5 min
# together, run once each) plus ~1 minute when the table is generated.
#
# Usage:   bench/assess.sh [--rebuild] [--no-standin] [--profile]
#   --profile   also record the backend with `perf record -g` while it runs the assess query
#               and print the top entries (a server on this machine only; needs perf and the
#               right to attach to the server process: root, or the server's user with
#               kernel.perf_event_paranoid <= 1)
# Connection: the standard libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER, ...).
# The database needs the extension (CREATE EXTENSION prevent; created here if missing) and a
# role that may create schema bench (and, for the stand-in, write prevent's lexicon tables).
# Environment: BENCH_ROWS (200000), BENCH_DENSE_ROWS (BENCH_ROWS / 4), BENCH_RUNS (3), BENCH_SLOW_MS (5000),
#              BENCH_PERF_TOP (25, entries of the --profile report).
set -euo pipefail
. "$(dirname "$0")/../scripts/pg-config.sh"   # psql, pgbench of PG_CONFIG's PostgreSQL

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lib=$here/lib

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

rows=${BENCH_ROWS:-200000}
dense_rows=${BENCH_DENSE_ROWS:-$(( (rows + 3) / 4 ))}
runs=${BENCH_RUNS:-3}
slow_ms=${BENCH_SLOW_MS:-5000}
perf_top=${BENCH_PERF_TOP:-25}
rebuild=0
standin=auto
profile=0
while [ $# -gt 0 ]; do
	case $1 in
		--rebuild) rebuild=1 ;;
		--no-standin) standin=never ;;
		--profile) profile=1 ;;
		-h | --help) usage; exit 0 ;;
		*) echo "assess.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
for v in rows dense_rows runs slow_ms perf_top; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "assess.sh: $v must be a positive whole number, not '${!v}'" >&2
		exit 2
	fi
done

# every session: serial plans, no JIT, no timeouts, quiet
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c max_parallel_workers_per_gather=0 -c jit=off -c statement_timeout=0 -c client_min_messages=warning"
export PGAPPNAME=bench/assess.sh
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
sql() { "${PSQL[@]}" -A -t -c "$1"; }

tmp=$(mktemp -d /tmp/prevent-bench.XXXXXX)
cleanup() {
	# a perf left running by an interrupted --profile
	if [ -s "$tmp/perf.pid" ]; then
		kill -INT "$(cat "$tmp/perf.pid")" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

line() { printf '%s\n' "------------------------------------------------------------------------------"; }
loud() {
	printf '\n%s\n' "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
	for l in "$@"; do printf '!!! %s\n' "$l"; done
	printf '%s\n\n' "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
}
# awk arithmetic: calc '<expr>' -> number
calc() { awk "BEGIN { printf \"%s\", $1 }"; }

if ! sql 'SELECT 1' >/dev/null 2>"$tmp/err"; then
	echo "assess.sh: cannot connect to PostgreSQL (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGDATABASE=${PGDATABASE:-} PGUSER=${PGUSER:-}):" >&2
	cat "$tmp/err" >&2
	exit 1
fi
if [ -z "$(sql "SELECT 1 FROM pg_extension WHERE extname = 'prevent'")" ]; then
	echo "extension prevent is not installed in database $(sql 'SELECT current_database()'): CREATE EXTENSION prevent"
	sql 'CREATE EXTENSION prevent' >/dev/null
fi

# ---------------------------------------------------------------- machine and server
cpu_model=$(grep -m1 -E '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
[ -n "$cpu_model" ] || cpu_model=$(grep -m1 -E '^(Hardware|cpu model|Processor)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
[ -n "$cpu_model" ] || cpu_model=$(uname -m)
ncpu=$(nproc 2>/dev/null || echo '?')
pg_version=$(sql 'SELECT version()')
pg_short=$(sql "SELECT current_setting('server_version')")
ext_version=$(sql "SELECT extversion FROM pg_extension WHERE extname = 'prevent'")
settings=$(sql "SELECT string_agg(name || ' = ' || current_setting(name), ', ' ORDER BY name)
	FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'jit', 'shared_buffers', 'work_mem')")
server_host=$(sql "SELECT coalesce(host(inet_server_addr()), 'local socket')")

echo "prevent benchmark: prevent.assess() against regex and LIKE ANY alternatives"
line
echo "machine:    $ncpu CPU(s), $cpu_model (where this script runs; server via $server_host)"
echo "server:     $pg_version"
echo "extension:  prevent $ext_version in database $(sql 'SELECT current_database()')"
echo "settings:   $settings"
echo "            (max_parallel_workers_per_gather = 0 and jit = off in every session, so every"
echo "             query is one serial scan)"

# ---------------------------------------------------------------- lexicon
n_installed=$(sql 'SELECT cardinality(prevent.terms())')
use_standin=0
if [ "$n_installed" -lt 100 ]; then
	if [ "$standin" = auto ]; then
		use_standin=1
		loud "WARNING: the installed lexicon has only $n_installed enabled match terms (fewer than 100):" \
			"the default lexicon (src/sql/80_lexicon.sql) is probably not installed yet." \
			"This run adds a STAND-IN lexicon (bench/lib/standin_lexicon.tsv) inside a transaction" \
			"that is rolled back.  The figures show the engine's speed with ~400 terms, NOT the" \
			"shipped lexicon's: do not paste them into the README.  (--no-standin: installed only.)"
	else
		loud "WARNING: the installed lexicon has only $n_installed enabled match terms (fewer than 100)." \
			"--no-standin: measuring it as it is; the figures are NOT representative of ~400 terms."
	fi
fi
standin_tsv=
[ "$use_standin" = 1 ] && standin_tsv=$(grep -v '^#' "$lib/standin_lexicon.tsv")
standin_sql() {
	# psql input adding the stand-in, for sessions inside BEGIN ... ROLLBACK
	if [ "$use_standin" = 1 ]; then echo "\\i $lib/standin.sql"; fi
}

"${PSQL[@]}" -f "$lib/bench_schema.sql"

# the effective terms (installed, plus the stand-in), as prevent.terms() returns them
"${PSQL[@]}" -v standin_tsv="$standin_tsv" <<-EOF
	BEGIN;
	$(standin_sql)
	\\copy (SELECT unnest(prevent.terms())) TO '$tmp/terms.csv' WITH (FORMAT csv)
	ROLLBACK;
	BEGIN;
	TRUNCATE bench.gen_terms;
	\\copy bench.gen_terms FROM '$tmp/terms.csv' WITH (FORMAT csv)
	COMMIT;
EOF

# ---------------------------------------------------------------- data
. "$lib/incident.sh"
bench_incident "$rows" "$rebuild"
n_terms=$n_gen_terms
bench_incident "$dense_rows" "$rebuild" dense
d_avg_chars=$avg_chars
d_avg_bytes=$avg_bytes
bench_incident "$rows" 0 >/dev/null		# avg_chars and avg_bytes of the ordinary shape again
echo "lexicon:    $n_terms match terms ($n_installed installed$([ "$use_standin" = 1 ] && echo ", the rest stand-in"))"
line

# ---------------------------------------------------------------- measurements
# One session, one transaction (the stand-in must not be committed).  Result lines:
#   R|key|runs|best_ms|all_ms|result
q_assess="SELECT count(*) FROM bench.incident WHERE (prevent.assess(content)).level >= 'low'"
q_score="SELECT sum(prevent.score(content)) FROM bench.incident"
q_floor="SELECT count(*), sum(octet_length(content)) FROM bench.incident"
q_dassess="SELECT count(*) FROM bench.incident_dense WHERE (prevent.assess(content)).level >= 'low'"
q_dscore="SELECT sum(prevent.score(content)) FROM bench.incident_dense"
q_dfloor="SELECT count(*), sum(octet_length(content)) FROM bench.incident_dense"
perf_data=$tmp/perf.data
perf_ok=0
if [ "$profile" = 1 ]; then
	if command -v perf >/dev/null 2>&1; then
		perf_ok=1
	else
		echo "--profile: perf is not installed (Debian: apt-get install linux-perf); skipping the profile"
	fi
fi
{
	echo '\set ON_ERROR_STOP 1'
	echo '\pset format unaligned'
	echo '\pset tuples_only on'
	echo "\\pset fieldsep '|'"
	echo 'SET max_parallel_workers_per_gather = 0;'
	echo 'SET jit = off;'
	echo "SELECT 'S', current_setting('max_parallel_workers_per_gather'), current_setting('jit');"
	echo 'BEGIN;'
	standin_sql
	cat <<-'EOF'
		SELECT cardinality(prevent.terms()) AS nterms,
			   cardinality(prevent.terms()) > 0 AS has_terms,
			   '(' || (SELECT string_agg(bench.regex_quote(t), '|' ORDER BY o) FROM unnest(prevent.terms()) WITH ORDINALITY u(t, o)) || ')' AS re,
			   (SELECT array_agg('%' || bench.like_quote(t) || '%' ORDER BY o) FROM unnest(prevent.terms()) WITH ORDINALITY u(t, o))::text AS likes,
			   (SELECT count(*) FROM unnest(prevent.terms()) t WHERE t ~ '[.^$*+?()\[\]{}|\\]') AS n_meta,
			   (SELECT count(*) FROM unnest(prevent.terms()) t WHERE t ~ '[%_\\]') AS n_likemeta
		\gset
		SELECT 'N', :nterms, :n_meta, :n_likemeta;
		\warn '  warming up (one floor scan, lexicon compile) ...'
		SELECT count(*), sum(octet_length(content)) FROM bench.incident \g /dev/null
		SELECT count(*), sum(octet_length(content)) FROM bench.incident_dense \g /dev/null
		SELECT prevent.score('报警人称') \g /dev/null
	EOF
	echo "\\warn '  (d) floor, (a) assess, (a) score, and the same on the dense shape, in turn, $runs times ...'"
	echo "SELECT 'R', * FROM bench.time_queries('{floor,assess,score,dfloor,dassess,dscore}', ARRAY[\$q\$$q_floor\$q\$, \$q\$$q_assess\$q\$, \$q\$$q_score\$q\$, \$q\$$q_dfloor\$q\$, \$q\$$q_dassess\$q\$, \$q\$$q_dscore\$q\$], $runs, $slow_ms);"
	echo '\if :has_terms'
	echo "\\warn '  (b) regex alternation ...'"
	echo "SELECT 'R', 'regex', * FROM bench.time_query(format('SELECT count(*) FROM bench.incident WHERE content ~ %L', :'re'), $runs, $slow_ms);"
	echo "\\warn '  (c) LIKE ANY ...'"
	echo "SELECT 'R', 'like', * FROM bench.time_query(format('SELECT count(*) FROM bench.incident WHERE content LIKE ANY (%L::text[])', :'likes'), $runs, $slow_ms);"
	echo '\else'
	echo "\\warn '  (b), (c) skipped: no terms'"
	echo '\endif'
	echo 'ROLLBACK;'
} >"$tmp/measure.sql"

"${PSQL[@]}" -v standin_tsv="$standin_tsv" -f "$tmp/measure.sql" >"$tmp/results"

if [ "$perf_ok" = 1 ]; then
	# a fresh backend (its prevent.so is the installed one, so perf can resolve its symbols):
	# load the library and compile the lexicon, then perf attaches for one assess run
	{
		echo '\set ON_ERROR_STOP 1'
		echo '\pset format unaligned'
		echo '\pset tuples_only on'
		echo "\\pset fieldsep '|'"
		echo 'SET max_parallel_workers_per_gather = 0;'
		echo 'SET jit = off;'
		echo 'BEGIN;'
		standin_sql
		echo "SELECT prevent.score('报警人称') \\g /dev/null"
		echo "SELECT pg_backend_pid() AS backend_pid \\gset"
		echo "\\setenv BENCH_BACKEND_PID :backend_pid"
		echo "\\warn '  --profile: perf record -g on the backend during one assess run ...'"
		echo "\\! perf record -q -g -p \"\$BENCH_BACKEND_PID\" -o '$perf_data' >'$tmp/perf.log' 2>&1 & echo \$! >'$tmp/perf.pid'; sleep 1"
		echo "SELECT 'R', 'assess_profiled', * FROM bench.time_query(\$q\$$q_assess\$q\$, 1, 0);"
		echo "\\! kill -INT \$(cat '$tmp/perf.pid'); while kill -0 \$(cat '$tmp/perf.pid') 2>/dev/null; do sleep 0.2; done; rm -f '$tmp/perf.pid'"
		echo 'ROLLBACK;'
	} >"$tmp/profile.sql"
	"${PSQL[@]}" -v standin_tsv="$standin_tsv" -f "$tmp/profile.sql" >>"$tmp/results"
fi

declare -A RUNS BEST ALL RESULT
while IFS='|' read -r tag key n best all result; do
	case $tag in
		R) RUNS[$key]=$n; BEST[$key]=$best; ALL[$key]=$all; RESULT[$key]=$result ;;
		S) par=$key; jit=$n ;;
		N) nterms=$key; n_meta=$n; n_likemeta=$best ;;
	esac
done <"$tmp/results"

fmt_ms() { printf '%.1f' "$1"; }
show() { # key label
	local k=$1 label=$2
	if [ -z "${BEST[$k]:-}" ]; then
		printf '%-9s %s\n           skipped\n' "$k" "$label"
		return
	fi
	local note=
	[ "${RUNS[$k]}" -lt "$runs" ] && note="  (${RUNS[$k]} run: slower than ${slow_ms} ms, not repeated)"
	printf '%-9s %s\n           best %s ms of %s: %s ms -> %s%s\n' "$k" "$label" "$(fmt_ms "${BEST[$k]}")" \
		"${RUNS[$k]}" "${ALL[$k]}" "${RESULT[$k]}" "$note"
}
echo "results (server-side, ms; max_parallel_workers_per_gather = $par, jit = $jit; best of up to $runs runs)"
echo "lexicon in the measured transaction: $nterms match terms ($n_meta with regex metacharacters escaped, $n_likemeta with LIKE's)"
echo
show floor  "(d) $q_floor"
show assess "(a) $q_assess"
show score  "(a) $q_score"
show dfloor  "(d) dense: $q_dfloor"
show dassess "(a) dense: $q_dassess"
show dscore  "(a) dense: $q_dscore"
show regex  "(b) SELECT count(*) FROM bench.incident WHERE content ~ '(k1|k2|...|k$nterms)'"
show like   "(c) SELECT count(*) FROM bench.incident WHERE content LIKE ANY ('{%k1%,...,%k$nterms%}')"
echo
if [ -n "${RESULT[regex]:-}" ] && [ -n "${RESULT[like]:-}" ]; then
	if [ "${RESULT[regex]}" = "${RESULT[like]}" ]; then
		echo "check:     regex and LIKE ANY agree: ${RESULT[regex]} rows ($(calc "100 * ${RESULT[regex]} / $rows" | xargs printf '%.1f') %) contain a term verbatim;"
		echo "           assess counts ${RESULT[assess]} rows at level >= low (normalized matching,"
		echo "           exclusions, negation and the low threshold make the counts differ)"
	else
		echo "check:     WARNING regex (${RESULT[regex]}) and LIKE ANY (${RESULT[like]}) disagree: check the escaping"
	fi
fi

ratio() { calc "$1 / $2" | xargs printf '%.1f'; }
a=${BEST[assess]}
f=${BEST[floor]}
r_af=$(ratio "$a" "$f")
verdict_floor=$(awk "BEGIN { print ($a <= 3 * $f) ? \"PASS\" : \"MISS\" }")
da=${BEST[dassess]}
df=${BEST[dfloor]}
r_daf=$(ratio "$da" "$df")
verdict_dfloor=$(awk "BEGIN { print ($da <= 3 * $df) ? \"PASS\" : \"MISS\" }")
echo
echo "ratios:"
if [ -n "${BEST[regex]:-}" ]; then
	r_ra=$(ratio "${BEST[regex]}" "$a")
	r_la=$(ratio "${BEST[like]}" "$a")
	verdict_regex=$(awk "BEGIN { print (${BEST[regex]} >= 50 * $a) ? \"PASS\" : \"MISS\" }")
	printf '  regex / assess  = %7sx   target >= 50x   %s\n' "$r_ra" "$verdict_regex"
	printf '  like  / assess  = %7sx\n' "$r_la"
else
	verdict_regex="n/a"
	r_ra="n/a"
	r_la="n/a"
	printf '  regex / assess  =     n/a   target >= 50x   n/a (no terms)\n'
fi
printf '                    ordinary (~%s chars)   dense (~%s chars)   target\n' "$avg_chars" "$d_avg_chars"
printf '  assess / floor  = %7sx %-4s          %7sx %-4s        <= 3x\n' "$r_af" "$verdict_floor" "$r_daf" "$verdict_dfloor"
printf '  score  / floor  = %7sx               %7sx\n' "$(ratio "${BEST[score]}" "$f")" "$(ratio "${BEST[dscore]}" "$df")"
per_row_ns=$(calc "($a - $f) * 1e6 / $rows" | xargs printf '%.0f')
mb_s=$(calc "$rows * $avg_bytes / 1048576 / ($a / 1000)" | xargs printf '%.0f')
echo "  assess costs ~$per_row_ns ns per row above the floor (~$mb_s MB/s of text overall)"
d_per_row_ns=$(calc "($da - $df) * 1e6 / $dense_rows" | xargs printf '%.0f')
d_mb_s=$(calc "$dense_rows * $d_avg_bytes / 1048576 / ($da / 1000)" | xargs printf '%.0f')
echo "  dense: assess costs ~$d_per_row_ns ns per row above the floor (~$d_mb_s MB/s of text overall)"

# ---------------------------------------------------------------- profile
if [ "$perf_ok" = 1 ]; then
	echo
	line
	if [ -s "$perf_data" ]; then
		echo "profile: perf record -g of the backend during one assess run ($(fmt_ms "${BEST[assess_profiled]:-0}") ms under perf)"
		echo "top $perf_top symbols by self time:"
		perf report -i "$perf_data" --stdio --no-children --sort symbol,dso -g none --percent-limit 0.3 2>/dev/null |
			grep -E '^ +[0-9]' | grep -v ' 0x0000' | sed 's/ *- *- *$//' | head -n "$perf_top"
		echo "inclusive time (children) from prevent_assess down:"
		perf report -i "$perf_data" --stdio --children --sort symbol -g none --percent-limit 1 2>/dev/null |
			grep -E '^ +[0-9]' | grep -v ' 0x0000' | sed 's/ *- *- *$//' |
			awk '/prevent_assess/ { on = 1 } on' | head -n "$perf_top"
	else
		echo "profile: perf recorded nothing:"
		cat "$tmp/perf.log" 2>/dev/null || true
	fi
fi

# ---------------------------------------------------------------- summary
echo
line
echo "summary (Markdown, for the README's Performance section)"
line
warn_note=
if [ "$n_installed" -lt 100 ]; then
	warn_note="**NOT FOR THE README: only $n_installed installed terms; measured with $([ "$use_standin" = 1 ] && echo "a $nterms-term stand-in lexicon" || echo "$nterms terms").**"
	echo "$warn_note"
	echo
fi
rows_fmt=$(printf "%'d" "$rows" 2>/dev/null || echo "$rows")
row() { # label key vs
	local k=$2
	if [ -z "${BEST[$k]:-}" ]; then
		printf '| %s | – | – | – |\n' "$1"
	else
		printf '| %s | %s | %s | %s |\n' "$1" "$(fmt_ms "${BEST[$k]}")" "${RUNS[$k]}" "$3"
	fi
}
echo "$rows_fmt narratives of ~$avg_chars characters, $nterms terms, one serial scan each"
echo "(max_parallel_workers_per_gather = 0, jit = off), best of $runs runs (slow ones run once)."
echo "$ncpu × $cpu_model, PostgreSQL $pg_short, prevent $ext_version."
echo
echo "| Query | ms | runs | vs assess |"
echo "|---|---:|---:|---:|"
row "\`count(*) WHERE (prevent.assess(content)).level >= 'low'\`" assess "1.0×"
row "\`sum(prevent.score(content))\`" score "$(ratio "${BEST[score]}" "$a")×"
row "\`count(*) WHERE content ~ '(k1\\|…\\|k$nterms)'\`" regex "$r_ra×"
row "\`count(*) WHERE content LIKE ANY ('{%k1%,…,%k$nterms%}')\`" like "$r_la×"
row "floor: \`count(*), sum(octet_length(content))\`" floor "$(ratio "$f" "$a")×"
echo
echo "Dense shape: $(printf "%'d" "$dense_rows" 2>/dev/null || echo "$dense_rows") narratives of ~$d_avg_chars characters, every other clause carrying a term."
echo
echo "| Query (dense) | ms | runs | vs assess |"
echo "|---|---:|---:|---:|"
drow() { local k=$2; printf '| %s | %s | %s | %s |\n' "$1" "$(fmt_ms "${BEST[$k]}")" "${RUNS[$k]}" "$3"; }
drow "\`count(*) WHERE (prevent.assess(content)).level >= 'low'\`" dassess "1.0×"
drow "\`sum(prevent.score(content))\`" dscore "$(ratio "${BEST[dscore]}" "$da")×"
drow "floor: \`count(*), sum(octet_length(content))\`" dfloor "$(ratio "$df" "$da")×"
echo
echo "Targets: assess ≥ 50× faster than the regex alternation: **$verdict_regex** (${r_ra}$([ "$r_ra" != n/a ] && echo ×));"
echo "assess within 3× of the floor: ordinary **$verdict_floor** (${r_af}×), dense **$verdict_dfloor** (${r_daf}×)."
[ -n "$warn_note" ] && { echo; echo "$warn_note"; }
exit 0
