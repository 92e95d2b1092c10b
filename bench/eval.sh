#!/usr/bin/env bash
#
# bench/eval.sh — measure prevent's default lexicon on a labelled corpus.
#
#   bench/eval.sh [--misses] [FILE.jsonl]
#
# FILE defaults to ../shared/eval/dev.jsonl relative to the repository root
# (format: one JSON object per line with id, text, alert, severe,
# categories, trap; see that directory's README).  The database is the one
# the standard libpq variables point at (PGHOST, PGPORT, PGDATABASE,
# PGUSER, ...); it must have the extension installed.
#
# Prints alert precision / recall / F1 (an alert is raised at level >= low),
# severe recall (severe records reaching >= high), the same per trap with
# the false-positive rate, and per-category recall; then checks the targets
# and exits 1 when one fails.  Needs only psql (no Python).
#
# Environment overrides:
#   EVAL_MIN_PRECISION, EVAL_MIN_RECALL, EVAL_MIN_SEVERE   (default 0.90)
#   EVAL_ALERT_LEVEL (default low), EVAL_SEVERE_LEVEL (default high)
#   EVAL_MISSES=1 lists the misclassified records (same as --misses)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

misses=${EVAL_MISSES:-0}
file=
while [ $# -gt 0 ]; do
	case $1 in
		--misses) misses=1 ;;
		-h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
		-*) echo "eval: unknown option $1" >&2; exit 2 ;;
		*) file=$1 ;;
	esac
	shift
done
file=${file:-$root/../shared/eval/dev.jsonl}

if [ ! -r "$file" ]; then
	echo "eval: cannot read $file" >&2
	exit 2
fi
case $misses in 1|on|true|yes) misses=on ;; *) misses=off ;; esac

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# the corpus goes in on stdin (\copy ... from pstdin), so no path quoting
if ! psql -X -q -v ON_ERROR_STOP=1 \
	-v alert_level="${EVAL_ALERT_LEVEL:-low}" \
	-v severe_level="${EVAL_SEVERE_LEVEL:-high}" \
	-v min_precision="${EVAL_MIN_PRECISION:-0.90}" \
	-v min_recall="${EVAL_MIN_RECALL:-0.90}" \
	-v min_severe="${EVAL_MIN_SEVERE:-0.90}" \
	-v show_misses="$misses" \
	-f "$here/eval.sql" <"$file" >"$out"; then
	cat "$out"
	echo "eval: psql failed" >&2
	exit 2
fi

grep -v '^EVAL_RESULT ' "$out" || true
result=$(grep '^EVAL_RESULT ' "$out" | tail -n 1 || true)
if [ -z "$result" ]; then
	echo "eval: no result (empty corpus or extension missing)" >&2
	exit 2
fi
read -r _ passed failed <<<"$result"
echo "eval: $passed passed, $failed failed"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
	exit 1
fi
