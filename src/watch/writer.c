/*
 * writer.c — the alerts of the transaction waiting to be written, and the
 * batch writer.
 *
 * Queue rule: the row trigger queues prevent._alert_input values, which
 * live in a context of their own under TopTransactionContext (reset by each
 * flush, so a statement of any size holds at most FLUSH_AT of them) and are
 * tagged with their subtransaction;
 * an aborted subtransaction drops its entries, and a transaction that would
 * commit with entries left (a missing flush trigger) fails instead of
 * losing alerts.
 *
 * A flush runs as the owner of the extension's tables (as PostgreSQL's
 * foreign-key triggers run as the table owner): it locks the parties of the
 * batch, runs alert_batch.sql (repeats, prevent.repeat_party, the alerts),
 * and hands the alerts to issue to prevent._issue(), the one place that
 * issues work orders.  Both statements run with the latest snapshot, so they
 * see the incidents of a transaction the party lock waited for even inside a
 * REPEATABLE READ or SERIALIZABLE transaction.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/resowner.h"

#include "prevent.h"
#include "watch/watch.h"

/* the statements of alert_batch.sql, alert_find.sql, alert_lock.sql, alert_retire.sql, made by the Makefile */
#include "watch/alert_batch.h"
#include "watch/alert_find.h"
#include "watch/alert_lock.h"
#include "watch/alert_retire.h"

#define SMALL_BATCH 16			/* up to this many alerts: the generic plan */
#define ALERT_PARTIES_ATT 9		/* prevent._alert_input.parties */

/* alerts of the running statement(s) waiting for the flush (transaction lifetime) */
static struct
{
	MemoryContext mcxt;			/* the items (NULL: none made in this transaction) */
	Datum	   *items;
	uint8	   *flags;			/* WATCH_ITEM_* */
	SubTransactionId *subids;
	int			n;
	int			cap;
	int64		written;		/* alerts written since watch_take_written() */
} queue;

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
			queue.mcxt = NULL;
			queue.items = NULL;
			queue.flags = NULL;
			queue.subids = NULL;
			queue.n = queue.cap = 0;
			queue.written = 0;
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
				queue.flags[kept] = queue.flags[i];
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
watch_writer_init(void)
{
	RegisterXactCallback(queue_xact_cb, NULL);
	RegisterSubXactCallback(queue_subxact_cb, NULL);
}

/* where the row trigger builds the items it queues */
MemoryContext
watch_queue_context(void)
{
	if (queue.mcxt == NULL)
		queue.mcxt = AllocSetContextCreate(TopTransactionContext, "prevent alert queue",
										   ALLOCSET_DEFAULT_SIZES);
	return queue.mcxt;
}

void
watch_queue_alert(Datum item, uint8 flags)
{
	if (queue.n == queue.cap)
	{
		int			cap = queue.cap ? queue.cap * 2 : 64;

		if (queue.items == NULL)
		{
			queue.items = MemoryContextAlloc(TopTransactionContext, cap * sizeof(Datum));
			queue.flags = MemoryContextAlloc(TopTransactionContext, cap * sizeof(uint8));
			queue.subids = MemoryContextAlloc(TopTransactionContext, cap * sizeof(SubTransactionId));
		}
		else
		{
			queue.items = repalloc(queue.items, cap * sizeof(Datum));
			queue.flags = repalloc(queue.flags, cap * sizeof(uint8));
			queue.subids = repalloc(queue.subids, cap * sizeof(SubTransactionId));
		}
		queue.cap = cap;
	}
	queue.items[queue.n] = item;
	queue.flags[queue.n] = flags;
	queue.subids[queue.n] = GetCurrentSubTransactionId();
	queue.n++;
}

int
watch_queue_length(void)
{
	return queue.n;
}

/* the alerts written since the last call (in this transaction) */
int64
watch_take_written(void)
{
	int64		n = queue.written;

	queue.written = 0;
	return n;
}

