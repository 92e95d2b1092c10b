#!/usr/bin/env bash
# setup-deps.sh — install the Debian packages prevent needs to build and test.
#
# Idempotent: when every package is already installed it only checks (dpkg-query) and exits,
# so it is cheap to call at the start of every script. When something is missing it runs
# `apt-get update` once and installs just the missing packages, non-interactively.
# Runs as root, or through sudo when invoked by another user.
set -euo pipefail

packages=(
	postgresql-15                           # server (initdb, postgres, pg_ctl)
	postgresql-server-dev-15                # PGXS, server headers, pg_regress, pg_isolation_regress
	postgresql-contrib                      # contrib modules used in tests
	libicu-dev                              # ICU, for make update-normtable only (src/core/normtable.h)
	pkg-config                              # finds ICU's flags for another ICU (make update-normtable)
	build-essential                         # gcc, make (gcc brings ASan/UBSan for check-core)
	postgresql-15-pgtap                     # pgTAP extension
	postgresql-15-cron                      # pg_cron, to run escalate_overdue() on a schedule (test/cron.sh)
	odbc-postgresql                         # psqlODBC, the driver BI tools use (test/odbc.sh)
	unixodbc-dev                            # unixODBC and its headers, for test/odbc/bi_reader.c
	libtap-parser-sourcehandler-pgtap-perl  # pg_prove
	perl                                    # prove, for the shell TAP tests in test/*.sh
	clang                                   # libFuzzer, for fuzz/run.sh
	# the Debian package (debian/, test/debian_package.sh):
	dpkg-dev                                # dpkg-buildpackage, dpkg-parsechangelog
	debhelper                               # dh, debhelper-compat 13
	postgresql-all                          # Build-Depends: pg_buildext, postgresql-server-dev-all,
	                                        # and servers for the build-time installcheck
	lintian                                 # checks the .deb (test/debian_package.sh)
	git                                     # the package is built from a clean clone of HEAD
	# Citus, built from ../shared/vendor/citus/ for the cluster tests (scripts/citus.sh):
	libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev libssl-dev libselinux1-dev
	libxslt1-dev libpam0g-dev libreadline-dev autoconf flex bison
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != "installed" ]; then
		missing+=("$pkg")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "setup-deps: all ${#packages[@]} packages already installed"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	as_root=()
elif command -v sudo >/dev/null 2>&1; then
	as_root=(sudo)
else
	echo "setup-deps: missing packages: ${missing[*]}" >&2
	echo "setup-deps: not root and sudo is not available; install them as root:" >&2
	echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup-deps: done"
