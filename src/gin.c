/*
 * gin.c — GIN support functions of the operator class prevent.gin_ops.
 *
 * Keys are character trigrams of the normalized text (normalize.h), so the
 * index sees what prevent.normalize() returns: Traditional characters,
 * full-width forms, case and evasion noise are gone, clause breaks remain.
 * A key is an int8 holding three code points of 21 bits, (a << 42) |
 * (b << 21) | c, and one is stored for every position of the text whose
 * character a is not a clause break: b and c are the next two characters,
 * or 0 (END) past the end of the text; after a break (b is one) c is END
 * too, since no search needs what follows a break.  Keys sort as the
 * sequences they hold, so all keys that begin with a, or with a b, are one
 * contiguous range.
 *
 * What a search string t1..tm (normalized) needs:
 *   - the trigram at every position i <= m-2 whose ti is not a break (AND);
 *   - if there is none: the range of keys beginning with t(m-1) tm (a
 *     partial match; an exact key if tm is a break), or, if t(m-1) is a
 *     break or m = 1, the range beginning with tm; so a two-character term
 *     costs one range of keys and a one-character term a wider one;
 *   - if the string is made of breaks only, nothing: the whole index is
 *     scanned (GIN_SEARCH_MODE_ALL).
 * Trigrams rather than bigrams: terms made of common pairs (10岁, 16岁 in
 * texts full of ages and dates) stay selective, and a &~| query over a
 * whole lexicon then visits few rows.
 *
 * These keys are necessary, not sufficient; every strategy asks for a
 * recheck, and the operator's own function (contains.c, or textlike) gives
 * the exact answer, so an index scan returns exactly what a sequential scan
 * does.
 *
 * Strategies:
 *   1  doc &~ term      the term's keys, all of them
 *   2  doc &~| terms    any term's keys, all of them; extra_data (the same
 *                       TermSetPlan in every slot) says which keys belong to
 *                       which term; keys shared by terms are given once
 *   3  doc LIKE pat     raw text: prevent.normalize maps each character on
 *                       its own, so a literal run of the pattern (between
 *                       wildcards) occurring in doc means its normalized
 *                       form occurs in normalized doc; all runs' keys
 *
 * Memory: nothing is cached; the functions allocate in the context GIN
 * calls them in (per row while building or inserting, per scan while
 * searching), and a TermSetPlan lives as long as its scan's keys.
 */
#include "postgres.h"

#include "access/gin.h"
#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"

#include "core/normalize.h"
#include "prevent.h"

#define ContainsStrategyNumber		1
#define ContainsAnyStrategyNumber	2
#define LikeStrategyNumber			3

#define KEY_END 0u
#define CP_BITS 21
#define CP_MASK ((1u << CP_BITS) - 1)

typedef int64 GinKey;

PG_FUNCTION_INFO_V1(prevent_gin_extract_value);
PG_FUNCTION_INFO_V1(prevent_gin_extract_query);
PG_FUNCTION_INFO_V1(prevent_gin_consistent);
PG_FUNCTION_INFO_V1(prevent_gin_triconsistent);
PG_FUNCTION_INFO_V1(prevent_gin_compare_partial);

/* which query keys each term of a &~| query needs */
typedef struct TermSetPlan
{
	int32		nterms;
	int32	   *start;			/* term i needs keyidx[start[i] .. start[i+1]) */
	int32	   *keyidx;			/* indexes into the query's keys */
} TermSetPlan;

/* a growing array of keys */
typedef struct KeyBuf
{
	GinKey	   *keys;
	int32		n;
	int32		cap;
} KeyBuf;

/* a growing array of code points */
typedef struct CpBuf
{
	uint32	   *cps;
	int32		n;
	int32		cap;
} CpBuf;

/* what a search string contributes */
typedef enum SearchKeys
{
	SEARCH_EMPTY,				/* normalizes to nothing */
	SEARCH_KEYS,				/* keys were added */
	SEARCH_NO_KEYS				/* clause breaks only: no key can be required */
} SearchKeys;

/* ------------------------------------------------------------ keys */

static inline bool
is_break(uint32 cp)
{
	return pv_norm_kind(pv_norm_entry(cp)) == PV_NK_BREAK;
}

static inline GinKey
make_key(uint32 a, uint32 b, uint32 c)
{
	return ((GinKey) a << (2 * CP_BITS)) | ((GinKey) b << CP_BITS) | c;
}

/* the second and third characters of a key */
static inline uint32
key_b(GinKey key)
{
	return (uint32) (key >> CP_BITS) & CP_MASK;
}

