#!/usr/bin/env bash
# TAP: the BI views read through ODBC, as Power BI, Excel, FineBI or Tableau read them.
#
# A small ODBC client (test/odbc/bi_reader.c, built here against unixODBC) connects through
# Debian's psqlODBC driver ("PostgreSQL Unicode") as a BI role, a read member of every unit,
# and reads every view of schema prevent: the same rows as psql gets, Chinese text intact, the
# SQL types a BI tool sees (dates as DATE, counts as BIGINT, rates as NUMERIC).  A station's
# role, a read member of one unit, sees only that unit's rows through ODBC too.  Skipped where
# unixODBC's headers or the driver are missing (scripts/setup-deps.sh installs them).  Runs
# against the server in PGHOST/PGPORT; creates and drops its own database and roles.
set -euo pipefail
cd "$(dirname "$0")/.."
db=prevent_odbc
work=$(mktemp -d)
drop_db() {
	dropdb --if-exists "$db" >/dev/null 2>&1 || true
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_odbc_bi" -c "DROP ROLE IF EXISTS regress_odbc_station" >/dev/null 2>&1 || true
}
trap 'rm -rf "$work"; drop_db' EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$db" "$@"; }

views=(closure_rate department_closure_rate department_feedback_rate department_resolution_rate
	   department_summary feedback_rate feedback_time keyword_hits overdue_orders repeat_incidents
	   resolution_rate review_outcome unit_dashboard person_incidents person_contact_status)
echo "1..$(( ${#views[@]} + 3 ))"
skip_all() {
	for t in $(seq 1 $(( ${#views[@]} + 3 ))); do echo "ok $t # skip $1"; done
	exit 0
}
cc=${CC:-cc}
"$cc" -Wall -Wextra -Werror -o "$work/bi_reader" test/odbc/bi_reader.c -lodbc 2>"$work/cc.log" ||
	skip_all "cannot build the ODBC client (unixodbc-dev missing)"
odbcinst -q -d 2>/dev/null | grep -q '^\[PostgreSQL Unicode\]$' || skip_all "psqlODBC (odbc-postgresql) is not installed"

drop_db
createdb -E UTF8 -T template0 "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'SQL'
CREATE EXTENSION prevent;
CREATE ROLE regress_odbc_bi LOGIN;
CREATE ROLE regress_odbc_station LOGIN;
SELECT prevent.add_member('regress_odbc_bi', '*');
SELECT prevent.add_member('regress_odbc_station', '城关派出所');
CREATE TABLE jq (jjbh text PRIMARY KEY, gxdw text, bjrdh text, jyaq text, bjsj timestamptz);
SELECT prevent.watch('jq', 'jyaq', unit_column => 'gxdw', party_columns => '{bjrdh}', occurred_column => 'bjsj');
INSERT INTO prevent.person (identifier, kind, unit, full_name, valid_from)
	VALUES ('13900002222', 'mental', '西关派出所', '张某', now() - interval '30 days');
SELECT prevent.record_contact(id, '入户走访，按时服药') FROM prevent.person;
INSERT INTO jq VALUES
	('J-1', '城关派出所', '13800001111', '报警人称其丈夫持刀威胁要同归于尽', now() - interval '3 days'),
	('J-2', '东关派出所', '13800001111', '又是该报警人，称丈夫扬言要杀人', now() - interval '2 days'),
	('J-3', '城关派出所', '13900002222', '邻里纠纷，对方扬言报复', now() - interval '1 day'),
	('J-4', '西关派出所', NULL, '报警人称邻居家装修噪音扰民', now());
SELECT prevent.review(id, true, '二次研判：下发') FROM prevent.alert WHERE status = 'pending';
SELECT prevent.accept(id, '收到') FROM prevent.work_order WHERE unit = '城关派出所';
SELECT prevent.feedback(id, '已出警，双方情绪稳定') FROM prevent.work_order WHERE status = 'accepted';
SELECT prevent.close(id, true, '矛盾已化解') FROM prevent.work_order WHERE status = 'fed_back';
SELECT prevent.escalate_overdue(now() + interval '30 days');
-- orders not accepted in time: rows for prevent.overdue_orders
UPDATE prevent.work_order SET accept_due = now() - interval '1 hour' WHERE status = 'issued';
SQL

conn="Driver={PostgreSQL Unicode};Servername=${PGHOST:-/var/run/postgresql};Port=${PGPORT:-5432};Database=$db"
t=0
for v in "${views[@]}"; do
	t=$((t + 1))
	# every column but intervals (overdue_by moves between the two reads), all of them sorted on
	cols=$(q -c "SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a
				  WHERE a.attrelid = 'prevent.$v'::regclass AND a.attnum > 0 AND a.atttypid <> 'interval'::regtype")
	sql="SELECT $cols FROM prevent.$v ORDER BY $cols"
	"$work/bi_reader" "$conn;UID=regress_odbc_bi" "$sql" >"$work/odbc.$v" 2>"$work/err" || true
	# (psqlODBC gives a timestamptz as a TIMESTAMP in the session's time zone: no offset)
	PGUSER=regress_odbc_bi psql -X -q -At -F $'\t' -P null='\N' -d "$db" -c "$sql" |
		sed -E 's/([0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?)[+-][0-9]{2}(:[0-9]{2})?(\t|$)/\1\4/g' >"$work/psql.$v"
	rows=$(wc -l <"$work/psql.$v")
	if [ -s "$work/odbc.$v" ] && diff <(grep -v '^# ' "$work/odbc.$v") "$work/psql.$v" >"$work/diff" && [ "$rows" -gt 0 ]; then
		echo "ok $t - prevent.$v through ODBC: the rows psql gets ($rows)"
	else
		echo "not ok $t - prevent.$v through ODBC: the rows psql gets ($rows)"
		head -5 "$work/err" "$work/diff" | sed 's/^/#   /'
	fi
done

t=$((t + 1))
types=$(grep '^# ' "$work/odbc.closure_rate" | awk '{ printf "%s:%s ", $2, $3 }')
if [[ $types =~ unit:(W?LONGVARCHAR|W?VARCHAR)\ month:DATE\ issued:BIGINT\ closed:BIGINT\ closure_rate:NUMERIC ]]; then
	echo "ok $t - the driver reports the types a BI tool needs: $types"
else
	echo "not ok $t - the driver reports the types a BI tool needs"; echo "#   got: $types"
fi

t=$((t + 1))
if grep -q '城关派出所' "$work/odbc.closure_rate"; then echo "ok $t - Chinese text arrives intact"
else echo "not ok $t - Chinese text arrives intact"; fi

t=$((t + 1))
units=$("$work/bi_reader" "$conn;UID=regress_odbc_station" "SELECT DISTINCT unit FROM prevent.unit_dashboard UNION SELECT DISTINCT unit FROM prevent.alert ORDER BY 1" | grep -v '^# ' | tr '\n' ' ')
if [ "$units" = "城关派出所 " ]; then echo "ok $t - a station member sees only its unit through ODBC too"
else echo "not ok $t - a station member sees only its unit through ODBC too"; echo "#   saw: $units"; fi
