#!/usr/bin/env bash
# TAP: a soak of everything that runs at once in production, then the invariants.
#
# For PREVENT_SOAK_SECONDS (30) two pgbench runs share the server:
#   - PREVENT_SOAK_CLIENTS - 2 (8 - 2) clients doing, by weight: single-row INSERTs into two
#     watched tables (plain statements, as an application sends them), multi-row INSERT
#     batches of 2-40 rows, and lifecycle steps (accept, feedback, close, evaluate) on one of
#     the 100 newest work orders, whatever step its status allows;
#   - 2 clients at about 3 transactions a second: lexicon edits (insert, update, delete a
#     keyword of the client's own that no narrative contains), prevent.escalate_overdue(at)
#     with `at` 1 to 96 hours ahead (so orders are due), and prevent.refresh_stats().
# Tables: soak.jq_110 (text key, unit, a phone party column, alert_level low, repeat
# window 30 days, threshold 2) and soak.jq_chat (identity key, unit, two party columns,
# occurred_column spread over 20 days, alert_level medium, window 7 days, threshold 3).
# ~6 % of narratives carry a risky term (every level), phones come from a pool of 150
# (also written inside 10 % of narratives), units from 6 stations: repeats and
# cross-jurisdiction repeats happen within seconds.  The data is md5-based: pgbench draws
# a seed per row (--random-seed, printed), the narrative follows from it.
#
# Errors: every statement but the single-row INSERTs runs inside a plpgsql wrapper that
# catches the error and logs its SQLSTATE and message in soak.failure, so a client keeps
# going; the single-row INSERTs are plain, and pgbench counts their deadlock failures
# (--failures-detailed) and aborts a client on any other error (printed below).  The only
# intended errors are the lifecycle races: 55000 "cannot <step> work order N: it is <status>"
# when another client moved the order first.
#
# Then one TAP line per invariant: alerts are exactly the rows prevent.assess() puts at or
# above the table's alert_level (the lexicon edits touch no narrative, so the final lexicon
# decides as the one at insert time did), once each; orders per policy (auto-issue levels and
# repeats issued to their unit and to every unit of the repeat parties' earlier incidents
# within the window, pending alerts none), once per (alert, unit); escalations per policy
# (the level's tiers, repeat and cross-jurisdiction tiers; overdue ones at most once per
# breach, after its deadline, one tier up); repeat flags as recomputed from the alerts;
# prevent.repeat_party and the order counters equal to their rebuild; the event log agrees
# with the orders; no deadlock (40P01); no error but the intended ones (counts by SQLSTATE).
#
# Runs against the server in PGHOST/PGPORT (loopback or socket only); creates and drops the
# database prevent_soak.  Takes PREVENT_SOAK_SECONDS + about 5 s.
# Environment: PREVENT_SOAK_SECONDS (30), PREVENT_SOAK_CLIENTS (8, at least 3),
#              PREVENT_SOAK_SEED (pgbench --random-seed; default: from the clock),
#              PREVENT_SOAK_KEEP (set: keep the database for a post-mortem),
#              PREVENT_SOAK_RECHECK (set: no workload, only the checks, on a kept database).
set -euo pipefail
db=prevent_soak
seconds=${PREVENT_SOAK_SECONDS:-30}
clients=${PREVENT_SOAK_CLIENTS:-8}
seed=${PREVENT_SOAK_SEED:-$(date +%s)}
for v in seconds clients seed; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "Bail out! soak.sh: $v must be a positive whole number, not '${!v}'"
		exit 2
	fi
done
if [ "$clients" -lt 3 ]; then echo "Bail out! soak.sh: PREVENT_SOAK_CLIENTS must be at least 3"; exit 2; fi
case ${PGHOST:-} in
	'' | /* | localhost | 127.0.0.1 | ::1) ;;
	*) echo "Bail out! soak.sh: runs against a local server only (PGHOST=$PGHOST)"; exit 2 ;;
esac

recheck=${PREVENT_SOAK_RECHECK:-}
tmp=$(mktemp -d /tmp/prevent-soak.XXXXXX)
cleanup() {
	rm -rf "$tmp"
	if [ -z "${PREVENT_SOAK_KEEP:-}" ] && [ -z "$recheck" ]; then dropdb --if-exists "$db" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$db" -c "$1"; }

t=0
ok() { # ok CONDITION(0/1) DESCRIPTION [DIAGNOSTIC...]: diagnostics of a failure go to stderr, as prove shows them
	t=$((t + 1))
	local d pass=$1
	if [ "$pass" = 1 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi
	shift 2
	for d in "$@"; do
		[ -n "$d" ] || continue
		if [ "$pass" = 1 ]; then
			printf '%s\n' "$d" | head -n 20 | sed 's/^/# /'
		else
			printf '%s\n' "$d" | head -n 20 | sed 's/^/# /' >&2
		fi
	done
	return 0
}

echo "1..14"
if [ -n "$recheck" ]; then
	# only the checks, on the database a kept run left
	echo "# PREVENT_SOAK_RECHECK: checking database $db again, no workload"
	: >"$tmp/main.out"; : >"$tmp/jobs.out"; st_main=0; st_jobs=0
else
echo "# $seconds s, $clients clients, pgbench --random-seed=$seed"
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb -E UTF8 -T template0 "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION prevent;
CREATE SCHEMA soak;

/* deterministic pseudo-random 1..n from (seed, stream) */
CREATE FUNCTION soak.rnd(i bigint, k int, n int) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT 1 + (('x' || substr(md5(i::text || ':' || k::text), 1, 8))::bit(32)::bigint % n)::int $$;

