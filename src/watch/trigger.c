/*
 * trigger.c — the triggers prevent.watch() attaches to incident tables.
 *
 * The row trigger (AFTER INSERT, and AFTER UPDATE of the watched columns
 * when one changed; FOR EACH ROW, so COPY and multi-row statements are
 * covered) scans the narrative columns, joined into one text
 * (prevent_join_columns), with the cached lexicon in C.  A row at or above
 * its alert level becomes a prevent._alert_input value (parties extracted
 * in C, core/parties.c) queued for the statement; so does a row below it
 * with some risk signal when one of its parties is registered in
 * prevent.person (persons.c), for the writer to raise or drop, and every
 * updated row, whose alert (if it has one) records the new assessment; the
 * statement trigger prevent_watch_flush hands the whole queue to the writer
 * (writer.c).  In row mode (setting watch_mode = 'row', and always for
 * partitioned tables, whose partitions do not inherit statement triggers)
 * the row trigger flushes at once: that path needs no statement trigger,
 * for a deployment that distributes the table by unit.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "core/parties.h"
#include "prevent.h"
#include "watch/watch.h"

PG_FUNCTION_INFO_V1(prevent_watch_trigger);
PG_FUNCTION_INFO_V1(prevent_watch_flush);
PG_FUNCTION_INFO_V1(prevent_assess_history);
PG_FUNCTION_INFO_V1(prevent_write_history);
PG_FUNCTION_INFO_V1(prevent_stored_key);

#define FLUSH_AT 10000			/* queued alerts that force a flush mid-statement */
#define ALERT_INPUT_NATTS 16	/* attributes of prevent._alert_input */

/* scanned into row after row (backend lifetime); trimmed after each */
static pv_result scan_result;
static PvPositions scan_positions;	/* last occurrences, for dispositions */

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

/* a key or unit as prevent stores and indexes it: at most PV_KEY_MAX bytes (core/parties.h) */
static Datum
stored_text(const char *s)
{
	size_t		len = strlen(s);
	char		key[PV_KEY_MAX + 1];

	if (len <= PV_KEY_MAX)
		return CStringGetTextDatum(s);
	return PointerGetDatum(cstring_to_text_with_len(key, (int) pv_key(s, len, key)));
}

/*
 * prevent._stored_key(key text) returns text: a key as alerts store it (the
 * rule above), so that prevent.rescan() finds a row's alert by
 * (source, source_key) for keys of any length
 */
Datum
prevent_stored_key(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(stored_text(text_to_cstring(PG_GETARG_TEXT_PP(0))));
}

/* when a row's incident occurred: its occurred column, or (*own false) the transaction's start */
static TimestampTz
column_timestamptz(HeapTuple tup, TupleDesc desc, AttrNumber att, bool *own)
{
	bool		isnull;
	Datum		d;

	*own = false;
	if (att == 0)
		return GetCurrentTransactionStartTimestamp();
	d = heap_getattr(tup, att, desc, &isnull);
	if (isnull)
		return GetCurrentTransactionStartTimestamp();
	*own = true;
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

/*
 * The repeat window around t: t - window to t + window, an end infinite
 * where it would pass the limits of timestamptz (a row dated near them must
 * not be rejected for a 22008 in the window arithmetic).  The bound on the
 * window's length counts a month as 31 days and every part as positive.
 */
static void
repeat_window(TimestampTz t, const Interval *window, TimestampTz *from, TimestampTz *to)
{
	int64		span;
	int64		edge;
	bool		overflow;

	if (TIMESTAMP_NOT_FINITE(t))
	{
		*from = *to = t;
		return;
	}
	overflow = pg_mul_s64_overflow((int64) Abs(window->month) * 31 + Abs(window->day), USECS_PER_DAY, &span) ||
		window->time == PG_INT64_MIN || pg_add_s64_overflow(span, Abs(window->time), &span);
	if (overflow || pg_sub_s64_overflow(t, span, &edge) || edge < MIN_TIMESTAMP)
		TIMESTAMP_NOBEGIN(*from);
	else
		*from = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval, TimestampTzGetDatum(t),
														IntervalPGetDatum(window)));
	if (overflow || pg_add_s64_overflow(t, span, &edge) || edge >= END_TIMESTAMP)
		TIMESTAMP_NOEND(*to);
	else
		*to = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval, TimestampTzGetDatum(t),
													  IntervalPGetDatum(window)));
}

/* the parties of a row: its party columns' values and the numbers in its narrative */
static ArrayType *
row_parties(HeapTuple tup, TupleDesc desc, const WatchInfo *w, text *doc)
{
	pv_parties	ps = {0};
	ArrayType  *parties;
	char	   *s;
	bool		isnull;

	for (int i = 0; i < w->nparty; i++)
		if ((s = column_text(tup, desc, w->party_att[i], &isnull)) != NULL)
			prevent_check_parties(pv_parties_add_value(&ps, s, strlen(s)));
	prevent_check_parties(pv_parties_from_text(&ps, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc)));
	parties = prevent_parties_array(&ps);
	pv_parties_free(&ps);
	return parties;
}

