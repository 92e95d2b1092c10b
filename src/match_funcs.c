/*
 * match_funcs.c — SQL functions over the matcher: prevent.normalize,
 * prevent.match, prevent.assess, prevent.score, prevent.level,
 * prevent.highlight; the text[] forms of assess, score and highlight take
 * narrative columns as one text (columns.c).
 *
 * Each call site keeps one pv_result in fn_extra (allocated in fn_mcxt), so
 * scanning row after row reuses the same buffers.  Memory: a scan's buffers
 * do not grow with the text (pv_scan_stream); prevent.match and
 * prevent.highlight take the occurrences from the scan as it finds them,
 * into the tuplestore (which spills to disk past work_mem) or the output
 * text, so a call needs the text, its result and little more.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "core/normalize.h"
#include "prevent.h"

PG_FUNCTION_INFO_V1(prevent_normalize);
PG_FUNCTION_INFO_V1(prevent_match);
PG_FUNCTION_INFO_V1(prevent_assess);
PG_FUNCTION_INFO_V1(prevent_assess_columns);
PG_FUNCTION_INFO_V1(prevent_score);
PG_FUNCTION_INFO_V1(prevent_score_columns);
PG_FUNCTION_INFO_V1(prevent_level);
PG_FUNCTION_INFO_V1(prevent_highlight);
PG_FUNCTION_INFO_V1(prevent_highlight_columns);
PG_FUNCTION_INFO_V1(prevent_terms);

/*
 * Per call site: the scan buffers, and for prevent.assess the result row's
 * descriptor, built once.
 */
typedef struct CallCache
{
	pv_result	res;
	PvPositions pos;			/* for dispositions (lexicon_cache.c) */
	TupleDesc	tupdesc;
} CallCache;

static CallCache *
call_cache(FunctionCallInfo fcinfo)
{
	CallCache  *cc = (CallCache *) fcinfo->flinfo->fn_extra;

	if (cc == NULL)
	{
		cc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CallCache));
		cc->pos.alloc_mcxt = fcinfo->flinfo->fn_mcxt;
		fcinfo->flinfo->fn_extra = cc;
	}
	return cc;
}

/*
 * Scan into res, the core allocating under mcxt; the occurrences, if sink
 * is given, go to it as they are found (with mcxt current: a sink that
 * allocates switches to its own context).
 */
void
prevent_scan_stream(const PvLexicon *lex, const char *doc, size_t len, pv_result *res,
					MemoryContext mcxt, pv_hit_sink sink, void *sink_arg, bool bytes_only)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	/* text in a UTF8 database is valid UTF-8 (the extension requires one) */
	int			rc = pv_scan_stream(lex->lex, doc, len,
									PV_SCAN_VALID_UTF8 | (bytes_only ? PV_SCAN_BYTES_ONLY : 0),
									res, sink, sink_arg);

	MemoryContextSwitchTo(old);
	if (rc == PV_ERR_NOMEM)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (rc != PV_OK)
		elog(ERROR, "prevent: scan failed: %s", pv_strerror(rc));
}

/* the longest text a function can return */
#define MAX_TEXT_BYTES ((Size) (MaxAllocSize - VARHDRSZ))

/*
 * Normalized straight into the result: the text and its normalized form
 * (about as long, or shorter) are all the memory a call takes.
 */
Datum
prevent_normalize(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	const char *src = VARDATA_ANY(doc);
	Size		len = VARSIZE_ANY_EXHDR(doc);
	Size		cap = Min(len + PV_NORM_MAX_BYTES, MAX_TEXT_BYTES);
	Size		pos = 0;
	Size		outlen = 0;
	text	   *result = (text *) palloc(VARHDRSZ + cap);

	for (;;)
	{
		outlen += pv_normalize_chunk(src, len, &pos, VARDATA(result) + outlen, cap - outlen);
		if (pos >= len)
			break;
		/* expansions (㍿ is 株式会社) made it longer than the text */
		if (cap == MAX_TEXT_BYTES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("normalized text would exceed the maximum length of a text value")));
		cap = Min(cap + cap / 2 + PV_NORM_MAX_BYTES, MAX_TEXT_BYTES);
		result = (text *) repalloc(result, VARHDRSZ + cap);
	}
	SET_VARSIZE(result, VARHDRSZ + outlen);
	PG_RETURN_TEXT_P(result);
}

