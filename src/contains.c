/*
 * contains.c — the containment operators over normalized text, the exact
 * test behind prevent.gin_ops (gin.c):
 *
 *   doc &~ term      prevent.normalize(term) is a substring of
 *                    prevent.normalize(doc)
 *   doc &~| terms    the same for at least one element of terms (text[]);
 *                    NULL elements are ignored, so an empty array or one of
 *                    NULLs only is false; a term that another term is a
 *                    substring of is not searched for (it cannot decide)
 *
 * A term is compared after normalization, as keywords are: 殺人, 杀 人 and
 * 杀人 are one term, and noise in the document does not hide it.  A term
 * that normalizes to nothing (empty, or only whitespace, punctuation,
 * symbols, emoji) is refused with SQLSTATE 22023: it would be contained in
 * every text.  A term may contain a clause break (。！？；!?; or a line
 * break); it then matches only where the document has a break at that
 * place, so '杀人。' finds a clause that ends with 杀人.  Matching is by
 * bytes of the normalized UTF-8, which is exact because UTF-8 is
 * self-synchronizing.
 *
 * Caching rule: each call site (FmgrInfo) keeps in fn_extra the last right
 * operand it saw, compared by its bytes (for &~| not at all when the array
 * is a constant of the call site's expression), and what was built from
 * it: the normalized term for &~; for &~| one or more Aho-Corasick automata
 * over the terms (matcher.h; split so that no automaton's transition table
 * exceeds AUTOMATON_BUDGET) plus the normalized terms an automaton cannot
 * hold (longer than PV_MAX_TERM, or with a clause break), which are
 * searched in the normalized document.  Everything is allocated in a memory context
 * under fn_mcxt that is reset when the operand changes, so nothing outlives
 * the query.
 *
 * Memory and interrupts: a document is never normalized whole.  The
 * automata read the original text (pv_scan_any, stopping at the first
 * match); a normalized search goes through a buffer of at most
 * SEARCH_PIECE bytes plus the longest term (SearchBuffer, kept per call
 * site), normalizing a piece at a time, and checks for interrupts between
 * pieces and between terms, so a long text with many terms can be
 * cancelled.
 */
#include "postgres.h"

#include <string.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/memutils.h"

#include "core/index_keys.h"
#include "core/matcher.h"
#include "core/normalize.h"
#include "prevent.h"

PG_FUNCTION_INFO_V1(prevent_contains);
PG_FUNCTION_INFO_V1(prevent_contains_any);

/* largest transition table of one automaton: states x symbols entries */
#define AUTOMATON_BUDGET ((int64) 4 * 1024 * 1024)

/* normalized bytes searched at a time (a piece stays in the CPU's cache) */
#define SEARCH_PIECE ((Size) 256 * 1024)

/* where a document is normalized a piece at a time; in fn_mcxt */
typedef struct SearchBuffer
{
	char	   *data;
	Size		cap;
} SearchBuffer;

/* &~: the last term seen at this call site */
typedef struct TermCache
{
	MemoryContext mcxt;
	bool		valid;
	char	   *raw;			/* the term as given (bytes, no header) */
	Size		rawlen;
	char	   *norm;			/* normalized */
	Size		normlen;
	SearchBuffer buf;
} TermCache;

/* &~|: the last array seen at this call site, compiled */
typedef struct TermSetCache
{
	MemoryContext mcxt;
	bool		valid;
	char	   *raw;			/* the array datum's bytes */
	Size		rawlen;
	bool		stable;			/* the array is a Const of the call site's expression */
	int			nautomata;
	pv_lexicon **automata;
	pv_result	result;			/* scan buffers, reused row after row */
	int			nslow;			/* terms searched in the normalized document */
	char	  **slow;
	Size	   *slowlen;
	SearchBuffer buf;
} TermSetCache;

