/*
 * watch.c — the trigger prevent.watch() attaches to incident tables, and
 * the wrapper behind the lifecycle functions.
 *
 * The row trigger (AFTER INSERT, FOR EACH ROW, so COPY and multi-row
 * INSERT are covered) scans the narrative with the cached lexicon in C.  A
 * row at or above its alert level becomes a prevent._alert_input value
 * (parties extracted in C, parties.c) queued for the statement; the
 * statement trigger prevent_watch_flush hands the whole queue to
 * one set-based statement (alert_batch_sql) that writes alerts, orders, escalations and
 * events with a fixed number of set-based statements.  In row mode
 * (setting watch_mode = 'row', and always for partitioned tables, whose
 * partitions do not inherit statement triggers) the row trigger flushes at
 * once: that path needs no statement trigger, for a deployment that
 * distributes the table by unit.  Queue rule: entries live in
 * TopTransactionContext and are tagged with their subtransaction; an
 * aborted subtransaction drops its entries, and a transaction that would
 * commit with entries left (a missing flush trigger) fails instead of
 * losing alerts.
 *
 * The flush, like the registration lookup, runs as the owner of the
 * extension's tables (as PostgreSQL's foreign-key triggers run as the
 * table owner): an application that may only INSERT into its table gets
 * its alerts, orders and escalations, and no other right.
 *
 * prevent_act() backs prevent.review/accept/feedback/close/evaluate: it runs
 * prevent._<name>(same arguments..., actor) as the owner, passing the
 * calling role as the actor, which the internal function checks against
 * prevent.unit_member.
 *
 * Caching rule: registrations are cached per backend by relation OID and
 * dropped on any relcache invalidation of prevent.watched (its statement
 * trigger sends one) or of a watched table (ALTER TABLE, DROP).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "core/parties.h"
#include "prevent.h"

PG_FUNCTION_INFO_V1(prevent_watch_trigger);
PG_FUNCTION_INFO_V1(prevent_watch_flush);
PG_FUNCTION_INFO_V1(prevent_act);
PG_FUNCTION_INFO_V1(prevent_parties);
PG_FUNCTION_INFO_V1(prevent_resident_id_valid);

#define FLUSH_AT 10000			/* queued alerts that force a flush mid-statement */

#define MAX_PARTY_COLUMNS 32

typedef struct WatchInfo
{
	Oid			relid;			/* hash key: the relation the trigger fired on */
	bool		registered;
	Oid			source;			/* the registered table (an ancestor for partitions) */
	AttrNumber	text_att;
	Oid			text_type;		/* its type, checked at load (text, varchar, bpchar) */
	AttrNumber	key_att;
	AttrNumber	unit_att;		/* 0 if none */
	AttrNumber	occurred_att;	/* 0 if none */
	int			nparty;
	AttrNumber	party_att[MAX_PARTY_COLUMNS];
	int			alert_level;
	Interval	repeat_window;
	int32		repeat_threshold;
} WatchInfo;

static HTAB *watch_cache = NULL;
static MemoryContext watch_mcxt = NULL;
static Oid	watched_relid = InvalidOid;
static Oid	owner_id = InvalidOid;
static Oid	schema_id = InvalidOid;	/* prevent's schema, found with owner_id */
static SPIPlanPtr raise_plan = NULL;		/* custom plans, for large batches */
static SPIPlanPtr raise_plan_small = NULL;	/* a generic plan, for a few rows */
#define SMALL_BATCH 16
static Oid	alert_input_type = InvalidOid;
static Oid	risk_level_type = InvalidOid;
static pv_result scan_result;	/* scanned into row after row; trimmed after each */
static PvPositions scan_positions;	/* last occurrences, for dispositions */

/* alerts of the running statement(s) waiting for the flush */
static struct
{
	Datum	   *items;
	SubTransactionId *subids;
	int			n;
	int			cap;
} queue;

static void
watch_relcache_cb(Datum arg, Oid relid)
{
	/*
	 * The owner, schema and types are forgotten with the registrations, also
	 * when none is cached (prevent_act() alone may have looked them up):
	 * after DROP / CREATE EXTENSION they are new objects.
	 */
	if (relid == InvalidOid || relid == watched_relid ||
		(watch_cache != NULL && hash_search(watch_cache, &relid, HASH_FIND, NULL) != NULL))
	{
		if (watch_cache != NULL)
			hash_destroy(watch_cache);
		watch_cache = NULL;
		owner_id = InvalidOid;
		schema_id = InvalidOid;
		alert_input_type = InvalidOid;
		risk_level_type = InvalidOid;
	}
}

static void
queue_xact_cb(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			if (queue.n > 0)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("prevent: %d alerts were raised but not written", queue.n),
						 errdetail("A watched table lost its prevent_watch_flush trigger."),
						 errhint("Call prevent.unwatch() and prevent.watch() for the table again.")));
			break;
		default:
			/* commit, abort, prepare: the memory went with TopTransactionContext */
			queue.items = NULL;
			queue.subids = NULL;
			queue.n = queue.cap = 0;
			break;
	}
}