/* prevent.match: the unsuppressed occurrences into the tuplestore, as found */
typedef struct MatchSink
{
	const PvLexicon *lex;
	ReturnSetInfo *rsinfo;
	MemoryContext mcxt;
} MatchSink;

static void
match_sink(void *arg, const pv_hit *hits, int32_t nhits)
{
	MatchSink  *ms = arg;
	MemoryContext old = MemoryContextSwitchTo(ms->mcxt);

	for (int32 i = 0; i < nhits; i++)
	{
		const pv_hit *h = &hits[i];
		const PvKeywordInfo *k = &ms->lex->keywords[h->keyword];
		Datum		values[6];
		bool		nulls[6] = {false};

		if (h->status != PV_HIT_OK || !PV_KEYWORD_IS_TERM(k))
			continue;
		values[0] = Int64GetDatum(k->id);
		values[1] = k->term_text;
		values[2] = k->category_text;
		values[3] = Int32GetDatum(k->weight);
		values[4] = Int32GetDatum((int32) (h->cstart + 1));
		values[5] = Int32GetDatum((int32) (h->cend - h->cstart));
		tuplestore_putvalues(ms->rsinfo->setResult, ms->rsinfo->setDesc, values, nulls);
	}
	MemoryContextSwitchTo(old);
}

Datum
prevent_match(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	PvLexicon  *lex = lexicon_cache_get();
	CallCache  *cc;
	MatchSink	ms;

	InitMaterializedSRF(fcinfo, 0);
	cc = call_cache(fcinfo);
	ms.lex = lex;
	ms.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ms.mcxt = CurrentMemoryContext;
	prevent_scan_stream(lex, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &cc->res, fcinfo->flinfo->fn_mcxt,
				match_sink, &ms, false);
	return (Datum) 0;
}

/*
 * The categories and distinct terms of a scan: the keywords that count (see
 * lexicon_assess: no disposition, none it ruled out), in order of first
 * occurrence, then the rules that fired.  They are few (at most the
 * lexicon's): duplicate categories are found by comparing indexes, no
 * strings.
 */
void
prevent_assessment_arrays(const PvLexicon *lex, const pv_result *res, const PvAssessment *as,
						  ArrayType **categories_out, ArrayType **terms_out)
{
	int			cap = res->nkeywords + res->nrules + 1;
	Datum	   *cats = palloc(sizeof(Datum) * cap);
	Datum	   *terms = palloc(sizeof(Datum) * cap);
	int32	   *cat_codes = palloc(sizeof(int32) * cap);
	int			ncats = 0,
				nterms = 0;

	for (int32 i = 0; i < res->nkeywords + res->nrules; i++)
	{
		int32		code;
		Datum		cat_text;
		bool		dup = false;

		if (i < res->nkeywords)
		{
			const PvKeywordInfo *k = &lex->keywords[res->keywords[i]];

			if (!as->counted[i] || k->signal_only)
				continue;
			terms[nterms++] = k->term_text;
			code = k->category_code;
			cat_text = k->category_text;
		}
		else
		{
			const PvRuleInfo *r = &lex->rules[res->rules[i - res->nkeywords]];

			if (!as->rules_counted)
				break;
			terms[nterms++] = r->label_text;
			code = r->category_code;
			cat_text = r->category_text;
		}
		for (int j = 0; j < ncats && !dup; j++)
			dup = cat_codes[j] == code;
		if (!dup)
		{
			cat_codes[ncats] = code;
			cats[ncats++] = cat_text;
		}
	}
	*categories_out = construct_array(cats, ncats, TEXTOID, -1, false, TYPALIGN_INT);
	*terms_out = construct_array(terms, nterms, TEXTOID, -1, false, TYPALIGN_INT);
}