/* shared with gin.c: the error for a term that normalizes to nothing */
void
prevent_report_empty_term(const char *term, Size len)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("search term \"%s\" is empty after normalization",
					pnstrdup(term, len)),
			 errdetail("Whitespace, punctuation, symbols and emoji are dropped when text is normalized, so the term would be contained in every text."),
			 errhint("A term needs at least one letter, digit or Chinese character.")));
}

/* normalized copy of a UTF-8 string, in the current memory context */
static char *
normalize_bytes(const char *s, Size len, Size *outlen)
{
	char	   *out = pv_normalize(s, len, outlen);

	if (out == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	return out;
}

static bool
bytes_contain(const char *hay, Size haylen, const char *needle, Size needlelen)
{
	return needlelen <= haylen && memmem(hay, haylen, needle, needlelen) != NULL;
}

/*
 * Is one of the n normalized terms a substring of the normalized document?
 * The document is normalized a piece at a time into buf; the last bytes of
 * a piece, one fewer than the longest term, are kept in front of the next,
 * so a term across two pieces is found.  Matching bytes is exact: UTF-8 is
 * self-synchronizing.
 */
static bool
normalized_contains(SearchBuffer *buf, MemoryContext mcxt, const char *doc, Size len,
					char *const *terms, const Size *termlens, int n)
{
	Size		longest = 0;
	Size		piece = Min(SEARCH_PIECE, len + PV_NORM_MAX_BYTES);
	Size		have = 0;
	Size		pos = 0;

	for (int i = 0; i < n; i++)
		longest = Max(longest, termlens[i]);
	if (buf->cap < longest + piece)
	{
		Size		cap = Min(Max(longest + piece, buf->cap * 2), longest + SEARCH_PIECE);

		if (buf->data)
			pfree(buf->data);
		buf->data = NULL;
		buf->cap = 0;
		buf->data = MemoryContextAlloc(mcxt, cap);
		buf->cap = cap;
	}
	for (;;)
	{
		have += pv_normalize_chunk(doc, len, &pos, buf->data + have, buf->cap - have);
		for (int i = 0; i < n; i++)
		{
			if (bytes_contain(buf->data, have, terms[i], termlens[i]))
				return true;
			CHECK_FOR_INTERRUPTS();
		}
		if (pos >= len)
			return false;
		if (have >= longest)
		{
			memmove(buf->data, buf->data + have - (longest - 1), longest - 1);
			have = longest - 1;
		}
	}
}

/* ---------------------------------------------------------------- &~ */

static TermCache *
term_cache_get(FunctionCallInfo fcinfo, text *term)
{
	TermCache  *cache = (TermCache *) fcinfo->flinfo->fn_extra;
	const char *raw = VARDATA_ANY(term);
	Size		rawlen = VARSIZE_ANY_EXHDR(term);
	MemoryContext old;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TermCache));
		cache->mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "prevent &~ term",
											 ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->valid && cache->rawlen == rawlen && memcmp(cache->raw, raw, rawlen) == 0)
		return cache;

	cache->valid = false;
	MemoryContextReset(cache->mcxt);
	old = MemoryContextSwitchTo(cache->mcxt);
	cache->norm = normalize_bytes(raw, rawlen, &cache->normlen);
	MemoryContextSwitchTo(old);
	if (cache->normlen == 0)
		prevent_report_empty_term(raw, rawlen);
	cache->raw = MemoryContextAlloc(cache->mcxt, rawlen + 1);
	memcpy(cache->raw, raw, rawlen);
	cache->rawlen = rawlen;
	cache->valid = true;
	return cache;
}

Datum
prevent_contains(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	TermCache  *cache = term_cache_get(fcinfo, PG_GETARG_TEXT_PP(1));
	const char *s = VARDATA_ANY(doc);
	Size		len = VARSIZE_ANY_EXHDR(doc);

	/*
	 * Normalization maps each character on its own, so a text that holds
	 * the term as written, or its normalized form, holds the normalized term
	 * once normalized: most texts the index lets through say so without
	 * being normalized.
	 */
	if (bytes_contain(s, len, cache->raw, cache->rawlen) ||
		bytes_contain(s, len, cache->norm, cache->normlen))
		PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(normalized_contains(&cache->buf, fcinfo->flinfo->fn_mcxt, s, len,
									   &cache->norm, &cache->normlen, 1));
}

