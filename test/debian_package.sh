#!/usr/bin/env bash
# TAP: the Debian package, as a DBA gets it.  Builds postgresql-15-prevent with
# `dpkg-buildpackage -us -uc -b` from a clean clone of HEAD (nothing uncommitted leaks in),
# checks what the .deb holds, installs it with apt-get, and in a throwaway cluster started
# from / (pg_virtualenv; never the source tree) creates the extension and watches a table;
# then runs the package's autopkgtest (debian/tests/installcheck: sql/ and specs/ against
# the installed files) and removes the package.
#
# Installing the package writes the same files as `make install` into the system's
# PostgreSQL 15.  The files there before the test (the tree's `make install`, as
# scripts/test.sh leaves them) are moved aside while the package is tested alone, put back
# after it is purged, and compared: the last test fails if the system is not as it was.  A postgresql-15-prevent
# package already installed is not touched: the test bails out instead.
#
# Needs root (or sudo), git, and the build tools (scripts/setup-deps.sh installs them).
# Without them it is skipped, unless PREVENT_REQUIRE_DEB is set (CI sets it): then it bails
# out.  Its clusters listen on localhost port PREVENT_TEST_PORT + 1 (default 54330).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pkg=postgresql-15-prevent
pg_config=/usr/lib/postgresql/15/bin/pg_config
port=$(( ${PREVENT_TEST_PORT:-54329} + 1 ))

if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo -n); fi