static inline uint32
key_c(GinKey key)
{
	return (uint32) key & CP_MASK;
}

/*
 * A partial-match (range) key has c = END and b either END (the range of
 * one first character) or not a break (the range of two).  Stored keys and
 * exact query keys with c = END have a break as b (or b = END at the end of
 * a text, which no query asks for exactly), so the value tells.
 */
static inline bool
key_is_range(GinKey key)
{
	return key_c(key) == KEY_END && (key_b(key) == KEY_END || !is_break(key_b(key)));
}

/* the normalized code points of a UTF-8 string, appended to cb */
static void
normalize_cps(const char *s, size_t len, CpBuf *cb)
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
			cb->cap = Max(cb->cap * 2, cb->n + nc.n + 64);
			cb->cps = cb->cps ? repalloc_huge(cb->cps, sizeof(uint32) * cb->cap)
				: palloc(sizeof(uint32) * cb->cap);
		}
		for (int k = 0; k < nc.n; k++)
			cb->cps[cb->n++] = pv_norm_cp(&nc, k);
	}
}

static void
keybuf_push(KeyBuf *kb, GinKey key)
{
	if (kb->n >= kb->cap)
	{
		kb->cap = kb->cap ? kb->cap * 2 : 64;
		kb->keys = kb->keys ? repalloc_huge(kb->keys, sizeof(GinKey) * kb->cap)
			: palloc(sizeof(GinKey) * kb->cap);
	}
	kb->keys[kb->n++] = key;
}

/* the key stored for position i of cps[0..n) */
static inline GinKey
key_at(const uint32 *cps, int32 n, int32 i)
{
	uint32		b = i + 1 < n ? cps[i + 1] : KEY_END;
	uint32		c = (i + 2 < n && !is_break(b)) ? cps[i + 2] : KEY_END;

	return make_key(cps[i], b, c);
}

static int
cmp_key(const void *a, const void *b)
{
	GinKey		x = *(const GinKey *) a;
	GinKey		y = *(const GinKey *) b;

	return (x > y) - (x < y);
}

/* sort (in btint8cmp order) and drop duplicates */
static int32
sort_unique(GinKey *keys, int32 n)
{
	int32		u = 0;

	if (n <= 1)
		return n;
	qsort(keys, n, sizeof(GinKey), cmp_key);
	for (int32 i = 0; i < n; i++)
		if (u == 0 || keys[u - 1] != keys[i])
			keys[u++] = keys[i];
	return u;
}

/* the keys of a stored text */
static void
document_keys(const char *s, size_t len, KeyBuf *kb)
{
	CpBuf		cb = {0};

	normalize_cps(s, len, &cb);
	for (int32 i = 0; i < cb.n; i++)
		if (!is_break(cb.cps[i]))
			keybuf_push(kb, key_at(cb.cps, cb.n, i));
	if (cb.cps)
		pfree(cb.cps);
}

/* the keys every text containing the string must have, appended to kb */
static SearchKeys
search_keys(const char *s, size_t len, KeyBuf *kb)
{
	CpBuf		cb = {0};
	SearchKeys	res = SEARCH_KEYS;
	int32		m;
	int32		n0 = kb->n;

	normalize_cps(s, len, &cb);
	m = cb.n;
	for (int32 i = 0; i + 2 < m; i++)
		if (!is_break(cb.cps[i]))
			keybuf_push(kb, key_at(cb.cps, m, i));
	if (m == 0)
		res = SEARCH_EMPTY;
	else if (kb->n > n0)
		;
	else if (m >= 2 && !is_break(cb.cps[m - 2]))
		keybuf_push(kb, make_key(cb.cps[m - 2], cb.cps[m - 1], KEY_END));
	else if (!is_break(cb.cps[m - 1]))
		keybuf_push(kb, make_key(cb.cps[m - 1], KEY_END, KEY_END));
	else
		res = SEARCH_NO_KEYS;
	if (cb.cps)
		pfree(cb.cps);
	return res;
}


/*
 * Keys of a LIKE pattern: those of each literal run between the wildcards
 * % and _ (a backslash makes the next character literal; LIKE ... ESCAPE is
 * rewritten to backslashes before the operator sees the pattern).
 */
