#!/usr/bin/env bash
# TAP: prevent.escalate_overdue() run by pg_cron, as README's Operations section schedules it.
#
# A watched table gets a critical incident; its work order's acceptance deadline is put in the
# past; cron.schedule_in_database() runs `SELECT prevent.escalate_overdue()` every minute in that
# database.  Within about a minute pg_cron has run the job (cron.job_run_details: succeeded)
# and the order has its overdue escalation.  Needs a server with pg_cron in
# shared_preload_libraries (scripts/with-cluster.sh sets it where postgresql-15-cron is
# installed); skipped otherwise.  Creates and drops its own database and job; about 60-70 s.
set -euo pipefail
db=prevent_cron
job=prevent-overdue-test
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$1" -c "$2"; }
cleanup() {
	q postgres "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '$job'" >/dev/null 2>&1 || true
	dropdb --if-exists "$db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "1..3"
if ! q postgres "SHOW shared_preload_libraries" | grep -q pg_cron; then
	for t in 1 2 3; do echo "ok $t # skip pg_cron is not in shared_preload_libraries"; done
	exit 0
fi
cleanup
createdb -E UTF8 -T template0 "$db"
q "$db" "CREATE EXTENSION prevent"
q "$db" "CREATE TABLE jq (jjbh text PRIMARY KEY, gxdw text, jyaq text)"
q "$db" "SELECT prevent.watch('jq', 'jyaq', unit_column => 'gxdw')" >/dev/null
q "$db" "INSERT INTO jq VALUES ('J-1', '城关派出所', '报警人称其丈夫持刀威胁要同归于尽')"
# the order was due an hour ago, and the escalation job has not looked at it yet
q "$db" "UPDATE prevent.work_order SET accept_due = now() - interval '1 hour', next_escalation_due = '-infinity'"
q postgres "CREATE EXTENSION IF NOT EXISTS pg_cron"
q postgres "SELECT cron.schedule_in_database('$job', '* * * * *', 'SELECT prevent.escalate_overdue()', '$db')" >/dev/null

status=""
for _ in $(seq 1 90); do
	status=$(q postgres "SELECT d.status FROM cron.job_run_details d JOIN cron.job j ON j.jobid = d.jobid
						 WHERE j.jobname = '$job' AND d.status IN ('succeeded', 'failed') ORDER BY d.runid DESC LIMIT 1")
	[ -n "$status" ] && break
	sleep 1
done
if [ "$status" = succeeded ]; then echo "ok 1 - pg_cron ran the scheduled prevent.escalate_overdue()"
else
	echo "not ok 1 - pg_cron ran the scheduled prevent.escalate_overdue()"
	echo "#   status: '${status:-no run within 90 s}'"
	q postgres "SELECT status, return_message FROM cron.job_run_details ORDER BY runid DESC LIMIT 3" | sed 's/^/#   /'
fi

got=$(q "$db" "SELECT string_agg(e.reason || ':' || e.breach || ':' || e.tier, ',') FROM prevent.escalation e WHERE e.reason = 'overdue'")
if [ "$got" = "overdue:accept:2" ] || [ "$got" = "overdue:accept:1" ]; then
	echo "ok 2 - the order past its acceptance deadline is escalated one tier up ($got)"
else
	echo "not ok 2 - the order past its acceptance deadline is escalated one tier up"; echo "#   got: '$got'"
fi

runs=$(q "$db" "SELECT count(*) FROM prevent.event WHERE action = 'issue'")
if [ "$runs" = 1 ]; then echo "ok 3 - and nothing else changed (one order, issued once)"
else echo "not ok 3 - and nothing else changed (one order, issued once)"; echo "#   issue events: $runs"; fi