/* everyday clauses that score nothing, openings, and risky terms of every level */
CREATE TABLE soak.frag AS
SELECT row_number() OVER (ORDER BY f) AS n, f
  FROM unnest(ARRAY['其电动车在小区楼下丢失，', '民警调取了周边监控视频，', '双方因停车位问题发生争执，',
	'物业人员也在现场，', '经现场核实，', '已告知其通过法律途径解决，', '民警对双方进行了劝解，',
	'双方均表示不再追究，', '现场秩序正常，', '损失金额约两千元，', '建议其向社区反映，', '此事已持续一个多月，',
	'快递员称包裹被他人冒领，', '商家同意退款，', '报警人称楼道内有异味，', '已通知物业维修，',
	'报警人称隔壁装修声音较大，', '双方对事实经过无异议，', '在某小区三栋二单元，', '在某停车场，']) f
 WHERE prevent.score(f) = 0;
CREATE TABLE soak.opening AS
SELECT row_number() OVER (ORDER BY f) AS n, f
  FROM unnest(ARRAY['报警人称：', '来电人称，', '接群众报警，', '民警巡逻时发现，', '今日上午十时许，']) f
 WHERE prevent.score(f) = 0;
CREATE TABLE soak.term AS
SELECT row_number() OVER (ORDER BY t) AS n, t
  FROM unnest(prevent.terms()) t
 WHERE (prevent.assess(t)).level >= 'low';

CREATE FUNCTION soak.unit(s bigint) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT (ARRAY['城关派出所', '东城派出所', '西城派出所', '南关派出所', '北郊派出所', '开发区派出所'])[soak.rnd(s, 1, 6)] $$;
CREATE FUNCTION soak.phone(s bigint, k int DEFAULT 2) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT '139' || lpad(soak.rnd(s, k, 150)::text, 8, '0') $$;
CREATE FUNCTION soak.narrative(s bigint) RETURNS text LANGUAGE sql IMMUTABLE
AS $$
	SELECT (SELECT o.f FROM soak.opening o WHERE o.n = soak.rnd(s, 3, (SELECT count(*)::int FROM soak.opening)))
		|| CASE WHEN soak.rnd(s, 4, 1000) <= 60 THEN
				format((ARRAY['对方曾说“%s”，', '据邻居反映，当事人提到%s，', '报警人称事情涉及%s，'])[soak.rnd(s, 5, 3)],
					   (SELECT t.t FROM soak.term t WHERE t.n = soak.rnd(s, 6, (SELECT count(*)::int FROM soak.term))))
		   ELSE '' END
		|| CASE WHEN soak.rnd(s, 7, 10) = 1 THEN '联系电话' || soak.phone(s, 8) || '，' ELSE '' END
		|| (SELECT string_agg(f.f, '' ORDER BY k.k) FROM generate_series(1, 5) k(k)
			  JOIN soak.frag f ON f.n = soak.rnd(s * 8 + k.k, 9, (SELECT count(*)::int FROM soak.frag)))
		|| '。'
$$;

CREATE SEQUENCE soak.jq_seq;
CREATE TABLE soak.jq_110 (jjbh text PRIMARY KEY, gxdw text, bjrdh text, jyaq text);
CREATE TABLE soak.jq_chat (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, unit text, phone text,
						   contact text, body text, happened timestamptz);
SELECT prevent.watch('soak.jq_110', 'jyaq', unit_column => 'gxdw', party_columns => '{bjrdh}') \g /dev/null
SELECT prevent.watch('soak.jq_chat', 'body', unit_column => 'unit', party_columns => '{phone,contact}',
					 occurred_column => 'happened', alert_level => 'medium',
					 repeat_window => '7 days', repeat_threshold => 3) \g /dev/null

