#!/usr/bin/env bash
# with-cluster.sh CMD [ARG...] — run CMD against a throwaway PostgreSQL 15 cluster.
#
# Creates a cluster in a fresh temporary directory (UTF8, locale C.UTF-8, trust auth), listening
# on no TCP address, only on a unix socket in a private directory, with port number
# $PREVENT_TEST_PORT (default 54329; it only names the socket, so it cannot clash with a server
# on the same port elsewhere). Starts it, exports PGHOST, PGPORT, PGUSER and PGDATABASE, runs
# CMD as the invoking user, then stops the server and removes the directory — also when CMD
# or the set-up fails, or on Ctrl-C. Exits with CMD's status.
#
# As root, the server runs as the `postgres` system user (initdb refuses root) and CMD connects
# as the superuser `postgres`; as any other user, both run as that user.
#
# Environment:
#   PREVENT_TEST_PORT   port number (default 54329)
#   PG_CONFIG           pg_config of the server to use (default: scripts/pg-config.sh)
#   PREVENT_KEEP_LOG    if set, copy the server log to this path before removing the cluster
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARG...]" >&2
	exit 2
fi

. "$(dirname "$0")/pg-config.sh"
port=${PREVENT_TEST_PORT:-54329}
bindir=$("$PG_CONFIG" --bindir)

if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	if ! getent passwd "$owner" >/dev/null; then
		echo "with-cluster: running as root but there is no '$owner' user (install postgresql-15)" >&2
		exit 1
	fi
	as_owner() { runuser -u "$owner" -- "$@"; }
else
	owner=$(id -un)
	as_owner() { "$@"; }
fi

# keep the path short: a unix socket path may not exceed 107 bytes
base=$(mktemp -d /tmp/prevent-cluster.XXXXXX)
data=$base/data
sock=$base/sock
log=$base/server.log
started=

cleanup() {
	local status=$?
	trap - EXIT INT TERM HUP
	if [ -n "$started" ]; then
		as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -n "${PREVENT_KEEP_LOG:-}" ] && [ -f "$log" ]; then
		cp "$log" "$PREVENT_KEEP_LOG" || true
	fi
	rm -rf "$base"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p "$sock"
chown -R "$owner" "$base"
chmod 700 "$base"

if ! as_owner "$bindir/initdb" -D "$data" -U "$owner" --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 --no-sync >"$base/initdb.log" 2>&1; then
	echo "with-cluster: initdb failed:" >&2
	cat "$base/initdb.log" >&2
	exit 1
fi

cat >>"$data/postgresql.conf" <<CONF

# with-cluster.sh: private, throwaway test server
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
max_prepared_transactions = 10
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
CONF
# pg_cron, where it is installed, as a DBA runs it (test/cron.sh): the scheduler lives in the
# database postgres and runs jobs in background workers (this server listens on no TCP address)
if [ -f "$("$PG_CONFIG" --pkglibdir)/pg_cron.so" ]; then
	cat >>"$data/postgresql.conf" <<CONF
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
CONF
fi

if ! as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null; then
	echo "with-cluster: server failed to start:" >&2
	cat "$log" >&2 || true
	exit 1
fi
started=yes

export PGHOST=$sock PGPORT=$port PGUSER=$owner PGDATABASE=postgres
export PATH="$bindir:$PATH"   # psql, createdb, ... of this server's version
unset PGHOSTADDR PGSERVICE PGPASSWORD PGSSLMODE 2>/dev/null || true
echo "with-cluster: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') ready on socket $PGHOST port $PGPORT (user $PGUSER)"

set +e
"$@"
status=$?
set -e
if [ $status -ne 0 ] && [ -f "$log" ]; then
	echo "with-cluster: command exited with status $status; last lines of the server log:" >&2
	tail -n 30 "$log" >&2 || true
fi
exit $status
