#!/usr/bin/env bash
#
# bench/eval.sh — measure prevent's default lexicon on labelled corpora.
#
#   bench/eval.sh [--misses] [--no-loso] [FILE.jsonl ...]
#
# FILEs default to every *.jsonl in ../shared/eval relative to the repository
# root (format: one JSON object per line with id, text, alert, severe,
# categories, trap; see that directory's README).  Each file is one source.
# The database is the one the standard libpq variables point at (PGHOST,
# PGPORT, PGDATABASE, PGUSER, ...); it must have the extension installed.
#
# Prints, through prevent.lexicon_report(): alert precision / recall / F1 (an alert
# is raised at level >= low), severe recall (severe records reaching >=
# high) and the false-positive rate, for each file and for their union; the
# union per trap; per-category recall; and, with two or more files, a
# leave-one-source-out run: for each file, the risk thresholds (low and high,
# the model's fitted parameters) are chosen on the other files, by the best
# worst-of(precision, recall, severe recall, severe precision), and the file is scored with
# them untouched.  Those held-out figures are the expected figures on text
# the lexicon has never seen.  Then checks the targets on the union and exits
# 1 when one fails.  The database is left as it was (thresholds restored).
# Needs only psql (no Python).
#
# Environment overrides:
#   EVAL_MIN_PRECISION, EVAL_MIN_RECALL, EVAL_MIN_SEVERE   (default 0.90)
#   EVAL_ALERT_LEVEL (default low), EVAL_SEVERE_LEVEL (default high)
#   EVAL_MISSES=1 lists the misclassified records (same as --misses)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../scripts/pg-config.sh"   # psql of PG_CONFIG's PostgreSQL
root=$(cd "$here/.." && pwd)

misses=${EVAL_MISSES:-0}
loso=on
files=()
while [ $# -gt 0 ]; do
	case $1 in
		--misses) misses=1 ;;
		--no-loso) loso=off ;;
		-h|--help) sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
		-*) echo "eval: unknown option $1" >&2; exit 2 ;;
		*) files+=("$1") ;;
	esac
	shift
done
if [ ${#files[@]} -eq 0 ]; then
	for f in "$root"/../shared/eval/*.jsonl; do
		[ -e "$f" ] && files+=("$f")
	done
fi
if [ ${#files[@]} -eq 0 ]; then
	echo "eval: no corpus given and none found in $root/../shared/eval" >&2
	exit 2
fi
for f in "${files[@]}"; do
	if [ ! -r "$f" ]; then
		echo "eval: cannot read $f" >&2
		exit 2
	fi
done
[ ${#files[@]} -lt 2 ] && loso=off
case $misses in 1|on|true|yes) misses=on ;; *) misses=off ;; esac

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# the corpora go in on stdin (\copy ... from pstdin), each line tagged with its source
# (the file name without .jsonl), so no path quoting
tagged() {
	local f name
	for f in "${files[@]}"; do
		name=$(basename "$f" .jsonl)
		sed "s/^[[:space:]]*{/{\"source\": \"${name//\"/}\", /" "$f"
		echo
	done
}

if ! tagged | psql -X -q -v ON_ERROR_STOP=1 \
	-v alert_level="${EVAL_ALERT_LEVEL:-low}" \
	-v severe_level="${EVAL_SEVERE_LEVEL:-high}" \
	-v min_precision="${EVAL_MIN_PRECISION:-0.90}" \
	-v min_recall="${EVAL_MIN_RECALL:-0.90}" \
	-v min_severe="${EVAL_MIN_SEVERE:-0.90}" \
	-v show_misses="$misses" \
	-v loso="$loso" \
	-f "$here/eval.sql" >"$out"; then
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
