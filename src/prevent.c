/*
 * prevent.c — module entry point: registers the lexicon cache's
 * invalidation callback and points the pure core's allocator at palloc.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "core/normalize.h"
#include "prevent.h"

PG_MODULE_MAGIC;

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
