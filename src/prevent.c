/*
 * prevent.c — module entry point: registers the lexicon cache's
 * invalidation callback and points the pure core's allocator at palloc;
 * prevent.version(), what the loaded module was built from.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "core/normalize.h"
#include "prevent.h"

PG_MODULE_MAGIC;

#ifndef PREVENT_VERSION
#error "PREVENT_VERSION is not defined (the Makefile passes EXTVERSION)"
#endif

PG_FUNCTION_INFO_V1(prevent_version);

void		_PG_init(void);

static void *
core_alloc(size_t size)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, size);
}

static void *
core_resize(void *ptr, size_t size)
{
	return repalloc_huge(ptr, size);
}

static void
core_release(void *ptr)
{
	pfree(ptr);
}

static void
core_check_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

void
prevent_set_core_allocator(void)
{
	static const pv_allocator hooks = {core_alloc, core_resize, core_release};

	pv_set_allocator(&hooks);
	pv_interrupt_hook = core_check_interrupts;
}

void
_PG_init(void)
{
	prevent_set_core_allocator();
	lexicon_cache_init();
	watch_cache_init();
}

/*
 * prevent.version(): the version of the loaded module (compare it with
 * pg_extension.extversion after an upgrade) and the Unicode and ICU
 * versions its normalization table was generated from (normtable.h).
 */
Datum
prevent_version(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = CStringGetTextDatum(PREVENT_VERSION);
	values[1] = CStringGetTextDatum(pv_norm_unicode_version());
	values[2] = CStringGetTextDatum(pv_norm_icu_version());
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