/* the values of one row of each table, from a seed */
CREATE FUNCTION soak.jq_110_row(s bigint, OUT jjbh text, OUT gxdw text, OUT bjrdh text, OUT jyaq text)
LANGUAGE sql AS $$
	SELECT 'J' || nextval('soak.jq_seq'), soak.unit(s), CASE WHEN soak.rnd(s, 10, 10) > 1 THEN soak.phone(s) END,
		   soak.narrative(s)
$$;
CREATE FUNCTION soak.jq_chat_row(s bigint, OUT unit text, OUT phone text, OUT contact text, OUT body text,
								 OUT happened timestamptz)
LANGUAGE sql AS $$
	SELECT soak.unit(s), soak.phone(s), CASE WHEN soak.rnd(s, 11, 2) = 1 THEN 'wx' || soak.rnd(s, 12, 100) END,
		   soak.narrative(s), now() - soak.rnd(s, 13, 20 * 24) * interval '1 hour'
$$;

/* what went wrong, and what ran */
CREATE TABLE soak.failure (id bigserial, tag text, sqlstate text, message text, detail text,
						   at timestamptz DEFAULT clock_timestamp());
CREATE UNLOGGED TABLE soak.ran (tag text);
CREATE FUNCTION soak.failed(tag text, state text, message text, detail text) RETURNS void LANGUAGE sql
AS $$ INSERT INTO soak.failure (tag, sqlstate, message, detail) VALUES (tag, state, message, detail) $$;

