#!/usr/bin/env bash
# citus.sh — the citus stage of scripts/test.sh: prevent on a three-node Citus cluster.
#
# In a private copy of PG_CONFIG's PostgreSQL installation (as test/upgrade.sh makes one: the
# installation of PG_CONFIG is not touched), builds Citus from the vendor sources
# ($PREVENT_VENDOR_DIR, default ../shared/vendor: citus/citus-13.2.2.tar.gz and the patch
# beside it, see its README), installs prevent from this tree into the copy, and runs
# test/citus/run.sh (a coordinator and two workers on loopback ports PREVENT_CITUS_PORT,
# default 55400, and the next two).  About 5 minutes on 2 cores, most of it building Citus.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
. scripts/pg-config.sh
vendor=$(cd "${PREVENT_VENDOR_DIR:-../shared/vendor}" && pwd)
tarball=$vendor/citus/citus-13.2.2.tar.gz

base=$(mktemp -d /tmp/prevent-citus.XXXXXX)
trap 'rm -rf "$base"' EXIT
chmod 755 "$base"		# the servers run as another user when this runs as root

# the private installation: bin, lib, share and headers laid out as they are relative to each other
dirs=("$("$PG_CONFIG" --bindir)" "$("$PG_CONFIG" --pkglibdir)" "$("$PG_CONFIG" --sharedir)"
	  "$("$PG_CONFIG" --includedir-server)" "$("$PG_CONFIG" --includedir)")
prefix=${dirs[0]}
for d in "${dirs[@]}"; do
	while [ "${d#"$prefix"/}" = "$d" ]; do prefix=${prefix%/*}; done
done
for d in "${dirs[@]:0:4}"; do
	mkdir -p "$base/pg/${d#"$prefix"/}"
	cp -a "$d/." "$base/pg/${d#"$prefix"/}/"
done
# the client headers (libpq), without the server's again
include=$base/pg/${dirs[4]#"$prefix"/}
mkdir -p "$include"
find "${dirs[4]}" -maxdepth 1 -type f -exec cp -a {} "$include/" \;
pgc="$base/pg/${dirs[0]#"$prefix"/}/pg_config"
if [ "$("$pgc" --sharedir)" != "$base/pg/${dirs[2]#"$prefix"/}" ]; then
	echo "citus: the PostgreSQL of $PG_CONFIG is not relocatable" >&2
	exit 1
fi

echo "citus: building Citus 13.2.2 from $tarball (log: build.log, shown on failure)"
mkdir "$base/src"
tar xzf "$tarball" -C "$base/src"
if ! (cd "$base/src/citus-13.2.2" &&
	patch -p1 <"$vendor/citus/citus-pg15.20.patch" &&
	./configure PG_CONFIG="$pgc" &&
	make -j"$(nproc)" && make install) >"$base/build.log" 2>&1; then
	tail -n 60 "$base/build.log"
	exit 1
fi
make -s -C "$repo" PG_CONFIG="$pgc" install >/dev/null
PG_CONFIG=$pgc test/citus/run.sh
