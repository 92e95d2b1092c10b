/*
 * index_keys.c — the keys of prevent.gin_ops: a text's trigrams, a search
 * term's keys and whether they prove it, and the any-of reduction of a term
 * set (pure C; see index_keys.h for the layout and the proof rule).
 */
#include <stdlib.h>
#include <string.h>

#include "index_keys.h"
#include "matcher.h"
#include "normalize.h"

/* a growing array of code points */
typedef struct cp_buf
{
	uint32_t   *cps;
	int32_t		n;
	int32_t		cap;
} cp_buf;

static inline int
is_break(uint32_t cp)
{
	return pv_norm_kind(pv_norm_entry(cp)) == PV_NK_BREAK;
}

static inline uint32_t
key_b(pv_index_key key)
{
	return (uint32_t) (key >> PV_IKEY_CP_BITS) & PV_IKEY_CP_MASK;
}

static inline uint32_t
key_c(pv_index_key key)
{
	return (uint32_t) key & PV_IKEY_CP_MASK;
}

int
pv_index_key_is_range(pv_index_key key)
{
	return key_c(key) == PV_IKEY_END && (key_b(key) == PV_IKEY_END || !is_break(key_b(key)));
}

int
pv_index_key_in_range(pv_index_key range, pv_index_key key)
{
	int			shift = key_b(range) == PV_IKEY_END ? 2 * PV_IKEY_CP_BITS : PV_IKEY_CP_BITS;

	return (range >> shift) == (key >> shift);
}

/* the normalized code points of a UTF-8 string, appended to cb */
static int
normalize_cps(const char *s, size_t len, cp_buf *cb)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0;

	while (i < len)
	{
		pv_norm_char nc;

		/* noise and soft breaks are dropped (n = 0), hard breaks stay */
		pv_norm_next(u, len, &i, &nc);
		if (cb->n + nc.n > cb->cap)
		{
			int32_t		cap = cb->cap * 2 > cb->n + nc.n + 64 ? cb->cap * 2 : cb->n + nc.n + 64;
			uint32_t   *grown = cb->cps ? pv_resize(cb->cps, sizeof(uint32_t) * cap)
				: pv_alloc(sizeof(uint32_t) * cap);

			if (grown == NULL)
				return PV_ERR_NOMEM;
			cb->cps = grown;
			cb->cap = cap;
		}
		for (int k = 0; k < nc.n; k++)
			cb->cps[cb->n++] = pv_norm_cp(&nc, k);
	}
	return PV_OK;
}

static int
keys_push(pv_index_keys *kb, pv_index_key key)
{
	if (kb->n >= kb->cap)
	{
		int32_t		cap = kb->cap ? kb->cap * 2 : 64;
		pv_index_key	   *grown = kb->keys ? pv_resize(kb->keys, sizeof(pv_index_key) * cap)
			: pv_alloc(sizeof(pv_index_key) * cap);

		if (grown == NULL)
			return PV_ERR_NOMEM;
		kb->keys = grown;
		kb->cap = cap;
	}
	kb->keys[kb->n++] = key;
	return PV_OK;
}

/* the key stored for position i of cps[0..n) */
static inline pv_index_key
key_at(const uint32_t *cps, int32_t n, int32_t i)
{
	uint32_t	b = i + 1 < n ? cps[i + 1] : PV_IKEY_END;
	uint32_t	c = (i + 2 < n && !is_break(b)) ? cps[i + 2] : PV_IKEY_END;

	return pv_index_key_make(cps[i], b, c);
}

static int
cmp_key(const void *a, const void *b)
{
	pv_index_key x = *(const pv_index_key *) a;
	pv_index_key y = *(const pv_index_key *) b;

	return (x > y) - (x < y);
}

int32_t
pv_index_keys_sort_unique(pv_index_key *keys, int32_t n)
{
	int32_t		u = 0;

	if (n <= 1)
		return n;
	qsort(keys, n, sizeof(pv_index_key), cmp_key);
	for (int32_t i = 0; i < n; i++)
		if (u == 0 || keys[u - 1] != keys[i])
			keys[u++] = keys[i];
	return u;
}

int
pv_text_keys(const char *s, size_t len, pv_index_keys *out)
{
	cp_buf		cb = {0};
	int			rc;

	out->n = 0;
	rc = normalize_cps(s, len, &cb);
	for (int32_t i = 0; rc == PV_OK && i < cb.n; i++)
		if (!is_break(cb.cps[i]))
			rc = keys_push(out, key_at(cb.cps, cb.n, i));
	pv_release(cb.cps);
	if (rc == PV_OK)
		out->n = pv_index_keys_sort_unique(out->keys, out->n);
	return rc;
}