static void
like_keys(const char *pat, size_t len, KeyBuf *kb)
{
	StringInfoData run;
	size_t		i = 0;

	initStringInfo(&run);
	while (i <= len)
	{
		if (i == len || pat[i] == '%' || pat[i] == '_')
		{
			if (run.len > 0)
				(void) search_keys(run.data, run.len, kb);
			resetStringInfo(&run);
			i++;
			continue;
		}
		if (pat[i] == '\\')
		{
			i++;
			if (i == len)
				continue;		/* LIKE itself refuses this pattern */
		}
		/* bytes will do: a backslash, % and _ are never part of a multibyte character */
		appendStringInfoChar(&run, pat[i]);
		i++;
	}
	pfree(run.data);
}

/* ------------------------------------------------------ extraction */

Datum
prevent_gin_extract_value(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	KeyBuf		kb = {0};
	Datum	   *entries = NULL;

	document_keys(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &kb);
	*nentries = sort_unique(kb.keys, kb.n);
	if (*nentries > 0)
	{
		entries = (Datum *) palloc(sizeof(Datum) * *nentries);
		for (int32 i = 0; i < *nentries; i++)
			entries[i] = Int64GetDatum(kb.keys[i]);
	}
	if (kb.keys)
		pfree(kb.keys);
	PG_RETURN_POINTER(entries);
}

/* index of key in the sorted unique array keys[0..n) */
static int32
key_index(const GinKey *keys, int32 n, GinKey key)
{
	int32		lo = 0,
				hi = n;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	Assert(lo < n && keys[lo] == key);
	return lo;
}

/*
 * &~|: collect every term's keys, then give each distinct key once and
 * record per term which of them it needs.  Returns false when some term
 * needs no key at all (the whole index must be scanned).
 */
static bool
term_set_keys(ArrayType *arr, KeyBuf *kb, TermSetPlan **planp)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int32	   *bounds;			/* term i's keys are kb->keys[bounds[i] .. bounds[i+1]) */
	int32		nterms = 0;
	GinKey	   *all;
	int32		nall;
	TermSetPlan *plan;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	bounds = palloc(sizeof(int32) * (nelems + 1));
	bounds[0] = 0;
	for (int i = 0; i < nelems; i++)
	{
		text	   *term;

		if (nulls[i])
			continue;
		term = DatumGetTextPP(elems[i]);
		switch (search_keys(VARDATA_ANY(term), VARSIZE_ANY_EXHDR(term), kb))
		{
			case SEARCH_EMPTY:
				prevent_report_empty_term(VARDATA_ANY(term), VARSIZE_ANY_EXHDR(term));
				break;
			case SEARCH_NO_KEYS:
				return false;
			case SEARCH_KEYS:
				break;
		}
		bounds[++nterms] = kb->n;
	}

	/* the distinct keys */
	all = palloc(sizeof(GinKey) * (kb->n + 1));
	if (kb->n > 0)
		memcpy(all, kb->keys, sizeof(GinKey) * kb->n);
	nall = sort_unique(all, kb->n);

	plan = palloc(sizeof(TermSetPlan));
	plan->nterms = nterms;
	plan->start = bounds;
	plan->keyidx = palloc(sizeof(int32) * (kb->n + 1));
	for (int32 j = 0; j < kb->n; j++)
		plan->keyidx[j] = key_index(all, nall, kb->keys[j]);

	if (kb->keys)
		pfree(kb->keys);
	kb->keys = all;
	kb->n = nall;
	*planp = plan;
	return true;
}

Datum
prevent_gin_extract_query(PG_FUNCTION_ARGS)
{
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	bool	  **pmatch = (bool **) PG_GETARG_POINTER(3);
	Pointer   **extra_data = (Pointer **) PG_GETARG_POINTER(4);

	/* bool   **nullFlags = (bool **) PG_GETARG_POINTER(5); */
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	KeyBuf		kb = {0};
	TermSetPlan *plan = NULL;
	Datum	   *entries = NULL;
	text	   *query;

	*nentries = 0;
	switch (strategy)
	{
		case ContainsStrategyNumber:
			query = PG_GETARG_TEXT_PP(0);
			if (search_keys(VARDATA_ANY(query), VARSIZE_ANY_EXHDR(query), &kb) == SEARCH_EMPTY)
				prevent_report_empty_term(VARDATA_ANY(query), VARSIZE_ANY_EXHDR(query));
			kb.n = sort_unique(kb.keys, kb.n);	/* 哈哈哈哈 repeats a key */
			break;
		case ContainsAnyStrategyNumber:
			if (!term_set_keys(PG_GETARG_ARRAYTYPE_P(0), &kb, &plan))
			{
				*searchMode = GIN_SEARCH_MODE_ALL;
				PG_RETURN_POINTER(NULL);
			}
			/* no term at all (empty array, NULLs only): nothing matches */
			if (kb.n == 0)
				PG_RETURN_POINTER(NULL);
			break;
		case LikeStrategyNumber:
			query = PG_GETARG_TEXT_PP(0);
			like_keys(VARDATA_ANY(query), VARSIZE_ANY_EXHDR(query), &kb);
			kb.n = sort_unique(kb.keys, kb.n);
			break;
		default:
			elog(ERROR, "unrecognized strategy number: %d", strategy);
			break;
	}

	if (kb.n == 0)
	{
		/* no key can be required: scan the whole index, recheck every row */
		*searchMode = GIN_SEARCH_MODE_ALL;
		PG_RETURN_POINTER(NULL);
	}

	*nentries = kb.n;
	entries = (Datum *) palloc(sizeof(Datum) * kb.n);
	*pmatch = (bool *) palloc(sizeof(bool) * kb.n);
	for (int32 j = 0; j < kb.n; j++)
	{
		entries[j] = Int64GetDatum(kb.keys[j]);
		(*pmatch)[j] = key_is_range(kb.keys[j]);
	}
	if (plan != NULL)
	{
		/* the GIN API wants one pointer per key; all share the plan */
		*extra_data = (Pointer *) palloc(sizeof(Pointer) * kb.n);
		for (int32 j = 0; j < kb.n; j++)
			(*extra_data)[j] = (Pointer) plan;
	}
	PG_RETURN_POINTER(entries);
}

