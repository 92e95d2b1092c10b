#!/usr/bin/env bash
# cluster.sh start|stop BASE PORT — a throwaway Citus cluster for test/citus/run.sh and
# bench/citus.sh: a coordinator on PORT and two workers on PORT+1 and PORT+2, listening on
# 127.0.0.1 only (the nodes connect to each other over loopback TCP, trust authentication),
# data in BASE/{c,w1,w2}, shared_preload_libraries = 'citus, pg_cron' (pg_cron on the
# coordinator runs prevent.link_alerts()).  As root, the servers run as `postgres`.
# PG_CONFIG: a PostgreSQL 15 with Citus installed.
set -euo pipefail
cmd=$1 base=$2 port=$3
bindir=$("${PG_CONFIG:?set PG_CONFIG}" --bindir)
if [ "$(id -u)" -eq 0 ]; then
	as_owner() { runuser -u postgres -- "$@"; }
else
	as_owner() { "$@"; }
fi
nodes=(c w1 w2)

case $cmd in
start)
	mkdir -p "$base"
	[ "$(id -u)" -eq 0 ] && chown postgres "$base"
	for i in 0 1 2; do
		d=$base/${nodes[$i]}
		as_owner "$bindir/initdb" -D "$d" -E UTF8 --locale=C.UTF-8 -A trust -U postgres >/dev/null
		cat >>"$d/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $((port + i))
unix_socket_directories = '$base'
shared_preload_libraries = 'citus, pg_cron'
cron.database_name = 'prevent_citus'
max_connections = 100
max_prepared_transactions = 100
citus.enable_unsafe_triggers = on
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = logical
CONF
		as_owner "$bindir/pg_ctl" -D "$d" -l "$base/${nodes[$i]}.log" -w -t 60 start >/dev/null
	done
	psql=("$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$base" -U postgres)
	for i in 0 1 2; do
		"${psql[@]}" -p $((port + i)) -d postgres -c 'CREATE DATABASE prevent_citus'
		"${psql[@]}" -p $((port + i)) -d prevent_citus -c 'CREATE EXTENSION citus'
	done
	"${psql[@]}" -p "$port" -d prevent_citus \
		-c "SELECT pg_catalog.citus_set_coordinator_host('127.0.0.1', $port)" \
		-c "SELECT pg_catalog.citus_add_node('127.0.0.1', $((port + 1)))" \
		-c "SELECT pg_catalog.citus_add_node('127.0.0.1', $((port + 2)))" >/dev/null
	;;
stop)
	for n in "${nodes[@]}"; do
		[ -d "$base/$n" ] && as_owner "$bindir/pg_ctl" -D "$base/$n" -m fast -w -t 60 stop >/dev/null 2>&1 || true
	done
	rm -rf "$base"
	;;
*)
	echo "usage: $0 start|stop BASE PORT" >&2
	exit 2
	;;
esac