static void
queue_subxact_cb(SubXactEvent event, SubTransactionId mySubid,
				 SubTransactionId parentSubid, void *arg)
{
	int			kept = 0;

	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		for (int i = 0; i < queue.n; i++)
			if (queue.subids[i] != mySubid)
			{
				queue.items[kept] = queue.items[i];
				queue.subids[kept++] = queue.subids[i];
			}
		queue.n = kept;
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		for (int i = 0; i < queue.n; i++)
			if (queue.subids[i] == mySubid)
				queue.subids[i] = parentSubid;
	}
}

void
watch_cache_init(void)
{
	CacheRegisterRelcacheCallback(watch_relcache_cb, (Datum) 0);
	RegisterXactCallback(queue_xact_cb, NULL);
	RegisterSubXactCallback(queue_subxact_cb, NULL);
}

/* the owner of the extension's tables, who runs the internal functions (cached with the registrations) */
static Oid
prevent_owner(void)
{
	if (!OidIsValid(owner_id))
	{
		schema_id = prevent_schema_oid();
		owner_id = prevent_owner_oid(schema_id);
		watched_relid = get_relname_relid("watched", schema_id);
	}
	return owner_id;
}

/* prevent's schema, cached with the owner */
static Oid
prevent_schema(void)
{
	(void) prevent_owner();
	return schema_id;
}

/* prevent.risk_level (forgotten with the watch cache, e.g. when the extension is recreated) */
static Oid
level_type(void)
{
	if (!OidIsValid(risk_level_type))
		risk_level_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("risk_level"),
										  ObjectIdGetDatum(prevent_schema()));
	return risk_level_type;
}

static AttrNumber
column_attnum(Relation rel, const char *name, const char *what)
{
	AttrNumber	att;

	if (name == NULL)
		return 0;
	att = get_attnum(RelationGetRelid(rel), name);
	if (att <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("%s \"%s\" of watched table \"%s\" does not exist", what, name,
						RelationGetRelationName(rel)),
				 errhint("Call prevent.unwatch() and prevent.watch() again.")));
	return att;
}

/*
 * The narrative column must be a varlena string type: text, varchar or
 * char(n), or a domain over one.  watch() refuses others and an event
 * trigger refuses ALTER COLUMN ... TYPE to others; this is the last line,
 * for registrations made with those checks bypassed.
 */
static void
check_text_type(Relation rel, AttrNumber att, Oid typid)
{
	Oid			base = getBaseType(typid);

	if (base != TEXTOID && base != VARCHAROID && base != BPCHAROID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("text column \"%s\" of watched table \"%s\" is of type %s, not text",
						NameStr(TupleDescAttr(RelationGetDescr(rel), att - 1)->attname),
						RelationGetRelationName(rel), format_type_be(typid)),
				 errhint("The narrative column must be text, varchar or char; call prevent.unwatch() and change the column back.")));
}

/* look up (as the owner, inside SPI) the registration of rel or an ancestor */
static void
watch_load(WatchInfo *w, Relation rel)
{
	List	   *candidates = list_make1_oid(RelationGetRelid(rel));
	ListCell   *lc;
	Oid			argtypes[1] = {OIDOID};

	if (rel->rd_rel->relispartition)
		candidates = list_concat(candidates, get_partition_ancestors(RelationGetRelid(rel)));
	w->registered = false;
	foreach(lc, candidates)
	{
		Datum		arg = ObjectIdGetDatum(lfirst_oid(lc));
		int			rc;
		HeapTuple	tup;
		TupleDesc	desc;
		bool		isnull;
		Datum		parties;

		rc = SPI_execute_with_args("SELECT w.text_column::pg_catalog.text, w.key_column::pg_catalog.text, "
								   "w.unit_column::pg_catalog.text, w.occurred_column::pg_catalog.text, "
								   "w.party_columns::pg_catalog.text[], w.alert_level::pg_catalog.text, "
								   "w.repeat_window, w.repeat_threshold "
								   "FROM prevent.watched w "
								   "WHERE w.source::pg_catalog.oid OPERATOR(pg_catalog.=) $1",
								   1, argtypes, &arg, NULL, true, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
		if (SPI_processed == 0)
			continue;
		tup = SPI_tuptable->vals[0];
		desc = SPI_tuptable->tupdesc;
		w->registered = true;
		w->source = lfirst_oid(lc);
		w->text_att = column_attnum(rel, SPI_getvalue(tup, desc, 1), "text column");
		w->text_type = TupleDescAttr(RelationGetDescr(rel), w->text_att - 1)->atttypid;
		check_text_type(rel, w->text_att, w->text_type);
		w->key_att = column_attnum(rel, SPI_getvalue(tup, desc, 2), "key column");
		w->unit_att = column_attnum(rel, SPI_getvalue(tup, desc, 3), "unit column");
		w->occurred_att = column_attnum(rel, SPI_getvalue(tup, desc, 4), "occurred column");
		parties = SPI_getbinval(tup, desc, 5, &isnull);
		w->nparty = 0;
		if (!isnull)
		{
			Datum	   *elems;
			bool	   *enulls;
			int			n;

			deconstruct_array(DatumGetArrayTypeP(parties), TEXTOID, -1, false, TYPALIGN_INT,
							  &elems, &enulls, &n);
			if (n > MAX_PARTY_COLUMNS)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("a watched table may have at most %d party columns", MAX_PARTY_COLUMNS)));
			for (int i = 0; i < n; i++)
				if (!enulls[i])
					w->party_att[w->nparty++] = column_attnum(rel, TextDatumGetCString(elems[i]), "party column");
		}
		w->alert_level = prevent_level_from_name(SPI_getvalue(tup, desc, 6));
		w->repeat_window = *DatumGetIntervalP(SPI_getbinval(tup, desc, 7, &isnull));
		w->repeat_threshold = DatumGetInt32(SPI_getbinval(tup, desc, 8, &isnull));
		break;
	}
}

