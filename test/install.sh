#!/usr/bin/env bash
# TAP: CREATE EXTENSION prevent refuses a schema "prevent" that another role
# owns or that is not empty (its owner could replace what prevent's views
# and owner-run code call), and installs into one the installing role made
# and left empty.  Runs against the server in PGHOST/PGPORT (as a
# superuser); creates and drops its own database and role.
set -euo pipefail
db=prevent_install_test
trap 'dropdb --if-exists "$db" >/dev/null 2>&1; psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_schema_squatter" >/dev/null 2>&1' EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$db" -c "$1"; }
# run SQL that must fail; print its SQLSTATE
sqlstate() { psql -X -q -At -d "$db" -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "$1" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' | head -n 1; }
n=0
ok() { n=$((n + 1)); if [ "$1" = "$2" ]; then echo "ok $n - $3"; else echo "not ok $n - $3"; echo "#   got: '$1'"; echo "#   expected: '$2'"; fi; }

echo "1..6"
dropdb --if-exists "$db" 2>/dev/null
createdb -E UTF8 -T template0 "$db"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_schema_squatter" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE regress_schema_squatter"

# a schema prevent made by another role, even empty
q "CREATE SCHEMA prevent AUTHORIZATION regress_schema_squatter"
ok "$(sqlstate 'CREATE EXTENSION prevent')" 42501 "a schema prevent owned by another role is refused (42501)"
ok "$(q "SELECT count(*) FROM pg_extension WHERE extname = 'prevent'")" 0 "and nothing is installed"

# the installing role's own schema, with something in it
q "ALTER SCHEMA prevent OWNER TO CURRENT_USER"
q "CREATE FUNCTION prevent.assess(text) RETURNS int LANGUAGE sql AS 'SELECT 1'"
ok "$(sqlstate 'CREATE EXTENSION prevent')" 42P06 "a schema prevent that is not empty is refused (42P06)"

# its own, empty, but another role may create in it
q "DROP FUNCTION prevent.assess(text)"
q "GRANT CREATE ON SCHEMA prevent TO regress_schema_squatter"
ok "$(sqlstate 'CREATE EXTENSION prevent')" 42501 "a schema prevent others may create in is refused (42501)"

# its own and empty: installs
q "REVOKE CREATE ON SCHEMA prevent FROM regress_schema_squatter"
ok "$(q 'CREATE EXTENSION prevent' 2>&1 && echo installed)" installed "the installing role's own empty schema is used"
# and the usual case: CREATE EXTENSION makes the schema
q "DROP EXTENSION prevent"
q "DROP SCHEMA IF EXISTS prevent"
ok "$(q 'CREATE EXTENSION prevent' 2>&1 && q "SELECT nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) FROM pg_namespace WHERE nspname = 'prevent'")" t \
	"without a schema prevent, CREATE EXTENSION makes it, owned by the installing role"
