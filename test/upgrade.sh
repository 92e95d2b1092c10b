#!/usr/bin/env bash
# TAP: a DBA upgrades from the released 0.1.0 (commit e7a7f71, the committed
# prevent--0.1.0.sql) with make install and ALTER EXTENSION prevent UPDATE,
# which runs every update script from there (0.1.0 -> 0.2.0 -> ...), and
# loses nothing.
#
# In a private copy of PG_CONFIG's PostgreSQL installation (bin, lib, share
# and server headers under a temporary directory; PostgreSQL finds its files
# relative to its binaries, so the copy is a complete installation of its own
# and the tree's installation is not touched), it builds and installs 0.1.0
# from git, starts a throwaway cluster from the copy (scripts/with-cluster.sh),
# fills a database through 0.1.0's API, then runs `make install` of this tree
# into the copy and checks:
#   - between make install and the update, the new library refuses a watched
#     INSERT with SQLSTATE 55000 naming both versions (no crash, no row);
#   - an index of prevent.gin_ops built by 0.1.0 finds the rows of a sequential scan, before
#     the update (new library, old SQL objects) and after it (the keys are unchanged);
#   - ALTER EXTENSION prevent UPDATE reaches the control file's version;
#   - every row of every table 0.1.0 had is still there with the same values
#     (the columns 0.1.0 had; the rows the update is meant to change and add
#     are named below), and no sequence went back;
#   - the extension's objects equal a fresh install's in another database:
#     members, columns, constraints, indexes, functions (whole definitions),
#     views, triggers, event triggers, policies, types, privileges, comments,
#     the tables pg_dump keeps, and the keys of the built-in lexicon rows;
#     a section that differs is printed as a unified diff;
#   - unit members keep their rights and get those on the views 0.2.0 adds;
#   - the watched table raises alerts again, re-assesses them on UPDATE, and
#     CALL prevent.backfill() works;
#   - a session of an older library stops writing once the extension is updated past it.
# Runs against no existing server; needs git, make and a C compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

from_commit=e7a7f71		# the released 0.1.0
from_version=0.1.0
to_version=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" prevent.control)

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
diag() { sed 's/^/#   /'; }

