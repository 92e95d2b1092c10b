#!/usr/bin/env bash
# TAP: one long text takes memory in proportion to its length, and gives it back.
#
#   - prevent.assess(), prevent.match(), prevent.highlight(), prevent.normalize(), prevent.explain() and the
#     &~| operator on a 40 MB text, assess(), highlight() and explain() on the same 40 MB as two
#     narrative columns (text[]), and a watched INSERT of a 30 MB narrative (rolled back),
#     each peak at a few times the text: the backend's VmHWM (from /proc/<pid>/status, read
#     from a fresh connection, so the peak is this statement's) minus its VmRSS before;
#   - after the statement the backend's memory contexts (pg_backend_memory_contexts) are
#     back near what they were before it: nothing of the text stays until disconnect;
#   - &~| with terms the automaton cannot hold (a clause break inside) over a long text is
#     cancelled by statement_timeout at once (SQLSTATE 57014), where it would take many
#     seconds to finish.
#
# Runs against the server in PGHOST/PGPORT (on this machine: /proc is read); creates and
# drops its own database.  Takes about 20 s.
set -euo pipefail
db=prevent_memory
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT

# a narrative with terms, an exclusion, a negation and a proximity rule; 111 bytes
unit='报警人称其丈夫持刀威胁要同归于尽，邻居家在用杀虫剂，经核实未发现自杀倾向。'
n40=$(( (40000000 + 110) / 111 ))      # 40 MB
n30=$(( (30000000 + 110) / 111 ))      # 30 MB

echo "1..23"
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb -E UTF8 -T template0 "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
CREATE EXTENSION prevent;
CREATE TABLE jq (jjbh text PRIMARY KEY, gxdw text, jyaq text);
SELECT prevent.watch('jq', 'jyaq', unit_column => 'gxdw') \g /dev/null
SQL

t=0
ok() { # ok CONDITION(0/1) DESCRIPTION [DIAGNOSTIC]
	t=$((t + 1))
	if [ "$1" = 1 ]; then
		echo "ok $t - $2"
	else
		echo "not ok $t - $2"
		[ -z "${3:-}" ] || echo "# $3"
	fi
}

# measure WARMUP STATEMENT: run both in a fresh backend (the library loaded and the lexicon
# compiled first) and print "rss_before_kB hwm_after_kB contexts_before contexts_after" of
# the statement
measure() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<SQL
SELECT prevent.score('报警人称其丈夫持刀') \\g /dev/null
$1
SELECT pg_backend_pid() AS pid \\gset
\\setenv PREVENT_MEMORY_PID :pid
SELECT sum(total_bytes) AS ctx_before FROM pg_backend_memory_contexts \\gset
\\! awk '/^VmRSS/ { print \$2 }' /proc/\$PREVENT_MEMORY_PID/status > $tmp/rss 2>/dev/null || echo 0 > $tmp/rss
$2
\\! awk '/^VmHWM/ { print \$2 }' /proc/\$PREVENT_MEMORY_PID/status > $tmp/hwm 2>/dev/null || echo 0 > $tmp/hwm
SELECT sum(total_bytes) AS ctx_after FROM pg_backend_memory_contexts \\gset
\\setenv PREVENT_MEMORY_CTX0 :ctx_before
\\setenv PREVENT_MEMORY_CTX1 :ctx_after
\\! echo \$(cat $tmp/rss) \$(cat $tmp/hwm) \$PREVENT_MEMORY_CTX0 \$PREVENT_MEMORY_CTX1
SQL
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT

# the backend's /proc/<pid>/status, read from the session itself (the server is on this machine)
can_read=$(psql -X -q -At -d "$db" <<'SQL'
SELECT pg_backend_pid() AS pid \gset
\setenv PREVENT_MEMORY_PID :pid
\! grep -qs '^VmHWM' /proc/$PREVENT_MEMORY_PID/status && echo 1 || echo 0
SQL
)