/* where a row to assess comes from */
typedef enum RowOrigin
{
	ROW_INSERTED,				/* the trigger, AFTER INSERT */
	ROW_UPDATED,				/* the trigger, AFTER UPDATE of a watched column */
	ROW_HISTORIC				/* prevent.backfill(), prevent.rescan() */
} RowOrigin;

/* the prevent._alert_input value of a row that raised an alert, in the queue's context */
static Datum
alert_input(Relation rel, HeapTuple tup, const WatchInfo *w, const PvLexicon *lex,
			const PvAssessment *as, ArrayType *parties, RowOrigin origin, bool reassess)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Datum		values[ALERT_INPUT_NATTS];
	bool		nulls[ALERT_INPUT_NATTS] = {false};
	ArrayType  *categories;
	ArrayType  *terms;
	char	   *s;
	bool		isnull;
	TupleDesc	itemdesc;
	Datum		item;
	TimestampTz from,
				to;
	bool		own_time;
	MemoryContext old;

	prevent_assessment_arrays(lex, &scan_result, as, &categories, &terms);
	values[0] = ObjectIdGetDatum(w->source);
	s = column_text(tup, desc, w->key_att, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("key column of watched table \"%s\" is NULL", RelationGetRelationName(rel)),
				 errhint("Every incident needs a key to be tracked.")));
	values[1] = stored_text(s);
	if (w->unit_att != 0 && (s = column_text(tup, desc, w->unit_att, &isnull)) != NULL)
		values[2] = stored_text(s);
	else
		nulls[2] = true;
	/*
	 * A row that may have an alert and has no time of its own keeps its
	 * alert's (alert_batch.sql): NULL here, the window made around the
	 * transaction's start (the writer moves it).
	 */
	values[3] = TimestampTzGetDatum(column_timestamptz(tup, desc, w->occurred_att, &own_time));
	nulls[3] = reassess && !own_time;
	values[4] = Int32GetDatum(as->score);
	values[5] = lex->level_values[as->level];
	values[6] = PointerGetDatum(categories);
	values[7] = PointerGetDatum(terms);
	values[8] = PointerGetDatum(parties);
	repeat_window(DatumGetTimestampTz(values[3]), &w->repeat_window, &from, &to);
	values[9] = TimestampTzGetDatum(from);
	values[10] = TimestampTzGetDatum(to);
	values[11] = Int32GetDatum(w->repeat_threshold);
	values[12] = BoolGetDatum(origin == ROW_HISTORIC);
	values[13] = lex->level_values[w->alert_level];
	values[14] = BoolGetDatum(origin == ROW_UPDATED);
	values[15] = BoolGetDatum(reassess);

	itemdesc = lookup_rowtype_tupdesc(watch_type(&watch_state.alert_input_type, "_alert_input"), -1);
	if (itemdesc->natts != ALERT_INPUT_NATTS)
		elog(ERROR, "type prevent._alert_input has %d attributes, not %d", itemdesc->natts, ALERT_INPUT_NATTS);
	old = MemoryContextSwitchTo(watch_queue_context());
	item = HeapTupleGetDatum(heap_form_tuple(itemdesc, values, nulls));
	MemoryContextSwitchTo(old);
	ReleaseTupleDesc(itemdesc);
	return item;
}

/*
 * The narrative of a row: its text column, or its text columns joined
 * (prevent.h); NULL when every one is NULL.
 */
static text *
row_narrative(Relation rel, HeapTuple tup, const WatchInfo *w)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Datum		values[WATCH_MAX_TEXT_COLUMNS];
	bool		nulls[WATCH_MAX_TEXT_COLUMNS];
	bool		any = false;

	for (int i = 0; i < w->ntext; i++)
	{
		Oid			typid = TupleDescAttr(desc, w->text_att[i] - 1)->atttypid;

		if (typid != w->text_type[i])
			watch_check_text_type(rel, w->text_att[i], typid);
		values[i] = heap_getattr(tup, w->text_att[i], desc, &nulls[i]);
		any |= !nulls[i];
	}
	if (!any)
		return NULL;
	if (w->ntext == 1)
		return DatumGetTextPP(values[0]);
	return prevent_join_columns(values, nulls, w->ntext, NULL);
}

/*
 * Assess a row of a watched table and queue its alert if it reaches the
 * table's alert level (or may, through a person of concern); an updated row
 * is queued whatever its level, optional below it: the writer re-assesses
 * the row's alert if it has one, and drops the rest.  The one path of the
 * trigger and of history (prevent.backfill, prevent.rescan).  Returns
 * whether it queued.
 */
