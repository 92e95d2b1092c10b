#!/usr/bin/env bash
# run.sh — build the libFuzzer target fuzz/fuzz_matcher.c and fuzz prevent's
# pure C core (src/core/normalize.c, src/core/matcher.c) for a while.
#
#   fuzz/run.sh [SECONDS]        default 60; e.g. CI: fuzz/run.sh 30
#   fuzz/run.sh 0                build, then only replay the corpus and seeds
#
# Needs clang with libFuzzer (Debian: clang; installed with apt-get when
# missing, as root or through sudo).  No other part of the build is used.  Exits 0 when the time ran out without a finding, non-zero on a
# crash, a sanitizer report, a leak, a timeout or a failed build; a crashing
# input is saved in fuzz/work/artifacts/ — replay it with
#   fuzz/work/fuzz_matcher fuzz/work/artifacts/crash-...
#
# Environment:
#   PREVENT_SRC   directory with normalize.c, matcher.c and normtable.h (default: src/core/)
#   FUZZ_WORK     working directory: binary, corpus, artifacts (default: fuzz/work/)
#   FUZZ_CC       compiler (default: clang)
#   FUZZ_ARGS     extra libFuzzer flags, e.g. "-jobs=4 -workers=4" or "-seed=1"
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
seconds=${1:-60}
src=${PREVENT_SRC:-$repo/src/core}
work=${FUZZ_WORK:-$here/work}
cc=${FUZZ_CC:-clang}

case $seconds in
	'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

# clang with libFuzzer
if ! command -v "$cc" >/dev/null 2>&1; then
	if [ "$cc" != clang ]; then
		echo "run.sh: $cc not found" >&2
		exit 2
	fi
	if [ "$(id -u)" -eq 0 ]; then
		as_root=()
	elif command -v sudo >/dev/null 2>&1; then
		as_root=(sudo)
	else
		echo "run.sh: clang is missing; install it as root: apt-get install -y clang" >&2
		exit 2
	fi
	echo "run.sh: installing clang"
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang
fi

mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"

# The core gets libFuzzer's coverage instrumentation (matcher.c without
# comparison tracing, which made compiling a lexicon — a 65536-entry loop —
# some 20 times slower); the harness, whose reference model is loop-heavy,
# only the sanitizers.
echo "run.sh: building $work/fuzz_matcher from $src"
flags=(-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -Wall -Wextra -Werror -I"$src")
"$cc" "${flags[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$src/normalize.c" -o "$work/normalize.o"
"$cc" "${flags[@]}" -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-coverage=trace-cmp \
	-c "$src/matcher.c" -o "$work/matcher.o"
"$cc" "${flags[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$src/index_keys.c" -o "$work/index_keys.o"
"$cc" "${flags[@]}" -fsanitize=address,undefined -c "$here/fuzz_matcher.c" -o "$work/fuzz_matcher.o"
"$cc" -fsanitize=fuzzer,address,undefined -o "$work/fuzz_matcher" \
	"$work/fuzz_matcher.o" "$work/normalize.o" "$work/matcher.o" "$work/index_keys.o"

# generated seeds (besides the committed fuzz/corpus/*.txt)
# shellcheck disable=SC2059  # the seed is a printf format: \n, \xNN escapes
seed() { printf "$2" > "$work/seeds/$1"; }
seed empty ''
seed breaks '杀。人！杀!人？杀?人；杀;人\n杀\r\n人 杀，人 杀：人 杀、人'
seed invalid 'a\xff\xfe\x80b\xe6\x9d\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80杀\xe6\x9d人\xf0\x9f\x98'
seed expansions '㍿㍿ ⅲⅫ ﷺ ㈱ ﬁ ① ǅ ß ŉ 株式 会社'
seed long64 'abcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefgh abcd efgh abcd efgh abcd efgh abcd efgh abcd efgh abcd efgh abcd efgh abcd efgh'
seed negation 'no ab, not x; no  x 未发现杀人 未发现，杀人 ab ab ab abab'
seed rules 'ab x, x ab。ab\nx cdef cd ef i i ii z y 杀 跳楼'
seed nonbmp '𠀀z 😀𠀀z👍🏽 𠀀 z 👨‍👩‍👧杀👨‍👩‍👧人'
seed lexicon_rejects '#Lo\nk00\nk00。\ne *\nn!no\nnAno\nr0A0a|\nr909a|b\nk19abcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefghx\nab no ab'
{
	for _ in $(seq 1 200); do printf 'x杀人ab😀,未发现。'; done
} > "$work/seeds/many_hits"

if [ "$seconds" -eq 0 ]; then
	limit=(-runs=0)
	echo "run.sh: replaying the corpus"
else
	limit=(-max_total_time="$seconds")
	echo "run.sh: fuzzing for ${seconds}s"
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
set +e
# shellcheck disable=SC2086
"$work/fuzz_matcher" "${limit[@]}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -dict="$here/matcher.dict" -artifact_prefix="$work/artifacts/" \
	${FUZZ_ARGS:-} "$work/corpus" "$work/seeds" "$here/corpus" 2>&1 | tee "$work/last.log"
status=${PIPESTATUS[0]}
set -e

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/last.log" | tail -1)
if [ "$status" -eq 0 ]; then
	echo "run.sh: no finding in ${seconds}s (${execs:-?} executions)"
else
	echo "run.sh: FAILED (exit status $status) after ${execs:-?} executions; artifacts:" >&2
	ls -1 "$work/artifacts" >&2 || true
fi
exit "$status"