# peak NAME BYTES MAX_TENTHS STATEMENT [WARMUP]: the statement's peak within MAX_TENTHS/10 x BYTES,
# and its memory contexts back within 2 MB of where they were (after WARMUP, run first, has
# filled the session's caches)
peak() {
	local name=$1 bytes=$2 tenths=$3 stmt=$4 warmup=${5:-} out rss hwm c0 c1 p
	out=$(measure "$warmup" "$stmt")
	read -r rss hwm c0 c1 <<<"$(tail -n 1 <<<"$out")"
	echo "# $name: VmRSS before $rss kB, VmHWM after $hwm kB; contexts $c0 -> $c1 bytes"
	if [ "$can_read" = 1 ]; then
		p=$(( (hwm - rss) * 1024 ))
		ok "$([ "$p" -le $((tenths * bytes / 10)) ] && echo 1 || echo 0)" \
			"$name peaks at $((p / 1000000)) MB for a $((bytes / 1000000)) MB text (at most $((tenths / 10)).$((tenths % 10))x)"
	else
		t=$((t + 1))
		echo "ok $t # skip $name: the backend's /proc/<pid>/status cannot be read here"
	fi
	ok "$([ $((c1 - c0)) -le $((2 * 1048576)) ] && echo 1 || echo 0)" \
		"$name: memory contexts back to $((c0 / 1000000)) MB after the statement (are $((c1 / 1000000)) MB)"
}

b40=$((n40 * 111))
b30=$((n30 * 111))
# the text is made at run time (pg_backend_pid() is not immutable): a constant would be
# folded into the plan and copied, the text twice over
t40="repeat('$unit', $n40 + 0 * pg_backend_pid())"
t30="repeat('$unit', $n30 + 0 * pg_backend_pid())"
peak "assess()" $b40 20 "SELECT (prevent.assess($t40)).score \\g /dev/null"
peak "match()" $b40 20 "SELECT count(*) FROM prevent.match($t40) \\g /dev/null"
peak "highlight()" $b40 30 "SELECT octet_length(prevent.highlight($t40)) \\g /dev/null"
peak "normalize()" $b40 25 "SELECT octet_length(prevent.normalize($t40)) \\g /dev/null"
peak "explain()" $b40 30 "SELECT count(*) FROM prevent.explain($t40) \\g /dev/null"
# narrative columns: the same 40 MB as two elements of a text[].  The statement holds the two
# texts and the array built from them (2x) before the call, which joins them into one text (1x)
# and, for highlight, writes the result (1x)
a40="ARRAY[repeat('$unit', $n40 / 2 + 0 * pg_backend_pid()), repeat('$unit', $n40 - $n40 / 2 + 0 * pg_backend_pid())]"
peak "assess(text[])" $b40 35 "SELECT (prevent.assess($a40)).score \\g /dev/null"
peak "highlight(text[])" $b40 50 "SELECT cardinality(prevent.highlight($a40)) \\g /dev/null"
peak "explain(text[])" $b40 40 "SELECT count(*) FROM prevent.explain($a40) \\g /dev/null"
peak "&~|" $b40 15 "SELECT $t40 OPERATOR(prevent.&~|) ARRAY['扬言杀人', '放火烧房。'] \\g /dev/null"
peak "a watched INSERT, rolled back," $b30 40 "BEGIN;
	INSERT INTO jq VALUES ('J1', '城关派出所', $t30);
	SELECT count(*) FROM prevent.alert \\g /dev/null
	ROLLBACK;" "BEGIN; INSERT INTO jq VALUES ('J0', '城关派出所', '$unit'); ROLLBACK;"

# &~| with 3,000 terms holding a clause break (searched in the normalized text, not by the
# automaton), none found, over 40 MB: many seconds of work, cancelled after one
start=$(date +%s%N)
err=$(psql -X -q -At -d "$db" -v VERBOSITY=verbose 2>&1 <<SQL || true
SET statement_timeout = '1s';
SELECT repeat('$unit', $n40) OPERATOR(prevent.&~|)
	   ARRAY(SELECT format('同归于尽。第%s号', i) FROM generate_series(1, 3000) i);
SQL
)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok "$(grep -q 57014 <<<"$err" && echo 1 || echo 0)" "&~| over a long text is cancelled by statement_timeout (57014)" \
	"$(head -c 300 <<<"$err")"
ok "$([ "$ms" -lt 4000 ] && echo 1 || echo 0)" "... within 3 s of the timeout (took $ms ms)"

# the normalized text is searched a piece (256 kB) at a time: a term across two pieces is found
ok "$([ "$(psql -X -At -d "$db" -c "SELECT bool_and(repeat('a', 262144 - k) || '同归于尽。第7号' OPERATOR(prevent.&~|) ARRAY['同归于尽。第7号', '放火。'])
		AND bool_and(repeat('a', 262144 - k) || '同归于尽。第7号' OPERATOR(prevent.&~) '同归于尽。第7号')
		AND NOT bool_or(repeat('a', 262144 - k) || '同归于尽。第7' OPERATOR(prevent.&~) '同归于尽。第7号')
	   FROM generate_series(0, 160) k")" = t ] && echo 1 || echo 0)" \
	"&~ and &~| find a term across two pieces of the normalized text"