/*
 * One batch of alerts ($1, prevent._alert_input[] in insertion order; $2
 * the acting role), written with one statement:
 *
 * - b: the batch, with alert ids drawn in advance;
 * - prior_old / prior_new: for each (row, party), the earlier alerts of the
 *   party within the row's repeat_window, in the table and earlier in the
 *   batch (OFFSET 0 keeps the planner on the parties index: a BitmapAnd
 *   with the time index would read every alert of the window);
 *   hits: the (row, party) pairs that make repeat_threshold;
 * - flags: repeat or not, and the level's policy;
 * - rp, ins_repeat_party: prevent.repeat_party, for the parties of repeat
 *   alerts: filled from all the party's alerts at its first repeat, counted
 *   up after that (a party's rows are only written under its party lock);
 * - the alerts; one work order per alert issued (auto-issue level or
 *   repeat) for its unit, and for each other unit of the party's earlier
 *   incidents (cross_jurisdiction); their escalations (the level's tiers,
 *   repeat_tier, cross_jurisdiction_tier) and 'issue' events.
 *
 * It runs with the latest snapshot (see flush_queue) and with search_path
 * pinned to pg_catalog, pg_temp; every prevent object is named with its
 * schema.
 */
static const char alert_batch_sql[] =
	"	WITH b AS MATERIALIZED (\n"
	"		SELECT x.*, nextval('prevent.alert_id_seq'::regclass) AS id\n"
	"		  FROM unnest($1::prevent._alert_input[]) WITH ORDINALITY\n"
	"			   AS x(source, source_key, unit, occurred_at, score, level, categories, terms,\n"
	"					parties, repeat_window, repeat_threshold, ord)\n"
	"	), bp AS MATERIALIZED (\n"
	"		SELECT b.ord, p.party, b.unit, b.occurred_at, b.repeat_window, b.repeat_threshold\n"
	"		  FROM b CROSS JOIN LATERAL unnest(b.parties) p(party)\n"
	"	), prior_old AS (\n"
	"		SELECT bp.ord, bp.party, count(*) AS n, array_agg(DISTINCT a.unit) FILTER (WHERE a.unit IS NOT NULL) AS units\n"
	"		  FROM bp\n"
	"		 CROSS JOIN LATERAL (SELECT x.unit, x.occurred_at FROM prevent.alert x\n"
	"							  WHERE x.parties @> ARRAY[bp.party] OFFSET 0) a\n"
	"		 WHERE a.occurred_at BETWEEN bp.occurred_at - bp.repeat_window AND bp.occurred_at + bp.repeat_window\n"
	"		 GROUP BY bp.ord, bp.party\n"
	"	), prior_new AS (\n"
	"		SELECT bp.ord, bp.party, count(*) AS n, array_agg(DISTINCT bp2.unit) FILTER (WHERE bp2.unit IS NOT NULL) AS units\n"
	"		  FROM bp\n"
	"		  JOIN bp bp2 ON bp2.party = bp.party AND bp2.ord < bp.ord\n"
	"		   AND bp2.occurred_at BETWEEN bp.occurred_at - bp.repeat_window AND bp.occurred_at + bp.repeat_window\n"
	"		 GROUP BY bp.ord, bp.party\n"
	"	), hits AS MATERIALIZED (\n"
	"		SELECT bp.ord, bp.party, o.units AS old_units, nw.units AS new_units\n"
	"		  FROM bp\n"
	"		  LEFT JOIN prior_old o ON o.ord = bp.ord AND o.party = bp.party\n"
	"		  LEFT JOIN prior_new nw ON nw.ord = bp.ord AND nw.party = bp.party\n"
	"		 WHERE coalesce(o.n, 0) + coalesce(nw.n, 0) + 1 >= bp.repeat_threshold\n"
	"	), flags AS MATERIALIZED (\n"
	"		SELECT b.ord,\n"
	"			   r.ord IS NOT NULL AS is_repeat,\n"
	"			   coalesce(pol.auto_issue, false) AS auto_issue,\n"
	"			   coalesce(pol.tiers, '{}') AS tiers,\n"
	"			   pol.accept_within, pol.feedback_within, pol.close_within\n"
	"		  FROM b LEFT JOIN prevent.level_policy pol ON pol.level = b.level\n"
	"		  LEFT JOIN (SELECT DISTINCT h.ord FROM hits h) r ON r.ord = b.ord\n"
	"	), rp AS MATERIALIZED (\n"
	"		SELECT bp.party, bool_or(f.is_repeat) AS flagged,\n"
	"			   EXISTS (SELECT 1 FROM prevent.repeat_party r WHERE r.party = bp.party) AS known\n"
	"		  FROM bp JOIN flags f ON f.ord = bp.ord\n"
	"		 GROUP BY bp.party\n"
	"	), ins_repeat_party AS (\n"
	"		INSERT INTO prevent.repeat_party AS r (party, unit, incidents, first_at, last_at)\n"
	"		SELECT x.party, x.unit, count(*), min(x.occurred_at), max(x.occurred_at)\n"
	"		  FROM (SELECT rp.party, a.unit, a.occurred_at\n"
	"				  FROM rp CROSS JOIN LATERAL (SELECT a.unit, a.occurred_at FROM prevent.alert a\n"
	"											   WHERE a.parties @> ARRAY[rp.party] OFFSET 0) a\n"
	"				 WHERE rp.flagged AND NOT rp.known\n"
	"				UNION ALL\n"
	"				SELECT bp.party, bp.unit, bp.occurred_at\n"
	"				  FROM bp JOIN rp ON rp.party = bp.party\n"
	"				 WHERE rp.flagged OR rp.known) x\n"
	"		 GROUP BY x.party, x.unit\n"
	"		 ORDER BY x.party, x.unit\n"
	"		ON CONFLICT (party, unit) DO UPDATE\n"
	"		   SET incidents = r.incidents + excluded.incidents,\n"
	"			   first_at = LEAST(r.first_at, excluded.first_at),\n"
	"			   last_at = GREATEST(r.last_at, excluded.last_at)\n"
	"		RETURNING 1\n"
	"	), ins_alert AS (\n"
	"		INSERT INTO prevent.alert (id, source, source_key, unit, occurred_at, score, level, categories, terms,\n"
	"								   parties, repeat, status)\n"
	"		SELECT b.id, b.source, b.source_key, b.unit, b.occurred_at, b.score, b.level, b.categories, b.terms,\n"
	"			   b.parties, f.is_repeat, CASE WHEN f.auto_issue OR f.is_repeat THEN 'issued' ELSE 'pending' END\n"
	"		  FROM b JOIN flags f ON f.ord = b.ord\n"
	"		 ORDER BY b.ord\n"
	"		RETURNING 1\n"
	"	), orders AS MATERIALIZED (\n"
	"		SELECT o.*, nextval('prevent.work_order_id_seq'::regclass) AS order_id,\n"
	"			   count(*) OVER (PARTITION BY o.ord) AS nunits\n"
	"		  FROM (SELECT b.ord, b.id AS alert_id, b.unit,\n"
	"					   CASE WHEN f.auto_issue THEN 'risk_level' ELSE 'repeat' END AS reason\n"
	"				  FROM b JOIN flags f ON f.ord = b.ord\n"
	"				 WHERE f.auto_issue OR f.is_repeat\n"
	"				UNION\n"
	"				SELECT h.ord, b.id, u.unit, 'cross_jurisdiction'\n"
	"				  FROM hits h JOIN b ON b.ord = h.ord\n"
	"				 CROSS JOIN LATERAL unnest(coalesce(h.old_units, '{}') || coalesce(h.new_units, '{}')) u(unit)\n"
	"				 WHERE u.unit IS DISTINCT FROM b.unit) o\n"
	"		 ORDER BY o.ord, o.reason <> 'cross_jurisdiction' DESC, o.unit\n"
	"	), ins_order AS (\n"
	"		INSERT INTO prevent.work_order (id, alert_id, unit, level, reason, issued_at, accept_due, due_at, close_due)\n"
	"		SELECT o.order_id, o.alert_id, o.unit, b.level, o.reason, pg_catalog.now(),\n"
	"			   pg_catalog.now() + f.accept_within, pg_catalog.now() + f.feedback_within, pg_catalog.now() + f.close_within\n"
	"		  FROM orders o JOIN b ON b.ord = o.ord JOIN flags f ON f.ord = o.ord\n"
	"		RETURNING 1\n"
	"	), ins_escalation AS (\n"
	"		INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, created_at)\n"
	"		SELECT o.order_id, o.unit, t.tier, 'risk_level', pg_catalog.now()\n"
	"		  FROM orders o JOIN flags f ON f.ord = o.ord\n"
	"		 CROSS JOIN LATERAL unnest(CASE WHEN f.auto_issue THEN f.tiers END) t(tier)\n"
	"		UNION ALL\n"
	"		SELECT o.order_id, o.unit, "
	"coalesce((SELECT st.value::smallint FROM prevent.setting st WHERE st.name = 'repeat_tier'), 3), 'repeat', pg_catalog.now()\n"
	"		  FROM orders o JOIN flags f ON f.ord = o.ord WHERE f.is_repeat\n"
	"		UNION ALL\n"
	"		SELECT o.order_id, o.unit, "
	"coalesce((SELECT st.value::smallint FROM prevent.setting st WHERE st.name = 'cross_jurisdiction_tier'), 1), 'cross_jurisdiction', pg_catalog.now()\n"
	"		  FROM orders o WHERE o.nunits > 1\n"
	"		RETURNING 1\n"
	"	), ins_event AS (\n"
	"		INSERT INTO prevent.event (work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role)\n"
	"		SELECT o.order_id, o.alert_id, o.unit, 'issue', NULL, 'issued', pg_catalog.now(), SESSION_USER, $2::name\n"
	"		  FROM orders o\n"
	"		RETURNING 1\n"
	"	)\n"
	"	SELECT count(*) FROM ins_alert\n";

