#!/usr/bin/env bash
# TAP: the lexicon survives pg_dump / pg_restore exactly — user rows, edits
# of built-in rows, disabled rows, settings and the identity sequences — and
# the BI views give the same figures (order and alert counters rebuilt by the
# triggers in the restored time zone and buckets, repeat parties restored); the
# routes by category are kept and push the restored database's incidents.
# Runs against the server in PGHOST/PGPORT; creates and drops two databases.
set -euo pipefail
src=prevent_dump_src
dst=prevent_dump_dst
dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists "$src"; dropdb --if-exists "$dst"' EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$1" -c "$2"; }

echo "1..14"
dropdb --if-exists "$src" 2>/dev/null; dropdb --if-exists "$dst" 2>/dev/null
createdb -E UTF8 -T template0 "$src"
q "$src" "CREATE EXTENSION prevent"
q "$src" "INSERT INTO prevent.category (name, label) VALUES ('fraud', '诈骗')"
q "$src" "INSERT INTO prevent.keyword (term, category, weight) VALUES ('刷单返利', 'fraud', 35)"
q "$src" "INSERT INTO prevent.keyword (term, kind) VALUES ('测试无害词组', 'exclude')"
q "$src" "UPDATE prevent.keyword SET weight = 77 WHERE id = (SELECT min(id) FROM prevent.keyword WHERE builtin AND kind = 'match')"
q "$src" "UPDATE prevent.keyword SET enabled = false WHERE id = (SELECT max(id) FROM prevent.keyword WHERE builtin AND kind = 'match')"
q "$src" "INSERT INTO prevent.negation (cue, \"window\") VALUES ('测试否认词', 5)"
q "$src" "INSERT INTO prevent.proximity (term_a, term_b, within, category, weight) VALUES ('刷单', '转账', 8, 'fraud', 20)"
q "$src" "UPDATE prevent.setting SET value = 'category' WHERE name = 'negation_scope'"
q "$src" "UPDATE prevent.risk_threshold SET min_score = 15 WHERE level = 'low'"
q "$src" "UPDATE prevent.level_policy SET accept_within = '45 minutes' WHERE level = 'critical'"
q "$src" "CREATE TABLE incident (id bigserial PRIMARY KEY, station text, narrative text)"
q "$src" "SELECT prevent.watch('incident', 'narrative', unit_column => 'station', alert_level => 'medium')"
q "$src" "INSERT INTO incident (station, narrative) VALUES ('A所', '嫌疑人持刀扬言要同归于尽'), ('B所', '今日无事')"
# the register of persons of concern: a built-in kind edited, a kind of one's own, a person, a contact
q "$src" "UPDATE prevent.person_kind SET floor = 'high' WHERE kind = 'released'"
q "$src" "INSERT INTO prevent.person_kind (kind, description, floor) VALUES ('gambler', '赌博人员', 'medium')"
q "$src" "INSERT INTO prevent.person (identifier, kind, unit, valid_from) VALUES ('+86 139-0000-1234', 'mental', 'M所', '2026-01-01+08')"
q "$src" "SELECT prevent.record_contact(min(id), '入户走访', '2026-02-01 10:00+08') FROM prevent.person" >/dev/null
# a route by category, and an order it pushed
q "$src" "INSERT INTO prevent.route (category, unit, tier, accept_within, feedback_within, close_within) VALUES ('fraud', '反诈中心', 2, '1 hour', '12 hours', '3 days')"
q "$src" "INSERT INTO incident (station, narrative) VALUES ('E所', '对方让她刷单返利')"
q "$src" "SELECT prevent.review(id, true) FROM prevent.alert WHERE unit = 'E所'" >/dev/null
# figures for the views: a report time zone and a bucket of one's own, a repeat caller, an order through its lifecycle
q "$src" "UPDATE prevent.setting SET value = 'UTC' WHERE name = 'report_time_zone'"
q "$src" "INSERT INTO prevent.feedback_bucket (upper_bound, label) VALUES ('10 minutes', '<= 10 min')"
q "$src" "INSERT INTO incident (station, narrative) VALUES ('A所', '报警人13800001111称邻居持刀扬言报复'), ('B所', '报警人13800001111又称邻居持刀威胁')"
q "$src" "SELECT prevent.accept(min(id)), prevent.feedback(min(id), '已处置'), prevent.close(min(id), true) FROM prevent.work_order" >/dev/null
# times where the report time zone and the buckets matter: issued 23:30 UTC on 31 October (November in
# Beijing), first fed back 20 minutes later (bucket 2 with the 10-minute bucket, 1 without)
q "$src" "UPDATE prevent.work_order SET issued_at = '2026-10-31 23:30+00', accepted_at = '2026-10-31 23:40+00',
			fed_back_at = '2026-10-31 23:50+00', closed_at = '2026-11-01 00:10+00' WHERE id = (SELECT min(id) FROM prevent.work_order)"

