/*
 * gin.c — GIN support functions of the operator class prevent.gin_ops.
 *
 * The keys are character trigrams of the normalized text; their layout,
 * what a search term needs and when the keys prove a match are in
 * core/index_keys.h, where the standalone tests check them.  Trigrams
 * rather than bigrams: terms made of common pairs (10岁, 16岁 in texts full
 * of ages and dates) stay selective, and a &~| query over a whole lexicon
 * then visits few rows.
 *
 * Strategies:
 *   1  doc &~ term      the term's keys, all of them
 *   2  doc &~| terms    any term's keys, all of them; a term that another
 *                       term of the array is a substring of is left out (a
 *                       text that has it has the other); keys shared by
 *                       terms are given once; above 64 terms, as groups of
 *                       keys (query_plan)
 *   3  doc LIKE pat     raw text: prevent.normalize maps each character on
 *                       its own, so a literal run of the pattern (between
 *                       wildcards) occurring in doc means its normalized
 *                       form occurs in normalized doc; all runs' keys
 *
 * Recheck.  For &~ and &~| the query's plan (QueryPlan, reached from every
 * entry's extra_data) lists the entries that prove a term on their own (a
 * term of at most three normalized characters, index_keys.h): a row found
 * through one of them is a match and is not rechecked (triConsistent says
 * GIN_TRUE, consistent clears *recheck).  Every other row the keys let
 * through is rechecked by the operator's own function (contains.c), and
 * LIKE always is, so an index scan returns exactly what a sequential scan
 * does.  GIN itself rechecks what it cannot see exactly (lossy pages of a
 * partial match or of the bitmap, the whole-index scan of a break-only
 * term).
 *
 * Memory: nothing is cached; the functions allocate in the context GIN
 * calls them in (per row while building or inserting, per scan while
 * searching; the core allocates there too), and a QueryPlan, its groups
 * and the entries' EntryExtra live as long as the scan's keys.
 */
#include "postgres.h"

#include "access/gin.h"
#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"

#include "core/index_keys.h"
#include "core/normalize.h"
#include "prevent.h"

#define ContainsStrategyNumber		1
#define ContainsAnyStrategyNumber	2
#define LikeStrategyNumber			3

PG_FUNCTION_INFO_V1(prevent_gin_extract_value);
PG_FUNCTION_INFO_V1(prevent_gin_extract_query);
PG_FUNCTION_INFO_V1(prevent_gin_consistent);
PG_FUNCTION_INFO_V1(prevent_gin_triconsistent);
PG_FUNCTION_INFO_V1(prevent_gin_compare_partial);

/*
 * A partial-match entry standing for many keys of a large &~| query: it
 * matches every index key that is one of keys[] or in the range of one.
 * Its query key lies just below the first character of keys[0], outside
 * the keys a text or a term can have (b and c above the last code point),
 * so GIN never merges it with another entry of the scan.
 */
typedef struct KeyGroup
{
	int32		nkeys;
	pv_index_key *keys;			/* sorted, unique; exact and range keys */
	pv_index_key last;			/* the greatest index key any of them covers */
} KeyGroup;

/* which query entries decide a &~ or &~| query */
typedef struct QueryPlan
{
	int32		nproof;			/* entries each of which proves a match alone */
	int32	   *proof;
	int32		nterms;			/* terms the keys cannot prove, each an AND of entries */
	int32	   *start;			/* term i needs entries keyidx[start[i] .. start[i+1]) */
	int32	   *keyidx;
	/* grouped plans: a row with an entry of each of the two lists may contain a term */
	int32		nfirst;			/* groups of the first keys of unproved terms */
	int32	   *first;
	int32		nlast;			/* groups of their last keys */
	int32	   *last;
} QueryPlan;

/* extra_data of each query entry: the plan, and the group the entry stands for */
typedef struct EntryExtra
{
	QueryPlan  *plan;
	KeyGroup   *group;			/* NULL: the entry is one key */
} EntryExtra;

