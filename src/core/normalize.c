/*
 * normalize.c — table-driven normalization of UTF-8 text (pure C).
 *
 * The per-row path is one table lookup per code point.  The table
 * (normtable.h) is committed source, generated from ICU by
 * gen/normtable_gen.c only when `make update-normtable` is run.
 */
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "normtable.h"

static pv_allocator pv_alloc_hooks = {malloc, realloc, free};

void		(*pv_interrupt_hook) (void) = NULL;

void
pv_set_allocator(const pv_allocator *a)
{
	pv_alloc_hooks = *a;
}

void *
pv_alloc(size_t size)
{
	return pv_alloc_hooks.alloc(size ? size : 1);
}

void *
pv_resize(void *ptr, size_t size)
{
	return pv_alloc_hooks.resize(ptr, size ? size : 1);
}

void
pv_release(void *ptr)
{
	if (ptr)
		pv_alloc_hooks.release(ptr);
}

const char *
pv_norm_unicode_version(void)
{
	return PV_NORM_UNICODE_VERSION;
}

const char *
pv_norm_icu_version(void)
{
	return PV_NORM_ICU_VERSION;
}

size_t
pv_normalize_chunk(const char *src, size_t len, size_t *pos, char *dst, size_t dstcap)
{
	const unsigned char *s = (const unsigned char *) src;
	unsigned char *out = (unsigned char *) dst;
	size_t		i = *pos;
	size_t		o = 0;
	size_t		next_check = i + PV_INTERRUPT_EVERY;

	while (i < len && o + PV_NORM_MAX_BYTES <= dstcap)
	{
		pv_norm_char nc;

		pv_norm_next(s, len, &i, &nc);
		if (i >= next_check)
		{
			next_check = i + PV_INTERRUPT_EVERY;
			if (pv_interrupt_hook)
				pv_interrupt_hook();
		}
		/* noise and soft breaks are dropped (n = 0), hard breaks stay */
		for (int k = 0; k < nc.n; k++)
			o += pv_utf8_put(pv_norm_cp(&nc, k), out + o);
	}
	*pos = i;
	return o;
}

char *
pv_normalize(const char *src, size_t len, size_t *outlen)
{
	size_t		cap = len + PV_NORM_MAX_BYTES + 1;
	size_t		o = 0;
	size_t		i = 0;
	char	   *out = pv_alloc(cap);

	if (out == NULL)
		return NULL;
	for (;;)
	{
		/* room for one more character and the NUL */
		o += pv_normalize_chunk(src, len, &i, out + o, cap - 1 - o);
		if (i >= len)
			break;
		{
			char	   *grown;

			cap = cap * 2 + PV_NORM_MAX_BYTES + 1;
			grown = pv_resize(out, cap);
			if (grown == NULL)
			{
				pv_release(out);
				return NULL;
			}
			out = grown;
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}
