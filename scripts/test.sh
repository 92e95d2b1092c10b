#!/usr/bin/env bash
# test.sh — set everything up and run every test of prevent.
#
# Stages, each reported as passed, failed or skipped; a failed stage does not stop the later ones:
#   dependencies   scripts/setup-deps.sh (installs missing Debian packages)
#   build          make
#   install        make install (into the PostgreSQL 15 of PG_CONFIG)
#   core           make check-core: the pure C core under ASan + UBSan, no server
#   fuzz           fuzz/run.sh 30: the core under libFuzzer against a reference model
#   then, on a throwaway cluster started by scripts/with-cluster.sh:
#   pg_regress     make installcheck ISOLATION=: sql/*.sql against expected/*.out
#   isolation      make installcheck REGRESS=: specs/*.spec (concurrent sessions)
#   pgtap          make installcheck-pgtap: pg_prove over test/*.sql in database prevent_test
#                  (made afresh, pgtap + prevent created)
#   tap-scripts    make installcheck-tap-scripts: prove over test/*.sh, shell tests printing
#                  TAP (e.g. pg_dump round trip); each makes and drops its own databases
#   (the stages are the make targets a PGXS user runs; this script only splits installcheck
#   in two so that each half is reported on its own)
#   eval           bench/eval.sh over every ../shared/eval/*.jsonl: each source, the union and a
#                  leave-one-source-out run; fails when the union misses its targets
#   citus          scripts/citus.sh: builds Citus from ../shared/vendor/citus/ in a private copy
#                  of the installation and runs test/citus/run.sh on a coordinator and two
#                  workers on loopback; skipped without the vendor sources, unless CI=true
#   then, last and with no cluster of ours running:
#   debian-package test/debian_package.sh under prove: builds postgresql-15-prevent from a clean
#                  clone of HEAD (dpkg-buildpackage, with its build-time installcheck), installs
#                  it, smoke-tests it and runs its autopkgtest, then purges it and puts back the
#                  files the install stage wrote; skipped when the build tools are missing,
#                  unless PREVENT_REQUIRE_DEB is set (.ci/run sets it)
# Ends with a summary and the line "N passed, N failed"; exits non-zero when any stage failed.
#
# Environment: PG_CONFIG (default: scripts/pg-config.sh), PREVENT_TEST_PORT
# (default 54329; the package test's clusters use the next port, on localhost),
# PREVENT_EVAL_DIR (default ../shared/eval), PREVENT_REQUIRE_DEB (see debian-package),
# PREVENT_VENDOR_DIR (default ../shared/vendor) and PREVENT_CITUS_PORT (default 55400, and the
# next two; see citus).
#
# The eval targets on the union are what the default lexicon reaches today (see README,
# Detection quality), so that no change makes detection worse unnoticed.
set -uo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)

. scripts/pg-config.sh
eval_dir=${PREVENT_EVAL_DIR:-../shared/eval}

if [ "$(id -u)" -eq 0 ] || ! command -v sudo >/dev/null 2>&1; then
	as_root=()
else
	as_root=(sudo)
fi

# stage NAME CMD... — run CMD under a header and record its result in $results
stage() {
	local name=$1 start status
	shift
	printf '\n==> %s: %s\n' "$name" "$*"
	start=$SECONDS
	"$@"
	status=$?
	if [ $status -eq 0 ]; then
		printf 'passed\t%s\t%s\n' "$name" $((SECONDS - start)) >>"$results"
		printf '<== %s: passed (%ss)\n' "$name" $((SECONDS - start))
	else
		printf 'failed\t%s\t%s\n' "$name" $((SECONDS - start)) >>"$results"
		printf '<== %s: FAILED with status %s (%ss)\n' "$name" $status $((SECONDS - start))
	fi
	return 0
}

# skip NAME REASON — record a stage that has nothing to run yet
skip() {
	printf '\n==> %s: skipped: %s\n' "$1" "$2"
	printf 'skipped\t%s\t-\t%s\n' "$1" "$2" >>"$results"
}

# not_run NAME REASON — record a stage that could not run because an earlier one failed
not_run() {
	printf '\n==> %s: FAILED, not run: %s\n' "$1" "$2"
	printf 'failed\t%s\t-\t%s\n' "$1" "$2" >>"$results"
}

show_diffs() {
	local f
	for f in "$@"; do
		if [ -s "$f" ]; then
			echo "---- $f (first 400 lines) ----"
			head -n 400 "$f"
			echo "---- end of $f ----"
		fi
	done
}

run_regress() {
	rm -f regression.diffs regression.out
	make PG_CONFIG="$PG_CONFIG" installcheck ISOLATION= || { show_diffs regression.diffs; return 1; }
}

run_isolation() {
	rm -f output_iso/regression.diffs output_iso/regression.out
	make PG_CONFIG="$PG_CONFIG" installcheck REGRESS= || { show_diffs output_iso/regression.diffs; return 1; }
}