static bool
assess_row(Relation rel, HeapTuple tup, RowOrigin origin)
{
	TupleDesc	desc = RelationGetDescr(rel);
	WatchInfo	w;
	PvLexicon  *lex;
	PvAssessment as;
	text	   *doc;
	ArrayType  *parties;
	MemoryContext old;
	uint8		flags = 0;

	/*
	 * The lexicon first: taking in invalidations may drop the registrations,
	 * so the registration is copied out after it.
	 */
	lex = lexicon_cache_get();
	w = *watch_info_get(rel);
	if (!w.registered && origin == ROW_HISTORIC)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" is not watched", RelationGetRelationName(rel)),
				 errhint("Call prevent.watch() for it first.")));
	if (!w.registered)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has the prevent_watch trigger but is not watched",
						RelationGetRelationName(rel)),
				 errhint("Call prevent.watch() for it, or drop the trigger.")));

	/*
	 * An updated row may have an alert to re-assess; so may a row inserted
	 * into a partition: an UPDATE that moves a row to another partition
	 * fires the INSERT triggers there, not the UPDATE ones.
	 */
	if (origin == ROW_UPDATED || (origin == ROW_INSERTED && rel->rd_rel->relispartition))
		flags |= WATCH_ITEM_REASSESS;
	if (w.citus_shard)
		flags |= WATCH_ITEM_SHARD;

	doc = row_narrative(rel, tup, &w);
	if (doc == NULL)
	{
		/* NULL text is no risk; an updated row's alert records that */
		if (origin != ROW_UPDATED)
			return false;
		doc = cstring_to_text("");
	}

	/* in memory that does not grow with the narrative, and what it grew to does not stay */
	scan_positions.alloc_mcxt = TopMemoryContext;
	prevent_scan_assess(lex, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &scan_result, &scan_positions,
						TopMemoryContext, &as);
	old = MemoryContextSwitchTo(TopMemoryContext);
	pv_result_trim(&scan_result, 64 * 1024);
	MemoryContextSwitchTo(old);
	parties = NULL;
	if (as.level < w.alert_level)
	{
		/*
		 * Below the alert level, a row with some risk signal is an alert only
		 * if a person of concern among its parties raises it: the writer
		 * decides (alert_batch.sql); this queues a superset of those rows, and
		 * costs one test while prevent.person is empty.
		 */
		if (as.level >= PV_LEVEL_LOW && watch_persons_any())
		{
			parties = row_parties(tup, desc, &w, doc);
			if (!watch_persons_named(parties))
				parties = NULL;
		}
		if (parties == NULL)
		{
			if (origin != ROW_UPDATED)
				return false;
			flags |= WATCH_ITEM_OPTIONAL;
		}
	}
	if (parties == NULL)
		parties = row_parties(tup, desc, &w, doc);

	watch_queue_alert(alert_input(rel, tup, &w, lex, &as, parties, origin, (flags & WATCH_ITEM_REASSESS) != 0),
					  flags);
	return true;
}

Datum
prevent_watch_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prevent.watch_trigger() must be called as a trigger")));
	if (!TRIGGER_FIRED_AFTER(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prevent.watch_trigger() must be fired AFTER INSERT or UPDATE FOR EACH ROW"),
				 errhint("Use prevent.watch() to attach it.")));

	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		if (!assess_row(td->tg_relation, td->tg_newtuple, ROW_UPDATED))
			return PointerGetDatum(NULL);
	}
	else if (!assess_row(td->tg_relation, td->tg_trigtuple, ROW_INSERTED))
		return PointerGetDatum(NULL);
	if ((td->tg_trigger->tgnargs > 0 && strcmp(td->tg_trigger->tgargs[0], "row") == 0) ||
		watch_queue_length() >= FLUSH_AT)
		watch_flush_queue();
	return PointerGetDatum(NULL);
}

/*
 * prevent._assess_history(tbl regclass, r record) returns boolean: assess a
 * row already in watched table tbl (r is a whole row of it, as in SELECT
 * prevent._assess_history(tbl, t) FROM tbl t) and queue its alert as a
 * historic one; prevent._write_history() writes the queue.  Called by
 * prevent.backfill() and prevent.rescan(), as their owner.
 */
Datum
prevent_assess_history(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(1);	/* STRICT: never NULL */
	HeapTupleData tup;
	Relation	rel;
	bool		queued;

	rel = relation_open(relid, AccessShareLock);
	if (HeapTupleHeaderGetTypeId(row) != rel->rd_rel->reltype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("row is of type %s, not a row of table %s",
						format_type_be(HeapTupleHeaderGetTypeId(row)), RelationGetRelationName(rel))));
	tup.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tup.t_self);
	tup.t_tableOid = relid;
	tup.t_data = row;
	queued = assess_row(rel, &tup, ROW_HISTORIC);
	relation_close(rel, AccessShareLock);
	if (queued && watch_queue_length() >= FLUSH_AT)
		watch_flush_queue();
	PG_RETURN_BOOL(queued);
}

/*
 * prevent._write_history() returns bigint: write what
 * prevent._assess_history() queued; returns the alerts written in this
 * transaction since its last call (rows alerted before are left out by the
 * writer, so a row found again by a later run counts nothing)
 */
Datum
prevent_write_history(PG_FUNCTION_ARGS)
{
	watch_flush_queue();
	PG_RETURN_INT64(watch_take_written());
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
	watch_flush_queue();
	return PointerGetDatum(NULL);
}