int
pv_term_keys(const char *s, size_t len, pv_index_keys *out, int *proves)
{
	cp_buf		cb = {0};
	int			rc;
	int32_t		m;
	int32_t		n0 = out->n;

	*proves = 0;
	rc = normalize_cps(s, len, &cb);
	m = cb.n;
	for (int32_t i = 0; rc == PV_OK && i + 2 < m; i++)
		if (!is_break(cb.cps[i]))
			rc = keys_push(out, key_at(cb.cps, m, i));
	if (rc != PV_OK)
		;
	else if (m == 0)
		rc = PV_SEARCH_EMPTY;
	else if (out->n > n0)
		rc = PV_SEARCH_KEYS;
	else if (m >= 2 && !is_break(cb.cps[m - 2]))
		rc = keys_push(out, pv_index_key_make(cb.cps[m - 2], cb.cps[m - 1], PV_IKEY_END));
	else if (!is_break(cb.cps[m - 1]))
		rc = keys_push(out, pv_index_key_make(cb.cps[m - 1], PV_IKEY_END, PV_IKEY_END));
	else
		rc = PV_SEARCH_NO_KEYS;
	if (rc == PV_OK)
		rc = PV_SEARCH_KEYS;

	/* at most three characters, none but the last a break: its one key proves it */
	if (rc == PV_SEARCH_KEYS && m <= 3)
	{
		*proves = 1;
		for (int32_t i = 0; i + 1 < m; i++)
			if (is_break(cb.cps[i]))
				*proves = 0;
	}
	pv_release(cb.cps);
	return rc;
}

/* ------------------------------------------------------ any-of reduction */

typedef struct term_ref
{
	const char *s;
	size_t		len;
	int32_t		idx;
} term_ref;

static int
cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

static int
cmp_term_ref(const void *a, const void *b)
{
	const term_ref *x = a;
	const term_ref *y = b;
	int			c = cmp_bytes(x->s, x->len, y->s, y->len);

	return c != 0 ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* is s[0..len) one of the sorted terms? */
static int
terms_have(const term_ref *sorted, int32_t n, const char *s, size_t len)
{
	int32_t		lo = 0,
				hi = n;

	while (lo < hi)
	{
		int32_t		mid = lo + (hi - lo) / 2;
		int			c = cmp_bytes(sorted[mid].s, sorted[mid].len, s, len);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t		x = *(const size_t *) a;
	size_t		y = *(const size_t *) b;

	return (x > y) - (x < y);
}

int
pv_terms_minimal(const char *const *terms, const size_t *lens, int32_t n, uint8_t *keep)
{
	term_ref   *sorted;
	size_t	   *sizes;			/* the distinct term lengths, ascending */
	int32_t		nsizes = 0;
	size_t		work = 0;

	if (n <= 0)
		return PV_OK;
	sorted = pv_alloc(sizeof(term_ref) * n);
	sizes = pv_alloc(sizeof(size_t) * n);
	if (sorted == NULL || sizes == NULL)
	{
		pv_release(sorted);
		pv_release(sizes);
		return PV_ERR_NOMEM;
	}
	for (int32_t i = 0; i < n; i++)
	{
		sorted[i].s = terms[i];
		sorted[i].len = lens[i];
		sorted[i].idx = i;
		sizes[i] = lens[i];
		keep[i] = 1;
	}
	qsort(sorted, n, sizeof(term_ref), cmp_term_ref);
	qsort(sizes, n, sizeof(size_t), cmp_size);
	for (int32_t i = 0; i < n; i++)
		if (nsizes == 0 || sizes[nsizes - 1] != sizes[i])
			sizes[nsizes++] = sizes[i];

	/* equal terms: the first in array order stays (sorted by index among equals) */
	for (int32_t i = 1; i < n; i++)
		if (cmp_bytes(sorted[i - 1].s, sorted[i - 1].len, sorted[i].s, sorted[i].len) == 0)
			keep[sorted[i].idx] = 0;

	/* a term with a shorter term inside: look up its substrings of the lengths there are */
	for (int32_t i = 0; i < n; i++)
	{
		const unsigned char *s = (const unsigned char *) terms[i];
		size_t		len = lens[i];

		if (!keep[i])
			continue;
		for (size_t start = 0; start < len && keep[i]; start++)
		{
			if ((s[start] & 0xC0) == 0x80)
				continue;		/* inside a character */
			for (int32_t k = 0; k < nsizes && sizes[k] < len && start + sizes[k] <= len; k++)
			{
				if (++work % 65536 == 0 && pv_interrupt_hook)
					pv_interrupt_hook();
				if (sizes[k] > 0 && terms_have(sorted, n, (const char *) s + start, sizes[k]))
				{
					keep[i] = 0;
					break;
				}
			}
		}
	}
	pv_release(sorted);
	pv_release(sizes);
	return PV_OK;
}