static SPIPlanPtr
prepare_raise_plan(int cursor_options)
{
	Oid			types[2] = {get_array_type(alert_input_type), NAMEOID};
	SPIPlanPtr	plan;

	plan = SPI_prepare_cursor(alert_batch_sql, 2, types, cursor_options);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return plan;
}

static Oid
alert_input_typeid(void)
{
	if (!OidIsValid(alert_input_type))
	{
		alert_input_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
										   CStringGetDatum("_alert_input"),
										   ObjectIdGetDatum(prevent_schema()));
		if (!OidIsValid(alert_input_type))
			elog(ERROR, "type prevent._alert_input does not exist");
		if (raise_plan != NULL)
			SPI_freeplan(raise_plan);
		if (raise_plan_small != NULL)
			SPI_freeplan(raise_plan_small);
		raise_plan = raise_plan_small = NULL;
	}
	return alert_input_type;
}

static int
cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

static SPIPlanPtr lock_plan = NULL;
static Oid	lock_plan_schema = InvalidOid;
static int32 party_stripes = 0;	/* rows of prevent._party_lock */

/* the party-lock statement, and the number of stripes (prepared again if the extension was recreated) */
static void
prepare_lock_plan(void)
{
	Oid			argtype = INT4ARRAYOID;
	bool		isnull;
	int			rc;

	if (lock_plan != NULL && lock_plan_schema == schema_id)
		return;
	if (lock_plan != NULL)
		SPI_freeplan(lock_plan);
	lock_plan = NULL;
	rc = SPI_execute("SELECT pg_catalog.count(*)::pg_catalog.int4 FROM prevent._party_lock", true, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "counting prevent._party_lock failed: %s", SPI_result_code_string(rc));
	party_stripes = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (party_stripes <= 0)
		elog(ERROR, "prevent._party_lock is empty");
	lock_plan = SPI_prepare("SELECT FROM prevent._party_lock l "
							"WHERE l.stripe OPERATOR(pg_catalog.=) ANY ($1) "
							"ORDER BY l.stripe FOR NO KEY UPDATE OF l",
							1, &argtype);
	if (lock_plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(lock_plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	lock_plan_schema = schema_id;
}

/*
 * Lock every party of the batch, so that incidents of one party are written
 * one transaction after the other.  A party hashes to one of
 * the rows of prevent._party_lock (stripes 0 to n - 1), which are locked FOR NO
 * KEY UPDATE in stripe order (no deadlock between two batches).  Row locks
 * live in the tuples, not in the shared lock table, so a COPY naming any
 * number of parties takes no shared memory; and only the extension owner may
 * lock that table's rows (no other role has UPDATE on it), so no role can
 * hold a party's lock to block its incidents, as any role could with an
 * advisory lock.  Runs inside the owner's SPI section of flush_queue().
 */
static void
lock_parties(Datum *items, int n)
{
	int32	   *keys = NULL;
	int			nkeys = 0,
				cap = 0,
				nuniq = 0;
	Datum	   *elems;
	Datum		arg;
	int			rc;

	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		parties = GetAttributeByNum((HeapTupleHeader) DatumGetPointer(items[i]), 9, &isnull);
		Datum	   *pelems;
		bool	   *enulls;
		int			ne;

		if (isnull)
			continue;
		deconstruct_array(DatumGetArrayTypeP(parties), TEXTOID, -1, false, TYPALIGN_INT, &pelems, &enulls, &ne);
		for (int k = 0; k < ne; k++)
		{
			text	   *t;

			if (enulls[k])
				continue;
			if (nkeys == cap)
			{
				cap = cap ? cap * 2 : 64;
				keys = keys ? repalloc(keys, cap * sizeof(int32)) : palloc(cap * sizeof(int32));
			}
			t = DatumGetTextPP(pelems[k]);
			keys[nkeys++] = (int32) hash_bytes((const unsigned char *) VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		}
	}
	if (nkeys == 0)
		return;
	prepare_lock_plan();
	for (int k = 0; k < nkeys; k++)
		keys[k] = (int32) ((uint32) keys[k] % (uint32) party_stripes);
	qsort(keys, nkeys, sizeof(int32), cmp_int32);
	elems = palloc(nkeys * sizeof(Datum));
	for (int k = 0; k < nkeys; k++)
		if (k == 0 || keys[k] != keys[k - 1])
			elems[nuniq++] = Int32GetDatum(keys[k]);
	arg = PointerGetDatum(construct_array(elems, nuniq, INT4OID, sizeof(int32), true, TYPALIGN_INT));

	rc = SPI_execute_snapshot(lock_plan, &arg, NULL, GetLatestSnapshot(), InvalidSnapshot,
							  false, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "locking parties failed: %s", SPI_result_code_string(rc));
	if (SPI_processed != (uint64) nuniq)
		elog(ERROR, "prevent._party_lock has %llu of the %d rows it should have",
			 (unsigned long long) SPI_processed, nuniq);
	pfree(keys);
	pfree(elems);
}

/*
 * Write the queued alerts, as the owner.  The parties are locked first;
 * the statement then runs with the latest snapshot, so that it sees the
 * incidents of a transaction it waited for even inside a REPEATABLE READ
 * or SERIALIZABLE transaction, whose own snapshot is older than the lock.
 */
static void
flush_queue(void)
{
	Oid			typid = alert_input_typeid();
	int16		typlen;
	bool		typbyval;
	char		typalign;
	ArrayType  *batch;
	Datum		values[2];
	PreventSpi	spi;
	int			save_nestlevel;
	int			rc;
	int			n;
	SPIPlanPtr	plan;

	if (queue.n == 0)
		return;
	get_typlenbyvalalign(typid, &typlen, &typbyval, &typalign);
	batch = construct_array(queue.items, queue.n, typid, typlen, typbyval, typalign);
	values[0] = PointerGetDatum(batch);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(GetUserId(), false)));
	prevent_spi_begin(&spi, prevent_owner());
	lock_parties(queue.items, queue.n);
	n = queue.n;
	queue.n = 0;
	/* cost estimates of the statement are high, its real cost small */
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	/*
	 * A few rows (single-row INSERTs, row mode): one generic plan, planned
	 * once.  Many rows (COPY): a custom plan with the batch as a constant,
	 * whose row estimates are right.
	 */
	if (n <= SMALL_BATCH)
	{
		if (raise_plan_small == NULL)
			raise_plan_small = prepare_raise_plan(CURSOR_OPT_GENERIC_PLAN);
		plan = raise_plan_small;
	}
	else
	{
		if (raise_plan == NULL)
			raise_plan = prepare_raise_plan(CURSOR_OPT_CUSTOM_PLAN);
		plan = raise_plan;
	}
	rc = SPI_execute_snapshot(plan, values, NULL, GetLatestSnapshot(), InvalidSnapshot,
							  false, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "writing alerts failed: %s", SPI_result_code_string(rc));
	AtEOXact_GUC(true, save_nestlevel);
	prevent_spi_end(&spi);
}