/* prepare and keep a plan */
static SPIPlanPtr
keep_plan(const char *sql, int nargs, Oid *argtypes, int cursor_options)
{
	SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, argtypes, cursor_options);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return plan;
}

static int
cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

/* the party-lock statement, and the number of stripes */
static void
prepare_lock_plan(void)
{
	Oid			argtype = INT4ARRAYOID;
	bool		isnull;
	int			rc;

	if (watch_state.lock_plan != NULL)
		return;
	rc = SPI_execute("SELECT pg_catalog.count(*)::pg_catalog.int4 FROM prevent._party_lock", true, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "counting prevent._party_lock failed: %s", SPI_result_code_string(rc));
	watch_state.party_stripes = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (watch_state.party_stripes <= 0)
		elog(ERROR, "prevent._party_lock is empty");
	watch_state.lock_plan = keep_plan("SELECT FROM prevent._party_lock l "
									  "WHERE l.stripe OPERATOR(pg_catalog.=) ANY ($1) "
									  "ORDER BY l.stripe FOR NO KEY UPDATE OF l",
									  1, &argtype, 0);
}

/*
 * Lock every party of the batch, so that incidents of one party are written
 * one transaction after the other.  A party hashes to one of the rows of
 * prevent._party_lock (stripes 0 to n - 1), which are locked FOR NO KEY
 * UPDATE in stripe order (no deadlock between two batches).  Row locks live
 * in the tuples, not in the shared lock table, so a COPY naming any number
 * of parties takes no shared memory; and only the extension owner may lock
 * that table's rows (no other role has UPDATE on it), so no role can hold a
 * party's lock to block its incidents, as any role could with an advisory
 * lock.  Runs inside the owner's SPI section of watch_flush_queue().
 */