pg_dump -Fc -f "$dump" "$src"
createdb -E UTF8 -T template0 "$dst"
if pg_restore -d "$dst" "$dump" 2>/tmp/prevent_restore.err; then
	echo "ok 1 - pg_restore succeeds"
else
	echo "not ok 1 - pg_restore succeeds"; sed 's/^/# /' /tmp/prevent_restore.err
fi

views() {
	q "$1" "SELECT string_agg(t, E'\n' ORDER BY t) FROM (
	   SELECT format('c %s %s %s %s', unit, month, issued, closed) t FROM prevent.closure_rate
	   UNION ALL SELECT format('r %s %s %s %s', unit, month, closed, resolved) FROM prevent.resolution_rate
	   UNION ALL SELECT format('f %s %s %s %s %s', unit, month, bucket, label, orders) FROM prevent.feedback_time
	   UNION ALL SELECT format('p %s %s %s', party, incidents, units) FROM prevent.repeat_incidents
	   UNION ALL SELECT format('k %s %s %s %s %s', unit, month, category, level, alerts) FROM prevent.alert_counts
	   UNION ALL SELECT format('z %s %s', time_zone, bounds) FROM prevent.stats_state) x"
}
# (taken now: the checks below add alerts to the restored database)
va=$(views "$src"); vb=$(views "$dst")
counters() {
	q "$1" "SELECT string_agg(format('%s %s %s %s %s %s %s %s %s', unit, month, bucket, i, c, f, ci, ri, fb), E'\n' ORDER BY unit, month, bucket)
			  FROM (SELECT unit, month, bucket, sum(issued) i, sum(closed) c, sum(fed_back_24h) f, sum(closed_in) ci,
						   sum(resolved_in) ri, sum(fed_back) fb FROM prevent.order_stats GROUP BY 1, 2, 3) s
			 WHERE (i, c, f, ci, ri, fb) <> (0, 0, 0, 0, 0, 0)"   # (a key whose changes net to zero until the next fold)
}
ca=$(counters "$src"); cb=$(counters "$dst")

snapshot() {
	q "$1" "SELECT string_agg(t, E'\n' ORDER BY t) FROM (
	   SELECT format('k %s %s %s %s %s %s %s', id, term, category, weight, kind, enabled, builtin) t FROM prevent.keyword
	   UNION ALL SELECT format('c %s %s %s', name, label, builtin) FROM prevent.category
	   UNION ALL SELECT format('n %s %s %s %s', id, cue, \"window\", enabled) FROM prevent.negation
	   UNION ALL SELECT format('p %s %s %s %s %s %s', id, term_a, term_b, within, category, weight) FROM prevent.proximity
	   UNION ALL SELECT format('t %s %s', level, min_score) FROM prevent.risk_threshold
	   UNION ALL SELECT format('l %s %s %s %s', level, auto_issue, tiers, accept_within) FROM prevent.level_policy
	   UNION ALL SELECT format('s %s %s', name, value) FROM prevent.setting
	   UNION ALL SELECT format('w %s %s %s %s', source, text_columns, unit_column, alert_level) FROM prevent.watched
	   UNION ALL SELECT format('a %s %s %s %s %s %s', id, source, source_key, unit, level, status) FROM prevent.alert
	   UNION ALL SELECT format('o %s %s %s %s %s', id, alert_id, unit, reason, status) FROM prevent.work_order
	   UNION ALL SELECT format('e %s %s %s', work_order_id, tier, reason) FROM prevent.escalation
	   UNION ALL SELECT format('q %s %s %s', kind, floor, builtin) FROM prevent.person_kind
	   UNION ALL SELECT format('m %s %s %s %s %s', id, identifier, kind, unit, valid_from) FROM prevent.person
	   UNION ALL SELECT format('x %s %s %s', person_id, at, note) FROM prevent.person_contact
	   UNION ALL SELECT format('r %s %s %s %s %s %s %s %s', id, category, min_level, unit, reason, tier, accept_within, enabled) FROM prevent.route) x"
}
a=$(snapshot "$src"); b=$(snapshot "$dst")
if [ "$a" = "$b" ]; then echo "ok 2 - lexicon tables are identical after restore"
else echo "not ok 2 - lexicon tables are identical after restore"; diff <(echo "$a") <(echo "$b") | head -20 | sed 's/^/# /'; fi

doc='对方让她刷单返利，随后要求转账'
sa=$(q "$src" "SELECT (prevent.assess('$doc'))::text"); sb=$(q "$dst" "SELECT (prevent.assess('$doc'))::text")
[ "$sa" = "$sb" ] && echo "ok 3 - assess() agrees after restore ($sb)" || echo "not ok 3 - assess() agrees after restore: $sa vs $sb"