static void
queue_alert(Datum item)
{
	if (queue.n == queue.cap)
	{
		int			cap = queue.cap ? queue.cap * 2 : 64;

		if (queue.items == NULL)
		{
			queue.items = MemoryContextAlloc(TopTransactionContext, cap * sizeof(Datum));
			queue.subids = MemoryContextAlloc(TopTransactionContext, cap * sizeof(SubTransactionId));
		}
		else
		{
			queue.items = repalloc(queue.items, cap * sizeof(Datum));
			queue.subids = repalloc(queue.subids, cap * sizeof(SubTransactionId));
		}
		queue.cap = cap;
	}
	queue.items[queue.n] = item;
	queue.subids[queue.n] = GetCurrentSubTransactionId();
	queue.n++;
}

/* the canonical parties of a row: party columns and numbers in the narrative */
static ArrayType *
parties_array(pv_parties *ps)
{
	Datum	   *elems = palloc(sizeof(Datum) * (ps->n + 1));

	pv_parties_finish(ps);
	for (int i = 0; i < ps->n; i++)
		elems[i] = CStringGetTextDatum(ps->items[i]);
	return construct_array(elems, ps->n, TEXTOID, -1, false, TYPALIGN_INT);
}

static void
check_parties_rc(int rc)
{
	if (rc != PV_OK)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

static char *
column_text(HeapTuple tup, TupleDesc desc, AttrNumber att, bool *isnull)
{
	Datum		d = heap_getattr(tup, att, desc, isnull);
	Oid			outfunc;
	bool		varlena;

	if (*isnull)
		return NULL;
	getTypeOutputInfo(TupleDescAttr(desc, att - 1)->atttypid, &outfunc, &varlena);
	return OidOutputFunctionCall(outfunc, d);
}

static TimestampTz
column_timestamptz(HeapTuple tup, TupleDesc desc, AttrNumber att)
{
	bool		isnull;
	Datum		d;

	if (att == 0)
		return GetCurrentTransactionStartTimestamp();
	d = heap_getattr(tup, att, desc, &isnull);
	if (isnull)
		return GetCurrentTransactionStartTimestamp();
	switch (TupleDescAttr(desc, att - 1)->atttypid)
	{
		case TIMESTAMPTZOID:
			return DatumGetTimestampTz(d);
		case TIMESTAMPOID:
			return DatumGetTimestampTz(DirectFunctionCall1(timestamp_timestamptz, d));
		case DATEOID:
			return DatumGetTimestampTz(DirectFunctionCall1(date_timestamptz, d));
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("occurred column of a watched table must be timestamptz, timestamp or date")));
	}
	return 0;
}