/* the hashes of a text[] of parties, appended to keys (grown as needed) */
static void
party_hashes(Datum parties, int32 **keys, int *nkeys, int *cap)
{
	Datum	   *pelems;
	bool	   *enulls;
	int			ne;

	deconstruct_array(DatumGetArrayTypeP(parties), TEXTOID, -1, false, TYPALIGN_INT, &pelems, &enulls, &ne);
	for (int k = 0; k < ne; k++)
	{
		text	   *t;

		if (enulls[k])
			continue;
		if (*nkeys == *cap)
		{
			*cap = *cap ? *cap * 2 : 64;
			*keys = *keys ? repalloc(*keys, *cap * sizeof(int32)) : palloc(*cap * sizeof(int32));
		}
		t = DatumGetTextPP(pelems[k]);
		(*keys)[(*nkeys)++] = (int32) hash_bytes((const unsigned char *) VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
}

static void
lock_parties(Datum *items, int n, Datum more)
{
	int32	   *keys = NULL;
	int			nkeys = 0,
				cap = 0,
				nuniq = 0;
	Datum	   *elems;
	Datum		arg;
	int			rc;

	/* the parties of each item, then those of more (a text[], or 0) */
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		parties = GetAttributeByNum((HeapTupleHeader) DatumGetPointer(items[i]),
												ALERT_PARTIES_ATT, &isnull);

		if (!isnull)
			party_hashes(parties, &keys, &nkeys, &cap);
	}
	if (more != (Datum) 0)
		party_hashes(more, &keys, &nkeys, &cap);
	if (nkeys == 0)
		return;
	prepare_lock_plan();
	for (int k = 0; k < nkeys; k++)
		keys[k] = (int32) ((uint32) keys[k] % (uint32) watch_state.party_stripes);
	qsort(keys, nkeys, sizeof(int32), cmp_int32);
	elems = palloc(nkeys * sizeof(Datum));
	for (int k = 0; k < nkeys; k++)
		if (k == 0 || keys[k] != keys[k - 1])
			elems[nuniq++] = Int32GetDatum(keys[k]);
	arg = PointerGetDatum(construct_array(elems, nuniq, INT4OID, sizeof(int32), true, TYPALIGN_INT));

	rc = SPI_execute_snapshot(watch_state.lock_plan, &arg, NULL, GetLatestSnapshot(), InvalidSnapshot,
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
 * The plan of alert_batch.sql for n alerts.  A few rows (single-row
 * INSERTs, row mode): one generic plan, planned once.  Many rows (COPY): a
 * custom plan with the batch as a constant, whose row estimates are right.
 */
static SPIPlanPtr
alert_plan(int n)
{
	Oid			argtypes[2] = {get_array_type(watch_type(&watch_state.alert_input_type, "_alert_input")), NAMEOID};

	if (n <= SMALL_BATCH)
	{
		if (watch_state.alert_plan_small == NULL)
			watch_state.alert_plan_small = keep_plan(alert_batch_sql, 2, argtypes, CURSOR_OPT_GENERIC_PLAN);
		return watch_state.alert_plan_small;
	}
	if (watch_state.alert_plan_large == NULL)
		watch_state.alert_plan_large = keep_plan(alert_batch_sql, 2, argtypes, CURSOR_OPT_CUSTOM_PLAN);
	return watch_state.alert_plan_large;
}

/* issue the work orders of a batch (requests: prevent._issue_request[]) */
static void
issue_orders(Datum requests, Datum actor)
{
	Datum		values[2] = {requests, actor};
	int			rc;

	if (watch_state.issue_plan == NULL)
	{
		Oid			argtypes[2];

		argtypes[0] = get_array_type(watch_type(&watch_state.issue_request_type, "_issue_request"));
		argtypes[1] = NAMEOID;
		watch_state.issue_plan = keep_plan("SELECT prevent._issue($1, $2, pg_catalog.now())", 2, argtypes, 0);
	}
	rc = SPI_execute_snapshot(watch_state.issue_plan, values, NULL, GetLatestSnapshot(), InvalidSnapshot,
							  false, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "issuing work orders failed: %s", SPI_result_code_string(rc));
}

/* items[0..n-1] as a prevent._alert_input[] */
static Datum
batch_array(Datum *items, int n)
{
	Oid			typid = watch_type(&watch_state.alert_input_type, "_alert_input");
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(typid, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_array(items, n, typid, typlen, typbyval, typalign));
}

/* a statement kept across transactions in *plan, with one argument of type argtype */
static SPIPlanPtr
kept_plan(SPIPlanPtr *plan, const char *sql, Oid argtype)
{
	if (*plan == NULL)
		*plan = keep_plan(sql, 1, &argtype, 0);
	return *plan;
}

static int
cmp_oid(const void *a, const void *b)
{
	Oid			x = *(const Oid *) a;
	Oid			y = *(const Oid *) b;

	return (x > y) - (x < y);
}

/*
 * The registrations (rows of prevent.watched) of the tables of a batch's
 * updated rows, locked FOR SHARE, in OID order, before their alerts: a share
 * of the historic writers' turn (57_history.sql), which a back-fill batch or
 * a writing re-scan takes FOR NO KEY UPDATE.  An updated row that has no
 * alert yet may be one a historic writer is alerting from its committed
 * version: whichever of the two comes second waits for the first, and then
 * (the alerts read after this, with a new snapshot) sees its alert.
 * Updates do not wait for each other (a share lock), nor do inserts take it.
 */
static void
lock_registrations(Datum *items, const uint8 *flags, int n)
{
	Oid		   *oids = palloc(n * sizeof(Oid));
	Datum	   *elems = palloc(n * sizeof(Datum));
	int			noids = 0,
				nuniq = 0;
	Datum		arg;
	int			rc;

	for (int i = 0; i < n; i++)
		if (flags[i] & WATCH_ITEM_REASSESS)
		{
			bool		isnull;

			oids[noids++] = DatumGetObjectId(GetAttributeByNum(DatumGetHeapTupleHeader(items[i]), 1, &isnull));
		}
	qsort(oids, noids, sizeof(Oid), cmp_oid);
	for (int k = 0; k < noids; k++)
		if (k == 0 || oids[k] != oids[k - 1])
			elems[nuniq++] = ObjectIdGetDatum(oids[k]);
	arg = PointerGetDatum(construct_array(elems, nuniq, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT));
	rc = SPI_execute_snapshot(kept_plan(&watch_state.lock_registrations_plan,
										"SELECT FROM prevent.watched w WHERE w.source OPERATOR(pg_catalog.=) ANY ($1) "
										"ORDER BY w.source FOR SHARE OF w",
										REGCLASSARRAYOID),
							  &arg, NULL, GetLatestSnapshot(), InvalidSnapshot, false, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "locking the registrations of updated rows failed: %s", SPI_result_code_string(rc));
	pfree(oids);
	pfree(elems);
}

/*
 * The rows of a batch that may have an alert (items[i] with
 * WATCH_ITEM_REASSESS in flags: updated, or inserted into a partition):
 * take a share of their tables' historic writers' turn (lock_registrations),
 * find their alerts (alert_find.sql), leave out the optional items whose
 * row has none (they were queued only in case it had), lock the parties of
 * what is left and of the alerts found, then the alerts and their open
 * orders (alert_lock.sql): the lock order of 50_workflow.sql.  Then take the
 * alerts' parties out of the counts (alert_retire.sql) for the batch to put
 * the new ones in.  Returns the number of items left at the front of items.
 */
static int
prepare_updates(Datum *items, const uint8 *flags, int n)
{
	Oid			batch_type = get_array_type(watch_type(&watch_state.alert_input_type, "_alert_input"));
	Datum		batch = batch_array(items, n);
	Datum		ords,
				ids,
				parties;
	bool		ords_null,
				ids_null,
				parties_null;
	bool	   *alerted = palloc0(n * sizeof(bool));
	int			kept = 0;
	int			rc;

	lock_registrations(items, flags, n);
	rc = SPI_execute_snapshot(kept_plan(&watch_state.find_alerts_plan, alert_find_sql, batch_type),
							  &batch, NULL, GetLatestSnapshot(), InvalidSnapshot, false, false, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "finding the alerts of updated rows failed: %s", SPI_result_code_string(rc));
	ords = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &ords_null);
	ids = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &ids_null);
	parties = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &parties_null);
	if (!ords_null)
	{
		Datum	   *elems;
		bool	   *enulls;
		int			ne;

		deconstruct_array(DatumGetArrayTypeP(ords), INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &elems, &enulls, &ne);
		for (int k = 0; k < ne; k++)
		{
			int64		ord = DatumGetInt64(elems[k]);

			if (!enulls[k] && ord >= 1 && ord <= n)
				alerted[ord - 1] = true;
		}
	}
	for (int i = 0; i < n; i++)
		if (!(flags[i] & WATCH_ITEM_OPTIONAL) || alerted[i])
			items[kept++] = items[i];
	pfree(alerted);

	lock_parties(items, kept, parties_null ? (Datum) 0 : parties);
	if (!ids_null)
	{
		rc = SPI_execute_snapshot(kept_plan(&watch_state.lock_alerts_plan, alert_lock_sql, INT8ARRAYOID),
								  &ids, NULL, GetLatestSnapshot(), InvalidSnapshot, false, false, 0);
		if (rc != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "locking the alerts of updated rows failed: %s", SPI_result_code_string(rc));
		rc = SPI_execute_snapshot(kept_plan(&watch_state.retire_plan, alert_retire_sql, INT8ARRAYOID),
								  &ids, NULL, GetLatestSnapshot(), InvalidSnapshot, false, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "taking out the parties of re-assessed alerts failed: %s", SPI_result_code_string(rc));
	}
	return kept;
}