/* prevent.assess of doc (len bytes): the row of prevent.assessment */
static Datum
assess_text(FunctionCallInfo fcinfo, const char *doc, size_t len)
{
	PvLexicon  *lex = lexicon_cache_get();
	CallCache  *cc = call_cache(fcinfo);
	ArrayType  *categories;
	ArrayType  *terms;
	PvAssessment as;
	Datum		values[4];
	bool		nulls[4] = {false};

	if (cc->tupdesc == NULL)
	{
		TupleDesc	tupdesc;
		MemoryContext old;

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		cc->tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		MemoryContextSwitchTo(old);
	}
	prevent_scan_assess(lex, doc, len, &cc->res, &cc->pos, fcinfo->flinfo->fn_mcxt, &as);
	prevent_assessment_arrays(lex, &cc->res, &as, &categories, &terms);
	values[0] = Int32GetDatum(as.score);
	values[1] = lex->level_values[as.level];
	values[2] = PointerGetDatum(categories);
	values[3] = PointerGetDatum(terms);
	return HeapTupleGetDatum(heap_form_tuple(cc->tupdesc, values, nulls));
}

/* prevent.score of doc (len bytes) */
static int32
score_text(FunctionCallInfo fcinfo, const char *doc, size_t len)
{
	PvLexicon  *lex = lexicon_cache_get();
	CallCache  *cc = call_cache(fcinfo);
	PvAssessment as;

	prevent_scan_assess(lex, doc, len, &cc->res, &cc->pos, fcinfo->flinfo->fn_mcxt, &as);
	return as.score;
}

Datum
prevent_assess(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);

	PG_RETURN_DATUM(assess_text(fcinfo, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc)));
}

/* the text[] forms: the columns joined (columns.c), assessed as one text */
Datum
prevent_assess_columns(PG_FUNCTION_ARGS)
{
	PvColumns	cols;

	prevent_columns_get(PG_GETARG_ARRAYTYPE_P(0), false, &cols);
	PG_RETURN_DATUM(assess_text(fcinfo, VARDATA(cols.joined), VARSIZE(cols.joined) - VARHDRSZ));
}

Datum
prevent_score(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);

	PG_RETURN_INT32(score_text(fcinfo, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc)));
}

Datum
prevent_score_columns(PG_FUNCTION_ARGS)
{
	PvColumns	cols;

	prevent_columns_get(PG_GETARG_ARRAYTYPE_P(0), false, &cols);
	PG_RETURN_INT32(score_text(fcinfo, VARDATA(cols.joined), VARSIZE(cols.joined) - VARHDRSZ));
}

Datum
prevent_level(PG_FUNCTION_ARGS)
{
	int32		score = PG_GETARG_INT32(0);
	PvLexicon  *lex = lexicon_cache_get();

	PG_RETURN_DATUM(lex->level_values[lexicon_level_of(lex, score)]);
}

/*
 * prevent.highlight: the text written straight into the result as the
 * occurrences come (ordered by start), overlapping ones merged into one
 * span.  The text[] form highlights the joined text (columns.c) the same
 * way and writes each element's part of it, one after another, straight
 * into the result array, laid out as construct_md_array lays it out (a
 * text's element with its header, int-aligned): the text form is the case
 * of one element and no array around it, so both mark exactly the same
 * spans.  The result grows by half when full (a repalloc of a large chunk
 * is a realloc, not a copy beside the old one).
 */
typedef struct HighlightSink
{
	const PvLexicon *lex;
	const char *src;			/* the text, or the joined columns */
	const char *open;
	Size		openlen;
	const char *close;
	Size		closelen;
	/* the elements: bytes [starts[i], starts[i + 1] - 1) of src */
	int			nelems;
	const int32 *starts;
	const bool *nulls;			/* NULL elements (nothing written), or NULL for none */
	int			elem;			/* the element being written */
	Size		elem_at;		/* where its header is in out */
	bool		array;			/* out is an array (the text[] form), else a text */
	char	   *out;
	Size		len;			/* bytes of out written, headers included */
	Size		cap;
	Size		copied;			/* src is written up to here */
	bool		in_span;
	Size		start;			/* the span being merged */
	Size		end;
} HighlightSink;

static void
highlight_append(HighlightSink *hs, const char *p, Size n)
{
	if (n > hs->cap - hs->len)
	{
		if (n > MaxAllocSize - hs->len)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 hs->array
					 ? errmsg("highlighted columns would exceed the maximum size of an array value")
					 : errmsg("highlighted text would exceed the maximum length of a text value")));
		hs->cap = Min(Max(hs->len + n, hs->cap + hs->cap / 2), MaxAllocSize);
		hs->out = repalloc(hs->out, hs->cap);
	}
	if (p != NULL)
		memcpy(hs->out + hs->len, p, n);
	else
		memset(hs->out + hs->len, 0, n);
	hs->len += n;
}