/* --------------------------------------------------------------- &~| */

/*
 * Does the normalized term go into an automaton (no break, not too long)?
 * Normalized text normalizes to itself, one code point each, so reading it
 * through the table again tells its breaks.
 */
static bool
term_fits_automaton(const char *norm, Size len, int *ncps)
{
	size_t		i = 0;
	int			n = 0;

	while (i < len)
	{
		pv_norm_char nc;

		if (pv_norm_next((const unsigned char *) norm, len, &i, &nc) == PV_NK_BREAK ||
			(n += nc.n) > PV_MAX_TERM)
			return false;
	}
	*ncps = n;
	return true;
}

static void
check_core_rc(int rc, const char *what)
{
	if (rc == PV_ERR_NOMEM)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (rc < 0)
		elog(ERROR, "prevent: %s failed: %s", what, pv_strerror(rc));
}

/*
 * Build the automata and the slow list from the array's elements; runs in
 * cache->mcxt.  Terms are taken in array order and an automaton is closed
 * when states x symbols could exceed the budget (states <= code points + 1,
 * symbols <= distinct code points).
 */
static void
term_set_build(TermSetCache *cache, ArrayType *arr)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			maxautomata;
	pv_lexicon *lex = NULL;
	int64		states = 1;
	int64		symbols = 0;
	uint8	   *seen = NULL;	/* code points in the open automaton, a bitmap */

	char	  **norms;
	size_t	   *normlens;
	uint8	   *keep;
	int			nterms = 0;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	maxautomata = nelems + 1;
	cache->automata = palloc(sizeof(pv_lexicon *) * maxautomata);
	cache->slow = palloc(sizeof(char *) * (nelems + 1));
	cache->slowlen = palloc(sizeof(Size) * (nelems + 1));

	/*
	 * Every term normalized first: a term that another term is a substring
	 * of adds nothing to an any-of test (a text that has it has the other),
	 * so only the others are searched for (pv_terms_minimal).
	 */
	norms = palloc(sizeof(char *) * (nelems + 1));
	normlens = palloc(sizeof(size_t) * (nelems + 1));
	keep = palloc(sizeof(uint8) * (nelems + 1));
	for (int i = 0; i < nelems; i++)
	{
		text	   *term;

		CHECK_FOR_INTERRUPTS();	/* an array may hold very many terms */
		if (nulls[i])
			continue;
		term = DatumGetTextPP(elems[i]);
		norms[nterms] = normalize_bytes(VARDATA_ANY(term), VARSIZE_ANY_EXHDR(term), &normlens[nterms]);
		if (normlens[nterms] == 0)
			prevent_report_empty_term(VARDATA_ANY(term), VARSIZE_ANY_EXHDR(term));
		nterms++;
	}
	check_core_rc(pv_terms_minimal((const char *const *) norms, normlens, nterms, keep),
				  "reducing the search terms");

	for (int i = 0; i < nterms; i++)
	{
		Size		normlen = normlens[i];
		char	   *norm = norms[i];
		int			ncps;
		int			rc;

		CHECK_FOR_INTERRUPTS();
		if (!keep[i])
			continue;
		if (!term_fits_automaton(norm, normlen, &ncps))
		{
			cache->slow[cache->nslow] = norm;
			cache->slowlen[cache->nslow++] = normlen;
			continue;
		}

		/* would this term push the open automaton over the budget? */
		{
			int64		newsyms = 0;
			size_t		p = 0;

			if (seen == NULL)
				seen = palloc0(PV_MAX_CODEPOINT / 8 + 1);
			while (p < normlen)
			{
				uint32		c = pv_utf8_next((const unsigned char *) norm, normlen, &p);

				if (!(seen[c >> 3] & (1 << (c & 7))))
					newsyms++;
			}
			if (lex != NULL && (states + ncps) * (symbols + newsyms) > AUTOMATON_BUDGET)
			{
				check_core_rc(pv_lexicon_compile(lex), "compiling the search terms");
				cache->automata[cache->nautomata++] = lex;
				lex = NULL;
				memset(seen, 0, PV_MAX_CODEPOINT / 8 + 1);
				states = 1;
				symbols = 0;
			}
			p = 0;
			while (p < normlen)
			{
				uint32		c = pv_utf8_next((const unsigned char *) norm, normlen, &p);

				if (!(seen[c >> 3] & (1 << (c & 7))))
				{
					seen[c >> 3] |= 1 << (c & 7);
					symbols++;
				}
			}
			states += ncps;
		}

		if (lex == NULL)
		{
			lex = pv_lexicon_new();
			if (lex == NULL)
				check_core_rc(PV_ERR_NOMEM, "building the search terms");
		}
		/* normalized text normalizes to itself */
		rc = pv_lexicon_add_keyword(lex, norm, normlen, 0, 1);
		check_core_rc(rc, "adding a search term");
	}
	if (lex != NULL)
	{
		check_core_rc(pv_lexicon_compile(lex), "compiling the search terms");
		cache->automata[cache->nautomata++] = lex;
	}
	if (seen != NULL)
		pfree(seen);
	pv_result_init(&cache->result);
}