if [ "${1:-}" != --in-cluster ]; then
	if ! git rev-parse -q --verify "$from_commit^{commit}" >/dev/null 2>&1; then
		echo "1..0 # SKIP not a git checkout with commit $from_commit (the released $from_version)"
		exit 0
	fi
	PG_CONFIG=${PG_CONFIG:-$(command -v pg_config || echo /usr/lib/postgresql/15/bin/pg_config)}
	base=$(mktemp -d /tmp/prevent-upgrade.XXXXXX)
	trap 'rm -rf "$base"' EXIT
	chmod 755 "$base"		# the server runs as another user (scripts/with-cluster.sh)

	# the private installation: PG_CONFIG's bin, lib, share and server headers, laid out
	# as they are relative to each other, without prevent
	dirs=("$("$PG_CONFIG" --bindir)" "$("$PG_CONFIG" --pkglibdir)" "$("$PG_CONFIG" --sharedir)"
		  "$("$PG_CONFIG" --includedir-server)")
	prefix=${dirs[0]}	# the directory the four have in common
	for d in "${dirs[@]}"; do
		while [ "${d#"$prefix"/}" = "$d" ]; do prefix=${prefix%/*}; done
	done
	for d in "${dirs[@]}"; do
		mkdir -p "$base/pg/${d#"$prefix"/}"
		cp -a "$d/." "$base/pg/${d#"$prefix"/}/"
	done
	pgc="$base/pg/${dirs[0]#"$prefix"/}/pg_config"
	pkglib=$("$pgc" --pkglibdir)
	share=$("$pgc" --sharedir)
	if [ "$share" != "$base/pg/${dirs[2]#"$prefix"/}" ]; then
		echo "1..0 # SKIP the PostgreSQL of $PG_CONFIG is not relocatable (its copy's sharedir is $share)"
		exit 0
	fi
	rm -rf "$pkglib/prevent.so" "$pkglib/bitcode/prevent" "$pkglib/bitcode/prevent.index.bc" "$share"/extension/prevent[.-]*

	# 0.1.0 as released, built and installed into the copy
	mkdir "$base/src"
	git archive "$from_commit" | tar -x -C "$base/src"
	if ! make -C "$base/src" -j2 PG_CONFIG="$pgc" all install >"$base/build.log" 2>&1; then
		echo "Bail out! building $from_version from $from_commit failed:"
		tail -n 30 "$base/build.log" | diag
		exit 1
	fi
	if cmp -s "$base/src/prevent--$from_version.sql" "prevent--$from_version.sql"; then
		ok "the committed prevent--$from_version.sql is the install script $from_commit builds"
	else
		not_ok "the committed prevent--$from_version.sql is the install script $from_commit builds"
		diff -u "$base/src/prevent--$from_version.sql" "prevent--$from_version.sql" | head -n 40 | diag || true
	fi

	# the rest against a cluster of the copy; its TAP continues the numbering
	PG_CONFIG=$pgc PREVENT_UPGRADE_BASE=$base PREVENT_UPGRADE_N=$n \
		scripts/with-cluster.sh bash "$repo/test/upgrade.sh" --in-cluster | sed '/^with-cluster:/s/^/# /'
	exit "${PIPESTATUS[0]}"
fi

# ---- in the cluster of the private installation ----
base=$PREVENT_UPGRADE_BASE
n=$PREVENT_UPGRADE_N
work=$base/work
mkdir -p "$work/before" "$work/after"
db=prevent_upgrade
fresh=prevent_upgrade_fresh
reader=regress_upgrade_reader
actor=regress_upgrade_actor
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$1" -c "$2"; }
# run SQL that must fail; print "SQLSTATE message" of its error
fails() { psql -X -q -At -d "$1" -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "$2" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\): \(.*\)$/\1 \2/p' | head -n 1; }
# check NAME GOT EXPECTED
check() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; printf "got: '%s'\nexpected: '%s'\n" "$2" "$3" | diag; fi; }
# the plan at the end; a run cut short (set -e) is a failure, whatever ran before
finish() {
	local status=$?
	[ $status -eq 0 ] || { not_ok "the test runs to its end"; echo "#   it stopped with status $status"; }
	echo "1..$n"
}
trap finish EXIT
export LC_ALL=C		# sort, comm and join as the C collation orders

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $reader" -c "CREATE ROLE $actor"
createdb -E UTF8 -T template0 "$db"
q "$db" "CREATE EXTENSION prevent"
check "CREATE EXTENSION prevent installs $from_version from the release's files" \
	"$(q "$db" "SELECT extversion FROM pg_extension WHERE extname = 'prevent'")" "$from_version"

# ---- 0.1.0 in use, through its API ----
if ! psql -X -q -v ON_ERROR_STOP=1 -d "$db" >"$work/fill.log" 2>&1 <<SQL
-- members: a reader of A所, an actor of B所
SELECT prevent.add_member('$reader', 'A所', 'read');
SELECT prevent.add_member('$actor', 'B所', 'act');
INSERT INTO prevent.party_ignore (party, note) VALUES ('13800000000', 'switchboard');

-- a watched table, rows by INSERT and COPY: every level, a repeat across units
CREATE TABLE public.incident (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	station text, caller_phone text, narrative text, reported_at timestamptz);
SELECT prevent.watch('public.incident', 'narrative', unit_column => 'station',
	party_columns => '{caller_phone}', occurred_column => 'reported_at');
INSERT INTO public.incident (station, caller_phone, narrative, reported_at) VALUES
	('A所', '138 0000 1111', '报警人称其丈夫持刀威胁要同归于尽', now() - interval '3 hours'),
	('A所', NULL, '一切正常，群众求助开锁', now() - interval '3 hours'),
	('A所', '13800000000', '经核实未发现持刀', now() - interval '3 hours');
INSERT INTO public.incident (station, caller_phone, narrative, reported_at) VALUES
	('B所', '13900002222', '邻里纠纷', now() - interval '2 hours'),
	('B所', '13900003333', '对方扬言报复', now() - interval '2 hours'),
	('B所', '13900004444', '男子持刀在街上游荡', now() - interval '2 hours'),
	('B所', '13900005555', '邻里纠纷再起', now() - interval '2 hours');
COPY public.incident (station, caller_phone, narrative, reported_at) FROM STDIN;
C所	13700005555	甲乙双方因宅基地纠纷争吵	2026-03-03 08:00:00+08
C所	\N	今日无事	2026-03-03 08:05:00+08
C所	13700006666	嫌疑人持刀扬言同归于尽	2026-03-03 08:10:00+08
\.
-- the caller of B所's first incident at C所: a repeat, its orders pushed to both units
INSERT INTO public.incident (station, caller_phone, narrative, reported_at)
	VALUES ('C所', '13900002222', '报警人称邻里纠纷又起', now() - interval '1 hour');

-- the second judgement, and orders in every state
CREATE TEMP VIEW a AS SELECT a.id, i.narrative FROM prevent.alert a JOIN public.incident i ON a.source_key = i.id::text;
CREATE TEMP VIEW o AS SELECT w.id, i.narrative, w.unit FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
	JOIN public.incident i ON a.source_key = i.id::text;
SELECT prevent.review(id, true, '二次研判：需要处置') FROM a WHERE narrative = '邻里纠纷';
SELECT prevent.review(id, false, '误报') FROM a WHERE narrative = '对方扬言报复';
SELECT prevent.accept(id, '收到') FROM o WHERE narrative = '报警人称其丈夫持刀威胁要同归于尽';
SELECT prevent.feedback((prevent.accept(id, '收到')).id, '已出警') FROM o WHERE narrative = '男子持刀在街上游荡';
SELECT prevent.close((prevent.feedback((prevent.accept(id, '收到')).id, '已出警')).id, false, '未化解')
  FROM o WHERE narrative = '嫌疑人持刀扬言同归于尽';
SELECT prevent.evaluate((prevent.close((prevent.feedback((prevent.accept(id, '收到')).id, '已出警')).id, true, '已化解')).id, 4)
  FROM o WHERE narrative = '邻里纠纷' AND unit = 'B所';
SELECT prevent.escalate_overdue(now() + interval '3 days');
SELECT prevent.refresh_stats();

-- lexicon edits: a category and keyword of one's own, a built-in row re-weighted and one
-- disabled, a cue, a proximity rule, and a term of one's own that 0.2.0 ships built in
INSERT INTO prevent.category (name, label) VALUES ('fraud', '诈骗');
INSERT INTO prevent.keyword (term, category, weight) VALUES ('刷单返利', 'fraud', 35);
UPDATE prevent.keyword SET weight = 77 WHERE builtin AND term = '扬言';
UPDATE prevent.keyword SET enabled = false WHERE builtin AND term = '子弹';
INSERT INTO prevent.keyword (term, kind, note) VALUES ('子弹头', 'exclude', 'our own: the train');
INSERT INTO prevent.negation (cue, "window") VALUES ('测试否认词', 5);
INSERT INTO prevent.proximity (term_a, term_b, within, category, weight) VALUES ('刷单', '转账', 8, 'fraud', 20);
-- settings, buckets, thresholds, policies
UPDATE prevent.setting SET value = '2' WHERE name = 'repeat_tier';
UPDATE prevent.setting SET value = 'UTC' WHERE name = 'report_time_zone';
UPDATE prevent.risk_threshold SET min_score = 12 WHERE level = 'low';
UPDATE prevent.level_policy SET accept_within = '45 minutes' WHERE level = 'critical';
INSERT INTO prevent.feedback_bucket (upper_bound, label) VALUES ('10 minutes', '<= 10 min');
SELECT prevent.refresh_stats();

-- a table with history, not watched yet: back-filled after the update
CREATE TABLE public.old_incident (id bigint PRIMARY KEY, station text, narrative text);
INSERT INTO public.old_incident VALUES (1, 'D所', '嫌疑人持刀扬言同归于尽'), (2, 'D所', '今日无事'), (3, 'D所', '男子持刀在街上游荡');
-- a table searched through prevent.gin_ops, its index built by $from_version
CREATE TABLE public.search_note (id int PRIMARY KEY, narrative text);
INSERT INTO public.search_note
SELECT i, (ARRAY['报警人称其丈夫持刀威胁要同归于尽', '对方扬言报复', '揚 言要殺人', '今日无事。刀', '男子持刀在街上游荡',
				 '扬。言', '他说杀了你。刀', '邻里纠纷'])[1 + i % 8] || i
  FROM generate_series(1, 2000) i;
CREATE INDEX search_note_idx ON public.search_note USING gin (narrative prevent.gin_ops);
-- an alert that could not be written, as the writer keeps it (input of type prevent._alert_input)
INSERT INTO prevent.alert_failure (input, sqlstate, message)
SELECT ROW('public.incident'::regclass, '999', 'A所', now(), 60, 'high', '{weapon}', '{持刀}', '{}',
		   '-infinity', 'infinity', 2)::prevent._alert_input, '23505', 'kept back';
SQL
then
	echo "Bail out! filling the $from_version database failed:"
	tail -n 20 "$work/fill.log" | diag
	exit 1
fi
check "the $from_version database has alerts of every level and status, orders in every state, escalations, repeats" \
	"$(q "$db" "SELECT (SELECT string_agg(DISTINCT level::text, ',' ORDER BY level::text) FROM prevent.alert)
			  || ' ' || (SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM prevent.alert)
			  || ' ' || (SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM prevent.work_order)
			  || ' ' || (SELECT count(*) > 0 FROM prevent.escalation) || (SELECT bool_or(repeat) FROM prevent.alert)")" \
	"critical,high,low,medium dismissed,issued,pending accepted,closed,evaluated,fed_back,issued truetrue"

# ---- what 0.1.0 holds: every row of every table, in the columns it has ----
# Rows the update is meant to change, by table (a WHERE condition), are left out of the
# comparison; tables it is meant to add rows to (the built-in rows of 0.2.0) may have more.
declare -A changed=(
	[keyword]="t.builtin AND t.kind = 'match' AND t.term IN ('走失', '走丢', '未到校', '没到校', '水库')"	# signal missing (84_findings.sql, 86_unsaid.sql)
	[proximity]="t.builtin AND t.term_a = '掐' AND t.term_b = '脖子'"	# strangling high (86_unsaid.sql)
)
adds_rows=" keyword negation proximity setting combination _job_lock "	# _job_lock: alert_stats (60_stats.sql)
# per table: SELECT of its rows as text, composite columns expanded to their attributes now
q "$db" "SELECT c.relname || E'\t' || string_agg(
			CASE WHEN ty.typtype = 'c' THEN
				(SELECT string_agg(pg_catalog.format('(t.%I).%I', a.attname, ca.attname), ', ' ORDER BY ca.attnum)
				   FROM pg_attribute ca WHERE ca.attrelid = ty.typrelid AND ca.attnum > 0 AND NOT ca.attisdropped)
			ELSE pg_catalog.format('t.%I', a.attname) END, ', ' ORDER BY a.attnum)
		   FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		   JOIN pg_type ty ON ty.oid = a.atttypid
		  WHERE c.relnamespace = 'prevent'::regnamespace AND c.relkind IN ('r', 'p')
		  GROUP BY c.relname ORDER BY c.relname" >"$work/tables"
# columns an update replaced, as the new ones hold their values (after the update)
declare -A column_now=(
	[t.text_column]="t.text_columns[1]"		# prevent.watched, 0.3.0: several narrative columns
)
snapshot() {
	local dir=$1 name cols where old
	while IFS=$'\t' read -r name cols; do
		where=${changed[$name]:-false}
		if [ "$dir" = "$work/after" ]; then
			for old in "${!column_now[@]}"; do
				cols=$(printf '%s' "$cols" | sed -E "s/(^|[ ,(])${old//./\\.}([,) ]|$)/\1${column_now[$old]}\2/g")
			done
		fi
		q "$db" "COPY (SELECT ROW($cols)::text FROM prevent.$name t WHERE NOT ($where)) TO STDOUT" | sort >"$dir/$name"
	done <"$work/tables"
	q "$db" "SELECT c.relname, (pg_catalog.pg_sequence_last_value(c.oid)) FROM pg_class c
			  WHERE c.relnamespace = 'prevent'::regnamespace AND c.relkind = 'S'" | sort >"$dir/sequences"
}
snapshot "$work/before"

# ---- make install of this tree into the same installation ----
if ! make -C "$repo" -s PG_CONFIG="$PG_CONFIG" install >"$work/install.log" 2>&1; then
	echo "Bail out! make install of $to_version failed:"
	tail -n 20 "$work/install.log" | diag
	exit 1
fi
installed=$(cd "$("$PG_CONFIG" --sharedir)/extension" && ls prevent--*.sql | sort | tr '\n' ' ')
check "make install installs the released install scripts, the update scripts and the new one" \
	"$installed" "$({ git -C "$repo" ls-files 'prevent--*.sql'; echo "prevent--$to_version.sql"; } | sort | tr '\n' ' ')"

# ---- the new library against the old SQL objects, before the update ----
rows=$(q "$db" "SELECT (SELECT count(*) FROM public.incident) || ' ' || (SELECT count(*) FROM prevent.alert)")
check "before the update, a watched INSERT fails with 55000 naming both versions" \
	"$(fails "$db" "INSERT INTO public.incident (station, narrative) VALUES ('A所', '嫌疑人持刀扬言要同归于尽')")" \
	"55000 extension \"prevent\" is installed at version $from_version, but its library is version $to_version"
check "and the hint says what to do" \
	"$(psql -X -q -d "$db" -c "INSERT INTO public.incident (station, narrative) VALUES ('A所', '持刀')" 2>&1 | sed -n 's/^HINT:  //p')" \
	"Run ALTER EXTENSION prevent UPDATE."
check "no incident or alert was written by the failed INSERTs" \
	"$(q "$db" "SELECT (SELECT count(*) FROM public.incident) || ' ' || (SELECT count(*) FROM prevent.alert)")" "$rows"
check "detection keeps working before the update (the library is $to_version)" \
	"$(q "$db" "SELECT prevent.level(prevent.score('嫌疑人持刀扬言要同归于尽')) || ' ' || (prevent.version()).extension")" "critical $to_version"

# searches through public.search_note's index, each against a sequential scan: prints those that differ
searches=("&~ '刀'" "&~ '扬言'" "&~ '揚 言'" "&~ '杀了你'" "&~ '同归于尽'" "&~ '持刀威胁要'" "&~| '{扬言,纠纷,殺人}'"
		  "&~| (SELECT array_agg(term) FROM prevent.keyword WHERE kind = 'match')")
index_differs() {
	local s by_index by_seq
	for s in "${searches[@]}"; do
		by_index=$(q "$db" "SET enable_seqscan = off; SET enable_indexscan = off;
			SELECT count(*) || ':' || coalesce(string_agg(id::text, ',' ORDER BY id), '')
			  FROM public.search_note WHERE narrative OPERATOR(prevent.${s%% *}) ${s#* }")
		by_seq=$(q "$db" "SET enable_bitmapscan = off; SET enable_indexscan = off;
			SELECT count(*) || ':' || coalesce(string_agg(id::text, ',' ORDER BY id), '')
			  FROM public.search_note WHERE narrative OPERATOR(prevent.${s%% *}) ${s#* }")
		[ "$by_index" = "$by_seq" ] || echo "$s: index ${by_index%%:*} rows, sequential scan ${by_seq%%:*}"
	done
}
check "the plan searches public.search_note through its prevent.gin_ops index" \
	"$(q "$db" "SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT id FROM public.search_note WHERE narrative OPERATOR(prevent.&~) '扬言'" | grep -c 'Bitmap Index Scan on search_note_idx')" 1
check "before the update, the $from_version index finds the rows of a sequential scan" "$(index_differs)" ""

# ---- ALTER EXTENSION prevent UPDATE ----
if psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "ALTER EXTENSION prevent UPDATE" >"$work/update.log" 2>&1; then
	ok "ALTER EXTENSION prevent UPDATE succeeds"
else
	not_ok "ALTER EXTENSION prevent UPDATE succeeds"
	diag <"$work/update.log"
fi
check "the extension is at $to_version" \
	"$(q "$db" "SELECT extversion FROM pg_extension WHERE extname = 'prevent'")" "$to_version"
check "after the update, the $from_version index (keys unchanged, not rebuilt) finds the rows of a sequential scan" \
	"$(index_differs)" ""

# ---- every row kept ----
snapshot "$work/after"
while IFS=$'\t' read -r name _; do
	lost=$(comm -23 "$work/before/$name" "$work/after/$name")
	added=$(comm -13 "$work/before/$name" "$work/after/$name")
	count="$(wc -l <"$work/before/$name" | tr -d ' ') rows"
	if [ -z "$lost" ] && { [ -z "$added" ] || [[ $adds_rows == *" $name "* ]]; }; then
		ok "prevent.$name: its $count are kept with their values"
	else
		not_ok "prevent.$name: its $count are kept with their values"
		{ [ -z "$lost" ] || printf 'lost or changed (as before the update):\n%s\n' "$lost"
		  [ -z "$added" ] || printf 'added or changed (as after the update):\n%s\n' "$added"; } | head -n 40 | diag
	fi
done <"$work/tables"
went_back=$(join -t '|' "$work/before/sequences" "$work/after/sequences" | awk -F'|' '$2 != "" && ($3 == "" || $3 + 0 < $2 + 0)')
missing=$(join -v 1 -t '|' "$work/before/sequences" "$work/after/sequences")
if [ -z "$went_back$missing" ]; then ok "no sequence is lost or goes back"
else not_ok "no sequence is lost or goes back"; printf '%s\n' "$went_back" "$missing" | diag; fi

# ---- the same objects as a fresh install ----
createdb -E UTF8 -T template0 "$fresh"
q "$fresh" "CREATE EXTENSION prevent"
q "$fresh" "SELECT prevent.add_member('$reader', 'A所', 'read'), prevent.add_member('$actor', 'B所', 'act')" >/dev/null
ext="(SELECT e.oid FROM pg_extension e WHERE e.extname = 'prevent')"
members="(SELECT d.classid, d.objid FROM pg_depend d WHERE d.refclassid = 'pg_extension'::regclass
			 AND d.refobjid = $ext AND d.deptype = 'e')"
rels="(SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'prevent'::regnamespace)"
acl() { echo "pg_catalog.array_to_string(ARRAY(SELECT x::text FROM unnest($1) x ORDER BY 1), ' ')"; }
declare -A catalog=(
	[members]="SELECT pg_describe_object(d.classid, d.objid, 0) FROM pg_depend d
		WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = $ext AND d.deptype = 'e' ORDER BY 1"
	[relations]="SELECT c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity,
		c.reloptions, pg_get_userbyid(c.relowner), $(acl c.relacl) FROM pg_class c WHERE c.oid IN $rels ORDER BY 1"
	[columns]="SELECT c.relname, CASE WHEN c.relkind IN ('r', 'p') THEN 0 ELSE a.attnum END AS pos, a.attname,
		format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, a.attgenerated, a.attcollation::regcollation,
		pg_get_expr(ad.adbin, ad.adrelid), $(acl a.attacl)
		FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
		WHERE c.oid IN $rels AND c.relkind <> 'i' ORDER BY 1, 2, 3"
	[constraints]="SELECT coalesce(conrelid::regclass::text, contypid::regtype::text), conname, pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = 'prevent'::regnamespace ORDER BY 1, 2"
	[indexes]="SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid IN $rels ORDER BY 1"
	[functions]="SELECT pg_get_functiondef(p.oid) || coalesce(E'\nACL ' || $(acl p.proacl), '')
		FROM pg_proc p WHERE p.pronamespace = 'prevent'::regnamespace AND p.prokind IN ('f', 'p', 'w')
		ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)"
	[views]="SELECT c.relname || E':\n' || pg_get_viewdef(c.oid) FROM pg_class c WHERE c.oid IN $rels AND c.relkind IN ('v', 'm') ORDER BY c.relname"
	[triggers]="SELECT pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t
		WHERE t.tgrelid IN $rels AND NOT t.tgisinternal ORDER BY 1"
	[event_triggers]="SELECT e.evtname, e.evtevent, e.evtfoid::regprocedure::text, e.evttags, e.evtenabled
		FROM pg_event_trigger e WHERE (e.tableoid, e.oid) IN $members ORDER BY 1"
	[policies]="SELECT tablename, policyname, permissive, roles, cmd, qual, with_check
		FROM pg_policies WHERE schemaname = 'prevent' ORDER BY 1, 2"
	[types]="SELECT t.typname, t.typtype, t.typbasetype::regtype, t.typnotnull, $(acl t.typacl),
		(SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
		FROM pg_type t WHERE t.typnamespace = 'prevent'::regnamespace AND t.typtype IN ('b', 'c', 'd', 'e', 'r', 'm')
		AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') ORDER BY 1"
	[sequences]="SELECT s.seqrelid::regclass::text, s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmax, s.seqmin,
		s.seqcache, s.seqcycle FROM pg_sequence s WHERE s.seqrelid IN $rels ORDER BY 1"
	[schema]="SELECT n.nspname, pg_get_userbyid(n.nspowner), $(acl n.nspacl), obj_description(n.oid, 'pg_namespace')
		FROM pg_namespace n WHERE n.nspname = 'prevent'"
	[comments]="SELECT pg_describe_object(d.classoid, d.objoid, d.objsubid) || ': ' || d.description
		FROM pg_description d WHERE (d.classoid, d.objoid) IN $members
		   OR (d.classoid = 'pg_class'::regclass AND d.objoid IN $rels) ORDER BY 1"
	[dumped_tables]="SELECT c.conf::regclass::text, coalesce(e.extcondition[c.i], '')
		FROM pg_extension e, unnest(e.extconfig) WITH ORDINALITY c(conf, i) WHERE e.extname = 'prevent' ORDER BY 1"
)
# built-in rows, by the key that names them across versions (0.1.0's tables, whose rows a DBA may
# have edited); a table with a builtin column not named here (one a later version adds) is
# compared by its whole built-in rows but the id
declare -A builtin_key=(
	[category]="name" [keyword]="term_norm" [negation]="cue_norm"
	[proximity]="term_a || ' ' || term_b || ' ' || category" [combination]="categories::text || ' ' || level"
	[risk_threshold]="level::text" [setting]="name" [level_policy]="level::text" [party_ignore]="party"
	[feedback_bucket]="upper_bound::text"
)
q "$fresh" "SELECT c.relname, string_agg(pg_catalog.format('t.%I', a.attname), ', ' ORDER BY a.attnum)
		FILTER (WHERE a.attname <> 'id')
	  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	 WHERE c.relnamespace = 'prevent'::regnamespace AND c.relkind = 'r'
	   AND EXISTS (SELECT 1 FROM pg_attribute b WHERE b.attrelid = c.oid AND b.attname = 'builtin')
	 GROUP BY c.relname ORDER BY c.relname" >"$work/builtin_tables"
# (in the updated database, only the tables it has: a table the update script lacks is caught
# by the sections above, and its built-in rows are then listed as missing)
builtin_rows_query() {
	local name cols
	while IFS='|' read -r name cols; do
		[ "$(q "$1" "SELECT to_regclass('prevent.$name') IS NOT NULL")" = t ] || continue
		printf "SELECT '%s ' || (%s) FROM prevent.%s t WHERE t.builtin UNION ALL " \
			"$name" "${builtin_key[$name]:-ROW($cols)::text}" "$name"
	done <"$work/builtin_tables" | sed 's/ UNION ALL $/ ORDER BY 1/'
}
for section in members relations columns constraints indexes functions views triggers \
		event_triggers policies types sequences schema comments dumped_tables builtin_rows; do
	[ "$section" != builtin_rows ] || catalog[builtin_rows]=$(builtin_rows_query "$fresh")
	if ! q "$fresh" "${catalog[$section]}" >"$work/fresh.$section" 2>&1 || {
		[ "$section" != builtin_rows ] || catalog[builtin_rows]=$(builtin_rows_query "$db")
		! q "$db" "${catalog[$section]}" >"$work/updated.$section" 2>&1; }; then
		not_ok "$section: the updated database's are a fresh install's"
		cat "$work/fresh.$section" "$work/updated.$section" | grep ERROR | diag
		continue
	fi
	if [ "$section" = builtin_rows ]; then
		# the built-in rows of a fresh install and of the updated database, by key: missing in
		# the updated one (unless it has a row of its own with the key: 子弹头 here), or extra
		q "$db" "SELECT 'keyword ' || term_norm FROM prevent.keyword WHERE NOT builtin" >"$work/own_rows"
		{ sort -u "$work/updated.builtin_rows" "$work/own_rows" | comm -13 - <(sort "$work/fresh.builtin_rows") |
			sed 's/^/missing: /'
		  sort "$work/updated.builtin_rows" | comm -23 - <(sort "$work/fresh.builtin_rows") |
			sed 's/^/not in a fresh install: /'; } >"$work/missing"
		if [ ! -s "$work/missing" ] && [ -s "$work/fresh.builtin_rows" ]; then
			ok "the built-in rows (lexicon, settings, policies) are a fresh install's"
		else
			not_ok "the built-in rows (lexicon, settings, policies) are a fresh install's"
			head -n 40 "$work/missing" | diag
		fi
		continue
	fi
	if cmp -s "$work/fresh.$section" "$work/updated.$section"; then
		ok "$section: the updated database's are a fresh install's"
	else
		not_ok "$section: the updated database's are a fresh install's"
		diff -u --label "fresh $to_version" --label "updated from $from_version" \
			"$work/fresh.$section" "$work/updated.$section" | head -n 80 | diag || true
	fi
done

# ---- members' rights ----
check "the reader has SELECT on the view 0.2.0 added, granted to it as add_member grants" \
	"$(q "$db" "SELECT count(*) FROM aclexplode((SELECT relacl FROM pg_class WHERE oid = 'prevent.backfill_progress'::regclass)) x
			  WHERE x.grantee = '$reader'::regrole AND x.privilege_type = 'SELECT'")" 1
check "the reader reads it, and still only its unit's alerts" \
	"$(psql -X -q -At -d "$db" -v ON_ERROR_STOP=1 -c "SET ROLE $reader" \
		-c "SELECT (SELECT count(*) FROM prevent.backfill_progress) || ' ' || (SELECT string_agg(DISTINCT unit, ',') FROM prevent.alert)" 2>&1)" \
	"0 A所"
check "the actor still acts on its unit's orders" \
	"$(psql -X -q -At -d "$db" -v ON_ERROR_STOP=1 -c "SET ROLE $actor" \
		-c "SELECT (prevent.accept(min(w.id), '收到')).status FROM prevent.work_order w WHERE w.unit = 'B所' AND w.status = 'issued'" 2>&1)" \
	"accepted"

# ---- the watched table works again ----
q "$db" "INSERT INTO public.incident (station, narrative, reported_at) VALUES ('A所', '嫌疑人持刀扬言要同归于尽', now())" \
	>"$work/insert.log" 2>&1 || { echo "# the INSERT failed:"; diag <"$work/insert.log"; }
check "after the update, a watched INSERT raises its alert (historic false) and issues it" \
	"$(q "$db" "SELECT level || ' ' || status || ' ' || historic FROM prevent.alert WHERE source = 'public.incident'::regclass
			   AND source_key = (SELECT max(id)::text FROM public.incident)")" "critical issued false"
check "the 0.1.0 alerts read historic false" "$(q "$db" "SELECT count(*) FILTER (WHERE historic) FROM prevent.alert")" 0
q "$db" "UPDATE public.incident SET narrative = '经查系误会，双方已和好' WHERE narrative = '男子持刀在街上游荡'" >/dev/null
check "an UPDATE of a table watched before the update re-assesses its alert (the update script gave it the trigger)" \
	"$(q "$db" "SELECT a.level || ' ' || (a.reassessed_at IS NOT NULL) || ' ' || a.status FROM prevent.alert a
			   JOIN public.incident i ON a.source = 'public.incident'::regclass AND a.source_key = i.id::text
			  WHERE i.narrative = '经查系误会，双方已和好'")" "none true issued"
q "$db" "SELECT prevent.watch('public.old_incident', 'narrative', unit_column => 'station')" >/dev/null
if psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CALL prevent.backfill('public.old_incident')" \
		-c "CALL prevent.backfill('public.incident')" >"$work/backfill.log" 2>&1; then
	ok "CALL prevent.backfill() runs on a table watched after the update and on one watched before"
else
	not_ok "CALL prevent.backfill() runs on a table watched after the update and on one watched before"
	diag <"$work/backfill.log"
fi
check "the back-fill wrote historic alerts for the old rows, and none again for rows alerted in $from_version" \
	"$(q "$db" "SELECT string_agg(source::text || ' ' || state || ' ' || rows_done || ' ' || alerts, ', ' ORDER BY source::text)
			  FROM prevent.backfill_progress")
$(q "$db" "SELECT count(*) FROM prevent.alert WHERE historic AND source = 'public.old_incident'::regclass")" \
	"incident finished $(q "$db" "SELECT count(*) FROM public.incident") 0, old_incident finished 3 2
2"

# ---- a session of an older library, after an update to a newer version ----
# (simulated: extversion set ahead, and the statement the update scripts end with)
out=$(psql -X -q -At -d "$db" -v VERBOSITY=verbose 2>&1 <<SQL
INSERT INTO public.incident (station, narrative) VALUES ('B所', '邻里纠纷');
\! psql -X -q -d $db -c "UPDATE pg_extension SET extversion = '9.9.9' WHERE extname = 'prevent'" -c "UPDATE prevent.watched w SET source = w.source WHERE false"
INSERT INTO public.incident (station, narrative) VALUES ('B所', '邻里纠纷');
SQL
)
q "$db" "UPDATE pg_extension SET extversion = '$to_version' WHERE extname = 'prevent'"
check "a session whose library is older than the updated extension stops writing, told to reconnect" \
	"$(echo "$out" | sed -n 's/^ERROR:  \([0-9A-Z]*\): //p; s/^HINT:  //p')" \
	"extension \"prevent\" is installed at version 9.9.9, but its library is version $to_version
Reconnect: this session loaded the library before version 9.9.9 was installed."

# ---- the updated database dumps and restores into a fresh install ----
# The database has a row of its own with the term of a built-in row 0.2.0 added (子弹头 here), and
# edited one of those rows: the ids the update gives the new built-in rows (after the database's
# own rows) are not a fresh install's, so the restore matches lexicon rows by their normalized
# term (_restore_builtin with a natural key).
todo=""
restored=prevent_upgrade_restored
createdb -E UTF8 -T template0 "$restored"
pg_dump -Fc -f "$work/dump" "$db"
if pg_restore -d "$restored" "$work/dump" >"$work/restore.log" 2>&1; then
	ok "pg_restore of the updated database into a fresh install succeeds $todo"
else
	not_ok "pg_restore of the updated database into a fresh install succeeds $todo"
	head -n 6 "$work/restore.log" | diag
fi
counts() {
	q "$1" "SELECT string_agg(pg_catalog.format('%s %s', c.relname,
			  (xpath('/row/n/text()', query_to_xml(pg_catalog.format('SELECT count(*) AS n FROM prevent.%I', c.relname), false, true, '')))[1]::text),
			  ' ' ORDER BY c.relname)
		 FROM pg_class c WHERE c.relnamespace = 'prevent'::regnamespace AND c.relkind = 'r'
		  AND c.oid = ANY ((SELECT extconfig FROM pg_extension WHERE extname = 'prevent')::oid[])"
}
check "and has the rows of every table pg_dump keeps $todo" "$(counts "$restored")" "$(counts "$db")"