/* the end of the current element in src: the break after it, or the end of src */
static inline Size
highlight_elem_end(const HighlightSink *hs)
{
	return (Size) hs->starts[hs->elem + 1] - 1;
}

/* the header of the current element, int-aligned as in an array; nothing for a NULL one */
static void
highlight_begin_elem(HighlightSink *hs)
{
	hs->copied = hs->starts[hs->elem];
	if (hs->nulls != NULL && hs->nulls[hs->elem])
		return;
	highlight_append(hs, NULL, INTALIGN(hs->len) - hs->len);
	hs->elem_at = hs->len;
	highlight_append(hs, NULL, VARHDRSZ);
}

/* the rest of the current element, and its header set */
static void
highlight_end_elem(HighlightSink *hs)
{
	if (hs->nulls != NULL && hs->nulls[hs->elem])
		return;
	highlight_append(hs, hs->src + hs->copied, highlight_elem_end(hs) - hs->copied);
	SET_VARSIZE(hs->out + hs->elem_at, hs->len - hs->elem_at);
}

/* the span [hs->start, hs->end) marked, in the element it lies in */
static void
highlight_span(HighlightSink *hs)
{
	Size		start = hs->start;

	hs->in_span = false;
	for (;;)
	{
		Size		stop;

		while (start >= highlight_elem_end(hs))
		{
			highlight_end_elem(hs);
			hs->elem++;
			highlight_begin_elem(hs);
		}
		start = Max(start, hs->copied);
		/* the break between columns ends every match: no span reaches past its element */
		Assert(hs->end <= highlight_elem_end(hs));
		stop = Min(hs->end, highlight_elem_end(hs));
		if (start >= stop)
			break;
		highlight_append(hs, hs->src + hs->copied, start - hs->copied);
		highlight_append(hs, hs->open, hs->openlen);
		highlight_append(hs, hs->src + start, stop - start);
		highlight_append(hs, hs->close, hs->closelen);
		hs->copied = stop;
		if (stop == hs->end)
			break;
		/* (cannot happen) the rest, from the next element on, marked there */
		start = stop;
	}
}

static void
highlight_sink(void *arg, const pv_hit *hits, int32_t nhits)
{
	HighlightSink *hs = arg;

	for (int32 i = 0; i < nhits; i++)
	{
		if (hits[i].status != PV_HIT_OK || !PV_KEYWORD_IS_TERM(&hs->lex->keywords[hits[i].keyword]))
			continue;
		if (hs->in_span && hits[i].bstart < hs->end)
		{
			hs->end = Max(hs->end, hits[i].bend);
			continue;
		}
		if (hs->in_span)
			highlight_span(hs);
		hs->start = hits[i].bstart;
		hs->end = hits[i].bend;
		hs->in_span = true;
	}
}

/*
 * src (srclen bytes) highlighted into hs->out after header bytes (left
 * zeroed for the caller): its nelems elements, as starts and nulls say.
 */
static void
highlight_write(FunctionCallInfo fcinfo, HighlightSink *hs, const char *src, Size srclen, Size header)
{
	text	   *open = PG_GETARG_TEXT_PP(1);
	text	   *close = PG_GETARG_TEXT_PP(2);
	CallCache  *cc = call_cache(fcinfo);

	hs->lex = lexicon_cache_get();
	hs->src = src;
	hs->open = VARDATA_ANY(open);
	hs->openlen = VARSIZE_ANY_EXHDR(open);
	hs->close = VARDATA_ANY(close);
	hs->closelen = VARSIZE_ANY_EXHDR(close);
	hs->cap = Min(header + srclen + 256, MaxAllocSize);
	hs->out = palloc(hs->cap);
	hs->len = 0;
	highlight_append(hs, NULL, header);
	hs->elem = 0;
	hs->in_span = false;
	hs->start = hs->end = 0;
	highlight_begin_elem(hs);
	/* spans in bytes */
	prevent_scan_stream(hs->lex, src, srclen, &cc->res, fcinfo->flinfo->fn_mcxt, highlight_sink, hs, true);
	if (hs->in_span)
		highlight_span(hs);
	for (;;)
	{
		highlight_end_elem(hs);
		if (hs->elem + 1 == hs->nelems)
			break;
		hs->elem++;
		highlight_begin_elem(hs);
	}
}