run_pgtap() {
	make PG_CONFIG="$PG_CONFIG" installcheck-pgtap
}

run_tap_scripts() {
	make PG_CONFIG="$PG_CONFIG" installcheck-tap-scripts
}

run_debian_package() {
	prove --failures --exec bash test/debian_package.sh
}

run_eval() {
	# a clean database with the extension and its default lexicon
	createdb prevent_eval &&
		psql -X -q -v ON_ERROR_STOP=1 -d prevent_eval -c 'CREATE EXTENSION prevent' &&
		PGDATABASE=prevent_eval EVAL_MIN_PRECISION=0.88 EVAL_MIN_RECALL=0.88 EVAL_MIN_SEVERE=0.85 \
			bash bench/eval.sh "$eval_dir"/*.jsonl
}

# The stages that need a server; run by with-cluster.sh as `test.sh --in-cluster RESULTS`.
cluster_stages() {
	if compgen -G 'sql/*.sql' >/dev/null; then
		stage pg_regress run_regress
	else
		skip pg_regress "no sql/*.sql yet"
	fi

	if compgen -G 'specs/*.spec' >/dev/null; then
		stage isolation run_isolation
	else
		skip isolation "no specs/*.spec yet"
	fi

	if compgen -G 'test/*.sql' >/dev/null; then
		stage pgtap run_pgtap
	else
		skip pgtap "no test/*.sql yet"
	fi

	if compgen -G 'test/*.sh' >/dev/null; then
		stage tap-scripts run_tap_scripts
	else
		skip tap-scripts "no test/*.sh yet"
	fi

	if [ ! -f bench/eval.sh ]; then
		skip eval "no bench/eval.sh yet"
	elif ! compgen -G "$eval_dir/*.jsonl" >/dev/null; then
		skip eval "no evaluation corpus in $eval_dir (it sits in the shared folder beside the repo)"
	else
		stage eval run_eval
	fi
}

if [ "${1:-}" = "--in-cluster" ]; then
	results=$2
	cluster_stages
	exit 0
fi

results=$(mktemp /tmp/prevent-test-results.XXXXXX)
trap 'rm -f "$results"' EXIT
started=$SECONDS

echo "prevent: running every test in $repo"

stage dependencies scripts/setup-deps.sh
stage build make -j"$(nproc)" PG_CONFIG="$PG_CONFIG"
stage install "${as_root[@]}" make PG_CONFIG="$PG_CONFIG" install

if [ -f test/core/core_test.c ]; then
	stage core make PG_CONFIG="$PG_CONFIG" check-core
else
	skip core "no test/core/core_test.c yet"
fi

# the core under libFuzzer for a short while (PREVENT_FUZZ_SECONDS, default 30; 0: corpus only)
if [ -x fuzz/run.sh ]; then
	stage fuzz fuzz/run.sh "${PREVENT_FUZZ_SECONDS:-30}"
else
	skip fuzz "no fuzz/run.sh"
fi

if grep -q '^passed	install' "$results"; then
	printf '\n==> cluster: scripts/with-cluster.sh (throwaway PostgreSQL 15 server)\n'
	if ! scripts/with-cluster.sh "$repo/scripts/test.sh" --in-cluster "$results"; then
		printf 'failed\tcluster\t-\tthe throwaway server could not be set up\n' >>"$results"
		echo "<== cluster: FAILED (the throwaway server could not be set up)"
	fi
else
	# the server would load a stale or missing copy of the extension: don't report on it
	for name in pg_regress isolation pgtap tap-scripts eval; do
		not_run "$name" "the extension did not build and install"
	done
fi

# prevent on a Citus cluster, with Citus built from the vendor sources in a private copy of the
# installation; skipped when they are missing, except in CI (CI=true), where they must be there
vendor_dir=${PREVENT_VENDOR_DIR:-../shared/vendor}
if [ -f "$vendor_dir/citus/citus-13.2.2.tar.gz" ]; then
	stage citus scripts/citus.sh
elif [ "${CI:-}" = true ]; then
	not_run citus "no Citus sources in $vendor_dir/citus (CI=true needs them)"
else
	skip citus "no Citus sources in $vendor_dir/citus"
fi

# last: it replaces the installed extension with the package's for a while, and puts the
# install stage's files back at the end
if [ -f test/debian_package.sh ]; then
	stage debian-package run_debian_package
else
	skip debian-package "no test/debian_package.sh"
fi

passed=$(grep -c '^passed' "$results")
failed=$(grep -c '^failed' "$results")

printf '\n==> summary (%ss)\n' $((SECONDS - started))
while IFS=$'\t' read -r result name secs note; do
	if [ "$secs" = - ]; then
		printf '  %-8s %-14s        %s\n' "$result" "$name" "$note"
	else
		printf '  %-8s %-14s %4ss\n' "$result" "$name" "$secs"
	fi
done <"$results"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