static WatchInfo *
watch_info_get(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	WatchInfo  *w;
	bool		found;

	if (watch_cache == NULL)
	{
		HASHCTL		ctl;

		if (watch_mcxt == NULL)
			watch_mcxt = AllocSetContextCreate(TopMemoryContext, "prevent watch cache",
											   ALLOCSET_SMALL_SIZES);
		else
			MemoryContextReset(watch_mcxt);
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(WatchInfo);
		ctl.hcxt = watch_mcxt;
		watch_cache = hash_create("prevent watch cache", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	w = hash_search(watch_cache, &relid, HASH_FIND, &found);
	if (w != NULL)
		return w;

	{
		WatchInfo	loaded;
		PreventSpi	spi;
		MemoryContext old;

		memset(&loaded, 0, sizeof(loaded));
		loaded.relid = relid;
		prevent_spi_begin(&spi, prevent_owner());
		/* read as of now: the cache outlives this transaction's snapshot */
		PushActiveSnapshot(GetLatestSnapshot());
		old = MemoryContextSwitchTo(watch_mcxt);
		watch_load(&loaded, rel);
		MemoryContextSwitchTo(old);
		PopActiveSnapshot();
		prevent_spi_end(&spi);
		/* the callback may have dropped the cache meanwhile */
		if (watch_cache == NULL)
			return watch_info_get(rel);
		w = hash_search(watch_cache, &relid, HASH_ENTER, &found);
		*w = loaded;
	}
	return w;
}

Datum
prevent_watch_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	HeapTuple	tup;
	TupleDesc	desc;
	WatchInfo	wi;
	WatchInfo  *w = &wi;
	PvLexicon  *lex;
	PvAssessment as;
	Datum		d;
	bool		isnull;
	text	   *doc;
	int			level;
	MemoryContext old;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prevent.watch_trigger() must be called as a trigger")));
	if (!TRIGGER_FIRED_AFTER(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prevent.watch_trigger() must be fired AFTER INSERT FOR EACH ROW"),
				 errhint("Use prevent.watch() to attach it.")));

	rel = td->tg_relation;
	tup = td->tg_trigtuple;
	desc = RelationGetDescr(rel);

	/*
	 * The lexicon first: taking in invalidations may drop the watch cache,
	 * so the registration is copied out after it.
	 */
	lex = lexicon_cache_get();
	wi = *watch_info_get(rel);
	if (!w->registered)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has the prevent_watch trigger but is not watched",
						RelationGetRelationName(rel)),
				 errhint("Call prevent.watch() for it, or drop the trigger.")));

	if (TupleDescAttr(desc, w->text_att - 1)->atttypid != w->text_type)
		check_text_type(rel, w->text_att, TupleDescAttr(desc, w->text_att - 1)->atttypid);
	d = heap_getattr(tup, w->text_att, desc, &isnull);
	if (isnull)
		return PointerGetDatum(NULL);	/* NULL text is no risk */
	doc = DatumGetTextPP(d);

	/* in memory that does not grow with the narrative, and what it grew to does not stay */
	scan_positions.alloc_mcxt = TopMemoryContext;
	prevent_scan_assess(lex, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &scan_result, &scan_positions,
						TopMemoryContext, &as);
	old = MemoryContextSwitchTo(TopMemoryContext);
	pv_result_trim(&scan_result, 64 * 1024);
	MemoryContextSwitchTo(old);
	level = as.level;
	if (level < w->alert_level)
		return PointerGetDatum(NULL);

	/* an alert: queue it as a prevent._alert_input value */
	{
		Datum		values[11];
		bool		nulls[11] = {false};
		ArrayType  *categories;
		ArrayType  *terms;
		pv_parties	ps = {0};
		char	   *s;
		TupleDesc	itemdesc;
		Datum		item;
		bool		row_mode;

		prevent_assessment_arrays(lex, &scan_result, &as, &categories, &terms);
		values[0] = ObjectIdGetDatum(w->source);
		s = column_text(tup, desc, w->key_att, &isnull);
		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("key column of watched table \"%s\" is NULL", RelationGetRelationName(rel)),
					 errhint("Every incident needs a key to be tracked.")));
		values[1] = CStringGetTextDatum(s);
		if (w->unit_att != 0 && (s = column_text(tup, desc, w->unit_att, &isnull)) != NULL)
			values[2] = CStringGetTextDatum(s);
		else
			nulls[2] = true;
		values[3] = TimestampTzGetDatum(column_timestamptz(tup, desc, w->occurred_att));
		values[4] = Int32GetDatum(as.score);
		values[5] = DirectFunctionCall2(enum_in, CStringGetDatum(prevent_level_names[level]),
										ObjectIdGetDatum(level_type()));
		values[6] = PointerGetDatum(categories);
		values[7] = PointerGetDatum(terms);
		for (int i = 0; i < w->nparty; i++)
			if ((s = column_text(tup, desc, w->party_att[i], &isnull)) != NULL)
				check_parties_rc(pv_parties_add_value(&ps, s, strlen(s)));
		check_parties_rc(pv_parties_from_text(&ps, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc)));
		values[8] = PointerGetDatum(parties_array(&ps));
		pv_parties_free(&ps);
		values[9] = IntervalPGetDatum(&w->repeat_window);
		values[10] = Int32GetDatum(w->repeat_threshold);

		itemdesc = lookup_rowtype_tupdesc(alert_input_typeid(), -1);
		old = MemoryContextSwitchTo(TopTransactionContext);
		item = HeapTupleGetDatum(heap_form_tuple(itemdesc, values, nulls));
		MemoryContextSwitchTo(old);
		ReleaseTupleDesc(itemdesc);
		queue_alert(item);

		row_mode = td->tg_trigger->tgnargs > 0 && strcmp(td->tg_trigger->tgargs[0], "row") == 0;
		if (row_mode || queue.n >= FLUSH_AT)
			flush_queue();
	}
	return PointerGetDatum(NULL);
}