/*
 * On a Citus worker, items from a shard: prevent._write_shard() writes the
 * alerts and own-unit orders into the co-located shards of this node; no
 * party lock (nothing of another unit is read or written here), the
 * cross-unit work left to prevent.link_alerts() on the coordinator.
 */
static int64
write_shard_batch(Datum *items, int n, Datum actor)
{
	Oid			argtypes[2] = {get_array_type(watch_type(&watch_state.alert_input_type, "_alert_input")), NAMEOID};
	Datum		args[2];
	PreventSpi	spi;
	bool		isnull;
	int64		written;
	int			rc;

	prevent_spi_begin(&spi, watch_owner());
	args[0] = batch_array(items, n);
	args[1] = actor;
	if (watch_state.shard_plan == NULL)
		watch_state.shard_plan = keep_plan("SELECT prevent._write_shard($1, $2)", 2, argtypes, 0);
	rc = SPI_execute_snapshot(watch_state.shard_plan, args, NULL, GetLatestSnapshot(), InvalidSnapshot,
							  false, true, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "writing alerts failed: %s", SPI_result_code_string(rc));
	written = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	prevent_spi_end(&spi);
	return written;
}

/* write items[0..n-1] and issue their orders, as the owner; returns the alerts written */
static int64
write_batch(Datum *items, const uint8 *flags, int n, Datum actor)
{
	int64		written;
	Datum		args[2];
	Datum		requests;
	bool		isnull;
	bool		updates = false;
	PreventSpi	spi;
	int			save_nestlevel;
	int			rc;
	int			nshard = 0;

	for (int i = 0; i < n; i++)
		nshard += (flags[i] & WATCH_ITEM_SHARD) != 0;
	if (nshard == n)
		return write_shard_batch(items, n, actor);
	if (nshard > 0)
	{
		/* (a transaction that wrote to shards and to a table of this node) */
		Datum	   *shard_items = palloc(nshard * sizeof(Datum));
		Datum	   *others = palloc((n - nshard) * sizeof(Datum));
		uint8	   *other_flags = palloc((n - nshard) * sizeof(uint8));
		int			j = 0;
		int			k = 0;

		for (int i = 0; i < n; i++)
			if ((flags[i] & WATCH_ITEM_SHARD) != 0)
				shard_items[j++] = items[i];
			else
			{
				others[k] = items[i];
				other_flags[k++] = flags[i];
			}
		return write_shard_batch(shard_items, nshard, actor) + write_batch(others, other_flags, k, actor);
	}
	prevent_spi_begin(&spi, watch_owner());
	for (int i = 0; i < n && !updates; i++)
		updates = (flags[i] & WATCH_ITEM_REASSESS) != 0;
	if (updates)
	{
		/* (on a copy: items is the caller's, to write one by one after an error) */
		Datum	   *copy = palloc(n * sizeof(Datum));

		memcpy(copy, items, n * sizeof(Datum));
		items = copy;
		n = prepare_updates(items, flags, n);
		if (n == 0)
		{
			prevent_spi_end(&spi);
			return 0;
		}
	}
	else
		lock_parties(items, n, (Datum) 0);
	args[0] = batch_array(items, n);
	args[1] = actor;
	/* cost estimates of the statement are high, its real cost small */
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	rc = SPI_execute_snapshot(alert_plan(n), args, NULL, GetLatestSnapshot(), InvalidSnapshot,
							  false, true, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "writing alerts failed: %s", SPI_result_code_string(rc));
	written = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	requests = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		issue_orders(requests, actor);
	AtEOXact_GUC(true, save_nestlevel);
	prevent_spi_end(&spi);
	return written;
}