/* ------------------------------------------------------ consistency */

Datum
prevent_gin_consistent(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = PG_GETARG_UINT16(1);

	/* text    *query = PG_GETARG_TEXT_PP(2); */
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);
	bool		res = false;

	/* keys are necessary, never sufficient: the operator decides */
	*recheck = true;

	switch (strategy)
	{
		case ContainsStrategyNumber:
		case LikeStrategyNumber:
			res = true;
			for (int32 i = 0; i < nkeys; i++)
				if (!check[i])
				{
					res = false;
					break;
				}
			break;
		case ContainsAnyStrategyNumber:
			if (nkeys == 0)
				res = true;		/* whole-index scan */
			else
			{
				const TermSetPlan *plan = (const TermSetPlan *) extra_data[0];

				for (int32 t = 0; t < plan->nterms && !res; t++)
				{
					bool		all = true;

					for (int32 j = plan->start[t]; j < plan->start[t + 1]; j++)
						if (!check[plan->keyidx[j]])
						{
							all = false;
							break;
						}
					res = all;
				}
			}
			break;
		default:
			elog(ERROR, "unrecognized strategy number: %d", strategy);
			break;
	}
	PG_RETURN_BOOL(res);
}

/* as above, on GIN_TRUE / GIN_FALSE / GIN_MAYBE; TRUE is never sure */
Datum
prevent_gin_triconsistent(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = PG_GETARG_UINT16(1);

	/* text    *query = PG_GETARG_TEXT_PP(2); */
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	GinTernaryValue res = GIN_MAYBE;

	switch (strategy)
	{
		case ContainsStrategyNumber:
		case LikeStrategyNumber:
			for (int32 i = 0; i < nkeys; i++)
				if (check[i] == GIN_FALSE)
				{
					res = GIN_FALSE;
					break;
				}
			break;
		case ContainsAnyStrategyNumber:
			if (nkeys > 0)
			{
				const TermSetPlan *plan = (const TermSetPlan *) extra_data[0];

				res = GIN_FALSE;
				for (int32 t = 0; t < plan->nterms && res == GIN_FALSE; t++)
				{
					res = GIN_MAYBE;
					for (int32 j = plan->start[t]; j < plan->start[t + 1]; j++)
						if (check[plan->keyidx[j]] == GIN_FALSE)
						{
							res = GIN_FALSE;
							break;
						}
				}
			}
			break;
		default:
			elog(ERROR, "unrecognized strategy number: %d", strategy);
			break;
	}
	PG_RETURN_GIN_TERNARY_VALUE(res);
}

/*
 * A range key (a, END, END) matches every key beginning with a, and
 * (a, b, END) every key beginning with a, b.  Keys are scanned in ascending
 * order from the range key itself, so the first key outside the range ends
 * the scan.
 */
Datum
prevent_gin_compare_partial(PG_FUNCTION_ARGS)
{
	GinKey		range = PG_GETARG_INT64(0);
	GinKey		key = PG_GETARG_INT64(1);
	int			shift = key_b(range) == KEY_END ? 2 * CP_BITS : CP_BITS;

	PG_RETURN_INT32((range >> shift) == (key >> shift) ? 0 : 1);
}