Datum
prevent_highlight(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	Size		len = VARSIZE_ANY_EXHDR(doc);
	int32		starts[2] = {0, (int32) (len + 1)};
	HighlightSink hs;

	hs.nelems = 1;
	hs.starts = starts;
	hs.nulls = NULL;
	hs.array = false;
	/* the text is the one element, its header at the start */
	highlight_write(fcinfo, &hs, VARDATA_ANY(doc), len, 0);
	PG_RETURN_TEXT_P((text *) hs.out);
}

/* prevent.highlight(docs text[], ...): an array of the same bounds, NULL elements kept */
Datum
prevent_highlight_columns(PG_FUNCTION_ARGS)
{
	PvColumns	cols;
	HighlightSink hs;
	bool		hasnull = false;
	Size		header;
	ArrayType  *result;

	prevent_columns_get(PG_GETARG_ARRAYTYPE_P(0), false, &cols);
	if (cols.n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	for (int i = 0; i < cols.n && !hasnull; i++)
		hasnull = cols.nulls[i];
	header = hasnull ? ARR_OVERHEAD_WITHNULLS(1, cols.n) : ARR_OVERHEAD_NONULLS(1);
	hs.nelems = cols.n;
	hs.starts = cols.bstarts;
	hs.nulls = cols.nulls;
	hs.array = true;
	highlight_write(fcinfo, &hs, VARDATA(cols.joined), VARSIZE(cols.joined) - VARHDRSZ, header);
	highlight_append(&hs, NULL, INTALIGN(hs.len) - hs.len);
	result = (ArrayType *) hs.out;
	SET_VARSIZE(result, hs.len);
	result->ndim = 1;
	result->dataoffset = hasnull ? header : 0;
	result->elemtype = TEXTOID;
	ARR_DIMS(result)[0] = cols.n;
	ARR_LBOUND(result)[0] = cols.lbound;
	if (hasnull)
		for (int i = 0; i < cols.n; i++)
			if (!cols.nulls[i])
				ARR_NULLBITMAP(result)[i / 8] |= 1 << (i % 8);
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * prevent.terms(category default NULL): the enabled match terms (of one
 * category), in id order, from the cached lexicon.  The array is built once
 * per call site and lexicon, so `doc &~| prevent.terms()` costs a copy per
 * row, not a query.
 */
typedef struct TermsCache
{
	uint64		generation;
	char	   *category;		/* NULL: every category */
	ArrayType  *terms;
} TermsCache;

Datum
prevent_terms(PG_FUNCTION_ARGS)
{
	PvLexicon  *lex = lexicon_cache_get();
	TermsCache *tc = (TermsCache *) fcinfo->flinfo->fn_extra;
	char	   *category = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	ArrayType  *copy;

	if (tc == NULL)
	{
		tc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TermsCache));
		fcinfo->flinfo->fn_extra = tc;
	}
	if (tc->terms == NULL || tc->generation != lex->generation ||
		(tc->category == NULL) != (category == NULL) ||
		(category != NULL && strcmp(tc->category, category) != 0))
	{
		Datum	   *elems = palloc(sizeof(Datum) * (lex->nkeywords + 1));
		int			n = 0;
		bool		known = category == NULL;
		MemoryContext old;

		for (int32 i = 0; i < lex->ncategories && !known; i++)
			known = strcmp(lex->categories[i], category) == 0;
		if (!known)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown category \"%s\"", category),
					 errhint("See SELECT name, label FROM prevent.category.")));
		for (int32 i = 0; i < lex->nkeywords; i++)
			if (PV_KEYWORD_IS_TERM(&lex->keywords[i]) &&
				(category == NULL || strcmp(lex->keywords[i].category, category) == 0))
				elems[n++] = lex->keywords[i].term_text;
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		if (tc->terms)
			pfree(tc->terms);
		if (tc->category)
			pfree(tc->category);
		tc->terms = construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
		tc->category = category ? pstrdup(category) : NULL;
		tc->generation = lex->generation;
		MemoryContextSwitchTo(old);
	}
	copy = (ArrayType *) palloc(VARSIZE(tc->terms));
	memcpy(copy, tc->terms, VARSIZE(tc->terms));
	PG_RETURN_ARRAYTYPE_P(copy);
}
