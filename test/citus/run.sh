#!/usr/bin/env bash
# run.sh — prevent on a Citus cluster (README, Distributed deployment): starts a coordinator
# and two workers on loopback (test/citus/cluster.sh, ports PREVENT_CITUS_PORT, default
# 55400, and the next two), installs prevent, distributes it (setup.sql), then runs the
# pgTAP files test/citus/t/*.sql against the coordinator with pg_prove; stops and removes the
# cluster at the end.  PG_CONFIG: a PostgreSQL 15 with Citus and prevent installed (the
# citus stage of scripts/test.sh builds Citus from ../shared/vendor/citus/).
set -euo pipefail
cd "$(dirname "$0")/../.."
bindir=$("${PG_CONFIG:?set PG_CONFIG}" --bindir)
port=${PREVENT_CITUS_PORT:-55400}
base=$(mktemp -d /tmp/citus-test.XXXXXX)
trap 'test/citus/cluster.sh stop "$base" "$port"' EXIT
test/citus/cluster.sh start "$base" "$port"
export PGHOST=$base PGPORT=$port PGUSER=postgres PGDATABASE=prevent_citus
"$bindir/psql" -X -q -v ON_ERROR_STOP=1 -f test/citus/setup.sql >/dev/null
pg_prove --failures --psql-bin "$bindir/psql" test/citus/t/*.sql