/* AFTER INSERT ... FOR EACH STATEMENT: write the statement's alerts */
Datum
prevent_watch_flush(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prevent.watch_flush() must be fired AFTER ... FOR EACH STATEMENT"),
				 errhint("Use prevent.watch() to attach it.")));
	flush_queue();
	return PointerGetDatum(NULL);
}

Datum
prevent_parties(PG_FUNCTION_ARGS)
{
	pv_parties	ps = {0};
	ArrayType  *result;

	if (!PG_ARGISNULL(1))
	{
		ArrayType  *values = PG_GETARG_ARRAYTYPE_P(1);
		Datum	   *elems;
		bool	   *enulls;
		int			n;

		deconstruct_array(values, TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
		for (int i = 0; i < n; i++)
			if (!enulls[i])
			{
				text	   *t = DatumGetTextPP(elems[i]);

				check_parties_rc(pv_parties_add_value(&ps, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
			}
	}
	if (!PG_ARGISNULL(0))
	{
		text	   *doc = PG_GETARG_TEXT_PP(0);

		check_parties_rc(pv_parties_from_text(&ps, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc)));
	}
	result = parties_array(&ps);
	pv_parties_free(&ps);
	PG_RETURN_ARRAYTYPE_P(result);
}

Datum
prevent_resident_id_valid(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(pv_resident_id_valid(VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id)));
}

/* ---------- lifecycle wrapper ---------- */

typedef struct ActPlan
{
	Oid			fn_oid;
	SPIPlanPtr	plan;
	int			nargs;
} ActPlan;

#define MAX_ACT_PLANS 16
static ActPlan act_plans[MAX_ACT_PLANS];
static int	n_act_plans = 0;

Datum
prevent_act(PG_FUNCTION_ARGS)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	ActPlan    *ap = NULL;
	Datum		values[FUNC_MAX_ARGS];
	char		nulls[FUNC_MAX_ARGS];
	PreventSpi	spi;
	Oid			rettype;
	int16		typlen;
	bool		typbyval;
	Datum		result;
	bool		isnull;
	int			rc;

	for (int i = 0; i < n_act_plans; i++)
		if (act_plans[i].fn_oid == fn_oid)
			ap = &act_plans[i];

	for (int i = 0; i < PG_NARGS(); i++)
	{
		values[i] = PG_GETARG_DATUM(i);
		nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
	}
	values[PG_NARGS()] = DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(GetUserId(), false)));
	nulls[PG_NARGS()] = ' ';

	prevent_spi_begin(&spi, prevent_owner());
	if (ap == NULL)
	{
		Oid		   *argtypes;
		int			nargs;
		Oid			types[FUNC_MAX_ARGS];
		StringInfoData sql;
		SPIPlanPtr	plan;

		if (n_act_plans >= MAX_ACT_PLANS)
			elog(ERROR, "too many prevent lifecycle functions");
		get_func_signature(fn_oid, &argtypes, &nargs);
		if (nargs + 1 > FUNC_MAX_ARGS || nargs != PG_NARGS())
			elog(ERROR, "unexpected signature of function %u", fn_oid);
		initStringInfo(&sql);
		/* the internal function beside the wrapper: prevent._<name> */
		appendStringInfo(&sql, "SELECT %s.%s(",
						 quote_identifier(get_namespace_name(get_func_namespace(fn_oid))),
						 quote_identifier(psprintf("_%s", get_func_name(fn_oid))));
		for (int i = 0; i <= nargs; i++)
		{
			types[i] = i < nargs ? argtypes[i] : NAMEOID;
			appendStringInfo(&sql, "%s$%d", i ? ", " : "", i + 1);
		}
		appendStringInfoChar(&sql, ')');
		plan = SPI_prepare(sql.data, nargs + 1, types);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		ap = &act_plans[n_act_plans++];
		ap->fn_oid = fn_oid;
		ap->plan = plan;
		ap->nargs = nargs;
	}
	rc = SPI_execute_plan(ap->plan, values, nulls, false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "prevent lifecycle call failed: %s", SPI_result_code_string(rc));
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	rettype = SPI_gettypeid(SPI_tuptable->tupdesc, 1);
	get_typlenbyval(rettype, &typlen, &typbyval);
	if (!isnull)
		result = SPI_datumTransfer(result, typbyval, typlen);
	prevent_spi_end(&spi);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}
