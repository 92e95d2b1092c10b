/*
 * gin.c — GIN support functions of the operator class prevent.gin_ops.
 *
 * Keys are character bigrams of the normalized text (normalize.h), so the
 * index sees what prevent.normalize() returns: Traditional characters,
 * full-width forms, case and evasion noise are gone, clause breaks remain.
 * A key is an int4: (hi << 16) | lo, where hi is the first character and lo
 * the next one, or 0 (END) after the last character of the text.  A code
 * point outside the BMP is folded into the surrogate range D800-DFFF, which
 * never occurs in text; the fold is lossy, which only costs a recheck.
 * A bigram whose first character is a clause break is not stored: breaks
 * are frequent and no search needs them.
 *
 * What a search string needs, given its normalized form t1..tm:
 *   - every bigram (ti, ti+1) whose first character is not a break (AND);
 *   - if there is none, and tm is not a break (a one-character term, or one
 *     after a break), a partial match on the prefix hi = tm: every key of
 *     the form (tm, x) or (tm, END); as all keys with one hi are contiguous
 *     in int4 order, the scan starts at (tm, END) and stops at the next hi;
 *   - if the term is made of breaks only, nothing: the whole index is
 *     scanned (GIN_SEARCH_MODE_ALL).
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
 */
#include "postgres.h"

#include "access/gin.h"
#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "normalize.h"
#include "prevent.h"

#define ContainsStrategyNumber		1
#define ContainsAnyStrategyNumber	2
#define LikeStrategyNumber			3

#define KEY_END 0u

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

/* a growing array of keys; partial is set for prefix keys */
typedef struct KeyBuf
{
	int32	   *keys;
	bool	   *partial;
	int32		n;
	int32		cap;
} KeyBuf;

/* what a search string contributes */
typedef enum SearchKeys
{
	SEARCH_EMPTY,				/* normalizes to nothing */
	SEARCH_KEYS,				/* bigrams or a prefix were added */
	SEARCH_NO_KEYS				/* clause breaks only: no key can be required */
} SearchKeys;

/* ------------------------------------------------------------ keys */

/* walks the code points of the normalized text without building it */
typedef struct NormCursor
{
	const unsigned char *s;
	size_t		len;
	size_t		pos;
	const uint32 *pending;		/* rest of an expansion */
	int			npending;
} NormCursor;

static inline void
norm_cursor_init(NormCursor *cur, const char *s, size_t len)
{
	cur->s = (const unsigned char *) s;
	cur->len = len;
	cur->pos = 0;
	cur->pending = NULL;
	cur->npending = 0;
}

static inline bool
norm_cursor_next(NormCursor *cur, uint32 *cp)
{
	while (cur->npending == 0)
	{
		uint32		c,
					e;

		if (cur->pos >= cur->len)
			return false;
		c = pv_utf8_next(cur->s, cur->len, &cur->pos);
		e = pv_norm_entry(c);
		switch (pv_norm_kind(e))
		{
			case PV_NK_KEEP:
				*cp = pv_norm_keep_cp(c, e);
				return true;
			case PV_NK_BREAK:
				*cp = e & PV_NK_PAYLOAD;
				return true;
			case PV_NK_EXPAND:
				cur->pending = pv_norm_expansion(e, &cur->npending);
				break;
			default:			/* noise and soft breaks are dropped */
				break;
		}
	}
	cur->npending--;
	*cp = *cur->pending++;
	return true;
}

static inline bool
is_break(uint32 cp)
{
	return pv_norm_kind(pv_norm_entry(cp)) == PV_NK_BREAK;
}

static inline uint32
fold(uint32 cp)
{
	return cp <= 0xFFFF ? cp : 0xD800 | (cp & 0x7FF);
}

static inline int32
make_key(uint32 hi, uint32 lo)
{
	return (int32) ((fold(hi) << 16) | lo);
}

static void
keybuf_push(KeyBuf *kb, int32 key, bool partial)
{
	if (kb->n >= kb->cap)
	{
		kb->cap = kb->cap ? kb->cap * 2 : 64;
		kb->keys = kb->keys ? repalloc_huge(kb->keys, sizeof(int32) * kb->cap)
			: palloc(sizeof(int32) * kb->cap);
		kb->partial = kb->partial ? repalloc_huge(kb->partial, sizeof(bool) * kb->cap)
			: palloc(sizeof(bool) * kb->cap);
	}
	kb->keys[kb->n] = key;
	kb->partial[kb->n] = partial;
	kb->n++;
}

static int
cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

/* sort (in btint4cmp order) and drop duplicates; partial flags are not kept */
static int32
sort_unique(int32 *keys, int32 n)
{
	int32		u = 0;

	if (n <= 1)
		return n;
	qsort(keys, n, sizeof(int32), cmp_int32);
	for (int32 i = 0; i < n; i++)
		if (u == 0 || keys[u - 1] != keys[i])
			keys[u++] = keys[i];
	return u;
}

