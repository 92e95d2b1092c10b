/*
 * registry.c — what is watched, cached per backend, and the one reset of
 * everything the workflow glue keeps (watch_state, watch.h).
 *
 * Caching rule: registrations are cached by relation OID and dropped, with
 * the owner, schema, types and kept plans, on any relcache invalidation of
 * prevent.watched (its statement trigger sends one on every change, and
 * DROP EXTENSION drops it) or of a watched table (ALTER TABLE, DROP); the
 * identifiers of prevent.person (persons.c) on one of prevent.person.
 * Lookups run as the extension owner inside SPI (prevent_spi_begin), so a
 * role that may only INSERT into its table still finds its registration.
 *
 * Version rule: this library serves the SQL objects of its own version
 * (PREVENT_VERSION, the Makefile's EXTVERSION) and no other: the trigger
 * builds prevent._alert_input with that version's attributes, the writer's
 * statement (alert_batch.sql) and the kept plans name that version's
 * columns and settings.  After make install of a new version, a database
 * still at the old one (until ALTER EXTENSION prevent UPDATE) gets a clear
 * error from every entry point of the workflow glue, all of which resolve
 * the extension's objects through watch_owner() first.  The check is made
 * there, once per reset of this cache, not per row; an update script ends
 * by invalidating prevent.watched, so that sessions of the older library
 * that had resolved the objects check again (prevent--0.1.0--0.2.0.sql).
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "prevent.h"
#include "watch/watch.h"

WatchState	watch_state;

/* forget every object, registration and plan: the extension may be a new one */
void
watch_state_reset(void)
{
	SPIPlanPtr	plans[] = {watch_state.alert_plan_small, watch_state.alert_plan_large,
		watch_state.issue_plan, watch_state.lock_plan, watch_state.lock_registrations_plan,
		watch_state.find_alerts_plan, watch_state.lock_alerts_plan, watch_state.retire_plan,
		watch_state.shard_plan};

	for (int i = 0; i < lengthof(plans); i++)
		if (plans[i] != NULL)
			SPI_freeplan(plans[i]);
	for (int i = 0; i < watch_state.n_act_plans; i++)
		SPI_freeplan(watch_state.act_plans[i].plan);
	if (watch_state.registrations != NULL)
		hash_destroy(watch_state.registrations);
	watch_persons_forget();
	if (watch_state.mcxt != NULL)
		MemoryContextReset(watch_state.mcxt);

	/* every Oid field InvalidOid (0), every pointer NULL, the context and the generation kept */
	{
		MemoryContext mcxt = watch_state.mcxt;
		uint64		persons_generation = watch_state.persons_generation;

		memset(&watch_state, 0, sizeof(watch_state));
		watch_state.mcxt = mcxt;
		watch_state.persons_generation = persons_generation;
	}
}

/*
 * An invalidation drops the registrations at once (callers copy an entry
 * out before anything can process invalidations) and marks the rest stale:
 * a plan may be running, so plans are freed at the next watch_owner(), the
 * first call of every entry point that uses them.
 */
static void
watch_relcache_cb(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == watch_state.person_relid)
		watch_persons_forget();
	if (relid == InvalidOid || relid == watch_state.watched_relid ||
		(watch_state.registrations != NULL &&
		 hash_search(watch_state.registrations, &relid, HASH_FIND, NULL) != NULL))
	{
		if (watch_state.registrations != NULL)
			hash_destroy(watch_state.registrations);
		watch_state.registrations = NULL;
		watch_state.stale = true;
	}
}

void
watch_cache_init(void)
{
	watch_state_reset();
	CacheRegisterRelcacheCallback(watch_relcache_cb, (Datum) 0);
	watch_writer_init();
}

/* <0, 0 or >0 as release a ("0.2.0") is before, equal to or after release b, number by number */
static int
version_cmp(const char *a, const char *b)
{
	for (;;)
	{
		char	   *end_a;
		char	   *end_b;
		long		x = strtol(a, &end_a, 10);
		long		y = strtol(b, &end_b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		a = strchr(end_a, '.');
		b = strchr(end_b, '.');
		if (a == NULL || b == NULL)
			return (a != NULL) - (b != NULL);
		a++;
		b++;
	}
}

/*
 * The extension's SQL objects are of this library's version (the version
 * rule above).  An older extension needs its update; an older library (a
 * session that loaded it before make install replaced it) needs a new session.
 */
static void
watch_check_version(void)
{
	char	   *installed = prevent_extension_version();

	if (strcmp(installed, PREVENT_VERSION) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"prevent\" is installed at version %s, but its library is version %s",
						installed, PREVENT_VERSION),
				 errdetail("Watched tables, work orders and back-fills need the SQL objects of the library's version."),
				 version_cmp(installed, PREVENT_VERSION) < 0
				 ? errhint("Run ALTER EXTENSION prevent UPDATE.")
				 : errhint("Reconnect: this session loaded the library before version %s was installed.", installed)));
	pfree(installed);
}

