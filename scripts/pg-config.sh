# scripts/pg-config.sh — sourced by the scripts in scripts/, bench/ and fuzz/: which PostgreSQL
# they build for and whose client tools they run.
#
# Sets and exports PG_CONFIG by the same rule as the Makefile (README, Installation): PG_CONFIG
# if set, else the pg_config on PATH, else PostgreSQL 15's /usr/lib/postgresql/15/bin/pg_config.
# Then puts that installation's bindir first on PATH, so psql, createdb, pg_dump and pgbench
# are of the same version as the server the extension is built for.
if [ -z "${PG_CONFIG:-}" ]; then
	PG_CONFIG=$(command -v pg_config || echo /usr/lib/postgresql/15/bin/pg_config)
fi
export PG_CONFIG
if pg_config_bindir=$("$PG_CONFIG" --bindir 2>/dev/null) && [ -d "$pg_config_bindir" ]; then
	PATH="$pg_config_bindir:$PATH"
fi
unset pg_config_bindir