/* the keys of a stored text */
static void
document_keys(const char *s, size_t len, KeyBuf *kb)
{
	NormCursor	cur;
	uint32		prev = 0;
	bool		have_prev = false;
	uint32		cp;

	norm_cursor_init(&cur, s, len);
	while (norm_cursor_next(&cur, &cp))
	{
		if (have_prev && !is_break(prev))
			keybuf_push(kb, make_key(prev, fold(cp)), false);
		prev = cp;
		have_prev = true;
	}
	if (have_prev && !is_break(prev))
		keybuf_push(kb, make_key(prev, KEY_END), false);
}

/* the keys every text containing the string must have, appended to kb */
static SearchKeys
search_keys(const char *s, size_t len, KeyBuf *kb)
{
	NormCursor	cur;
	uint32		prev = 0;
	bool		have_prev = false;
	int32		n0 = kb->n;
	uint32		cp;

	norm_cursor_init(&cur, s, len);
	while (norm_cursor_next(&cur, &cp))
	{
		if (have_prev && !is_break(prev))
			keybuf_push(kb, make_key(prev, fold(cp)), false);
		prev = cp;
		have_prev = true;
	}
	if (!have_prev)
		return SEARCH_EMPTY;
	if (kb->n > n0)
		return SEARCH_KEYS;
	if (is_break(prev))
		return SEARCH_NO_KEYS;
	keybuf_push(kb, make_key(prev, KEY_END), true);
	return SEARCH_KEYS;
}

static void
report_empty_term(const char *term, size_t len)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("search term \"%s\" is empty after normalization",
					pnstrdup(term, len)),
			 errdetail("Whitespace, punctuation, symbols and emoji are dropped when text is normalized, so the term would be contained in every text."),
			 errhint("A term needs at least one letter, digit or Chinese character.")));
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
			entries[i] = Int32GetDatum(kb.keys[i]);
	}
	if (kb.keys)
	{
		pfree(kb.keys);
		pfree(kb.partial);
	}
	PG_RETURN_POINTER(entries);
}

/* index of key in the sorted unique array keys[0..n) */
static int32
key_index(const int32 *keys, int32 n, int32 key)
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
	int32	   *all;
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
				report_empty_term(VARDATA_ANY(term), VARSIZE_ANY_EXHDR(term));
				break;
			case SEARCH_NO_KEYS:
				return false;
			case SEARCH_KEYS:
				break;
		}
		bounds[++nterms] = kb->n;
	}

	/* distinct keys; a prefix key never equals a bigram key (lo = END) */
	all = palloc(sizeof(int32) * (kb->n + 1));
	memcpy(all, kb->keys, sizeof(int32) * kb->n);
	nall = sort_unique(all, kb->n);

	plan = palloc(sizeof(TermSetPlan));
	plan->nterms = nterms;
	plan->start = palloc(sizeof(int32) * (nterms + 1));
	plan->keyidx = palloc(sizeof(int32) * (kb->n + 1));
	for (int32 t = 0; t <= nterms; t++)
		plan->start[t] = bounds[t];
	for (int32 j = 0; j < kb->n; j++)
		plan->keyidx[j] = key_index(all, nall, kb->keys[j]);

	/* kb now holds the distinct keys */
	memcpy(kb->keys, all, sizeof(int32) * nall);
	for (int32 j = 0; j < nall; j++)
		kb->partial[j] = ((uint32) all[j] & 0xFFFF) == KEY_END;
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
			switch (search_keys(VARDATA_ANY(query), VARSIZE_ANY_EXHDR(query), &kb))
			{
				case SEARCH_EMPTY:
					report_empty_term(VARDATA_ANY(query), VARSIZE_ANY_EXHDR(query));
					break;
				case SEARCH_NO_KEYS:
				case SEARCH_KEYS:
					break;
			}
			/* a term's bigrams may repeat (哈哈哈); a prefix key is alone */
			if (kb.n > 1)
				kb.n = sort_unique(kb.keys, kb.n);
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
			if (kb.n > 1)
			{
				/* runs may repeat keys; prefix keys stay recognizable by lo = END */
				kb.n = sort_unique(kb.keys, kb.n);
				for (int32 j = 0; j < kb.n; j++)
					kb.partial[j] = ((uint32) kb.keys[j] & 0xFFFF) == KEY_END;
			}
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
		entries[j] = Int32GetDatum(kb.keys[j]);
		(*pmatch)[j] = kb.partial[j];
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
 * A prefix key (c, END) matches every key (c, x); keys are scanned in
 * ascending order from the prefix key itself, so the first key with another
 * first character ends the scan.
 */
Datum
prevent_gin_compare_partial(PG_FUNCTION_ARGS)
{
	uint32		prefix = (uint32) PG_GETARG_INT32(0);
	uint32		key = (uint32) PG_GETARG_INT32(1);

	PG_RETURN_INT32((prefix >> 16) == (key >> 16) ? 0 : 1);
}