/* is argument argnum of the call site's expression a Const? */
static bool
arg_is_const(FmgrInfo *flinfo, int argnum)
{
	Node	   *expr = flinfo->fn_expr;
	List	   *args;

	if (expr == NULL)
		return false;
	if (IsA(expr, OpExpr))
		args = ((OpExpr *) expr)->args;
	else if (IsA(expr, FuncExpr))
		args = ((FuncExpr *) expr)->args;
	else
		return false;
	return argnum < list_length(args) && IsA(list_nth(args, argnum), Const);
}

static TermSetCache *
term_set_cache_get(FunctionCallInfo fcinfo, ArrayType *arr)
{
	TermSetCache *cache = (TermSetCache *) fcinfo->flinfo->fn_extra;
	Size		rawlen = VARSIZE(arr);
	MemoryContext old;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TermSetCache));
		cache->mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "prevent &~| terms",
											 ALLOCSET_DEFAULT_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	/*
	 * A constant array (a literal) is the same on every call: comparing its
	 * bytes again on every row would cost as much as the scan of a short
	 * text.  Not so a parameter: PL/pgSQL evaluates one expression again
	 * with new values of its variables.
	 */
	if (cache->valid && (cache->stable ||
						 (cache->rawlen == rawlen && memcmp(cache->raw, arr, rawlen) == 0)))
		return cache;

	cache->valid = false;
	MemoryContextReset(cache->mcxt);
	cache->nautomata = 0;
	cache->nslow = 0;
	old = MemoryContextSwitchTo(cache->mcxt);
	term_set_build(cache, arr);
	cache->raw = palloc(rawlen);
	memcpy(cache->raw, arr, rawlen);
	cache->rawlen = rawlen;
	MemoryContextSwitchTo(old);
	cache->stable = arg_is_const(fcinfo->flinfo, 1);
	cache->valid = true;
	return cache;
}

Datum
prevent_contains_any(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	TermSetCache *cache = term_set_cache_get(fcinfo, arr);
	const char *s = VARDATA_ANY(doc);
	Size		len = VARSIZE_ANY_EXHDR(doc);

	for (int i = 0; i < cache->nautomata; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(cache->mcxt);
		/* text in a UTF8 database is valid UTF-8 */
		int			rc = pv_scan_any(cache->automata[i], s, len, 1, &cache->result);

		MemoryContextSwitchTo(old);
		check_core_rc(rc, "scanning a text");
		if (rc > 0)
			PG_RETURN_BOOL(true);
	}
	if (cache->nslow > 0 &&
		normalized_contains(&cache->buf, fcinfo->flinfo->fn_mcxt, s, len,
							cache->slow, cache->slowlen, cache->nslow))
		PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
}
