/*
 * persons.c — the identifiers of prevent.person, cached per backend: the
 * row trigger's filter for persons of concern.
 *
 * A row below its table's alert level that has some risk signal (level low
 * or above) still becomes an alert when a person of concern among its
 * parties raises it; that rule (active when the incident occurred, the
 * kind's floor) is the alert writer's, in alert_batch.sql alone.  The
 * trigger only needs a superset of those rows: it queues such a row when
 * one of its parties is an identifier of prevent.person at all (any period,
 * any kind), and the writer drops what the rule does not raise.
 *
 * Caching rule: the identifiers are read once (as the extension owner, with
 * the latest snapshot) into a hash table in watch_state, and dropped on any
 * relcache invalidation of prevent.person, which its statement trigger
 * prevent.lexicon_changed() sends on every change (as for the lexicon: this
 * backend takes it in at the end of the command, others at their next
 * statement, lexicon_cache_get()).  An empty table is kept as no table at
 * all, so the common case costs one test per row below the alert level.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "core/parties.h"
#include "prevent.h"
#include "watch/watch.h"

/* an entry of the set: an identifier, cut to PV_KEY_MAX bytes (a longer one only matches more) */
typedef struct PersonKey
{
	char		identifier[PV_KEY_MAX + 1];
} PersonKey;

/* read prevent.person's identifiers into a new set (NULL if there are none) */
static HTAB *
persons_load(void)
{
	HTAB	   *set = NULL;
	PreventSpi	spi;
	int			rc;

	prevent_spi_begin(&spi, watch_owner());
	if (!OidIsValid(watch_state.person_relid))
		elog(ERROR, "table prevent.person does not exist");
	/* read as of now: the set outlives this transaction's snapshot */
	PushActiveSnapshot(GetLatestSnapshot());
	rc = SPI_execute("SELECT DISTINCT p.identifier FROM prevent.person p", true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "reading prevent.person failed: %s", SPI_result_code_string(rc));
	if (SPI_processed > 0)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(PersonKey);
		ctl.entrysize = sizeof(PersonKey);
		ctl.hcxt = watch_state.mcxt;
		set = hash_create("prevent persons of concern", (long) SPI_processed, &ctl,
						  HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			char	   *s = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);

			if (s != NULL)
				(void) hash_search(set, s, HASH_ENTER, NULL);
		}
	}
	PopActiveSnapshot();
	prevent_spi_end(&spi);
	return set;
}

/* the set, loaded on first use; NULL: prevent.person is empty */
static HTAB *
persons_get(void)
{
	while (!watch_state.persons_loaded)
	{
		uint64		generation = watch_state.persons_generation;
		HTAB	   *set;

		if (watch_state.mcxt == NULL)
			watch_state.mcxt = AllocSetContextCreate(TopMemoryContext, "prevent watch cache",
													 ALLOCSET_SMALL_SIZES);
		set = persons_load();
		/* invalidated while it was read: read it again */
		if (generation != watch_state.persons_generation)
		{
			if (set != NULL)
				hash_destroy(set);
			continue;
		}
		watch_state.persons = set;
		watch_state.persons_loaded = true;
	}
	return watch_state.persons;
}

/* drop the set (the relcache callback, and watch_state_reset) */
void
watch_persons_forget(void)
{
	if (watch_state.persons != NULL)
		hash_destroy(watch_state.persons);
	watch_state.persons = NULL;
	watch_state.persons_loaded = false;
	watch_state.persons_generation++;
}

/* whether prevent.person has any row */
bool
watch_persons_any(void)
{
	return persons_get() != NULL;
}

/* whether any of parties (text[]) is an identifier of prevent.person */
bool
watch_persons_named(ArrayType *parties)
{
	HTAB	   *set = persons_get();
	Datum	   *elems;
	bool	   *enulls;
	int			n;

	if (set == NULL)
		return false;
	deconstruct_array(parties, TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
	for (int i = 0; i < n; i++)
	{
		PersonKey	key;
		text	   *t;
		size_t		len;

		if (enulls[i])
			continue;
		t = DatumGetTextPP(elems[i]);
		len = Min(VARSIZE_ANY_EXHDR(t), PV_KEY_MAX);
		memcpy(key.identifier, VARDATA_ANY(t), len);
		key.identifier[len] = '\0';
		if (hash_search(set, &key, HASH_FIND, NULL) != NULL)
			return true;
	}
	return false;
}