# skip_or_bail REASON — no package test possible here
skip_or_bail() {
	if [ -n "${PREVENT_REQUIRE_DEB:-}" ]; then
		echo "Bail out! $1 (PREVENT_REQUIRE_DEB is set)"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

missing=()
for tool in git dpkg-buildpackage dh pg_buildext pg_virtualenv apt-get dpkg-deb; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -x "$pg_config" ] || missing+=("$pg_config")
[ -f /usr/share/perl5/Debian/Debhelper/Dh_Lib.pm ] || missing+=(debhelper)
[ ${#missing[@]} -eq 0 ] || skip_or_bail "missing build tools: ${missing[*]} (scripts/setup-deps.sh)"
if [ ${#as_root[@]} -gt 0 ] && ! sudo -n true 2>/dev/null; then
	skip_or_bail "installing a package needs root or password-less sudo"
fi
git -C "$repo" rev-parse --verify -q HEAD >/dev/null || skip_or_bail "$repo is not a git checkout"
if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ]; then
	echo "Bail out! $pkg is installed on this system; remove it first (this test installs and purges it)"
	exit 1
fi

work=$(mktemp -d /tmp/prevent-deb.XXXXXX)
chmod 755 "$work"       # the clusters' owner (postgres) reads the clone's test files
pkglibdir=$("$pg_config" --pkglibdir)
extdir=$("$pg_config" --sharedir)/extension
installed_pkg=
restored=

# the system's prevent files before the test, to be put back as they were
system_files() {
	local f
	for f in "$pkglibdir/prevent.so" "$pkglibdir/bitcode/prevent.index.bc" "$extdir"/prevent.control \
		"$extdir"/prevent--*.sql; do
		[ -e "$f" ] && echo "$f"
	done
	[ -d "$pkglibdir/bitcode/prevent" ] && find "$pkglibdir/bitcode/prevent" -type f
}
system_sums() { system_files | sort | xargs -r sha256sum; }
system_sums >"$work/before.sha256"
system_files >"$work/before.list"
mkdir "$work/saved"
while read -r f; do
	"${as_root[@]}" mkdir -p "$work/saved$(dirname "$f")" && "${as_root[@]}" cp -a "$f" "$work/saved$f" ||
		{ echo "Bail out! could not copy $f aside"; exit 1; }
done <"$work/before.list"

# purge the package and put back what was there before
restore_system() {
	if [ -n "$installed_pkg" ]; then
		"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$pkg" >"$work/purge.log" 2>&1 ||
			"${as_root[@]}" dpkg --purge "$pkg" >>"$work/purge.log" 2>&1
		installed_pkg=
	fi
	if [ -z "$restored" ]; then
		local f
		while read -r f; do
			"${as_root[@]}" mkdir -p "$(dirname "$f")"
			"${as_root[@]}" cp -a "$work/saved$f" "$f"
		done <"$work/before.list"
		restored=yes
	fi
}
cleanup() {
	restore_system
	"${as_root[@]}" rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
ok() {   # ok STATUS DESCRIPTION [DIAGNOSTIC-FILE]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && [ -s "$3" ] && tail -n 40 "$3" | sed 's/^/#   /'
	fi
	return 0
}

echo "1..11"

# 1: the package builds from a clean clone of HEAD
src=$work/src/prevent
head=$(git -C "$repo" rev-parse HEAD)
export LANG=C.UTF-8
unset LC_ALL
start=$SECONDS
{
	git clone -q --no-checkout "$repo" "$src" &&
		git -C "$src" checkout -q --detach "$head" &&
		(cd "$src" && PGPORT=$port dpkg-buildpackage -us -uc -b)
} >"$work/build.log" 2>&1
status=$?
control_version=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" "$src/prevent.control" 2>/dev/null)
deb_version=$(cd "$src" 2>/dev/null && dpkg-parsechangelog -S Version 2>/dev/null)
deb=$work/src/${pkg}_${deb_version}_$(dpkg --print-architecture).deb
[ $status -eq 0 ] && [ -f "$deb" ] || status=1
ok $status "dpkg-buildpackage -us -uc -b builds $(basename "$deb") ($((SECONDS - start))s)" "$work/build.log"
if [ $status -ne 0 ]; then
	echo "Bail out! the package did not build"
	exit 1
fi

# 2: its version is the extension's
[ "${deb_version%-*}" = "$control_version" ]
ok $? "debian/changelog's upstream version $deb_version is prevent.control's default_version $control_version"

# 3: what it holds: the control file, the install script, the module, the docs
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
want=("$extdir/prevent.control" "$extdir/prevent--$control_version.sql" "$pkglibdir/prevent.so"
	"/usr/share/doc/$pkg/copyright" "/usr/share/doc/$pkg/README.md.gz" "/usr/share/doc/$pkg/changelog.gz")
absent=()
for f in "${want[@]}"; do grep -qxF "$f" "$work/contents" || absent+=("$f"); done
printf '%s\n' "${absent[@]}" >"$work/absent"
[ ${#absent[@]} -eq 0 ]
ok $? "the .deb holds prevent.control, prevent--$control_version.sql, prevent.so, copyright and docs" "$work/absent"

# 4: and no sources or build leftovers
grep -E '\.(c|h|o|spec|out)$|/src/[^/]*$|/sql/|/Makefile$|/test/|/specs/|/expected/' "$work/contents" |
	grep -v "^$pkglibdir/bitcode/prevent/" >"$work/stray"
[ ! -s "$work/stray" ]
ok $? "the .deb holds no source files, tests or build leftovers" "$work/stray"

# 5: lintian, where it is installed (errors and warnings fail; initial-upload-closes-no-bugs
# is about Debian's archive, which this package is not uploaded to)
if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error,warning --suppress-tags initial-upload-closes-no-bugs "$deb" >"$work/lintian.log" 2>&1
	ok $? "lintian finds no errors or warnings in the .deb" "$work/lintian.log"
else
	n=$((n + 1)); echo "ok $n # skip lintian is not installed"
fi

# 6: apt-get installs it, with its dependencies, on a system with no other prevent files (those
# of `make install`, set aside above), so that what follows sees what the package alone brings
while read -r f; do "${as_root[@]}" rm -f "$f"; done <"$work/before.list"
[ -d "$pkglibdir/bitcode/prevent" ] && "${as_root[@]}" rm -rf "$pkglibdir/bitcode/prevent"
installed_pkg=yes
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" \
	>"$work/install.log" 2>&1
[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ]
ok $? "apt-get install ./$(basename "$deb") installs $pkg" "$work/install.log"

# 7: the files are where pg_config says, and the package owns them
owners=$(dpkg -S "$pkglibdir/prevent.so" "$extdir/prevent.control" "$extdir/prevent--$control_version.sql" 2>&1 |
	sed 's/:.*//' | sort -u)
[ "$owners" = "$pkg" ]
ok $? "pg_config's pkglibdir and sharedir hold prevent.so, prevent.control and the install script, from $pkg"

# 8-9: a DBA's first session, in a throwaway UTF8 cluster started from / on the installed files
cat >"$work/smoke.sql" <<'SQL'
\set ON_ERROR_STOP 1
CREATE EXTENSION prevent;
SELECT 'level:' || (prevent.assess('他在电话里扬言要拿刀杀了邻居全家')).level;
CREATE TABLE incident (id bigint PRIMARY KEY, narrative text NOT NULL, unit text);
SELECT prevent.watch('incident', 'narrative', unit_column => 'unit');
INSERT INTO incident VALUES (1, '报警人称其丈夫酒后扬言要拿刀杀了她', '城关派出所'),
                            (2, '群众反映小区路灯损坏', '城关派出所');
SELECT 'alerts:' || string_agg(source_key || '/' || unit || '/' || level, ',' ORDER BY source_key)
  FROM prevent.alert WHERE source = 'incident'::regclass;
SQL
chmod 644 "$work/smoke.sql"
(cd / && NONROOT=1 PGPORT=$port pg_virtualenv -v 15 -i --locale=C.UTF-8 \
	psql -X -q -A -t -f "$work/smoke.sql") >"$work/smoke.log" 2>&1
status=$?
level=$(sed -n 's/^level://p' "$work/smoke.log")
[ $status -eq 0 ] && { [ "$level" = high ] || [ "$level" = critical ]; }
ok $? "CREATE EXTENSION prevent from the package; a threat to kill is assessed high or critical ($level)" "$work/smoke.log"
alerts=$(sed -n 's/^alerts://p' "$work/smoke.log")
[[ $status -eq 0 && $alerts =~ ^1/城关派出所/(high|critical)$ ]]
ok $? "a watched table's risky row (only) becomes an alert for its unit ($alerts)" "$work/smoke.log"

# 10: the package's autopkgtest: the regression suite against the installed package
(cd "$src" && PGPORT=$port debian/tests/installcheck) >"$work/installcheck.log" 2>&1
ok $? "autopkgtest debian/tests/installcheck (sql/ and specs/) passes against the installed package" \
	"$work/installcheck.log"

# 11: purged, and the system's files are what they were before the test
restore_system
system_sums >"$work/after.sha256"
diff "$work/before.sha256" "$work/after.sha256" >"$work/restore.diff"
[ $? -eq 0 ] && [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]
ok $? "the package is purged and the system's prevent files are as before the test" "$work/restore.diff"