/* the owner of the extension's tables, who runs the internal functions */
Oid
watch_owner(void)
{
	if (watch_state.stale)
		watch_state_reset();
	if (!OidIsValid(watch_state.owner))
	{
		Oid			schema;

		watch_check_version();
		schema = prevent_schema_oid();

		watch_state.owner = prevent_owner_oid(schema);
		watch_state.schema = schema;
		watch_state.watched_relid = get_relname_relid("watched", schema);
		watch_state.person_relid = get_relname_relid("person", schema);
	}
	return watch_state.owner;
}

Oid
watch_schema(void)
{
	(void) watch_owner();
	return watch_state.schema;
}

/* a type of prevent's schema, cached in *cached (a field of watch_state) */
Oid
watch_type(Oid *cached, const char *name)
{
	if (!OidIsValid(*cached))
	{
		*cached = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name),
								  ObjectIdGetDatum(watch_schema()));
		if (!OidIsValid(*cached))
			elog(ERROR, "type prevent.%s does not exist", name);
	}
	return *cached;
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

/* the attribute numbers of a text[] of column names (what: as column_attnum says it), at most max */
static int
column_attnums(Relation rel, Datum names, bool isnull, const char *what, const char *plural, int max,
			   AttrNumber *atts)
{
	Datum	   *elems;
	bool	   *enulls;
	int			n;
	int			found = 0;

	if (isnull)
		return 0;
	deconstruct_array(DatumGetArrayTypeP(names), TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
	if (n > max)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a watched table may have at most %d %s", max, plural)));
	for (int i = 0; i < n; i++)
		if (!enulls[i])
			atts[found++] = column_attnum(rel, TextDatumGetCString(elems[i]), what);
	return found;
}

/*
 * The narrative column must be a varlena string type: text, varchar or
 * char(n), or a domain over one.  watch() refuses others and an event
 * trigger refuses ALTER COLUMN ... TYPE to others; this is the last line,
 * for registrations made with those checks bypassed.
 */
void
watch_check_text_type(Relation rel, AttrNumber att, Oid typid)
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

/* read the registration of table source into w, for rel (source or a partition or shard of it) */
static bool
watch_load_registration(WatchInfo *w, Relation rel, Oid source)
{
	Datum		arg = ObjectIdGetDatum(source);
	Oid			argtypes[1] = {OIDOID};
	int			rc;
	HeapTuple	tup;
	TupleDesc	desc;
	bool		isnull;
	Datum		names;

	rc = SPI_execute_with_args("SELECT w.text_columns::pg_catalog.text[], w.key_column::pg_catalog.text, "
							   "w.unit_column::pg_catalog.text, w.occurred_column::pg_catalog.text, "
							   "w.party_columns::pg_catalog.text[], "
							   /* the level by its position in the enum, as the C code counts */
							   "pg_catalog.array_position(pg_catalog.enum_range(NULL::prevent.risk_level), w.alert_level) "
							   "OPERATOR(pg_catalog.-) 1, "
							   "w.repeat_window, w.repeat_threshold "
							   "FROM prevent.watched w "
							   "WHERE w.source::pg_catalog.oid OPERATOR(pg_catalog.=) $1",
							   1, argtypes, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		return false;
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	w->registered = true;
	w->source = source;
	names = SPI_getbinval(tup, desc, 1, &isnull);
	w->ntext = column_attnums(rel, names, isnull, "text column", "narrative columns",
							  WATCH_MAX_TEXT_COLUMNS, w->text_att);
	if (w->ntext == 0)
		elog(ERROR, "watched table \"%s\" has no narrative column", RelationGetRelationName(rel));
	for (int i = 0; i < w->ntext; i++)
	{
		w->text_type[i] = TupleDescAttr(RelationGetDescr(rel), w->text_att[i] - 1)->atttypid;
		watch_check_text_type(rel, w->text_att[i], w->text_type[i]);
	}
	w->key_att = column_attnum(rel, SPI_getvalue(tup, desc, 2), "key column");
	w->unit_att = column_attnum(rel, SPI_getvalue(tup, desc, 3), "unit column");
	w->occurred_att = column_attnum(rel, SPI_getvalue(tup, desc, 4), "occurred column");
	names = SPI_getbinval(tup, desc, 5, &isnull);
	w->nparty = column_attnums(rel, names, isnull, "party column", "party columns",
							   WATCH_MAX_PARTY_COLUMNS, w->party_att);
	w->alert_level = DatumGetInt32(SPI_getbinval(tup, desc, 6, &isnull));
	w->repeat_window = *DatumGetIntervalP(SPI_getbinval(tup, desc, 7, &isnull));
	w->repeat_threshold = DatumGetInt32(SPI_getbinval(tup, desc, 8, &isnull));
	return true;
}

/*
 * The table rel is a shard of, if it is a Citus shard (named <table>_<shard
 * id> by Citus, and listed in pg_dist_shard, which workers of a cluster with
 * metadata have): the trigger on a shard fires for its table's registration.
 * InvalidOid if it is not one (and always without Citus).
 */
static Oid
watch_citus_table(Relation rel)
{
	const char *name = RelationGetRelationName(rel);
	const char *sep = strrchr(name, '_');
	char	   *end;
	int64		shardid;
	Datum		arg;
	Oid			argtypes[1] = {INT8OID};
	bool		isnull;
	Datum		table;
	int			rc;

	if (sep == NULL || sep[1] == '\0' ||
		!OidIsValid(get_relname_relid("pg_dist_shard", PG_CATALOG_NAMESPACE)))
		return InvalidOid;
	errno = 0;
	shardid = strtoll(sep + 1, &end, 10);
	if (errno != 0 || *end != '\0' || shardid <= 0)
		return InvalidOid;
	arg = Int64GetDatum(shardid);
	rc = SPI_execute_with_args("SELECT s.logicalrelid::pg_catalog.oid FROM pg_catalog.pg_dist_shard s "
							   "WHERE s.shardid OPERATOR(pg_catalog.=) $1",
							   1, argtypes, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		return InvalidOid;
	table = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? InvalidOid : DatumGetObjectId(table);
}

/* look up (as the owner, inside SPI) the registration of rel, an ancestor, or its Citus table */
static void
watch_load(WatchInfo *w, Relation rel)
{
	List	   *candidates = list_make1_oid(RelationGetRelid(rel));
	ListCell   *lc;
	Oid			table;

	if (rel->rd_rel->relispartition)
		candidates = list_concat(candidates, get_partition_ancestors(RelationGetRelid(rel)));
	w->registered = false;
	foreach(lc, candidates)
		if (watch_load_registration(w, rel, lfirst_oid(lc)))
			return;
	table = watch_citus_table(rel);
	if (OidIsValid(table) && watch_load_registration(w, rel, table))
		w->citus_shard = true;
}

/* the registration of rel (registered false if it has none), loaded on first use */
WatchInfo *
watch_info_get(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	WatchInfo  *w;
	bool		found;
	WatchInfo	loaded;
	PreventSpi	spi;
	MemoryContext old;

	if (watch_state.registrations == NULL)
	{
		HASHCTL		ctl;

		if (watch_state.mcxt == NULL)
			watch_state.mcxt = AllocSetContextCreate(TopMemoryContext, "prevent watch cache",
													 ALLOCSET_SMALL_SIZES);
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(WatchInfo);
		ctl.hcxt = watch_state.mcxt;
		watch_state.registrations = hash_create("prevent watch cache", 16, &ctl,
												HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	w = hash_search(watch_state.registrations, &relid, HASH_FIND, &found);
	if (w != NULL)
		return w;

	memset(&loaded, 0, sizeof(loaded));
	loaded.relid = relid;
	prevent_spi_begin(&spi, watch_owner());
	/* read as of now: the cache outlives this transaction's snapshot */
	PushActiveSnapshot(GetLatestSnapshot());
	old = MemoryContextSwitchTo(watch_state.mcxt);
	watch_load(&loaded, rel);
	MemoryContextSwitchTo(old);
	PopActiveSnapshot();
	prevent_spi_end(&spi);
	/* the callback may have reset the cache meanwhile */
	if (watch_state.registrations == NULL)
		return watch_info_get(rel);
	w = hash_search(watch_state.registrations, &relid, HASH_ENTER, &found);
	*w = loaded;
	return w;
}