/*
 * Errors an alert's own data can cause (class 22 data exception, 23
 * integrity constraint, 54 program limit, e.g. a constraint a DBA added or
 * an index entry too large): the incident is kept and the alert goes to
 * prevent.alert_failure.  Any other error (serialization, deadlock, cancel,
 * out of memory, a broken install) is raised, as it would be without
 * prevent.
 */
static bool
kept_back(int sqlerrcode)
{
	int			category = ERRCODE_TO_CATEGORY(sqlerrcode);

	return category == ERRCODE_DATA_EXCEPTION ||
		category == ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION ||
		category == ERRCODE_PROGRAM_LIMIT_EXCEEDED;
}

/*
 * write_batch in a subtransaction: NULL when it wrote, else the error it
 * failed with (one kept_back() accepts; others are raised again).
 */
static ErrorData *
write_batch_guarded(Datum *items, const uint8 *flags, int n, Datum actor)
{
	MemoryContext mcxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(mcxt);
	PG_TRY();
	{
		queue.written += write_batch(items, flags, n, actor);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(mcxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(mcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(mcxt);
		CurrentResourceOwner = owner;
		if (!kept_back(edata->sqlerrcode))
			ReThrowError(edata);
	}
	PG_END_TRY();
	return edata;
}

/* keep an alert that could not be written in prevent.alert_failure, and say so */
static void
keep_failure(Datum item, ErrorData *edata)
{
	static const char sql[] =
		"INSERT INTO prevent.alert_failure (input, sqlstate, message, detail) "
		"VALUES ($1, $2, $3, $4)";
	Oid			types[4] = {watch_type(&watch_state.alert_input_type, "_alert_input"), TEXTOID, TEXTOID, TEXTOID};
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	HeapTupleHeader row = DatumGetHeapTupleHeader(item);
	bool		isnull;
	Oid			source = DatumGetObjectId(GetAttributeByNum(row, 1, &isnull));
	char	   *key = TextDatumGetCString(GetAttributeByNum(row, 2, &isnull));
	PreventSpi	spi;
	int			rc;

	values[0] = item;
	values[1] = CStringGetTextDatum(unpack_sql_state(edata->sqlerrcode));
	values[2] = CStringGetTextDatum(edata->message ? edata->message : "");
	if (edata->detail)
		values[3] = CStringGetTextDatum(edata->detail);
	else
		nulls[3] = 'n';
	prevent_spi_begin(&spi, watch_owner());
	rc = SPI_execute_with_args(sql, 4, types, values, nulls, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "keeping a failed alert failed: %s", SPI_result_code_string(rc));
	prevent_spi_end(&spi);
	ereport(WARNING,
			(errcode(edata->sqlerrcode),
			 errmsg("prevent could not write the alert of row \"%s\" of table %s: %s",
					key, DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(source))),
					edata->message),
			 errdetail("The row was inserted; its alert is kept in prevent.alert_failure."),
			 errhint("prevent.alert_failure has the alert and the error; fix the cause.")));
}