CREATE FUNCTION soak.insert_batch(s bigint, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	err_detail text;
BEGIN
	IF s % 2 = 0 THEN
		INSERT INTO soak.jq_110 SELECT (soak.jq_110_row(s * 64 + i)).* FROM generate_series(1, n) i;
	ELSE
		INSERT INTO soak.jq_chat (unit, phone, contact, body, happened)
		SELECT (soak.jq_chat_row(s * 64 + i)).* FROM generate_series(1, n) i;
	END IF;
	INSERT INTO soak.ran VALUES ('insert_batch');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS err_detail = PG_EXCEPTION_DETAIL;
	PERFORM soak.failed('insert_batch', SQLSTATE, SQLERRM, err_detail);
END $$;

/* the next step of one of the 100 newest orders (clients race for the same orders) */
CREATE FUNCTION soak.lifecycle(s bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	o record;
	step text;
	err_detail text;
BEGIN
	SELECT w.id, w.status INTO o FROM prevent.work_order w
	 WHERE w.id > (SELECT max(x.id) FROM prevent.work_order x) - 100
	 ORDER BY md5(w.id::text || s::text) LIMIT 1;
	IF NOT FOUND THEN RETURN; END IF;
	step := CASE o.status WHEN 'issued' THEN 'accept' WHEN 'accepted' THEN 'feedback'
						  WHEN 'fed_back' THEN CASE WHEN s % 4 = 0 THEN 'feedback' ELSE 'close' END
						  WHEN 'closed' THEN 'evaluate' END;
	IF step IS NULL THEN RETURN; END IF;
	BEGIN
		CASE step
			WHEN 'accept' THEN PERFORM prevent.accept(o.id, '收到');
			WHEN 'feedback' THEN PERFORM prevent.feedback(o.id, '已出警，双方情绪稳定');
			WHEN 'close' THEN PERFORM prevent.close(o.id, s % 3 > 0, '矛盾已化解');
			WHEN 'evaluate' THEN PERFORM prevent.evaluate(o.id, 1 + (s % 5)::int, '处置及时');
		END CASE;
		INSERT INTO soak.ran VALUES (step);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS err_detail = PG_EXCEPTION_DETAIL;
		PERFORM soak.failed(step, SQLSTATE, SQLERRM, err_detail);
	END;
END $$;

/* a keyword of this client's own, in no narrative: inserted, reweighted or deleted */
CREATE FUNCTION soak.lexicon(client int, s bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	my_term text := '浸泡测试专用词' || chr(19968 + client);
	step text := 'keyword';
	err_detail text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term = my_term) THEN
		step := 'keyword insert';
		INSERT INTO prevent.keyword (term, category, weight) VALUES (my_term, 'threat', 1 + (s % 60)::int);
	ELSIF s % 3 > 0 THEN
		step := 'keyword update';
		UPDATE prevent.keyword k SET weight = 1 + (s % 60)::int, enabled = s % 2 = 0 WHERE k.term = my_term;
	ELSE
		step := 'keyword delete';
		DELETE FROM prevent.keyword k WHERE k.term = my_term;
	END IF;
	INSERT INTO soak.ran VALUES (step);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS err_detail = PG_EXCEPTION_DETAIL;
	PERFORM soak.failed(step, SQLSTATE, SQLERRM, err_detail);
END $$;

CREATE FUNCTION soak.escalate(hours int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	err_detail text;
BEGIN
	PERFORM prevent.escalate_overdue(now() + hours * interval '1 hour');
	INSERT INTO soak.ran VALUES ('escalate_overdue');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS err_detail = PG_EXCEPTION_DETAIL;
	PERFORM soak.failed('escalate_overdue', SQLSTATE, SQLERRM, err_detail);
END $$;

CREATE FUNCTION soak.refresh() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	err_detail text;
BEGIN
	PERFORM prevent.refresh_stats();
	INSERT INTO soak.ran VALUES ('refresh_stats');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS err_detail = PG_EXCEPTION_DETAIL;
	PERFORM soak.failed('refresh_stats', SQLSTATE, SQLERRM, err_detail);
END $$;
SQL

# ---------------------------------------------------------------- the workload
cat >"$tmp/insert_110.sql" <<'EOF'
\set s random(1, 1000000000)
INSERT INTO soak.jq_110 SELECT (soak.jq_110_row(:s)).*;
EOF
cat >"$tmp/insert_chat.sql" <<'EOF'
\set s random(1, 1000000000)
INSERT INTO soak.jq_chat (unit, phone, contact, body, happened) SELECT (soak.jq_chat_row(:s)).*;
EOF
cat >"$tmp/insert_batch.sql" <<'EOF'
\set s random(1, 1000000000)
\set n random(2, 40)
SELECT soak.insert_batch(:s, :n);
EOF
cat >"$tmp/lifecycle.sql" <<'EOF'
\set s random(1, 1000000000)
SELECT soak.lifecycle(:s);
EOF
cat >"$tmp/lexicon.sql" <<'EOF'
\set s random(1, 1000000000)
SELECT soak.lexicon(:client_id, :s);
EOF
cat >"$tmp/escalate.sql" <<'EOF'
\set h random(1, 96)
SELECT soak.escalate(:h);
EOF
cat >"$tmp/refresh.sql" <<'EOF'
SELECT soak.refresh();
EOF

# a stuck statement fails (57014, an unintended error) instead of hanging the test; the whole
# run is cut off after twice its time
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c statement_timeout=60s -c client_min_messages=warning"
main=$((clients - 2))
# PGDATABASE is the soak database for pgbench
PGDATABASE=$db timeout $((seconds * 2 + 60)) pgbench -n --random-seed="$seed" --failures-detailed \
	-T "$seconds" -c "$main" -j "$main" \
	-f "$tmp/insert_110.sql@30" -f "$tmp/insert_chat.sql@20" -f "$tmp/insert_batch.sql@15" \
	-f "$tmp/lifecycle.sql@35" >"$tmp/main.out" 2>&1 &
pid_main=$!
PGDATABASE=$db timeout $((seconds * 2 + 60)) pgbench -n --random-seed="$((seed + 1))" --failures-detailed \
	-T "$seconds" -c 2 -j 2 -R 3 \
	-f "$tmp/lexicon.sql@4" -f "$tmp/escalate.sql@4" -f "$tmp/refresh.sql@2" >"$tmp/jobs.out" 2>&1 &
pid_jobs=$!
st_main=0; wait "$pid_main" || st_main=$?
st_jobs=0; wait "$pid_jobs" || st_jobs=$?
unset PGOPTIONS
fi

# pgbench's own account: transactions, deadlock failures, aborted clients
pgb() { # pgb RUN LABEL: the number pgbench printed after LABEL (0 if it printed none)
	local n
	n=$(awk -v k="$2" 'index($0, k) == 1 { sub(/^[^:]*: */, ""); print $1; exit }' "$tmp/$1.out")
	echo "${n:-0}"
}
tx_main=$(pgb main 'number of transactions actually processed'); tx_jobs=$(pgb jobs 'number of transactions actually processed')
dl_pgb=$(( $(pgb main 'number of deadlock failures') + $(pgb jobs 'number of deadlock failures') ))
ser_pgb=$(( $(pgb main 'number of serialization failures') + $(pgb jobs 'number of serialization failures') ))
aborted=$(grep -h 'aborted\|error' "$tmp/main.out" "$tmp/jobs.out" | grep -v '^number of' || true)
echo "# pgbench: ${tx_main:-?} workload and ${tx_jobs:-?} job transactions; exit status $st_main and $st_jobs"
ok "$([ "$st_main" = 0 ] && [ "$st_jobs" = 0 ] && [ -z "$aborted" ] && echo 1)" \
	"both pgbench runs end normally, no client aborted" "$aborted" \
	"$([ "$st_main" = 0 ] && [ "$st_jobs" = 0 ] || { tail -n 15 "$tmp/main.out"; tail -n 15 "$tmp/jobs.out"; })"

# what happened, so that a pass means something
summary=$(q "SELECT format('rows %s + %s; alerts %s (%s repeats, %s pending); orders %s (%s cross-jurisdiction); steps %s; escalations %s (%s overdue); refresh_stats %s, escalate_overdue %s, lexicon edits %s',
	(SELECT count(*) FROM soak.jq_110), (SELECT count(*) FROM soak.jq_chat),
	(SELECT count(*) FROM prevent.alert), (SELECT count(*) FROM prevent.alert WHERE repeat),
	(SELECT count(*) FROM prevent.alert WHERE status = 'pending'),
	(SELECT count(*) FROM prevent.work_order), (SELECT count(*) FROM prevent.work_order WHERE reason = 'cross_jurisdiction'),
	(SELECT count(*) FROM soak.ran WHERE tag IN ('accept', 'feedback', 'close', 'evaluate')),
	(SELECT count(*) FROM prevent.escalation), (SELECT count(*) FROM prevent.escalation WHERE reason = 'overdue'),
	(SELECT count(*) FROM soak.ran WHERE tag = 'refresh_stats'), (SELECT count(*) FROM soak.ran WHERE tag = 'escalate_overdue'),
	(SELECT count(*) FROM soak.ran WHERE tag LIKE 'keyword%'))")
exercised=$(q "SELECT (SELECT count(*) FROM prevent.alert WHERE repeat) > 0
	AND EXISTS (SELECT FROM prevent.work_order WHERE reason = 'cross_jurisdiction')
	AND EXISTS (SELECT FROM prevent.work_order WHERE status = 'evaluated')
	AND EXISTS (SELECT FROM prevent.escalation WHERE reason = 'overdue')
	AND EXISTS (SELECT FROM soak.ran WHERE tag = 'refresh_stats')
	AND EXISTS (SELECT FROM soak.ran WHERE tag LIKE 'keyword%')
	AND EXISTS (SELECT FROM prevent.alert WHERE status = 'pending')")
ok "$([ "$exercised" = t ] && echo 1)" "the workload reached every path" "$summary"

# ---------------------------------------------------------------- invariants
# the rows, what assess() says of them, and their alerts
q "SET client_min_messages = warning; DROP TABLE IF EXISTS soak.expect" && q "CREATE TABLE soak.expect AS
	SELECT w.source, r.key, r.unit, (prevent.assess(r.body)).level AS level, w.alert_level
	  FROM (SELECT 'soak.jq_110'::regclass AS source, jjbh AS key, gxdw AS unit, jyaq AS body FROM soak.jq_110
			UNION ALL SELECT 'soak.jq_chat'::regclass, id::text, unit, body FROM soak.jq_chat) r
	  JOIN prevent.watched w ON w.source = r.source"
bad=$(q "SELECT string_agg(format('%s %s: level %s, %s alert(s)%s', source, key, level, n, coalesce(' at ' || levels, '')), E'\n')
		   FROM (SELECT e.source, e.key, e.level, count(a.id) AS n, string_agg(a.level::text, ',') AS levels
				   FROM soak.expect e LEFT JOIN prevent.alert a ON a.source = e.source AND a.source_key = e.key
				  GROUP BY e.source, e.key, e.level, e.alert_level
				 HAVING count(a.id) <> (e.level >= e.alert_level)::int OR bool_or(a.level <> e.level)
				  LIMIT 20) x")
orphans=$(q "SELECT count(*) FROM prevent.alert a WHERE NOT EXISTS (SELECT FROM soak.expect e WHERE e.source = a.source AND e.key = a.source_key)")
ok "$([ -z "$bad" ] && [ "$orphans" = 0 ] && echo 1)" \
	"every row at or above its table's alert_level has one alert at its level, no other row has one" \
	"$bad" "$([ "$orphans" = 0 ] || echo "$orphans alerts of rows that do not exist")"

dup=$(q "SELECT string_agg(format('%s %s: %s alerts', source, source_key, n), E'\n') FROM (
		   SELECT source, source_key, count(*) n FROM prevent.alert GROUP BY 1, 2 HAVING count(*) > 1) x")
ok "$([ -z "$dup" ] && echo 1)" "no duplicate alerts per (source, source_key)" "$dup"

# repeats recomputed from the alerts: for each party of an alert, the alerts written before it
# (lower id: ids are drawn under the party locks) within its table's window; a hit party makes
# the threshold; the orders go to the alert's unit and every unit of the hit parties' alerts
q "SET client_min_messages = warning; DROP TABLE IF EXISTS soak.rep" && q "CREATE TABLE soak.rep AS
	WITH ap AS (
		SELECT a.id, a.unit, a.occurred_at, p.party, w.repeat_window, w.repeat_threshold
		  FROM prevent.alert a JOIN prevent.watched w ON w.source = a.source
		 CROSS JOIN LATERAL unnest(a.parties) p(party)
	), hit AS (
		SELECT ap.id, ap.party, array_agg(x.unit) FILTER (WHERE x.unit IS NOT NULL) AS units
		  FROM ap LEFT JOIN prevent.alert x
			ON x.parties @> ARRAY[ap.party] AND x.id < ap.id
		   AND x.occurred_at BETWEEN ap.occurred_at - ap.repeat_window AND ap.occurred_at + ap.repeat_window
		 GROUP BY ap.id, ap.party, ap.repeat_threshold
		HAVING count(x.id) + 1 >= ap.repeat_threshold
	)
	SELECT a.id, a.unit, a.level, p.auto_issue, a.repeat, a.status,
		   EXISTS (SELECT FROM hit h WHERE h.id = a.id) AS expect_repeat,
		   (SELECT array_agg(DISTINCT u ORDER BY u) FROM (
				SELECT a.unit UNION ALL SELECT unnest(h.units) FROM hit h WHERE h.id = a.id) x(u) WHERE u IS NOT NULL) AS repeat_units
	  FROM prevent.alert a JOIN prevent.level_policy p ON p.level = a.level"
bad=$(q "SELECT string_agg(format('alert %s: repeat %s, recomputed %s', id, repeat, expect_repeat), E'\n')
		   FROM (SELECT * FROM soak.rep WHERE repeat <> expect_repeat ORDER BY id LIMIT 20) x")
nbad=$(q "SELECT count(*) FROM soak.rep WHERE repeat <> expect_repeat")
ok "$([ "$nbad" = 0 ] && echo 1)" "repeat flags equal a recomputation from the alerts (window, threshold)" \
	"$([ "$nbad" = 0 ] || echo "$nbad alerts differ")" "$bad"

# orders: issued alerts (auto-issue level or repeat) have one per unit of repeat_units, the own
# unit's for risk_level or repeat, the others cross_jurisdiction; pending alerts none
q "SET client_min_messages = warning; DROP TABLE IF EXISTS soak.order_check" && q "CREATE TABLE soak.order_check AS
	SELECT r.id, r.status,
		   CASE WHEN r.auto_issue OR r.expect_repeat THEN 'issued' ELSE 'pending' END AS expect_status,
		   coalesce((SELECT string_agg(format('%s:%s', w.unit, w.reason), ' ' ORDER BY w.unit, w.reason)
					   FROM prevent.work_order w WHERE w.alert_id = r.id), '') AS orders,
		   CASE WHEN r.auto_issue OR r.expect_repeat THEN
				(SELECT string_agg(format('%s:%s', u, CASE WHEN u IS NOT DISTINCT FROM r.unit
						THEN CASE WHEN r.auto_issue THEN 'risk_level' ELSE 'repeat' END ELSE 'cross_jurisdiction' END), ' ' ORDER BY u)
				   FROM unnest(CASE WHEN r.expect_repeat THEN r.repeat_units ELSE ARRAY[r.unit] END) u)
				ELSE '' END AS expect_orders
	  FROM soak.rep r"
bad=$(q "SELECT string_agg(format('alert %s (%s, expected %s): orders [%s], expected [%s]', id, status, expect_status, orders, expect_orders), E'\n')
		   FROM (SELECT * FROM soak.order_check WHERE (status, orders) <> (expect_status, expect_orders) ORDER BY id LIMIT 20) x")
nbad=$(q "SELECT count(*) FROM soak.order_check WHERE (status, orders) <> (expect_status, expect_orders)")
ok "$([ "$nbad" = 0 ] && echo 1)" "orders per policy: auto-issue levels and repeats to their units, pending alerts none" \
	"$([ "$nbad" = 0 ] || echo "$nbad alerts differ")" "$bad"

dup=$(q "SELECT string_agg(format('alert %s unit %s: %s orders', alert_id, unit, n), E'\n') FROM (
		   SELECT alert_id, unit, count(*) n FROM prevent.work_order GROUP BY 1, 2 HAVING count(*) > 1) x")
ok "$([ -z "$dup" ] && echo 1)" "no duplicate orders per (alert, unit)" "$dup"

# escalations at issue: the level's tiers (risk_level) unless issued for a repeat below the
# auto-issue level, repeat_tier for a repeat, cross_jurisdiction_tier when several units
bad=$(q "WITH o AS (
		   SELECT w.id, a.id AS alert_id, a.repeat, p.auto_issue, p.tiers,
				  (SELECT count(*) FROM prevent.work_order x WHERE x.alert_id = a.id) AS nunits
			 FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id JOIN prevent.level_policy p ON p.level = a.level
		 ), c AS (
		   SELECT o.id,
				  coalesce((SELECT string_agg(format('%s:%s', e.tier, e.reason), ' ' ORDER BY e.reason, e.tier)
							  FROM prevent.escalation e WHERE e.work_order_id = o.id AND e.reason <> 'overdue'), '') AS got,
				  coalesce((SELECT string_agg(format('%s:%s', x.tier, x.reason), ' ' ORDER BY x.reason, x.tier) FROM (
							  SELECT t AS tier, 'risk_level' AS reason FROM unnest(o.tiers) t WHERE o.auto_issue
							  UNION ALL SELECT prevent.setting_int('repeat_tier', 3), 'repeat' WHERE o.repeat
							  UNION ALL SELECT prevent.setting_int('cross_jurisdiction_tier', 1), 'cross_jurisdiction' WHERE o.nunits > 1) x), '') AS want
			 FROM o)
		 SELECT string_agg(format('order %s: [%s], expected [%s]', id, got, want), E'\n')
		   FROM (SELECT * FROM c WHERE got <> want ORDER BY id LIMIT 20) y")
ok "$([ -z "$bad" ] && echo 1)" "escalations at issue per policy (level tiers, repeat, cross-jurisdiction)" "$bad"

# overdue: once per (order, breach), after the deadline, one tier up from the lowest tier
# number following the order before that run (3 -> 2 -> 1, none -> 3), a further step up
# for each earlier breach of the same run
bad=$(q "WITH e AS (
		   SELECT e.*, w.accept_due, w.due_at, w.close_due,
				  array_position('{accept,feedback,close}'::text[], e.breach) AS n
			 FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id WHERE e.reason = 'overdue'
		 ), c AS (
		   SELECT e.*,
				  count(*) OVER (PARTITION BY e.work_order_id, e.breach) AS times,
				  CASE e.breach WHEN 'accept' THEN e.accept_due WHEN 'feedback' THEN e.due_at ELSE e.close_due END AS due,
				  greatest(1, coalesce((SELECT min(p.tier) FROM prevent.escalation p
										 WHERE p.work_order_id = e.work_order_id AND p.id < e.id
										   AND NOT (p.reason = 'overdue' AND p.created_at = e.created_at)), 4) - 1
							  - (SELECT count(*) FROM e s WHERE s.work_order_id = e.work_order_id
									AND s.created_at = e.created_at AND s.n < e.n)::int) AS want_tier
			 FROM e)
		 SELECT string_agg(format('order %s breach %s: escalated %s times, at %s (due %s), tier %s (expected %s)',
								  work_order_id, breach, times, created_at, due, tier, want_tier), E'\n')
		   FROM (SELECT * FROM c WHERE times > 1 OR created_at <= due OR tier <> want_tier ORDER BY id LIMIT 20) x")
ok "$([ -z "$bad" ] && echo 1)" "overdue escalations: once per breach, after its deadline, one tier up" "$bad"

# the event log: one issue event per order, and the order's status is its last event's
bad=$(q "SELECT string_agg(format('order %s (%s): %s issue events, last event to %s', id, status, issues, last_to), E'\n')
		   FROM (SELECT w.id, w.status,
						(SELECT count(*) FROM prevent.event v WHERE v.work_order_id = w.id AND v.action = 'issue') AS issues,
						(SELECT v.to_status FROM prevent.event v WHERE v.work_order_id = w.id ORDER BY v.id DESC LIMIT 1) AS last_to
				   FROM prevent.work_order w) x
		  WHERE issues <> 1 OR last_to IS DISTINCT FROM status")
ok "$([ -z "$bad" ] && echo 1)" "the event log agrees with the orders (one issue event, status of the last)" "$bad"

# counters: the sums of prevent.order_stats equal the work orders recounted, before and after
# prevent.refresh_stats(); prevent.repeat_party equals its rebuild
counters() {
	q "SELECT coalesce(string_agg(format('%s %s %s %s %s %s %s %s %s', unit, month, bucket, i, c, f, ci, ri, fb), E'\n' ORDER BY unit, month, bucket), '')
		 FROM (SELECT unit, month, bucket, sum(issued) i, sum(closed) c, sum(fed_back_24h) f, sum(closed_in) ci,
					  sum(resolved_in) ri, sum(fed_back) fb FROM prevent.order_stats GROUP BY 1, 2, 3) s
		WHERE prevent._counts_nonzero(i, c, f, ci, ri, fb)"
}
recount=$(q "SELECT coalesce(string_agg(format('%s %s %s %s %s %s %s %s %s', unit, month, bucket, i, c, f, ci, ri, fb), E'\n' ORDER BY unit, month, bucket), '')
		 FROM (SELECT x.unit, x.month, x.bucket, sum(x.issued) i, sum(x.closed) c, sum(x.fed_back_24h) f, sum(x.closed_in) ci,
					  sum(x.resolved_in) ri, sum(x.fed_back) fb
				 FROM prevent.work_order w, prevent.stats_state st,
					  prevent._order_contribution(w.unit, w.issued_at, w.fed_back_at, w.closed_at, w.resolved, 1, st.time_zone, st.bounds) x
				GROUP BY 1, 2, 3) s
		WHERE prevent._counts_nonzero(i, c, f, ci, ri, fb)")
repeat_parties() {
	q "SELECT coalesce(string_agg(format('%s %s %s %s %s', party, unit, incidents, first_at, last_at), E'\n' ORDER BY party, unit), '')
		 FROM prevent.repeat_party"
}
before=$(counters); rp_before=$(repeat_parties)
q "SELECT prevent.refresh_stats()" >/dev/null
after=$(counters); rp_after=$(repeat_parties)
ok "$([ "$before" = "$recount" ] && [ "$after" = "$recount" ] && [ -n "$recount" ] && echo 1)" \
	"the order counters equal the orders recounted, before and after refresh_stats()" \
	"$([ "$before" = "$recount" ] || { echo "kept by the triggers vs recounted:"; diff <(echo "$before") <(echo "$recount") | head -8; })" \
	"$([ "$after" = "$recount" ] || { echo "after refresh_stats() vs recounted:"; diff <(echo "$after") <(echo "$recount") | head -8; })"
ok "$([ "$rp_before" = "$rp_after" ] && [ -n "$rp_after" ] && echo 1)" \
	"prevent.repeat_party equals its rebuild by refresh_stats()" \
	"$([ "$rp_before" = "$rp_after" ] || { echo "kept vs rebuilt:"; diff <(echo "$rp_before") <(echo "$rp_after") | head -8; })"

# errors: by SQLSTATE; the intended ones are the lifecycle races
byst=$(q "SELECT string_agg(format('%s %s x %s: %s', sqlstate, n, tag, message), E'\n' ORDER BY n DESC)
			FROM (SELECT sqlstate, tag, min(message) AS message, count(*) AS n FROM soak.failure GROUP BY 1, 2) x")
[ -n "$byst" ] && printf '%s\n' "$byst" | sed 's/^/# error /' >&2
dl=$(q "SELECT count(*) FROM soak.failure WHERE sqlstate = '40P01'")
dl_where=$(q "SELECT string_agg(DISTINCT tag, ', ') FROM soak.failure WHERE sqlstate = '40P01'")
# the lock cycles, relations named, process and database numbers dropped
dl_kinds=$(q "SELECT string_agg(format('%s x %s', n, cycle), E'\n' ORDER BY n DESC) FROM (
	SELECT count(*) AS n, regexp_replace(regexp_replace(regexp_replace(regexp_replace(detail,
				'relation ' || 'prevent.alert'::regclass::oid || ' ', 'prevent.alert ', 'g'),
				'relation ' || 'prevent.work_order'::regclass::oid || ' ', 'prevent.work_order ', 'g'),
				' of database [0-9]+', '', 'g'), 'process [0-9]+|Process [0-9]+', 'P', 'g') AS cycle
	  FROM soak.failure WHERE sqlstate = '40P01' GROUP BY 2) x")
ok "$([ $((dl + dl_pgb)) = 0 ] && echo 1)" "no deadlock (40P01)" \
	"$([ $((dl + dl_pgb)) = 0 ] || echo "$dl deadlocks in ${dl_where:-nothing wrapped}, $dl_pgb single-row INSERTs failed with a deadlock (pgbench)")" \
	"$dl_kinds"
other=$(q "SELECT count(*) FROM soak.failure
			WHERE NOT (sqlstate = '55000' AND tag IN ('accept', 'feedback', 'close', 'evaluate')
					   AND message ~ '^cannot (accept|feedback|close|evaluate) work order [0-9]+: it is [a-z_]+$')
			  AND sqlstate <> '40P01'")
ok "$([ "$other" = 0 ] && [ "$ser_pgb" = 0 ] && echo 1)" \
	"no error but the intended lifecycle races (55000 cannot <step> work order N: it is ...)" \
	"$([ "$other" = 0 ] || echo "$other unintended errors (listed above)")" \
	"$([ "$ser_pgb" = 0 ] || echo "$ser_pgb single-row INSERTs failed with a serialization failure")"