/*
 * A &~| query with more terms than this (after leaving out those that
 * contain another) is given as groups: GIN's cost per candidate row grows
 * with the number of entries of the query, and a lexicon of hundreds of
 * terms would spend most of its time there.  Each role (proving keys, first
 * keys, last keys) is cut into at most GROUPS_PER_ROLE groups (add_groups).
 * Four rather than 16: each group read costs once a query, each entry once
 * a candidate row; for the default lexicon over 1,000,000 rows, 16 groups
 * took 1.1-1.2 s of CPU where two in three rows match and 4 took 0.64-0.75 s,
 * with 0.28-0.30 s for both where one row in eleven does (bench/index.sh).
 */
#define GROUP_ABOVE_TERMS 64
#define GROUPS_PER_ROLE 4

/* ------------------------------------------------------------ keys */

static void
check_keys_rc(int rc)
{
	if (rc == PV_ERR_NOMEM)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

/* the keys every text containing the string must have, appended to kb */
static pv_search
search_keys(const char *s, size_t len, pv_index_keys *kb, int *proves)
{
	int			rc = pv_term_keys(s, len, kb, proves);

	check_keys_rc(rc);
	return (pv_search) rc;
}

/*
 * Keys of a LIKE pattern: those of each literal run between the wildcards
 * % and _ (a backslash makes the next character literal; LIKE ... ESCAPE is
 * rewritten to backslashes before the operator sees the pattern).  LIKE
 * reads the raw text, so these keys never prove a match.
 */
static void
like_keys(const char *pat, size_t len, pv_index_keys *kb)
{
	StringInfoData run;
	size_t		i = 0;
	int			proves;

	initStringInfo(&run);
	while (i <= len)
	{
		if (i == len || pat[i] == '%' || pat[i] == '_')
		{
			if (run.len > 0)
				(void) search_keys(run.data, run.len, kb, &proves);
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
	pv_index_keys kb = {0};
	Datum	   *entries = NULL;

	check_keys_rc(pv_text_keys(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &kb));
	*nentries = kb.n;
	if (kb.n > 0)
	{
		entries = (Datum *) palloc(sizeof(Datum) * kb.n);
		for (int32 i = 0; i < kb.n; i++)
			entries[i] = Int64GetDatum(kb.keys[i]);
	}
	if (kb.keys)
		pfree(kb.keys);
	PG_RETURN_POINTER(entries);
}

/* index of key in the sorted unique array keys[0..n) */
static int32
key_index(const pv_index_key *keys, int32 n, pv_index_key key)
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

/* the query entries extractQuery returns */
typedef struct QueryEntries
{
	int32		n;
	Datum	   *keys;
	bool	   *pmatch;
	Pointer    *extra;			/* NULL for LIKE */
} QueryEntries;

static int
cmp_index_key(const void *a, const void *b)
{
	pv_index_key x = *(const pv_index_key *) a;
	pv_index_key y = *(const pv_index_key *) b;

	return (x > y) - (x < y);
}

/* the greatest index key the query key covers (itself if it is exact) */
static pv_index_key
key_last_covered(pv_index_key key)
{
	pv_index_key a = key >> (2 * PV_IKEY_CP_BITS);
	pv_index_key b = (key >> PV_IKEY_CP_BITS) & PV_IKEY_CP_MASK;

	if (!pv_index_key_is_range(key))
		return key;
	if (b == PV_IKEY_END)
		return pv_index_key_make(a, PV_IKEY_CP_MASK, PV_IKEY_CP_MASK);
	return pv_index_key_make(a, b, PV_IKEY_CP_MASK);
}

/* is key one of the group's keys, or in the range of one? */
static bool
group_covers(const KeyGroup *g, pv_index_key key)
{
	pv_index_key a = key >> (2 * PV_IKEY_CP_BITS);
	pv_index_key b = (key >> PV_IKEY_CP_BITS) & PV_IKEY_CP_MASK;
	pv_index_key probe[3];

	probe[0] = key;
	probe[1] = pv_index_key_make(a, b, PV_IKEY_END);	/* the range of a b */
	probe[2] = pv_index_key_make(a, PV_IKEY_END, PV_IKEY_END);	/* the range of a */
	for (int i = 0; i < 3; i++)
	{
		if (i > 0 && !pv_index_key_is_range(probe[i]))
			continue;
		if (bsearch(&probe[i], g->keys, g->nkeys, sizeof(pv_index_key), cmp_index_key))
			return true;
	}
	return false;
}

static inline pv_index_key
key_first_char(pv_index_key key)
{
	return key >> (2 * PV_IKEY_CP_BITS);
}

/*
 * Cut the sorted unique keys[0..n) into at most GROUPS_PER_ROLE groups,
 * appending one entry each to out; their indexes go to *idx (allocated),
 * their count to *nidx.  A group's scan reads every index key from its
 * first key's first character to its last key, wanted or not, so the cuts
 * go into the widest gaps between first characters: with few first
 * characters, one group each, which reads no key it does not want.  tag
 * makes the query keys of all groups of one query distinct.
 */
static void
add_groups(pv_index_key *keys, int32 n, QueryPlan *plan, QueryEntries *out,
		   int32 **idx, int32 *nidx, int32 *tag)
{
	bool	   *cut = palloc0(sizeof(bool) * (n + 1));
	int32		from = 0;

	for (int32 k = 0; k < GROUPS_PER_ROLE - 1; k++)
	{
		int32		widest = -1;
		pv_index_key gap = 0;

		for (int32 i = 1; i < n; i++)
			if (!cut[i] && key_first_char(keys[i]) - key_first_char(keys[i - 1]) > gap)
			{
				gap = key_first_char(keys[i]) - key_first_char(keys[i - 1]);
				widest = i;
			}
		if (widest < 0)
			break;				/* one first character left per group */
		cut[widest] = true;
	}

	*idx = palloc(sizeof(int32) * GROUPS_PER_ROLE);
	*nidx = 0;
	while (from < n)
	{
		KeyGroup   *g = palloc(sizeof(KeyGroup));
		EntryExtra *x = palloc(sizeof(EntryExtra));
		pv_index_key a = key_first_char(keys[from]);
		int32		to = from + 1;

		while (to < n && !cut[to])
			to++;
		g->nkeys = to - from;
		g->keys = &keys[from];
		/* a range may reach past the keys after it: (a, END, END) past (a, b, c) */
		g->last = 0;
		for (int32 i = 0; i < g->nkeys; i++)
			g->last = Max(g->last, key_last_covered(g->keys[i]));
		x->plan = plan;
		x->group = g;
		/* just below every key beginning with a (no text has code point 0) */
		Assert(a > 0);
		out->keys[out->n] = Int64GetDatum(pv_index_key_make(a - 1, PV_IKEY_CP_MASK,
															 PV_IKEY_CP_MASK - (*tag)++));
		out->pmatch[out->n] = true;
		out->extra[out->n] = (Pointer) x;
		(*idx)[(*nidx)++] = out->n++;
		from = to;
	}
	pfree(cut);
}

/*
 * The plan of a &~ or &~| query and its entries.  terms[0..nterms) are the
 * search strings; a term that another term is a substring of is left out
 * (pv_terms_minimal).  Up to GROUP_ABOVE_TERMS terms, each distinct key is
 * an entry: the proving ones alone, the others ANDed per term.  Above it,
 * the proving keys are given as groups, and each other term by its first
 * and last key, in groups of firsts and of lasts: a row with neither a
 * proving key nor a first and a last key cannot contain a term, and one
 * with a first and a last key is rechecked.  Returns false when some term
 * needs no key at all (the whole index must be scanned); a term that
 * normalizes to nothing is an error.
 */
static bool
query_plan(text **terms, int nterms, QueryEntries *out)
{
	char	  **norm = palloc(sizeof(char *) * (nterms + 1));
	size_t	   *normlen = palloc(sizeof(size_t) * (nterms + 1));
	uint8	   *keep = palloc(sizeof(uint8) * (nterms + 1));

	/* kept term t's keys are kb.keys[bounds[t] .. bounds[t+1]) */
	int32	   *bounds = palloc(sizeof(int32) * (nterms + 1));
	bool	   *proves = palloc(sizeof(bool) * (nterms + 1));
	int32		nkept = 0;
	pv_index_keys kb = {0};
	QueryPlan  *plan = palloc0(sizeof(QueryPlan));

	for (int i = 0; i < nterms; i++)
	{
		norm[i] = pv_normalize(VARDATA_ANY(terms[i]), VARSIZE_ANY_EXHDR(terms[i]), &normlen[i]);
		if (normlen[i] == 0)
			prevent_report_empty_term(VARDATA_ANY(terms[i]), VARSIZE_ANY_EXHDR(terms[i]));
	}
	check_keys_rc(pv_terms_minimal((const char *const *) norm, normlen, nterms, keep));

	bounds[0] = 0;
	for (int i = 0; i < nterms; i++)
	{
		int			p;

		if (!keep[i])
			continue;
		if (search_keys(VARDATA_ANY(terms[i]), VARSIZE_ANY_EXHDR(terms[i]), &kb, &p) == PV_SEARCH_NO_KEYS)
			return false;
		proves[nkept] = p != 0;
		bounds[++nkept] = kb.n;
	}

	out->n = 0;
	out->keys = palloc(sizeof(Datum) * (kb.n + 1));
	out->pmatch = palloc(sizeof(bool) * (kb.n + 1));
	out->extra = palloc(sizeof(Pointer) * (kb.n + 1));
	plan->proof = palloc(sizeof(int32) * (nkept + 1));

	if (nkept <= GROUP_ABOVE_TERMS)
	{
		/* each distinct key an entry */
		pv_index_key *all = palloc(sizeof(pv_index_key) * (kb.n + 1));
		int32		nall;
		EntryExtra *x = palloc(sizeof(EntryExtra));

		if (kb.n > 0)
			memcpy(all, kb.keys, sizeof(pv_index_key) * kb.n);
		nall = pv_index_keys_sort_unique(all, kb.n);
		x->plan = plan;
		x->group = NULL;
		for (int32 j = 0; j < nall; j++)
		{
			out->keys[j] = Int64GetDatum(all[j]);
			out->pmatch[j] = pv_index_key_is_range(all[j]);
			out->extra[j] = (Pointer) x;
		}
		out->n = nall;

		plan->start = palloc(sizeof(int32) * (nkept + 1));
		plan->keyidx = palloc(sizeof(int32) * (kb.n + 1));
		plan->start[0] = 0;
		for (int32 t = 0; t < nkept; t++)
		{
			int32		base = plan->start[plan->nterms];

			if (proves[t])
			{
				/* a proving term has exactly one key */
				Assert(bounds[t + 1] - bounds[t] == 1);
				plan->proof[plan->nproof++] = key_index(all, nall, kb.keys[bounds[t]]);
				continue;
			}
			for (int32 j = bounds[t]; j < bounds[t + 1]; j++)
				plan->keyidx[base + j - bounds[t]] = key_index(all, nall, kb.keys[j]);
			plan->start[++plan->nterms] = base + bounds[t + 1] - bounds[t];
		}
	}
	else
	{
		/* groups of proving keys, of first keys and of last keys */
		pv_index_key *proving = palloc(sizeof(pv_index_key) * (nkept + 1));
		pv_index_key *firsts = palloc(sizeof(pv_index_key) * (nkept + 1));
		pv_index_key *lasts = palloc(sizeof(pv_index_key) * (nkept + 1));
		int32		nproving = 0,
					nfirsts = 0,
					nlasts = 0,
					tag = 0;

		for (int32 t = 0; t < nkept; t++)
		{
			if (proves[t])
				proving[nproving++] = kb.keys[bounds[t]];
			else
			{
				firsts[nfirsts++] = kb.keys[bounds[t]];
				lasts[nlasts++] = kb.keys[bounds[t + 1] - 1];
			}
		}
		nproving = pv_index_keys_sort_unique(proving, nproving);
		nfirsts = pv_index_keys_sort_unique(firsts, nfirsts);
		nlasts = pv_index_keys_sort_unique(lasts, nlasts);
		add_groups(proving, nproving, plan, out, &plan->proof, &plan->nproof, &tag);
		add_groups(firsts, nfirsts, plan, out, &plan->first, &plan->nfirst, &tag);
		add_groups(lasts, nlasts, plan, out, &plan->last, &plan->nlast, &tag);
	}
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
	QueryEntries qe = {0};
	text	   *query;

	*nentries = 0;
	switch (strategy)
	{
		case ContainsStrategyNumber:
			query = PG_GETARG_TEXT_PP(0);
			if (!query_plan(&query, 1, &qe))
			{
				/* clause breaks only: scan the whole index, recheck every row */
				*searchMode = GIN_SEARCH_MODE_ALL;
				PG_RETURN_POINTER(NULL);
			}
			break;
		case ContainsAnyStrategyNumber:
			{
				ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
				Datum	   *elems;
				bool	   *nulls;
				int			nelems;
				int			nterms = 0;
				text	  **terms;

				deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
				terms = palloc(sizeof(text *) * (nelems + 1));
				for (int i = 0; i < nelems; i++)
					if (!nulls[i])
						terms[nterms++] = DatumGetTextPP(elems[i]);
				if (!query_plan(terms, nterms, &qe))
				{
					*searchMode = GIN_SEARCH_MODE_ALL;
					PG_RETURN_POINTER(NULL);
				}
				/* no term at all (empty array, NULLs only): nothing matches */
				if (qe.n == 0)
					PG_RETURN_POINTER(NULL);
			}
			break;
		case LikeStrategyNumber:
			{
				pv_index_keys kb = {0};

				query = PG_GETARG_TEXT_PP(0);
				like_keys(VARDATA_ANY(query), VARSIZE_ANY_EXHDR(query), &kb);
				kb.n = pv_index_keys_sort_unique(kb.keys, kb.n);
				qe.n = kb.n;
				qe.keys = palloc(sizeof(Datum) * (kb.n + 1));
				qe.pmatch = palloc(sizeof(bool) * (kb.n + 1));
				for (int32 j = 0; j < kb.n; j++)
				{
					qe.keys[j] = Int64GetDatum(kb.keys[j]);
					qe.pmatch[j] = pv_index_key_is_range(kb.keys[j]);
				}
			}
			break;
		default:
			elog(ERROR, "unrecognized strategy number: %d", strategy);
			break;
	}

	if (qe.n == 0)
	{
		/* no key can be required: scan the whole index, recheck every row */
		*searchMode = GIN_SEARCH_MODE_ALL;
		PG_RETURN_POINTER(NULL);
	}
	*nentries = qe.n;
	*pmatch = qe.pmatch;
	if (qe.extra != NULL)
		*extra_data = qe.extra;
	PG_RETURN_POINTER(qe.keys);
}

/* ------------------------------------------------------ consistency */

/*
 * The plan's answer for check values of any kind: GIN_TRUE when a proving
 * entry is present (no recheck), GIN_MAYBE when some term may have all its
 * keys, or (grouped) a first and a last key (recheck), else GIN_FALSE.
 *
 * GIN keeps a key's recheck flag from one item to the next when the
 * ternary function says GIN_TRUE (keyGetItem: "triConsistentFn set
 * recheckCurItem"), so once a scan has had a MAYBE item, its later TRUE
 * items are rechecked too: never fewer rechecks than needed, sometimes
 * more.
 */
static GinTernaryValue
plan_consistent(const QueryPlan *plan, const GinTernaryValue *check)
{
	GinTernaryValue res = GIN_FALSE;

	for (int32 i = 0; i < plan->nproof; i++)
	{
		GinTernaryValue v = check[plan->proof[i]];

		if (v == GIN_TRUE)
			return GIN_TRUE;
		if (v == GIN_MAYBE)
			res = GIN_MAYBE;
	}
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
	if (res == GIN_FALSE && plan->nfirst > 0)
	{
		bool		first = false,
					last = false;

		for (int32 i = 0; i < plan->nfirst && !first; i++)
			first = check[plan->first[i]] != GIN_FALSE;
		for (int32 i = 0; i < plan->nlast && first && !last; i++)
			last = check[plan->last[i]] != GIN_FALSE;
		if (first && last)
			res = GIN_MAYBE;
	}
	return res;
}

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

	*recheck = true;
	switch (strategy)
	{
		case LikeStrategyNumber:
			res = true;
			for (int32 i = 0; i < nkeys; i++)
				if (!check[i])
				{
					res = false;
					break;
				}
			break;
		case ContainsStrategyNumber:
		case ContainsAnyStrategyNumber:
			if (nkeys == 0)
				res = true;		/* whole-index scan */
			else
			{
				/* GinTernaryValue is a char: false and true are GIN_FALSE and GIN_TRUE */
				GinTernaryValue *tcheck = palloc(sizeof(GinTernaryValue) * nkeys);
				GinTernaryValue v;

				for (int32 i = 0; i < nkeys; i++)
					tcheck[i] = check[i] ? GIN_TRUE : GIN_FALSE;
				v = plan_consistent(((const EntryExtra *) extra_data[0])->plan, tcheck);
				pfree(tcheck);
				res = v != GIN_FALSE;
				*recheck = v != GIN_TRUE;
			}
			break;
		default:
			elog(ERROR, "unrecognized strategy number: %d", strategy);
			break;
	}
	PG_RETURN_BOOL(res);
}

/* as above, on GIN_TRUE / GIN_FALSE / GIN_MAYBE */
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
		case LikeStrategyNumber:
			for (int32 i = 0; i < nkeys; i++)
				if (check[i] == GIN_FALSE)
				{
					res = GIN_FALSE;
					break;
				}
			break;
		case ContainsStrategyNumber:
		case ContainsAnyStrategyNumber:
			if (nkeys > 0)
				res = plan_consistent(((const EntryExtra *) extra_data[0])->plan, check);
			break;
		default:
			elog(ERROR, "unrecognized strategy number: %d", strategy);
			break;
	}
	PG_RETURN_GIN_TERNARY_VALUE(res);
}

/*
 * A range key (a, END, END) matches every key beginning with a, and
 * (a, b, END) every key beginning with a, b; a group's entry every key in
 * its set.  Keys are scanned in ascending order from the query key, so the
 * first key past the range (past the group's last) ends the scan.
 */
Datum
prevent_gin_compare_partial(PG_FUNCTION_ARGS)
{
	pv_index_key range = PG_GETARG_INT64(0);
	pv_index_key key = PG_GETARG_INT64(1);
	/* StrategyNumber strategy = PG_GETARG_UINT16(2); */
	const EntryExtra *x = (const EntryExtra *) PG_GETARG_POINTER(3);

	if (x != NULL && x->group != NULL)
	{
		if (key > x->group->last)
			PG_RETURN_INT32(1);
		PG_RETURN_INT32(group_covers(x->group, key) ? 0 : -1);
	}
	PG_RETURN_INT32(pv_index_key_in_range(range, key) ? 0 : 1);
}