/*
 * Write the queued alerts and issue their orders.  An incident row is never
 * rejected because of its alert's data: if the batch fails with such an
 * error, each alert is written alone, and one that still fails is kept in
 * prevent.alert_failure with its error, the incident row staying inserted.
 */
void
watch_flush_queue(void)
{
	Datum	   *items;
	uint8	   *flags;
	int			n;
	Datum		actor;
	ErrorData  *edata;

	if (queue.n == 0)
		return;
	actor = DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(GetUserId(), false)));
	n = queue.n;
	items = palloc(n * sizeof(Datum));
	memcpy(items, queue.items, n * sizeof(Datum));
	flags = palloc(n * sizeof(uint8));
	memcpy(flags, queue.flags, n * sizeof(uint8));
	queue.n = 0;
	edata = write_batch_guarded(items, flags, n, actor);
	if (edata != NULL)
	{
		FreeErrorData(edata);
		for (int i = 0; i < n; i++)
			if ((edata = write_batch_guarded(&items[i], &flags[i], 1, actor)) != NULL)
			{
				keep_failure(items[i], edata);
				FreeErrorData(edata);
			}
	}
	pfree(items);
	pfree(flags);
	/* written, or kept back: the items can go (none was queued meanwhile) */
	if (queue.n == 0)
		MemoryContextReset(queue.mcxt);
}