# new rows after restore take fresh ids (the sequences were restored too)
if q "$dst" "INSERT INTO prevent.keyword (term, category, weight) VALUES ('恢复后新词', 'fraud', 10)" >/dev/null 2>&1; then
	echo "ok 4 - a keyword can be added after restore"
else echo "not ok 4 - a keyword can be added after restore"; fi
if q "$dst" "INSERT INTO prevent.negation (cue) VALUES ('恢复后否认')" >/dev/null 2>&1 &&
   q "$dst" "INSERT INTO prevent.proximity (term_a, term_b, category, weight) VALUES ('甲乙', '丙丁', 'fraud', 5)" >/dev/null 2>&1; then
	echo "ok 5 - negation cues and proximity rules can be added after restore"
else echo "not ok 5 - negation cues and proximity rules can be added after restore"; fi
n=$(q "$dst" "SELECT count(*) FROM prevent.keyword WHERE builtin")
m=$(q "$src" "SELECT count(*) FROM prevent.keyword WHERE builtin")
[ "$n" = "$m" ] && echo "ok 6 - no built-in row duplicated or lost ($n)" || echo "not ok 6 - built-in rows: $m before, $n after"

# watching survives: the restored table's trigger raises alerts, with fresh ids
q "$dst" "INSERT INTO incident (station, narrative) VALUES ('C所', '嫌疑人持刀扬言要同归于尽')" >/dev/null
n=$(q "$dst" "SELECT count(*) FROM prevent.alert WHERE unit = 'C所'")
[ "$n" = "1" ] && echo "ok 7 - the restored watched table raises alerts" || echo "not ok 7 - the restored watched table raises alerts ($n)"
n=$(q "$dst" "SELECT count(DISTINCT id) = count(*) AND count(*) = 5 FROM prevent.alert")
[ "$n" = "t" ] && echo "ok 8 - restored and new alerts have distinct ids" || echo "not ok 8 - restored and new alerts have distinct ids"
n=$(q "$dst" "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'incident'::regclass AND tgname = 'prevent_watch'")
[ "$n" = "1" ] && echo "ok 9 - exactly one prevent_watch trigger after restore" || echo "not ok 9 - prevent_watch triggers after restore: $n"
if [ "$va" = "$vb" ] && [ -n "$va" ]; then echo "ok 10 - the views give the same figures after restore"
else echo "not ok 10 - the views give the same figures after restore"; diff <(echo "$va") <(echo "$vb") | head -20 | sed 's/^/# /'; fi
if [ "$ca" = "$cb" ] && [ -n "$cb" ]; then echo "ok 11 - the order counters are rebuilt on restore, in the restored time zone and buckets"
else echo "not ok 11 - the order counters are rebuilt on restore"; diff <(echo "$ca") <(echo "$cb") | head -20 | sed 's/^/# /'; fi

# the restored register raises and routes incidents, and takes new persons with fresh ids
q "$dst" "INSERT INTO incident (station, narrative) VALUES ('D所', '报警人13900001234扬言要同归于尽')" >/dev/null
n=$(q "$dst" "SELECT a.level || ' ' || (SELECT string_agg(w.unit || ':' || w.reason, ',' ORDER BY w.id) FROM prevent.work_order w WHERE w.alert_id = a.id)
			  FROM prevent.alert a WHERE a.unit = 'D所' AND a.persons <> '{}'")
[ "$n" = "critical D所:risk_level,M所:managed_person" ] && echo "ok 12 - the restored register raises incidents and routes them to the person's unit" ||
	echo "not ok 12 - the restored register raises incidents and routes them to the person's unit ($n)"
if q "$dst" "INSERT INTO prevent.person (identifier, kind, unit) VALUES ('13900005678', 'gambler', 'M所')" >/dev/null 2>&1 &&
   [ "$(q "$dst" "SELECT count(DISTINCT id) FROM prevent.person")" = 2 ]; then
	echo "ok 13 - a person can be registered after restore, with a fresh id"
else echo "not ok 13 - a person can be registered after restore, with a fresh id"; fi
# the restored routes push new incidents of their category
q "$dst" "INSERT INTO incident (station, narrative) VALUES ('F所', '又有人让她刷单返利')" >/dev/null
q "$dst" "SELECT prevent.review(id, true) FROM prevent.alert WHERE unit = 'F所'" >/dev/null
n=$(q "$dst" "SELECT string_agg(w.unit || ':' || w.reason, ',' ORDER BY w.id) FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.unit = 'F所'")
[ "$n" = "F所:review,反诈中心:category_push" ] && echo "ok 14 - the restored routes push new incidents to their recipient" ||
	echo "not ok 14 - the restored routes push new incidents to their recipient ($n)"
