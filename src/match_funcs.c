/*
 * match_funcs.c — SQL functions over the matcher: prevent.normalize,
 * prevent.match, prevent.assess, prevent.score, prevent.level,
 * prevent.highlight.
 *
 * Each call site keeps one pv_result in fn_extra (allocated in fn_mcxt), so
 * scanning row after row reuses the same buffers.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "normalize.h"
#include "prevent.h"

PG_FUNCTION_INFO_V1(prevent_normalize);
PG_FUNCTION_INFO_V1(prevent_match);
PG_FUNCTION_INFO_V1(prevent_assess);
PG_FUNCTION_INFO_V1(prevent_score);
PG_FUNCTION_INFO_V1(prevent_level);
PG_FUNCTION_INFO_V1(prevent_highlight);
PG_FUNCTION_INFO_V1(prevent_terms);

const char *const prevent_level_names[PV_NLEVELS] = {"none", "low", "medium", "high", "critical"};

/*
 * Per call site: the scan buffers, and for prevent.assess the result row's
 * descriptor and the risk_level values, looked up once.
 */
typedef struct CallCache
{
	pv_result	res;
	TupleDesc	tupdesc;
	Oid			level_type;
	Datum		levels[PV_NLEVELS];
} CallCache;

static CallCache *
call_cache(FunctionCallInfo fcinfo)
{
	CallCache  *cc = (CallCache *) fcinfo->flinfo->fn_extra;

	if (cc == NULL)
	{
		cc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CallCache));
		fcinfo->flinfo->fn_extra = cc;
	}
	return cc;
}

static void
call_cache_levels(CallCache *cc, Oid level_type)
{
	if (cc->level_type == level_type)
		return;
	for (int l = 0; l < PV_NLEVELS; l++)
		cc->levels[l] = DirectFunctionCall2(enum_in, CStringGetDatum(prevent_level_names[l]),
											ObjectIdGetDatum(level_type));
	cc->level_type = level_type;
}

void
prevent_scan_into(const PvLexicon *lex, const char *doc, size_t len, pv_result *res, MemoryContext mcxt)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	/* text in a UTF8 database is valid UTF-8 (the extension requires one) */
	int			rc = pv_scan_ex(lex->lex, doc, len, 1, res);

	MemoryContextSwitchTo(old);
	if (rc != PV_OK)
		elog(ERROR, "prevent: scan failed: %s", pv_strerror(rc));
}

pv_result *
prevent_scan_text(FunctionCallInfo fcinfo, const PvLexicon *lex, text *doc)
{
	CallCache  *cc = call_cache(fcinfo);

	prevent_scan_into(lex, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &cc->res, fcinfo->flinfo->fn_mcxt);
	return &cc->res;
}

Datum
prevent_normalize(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	size_t		outlen;
	char	   *out = pv_normalize(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &outlen);
	text	   *result;

	result = (text *) palloc(VARHDRSZ + outlen);
	SET_VARSIZE(result, VARHDRSZ + outlen);
	memcpy(VARDATA(result), out, outlen);
	pfree(out);
	PG_RETURN_TEXT_P(result);
}

Datum
prevent_match(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PvLexicon  *lex = lexicon_cache_get();
	pv_result  *res;

	InitMaterializedSRF(fcinfo, 0);
	res = prevent_scan_text(fcinfo, lex, doc);
	for (int32 i = 0; i < res->nhits; i++)
	{
		const pv_hit *h = &res->hits[i];
		const PvKeywordInfo *k = &lex->keywords[h->keyword];
		Datum		values[6];
		bool		nulls[6] = {false};

		if (h->status != PV_HIT_OK)
			continue;
		values[0] = Int64GetDatum(k->id);
		values[1] = CStringGetTextDatum(k->term);
		values[2] = CStringGetTextDatum(k->category);
		values[3] = Int32GetDatum(k->weight);
		values[4] = Int32GetDatum((int32) (h->cstart + 1));
		values[5] = Int32GetDatum((int32) (h->cend - h->cstart));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * The categories and distinct terms of a scan, in order of first
 * occurrence.  Hits are few per text: duplicates are found by comparing
 * keyword and category indexes, no strings.
 */
void
prevent_assessment_arrays(const PvLexicon *lex, const pv_result *res,
						  ArrayType **categories_out, ArrayType **terms_out)
{
	int			cap = res->nhits + res->nrules + 1;
	Datum	   *cats = palloc(sizeof(Datum) * cap);
	Datum	   *terms = palloc(sizeof(Datum) * cap);
	int32	   *cat_codes = palloc(sizeof(int32) * cap);
	int32	   *kw_seen = palloc(sizeof(int32) * cap);
	int			ncats = 0,
				nterms = 0,
				nkw = 0;

	for (int32 i = 0; i < res->nhits + res->nrules; i++)
	{
		int32		code;
		Datum		cat_text;
		bool		dup = false;

		if (i < res->nhits)
		{
			const PvKeywordInfo *k = &lex->keywords[res->hits[i].keyword];

			if (res->hits[i].status != PV_HIT_OK)
				continue;
			for (int j = 0; j < nkw && !dup; j++)
				dup = kw_seen[j] == res->hits[i].keyword;
			if (dup)
				continue;
			kw_seen[nkw++] = res->hits[i].keyword;
			terms[nterms++] = k->term_text;
			code = k->category_code;
			cat_text = k->category_text;
		}
		else
		{
			const PvRuleInfo *r = &lex->rules[res->rules[i - res->nhits]];

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

Datum
prevent_assess(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	PvLexicon  *lex = lexicon_cache_get();
	CallCache  *cc = call_cache(fcinfo);
	ArrayType  *categories;
	ArrayType  *terms;
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
		call_cache_levels(cc, TupleDescAttr(cc->tupdesc, 1)->atttypid);
	}
	prevent_scan_into(lex, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &cc->res, fcinfo->flinfo->fn_mcxt);
	prevent_assessment_arrays(lex, &cc->res, &categories, &terms);
	values[0] = Int32GetDatum(cc->res.score);
	values[1] = cc->levels[lexicon_level_of(lex, cc->res.score)];
	values[2] = PointerGetDatum(categories);
	values[3] = PointerGetDatum(terms);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cc->tupdesc, values, nulls)));
}

Datum
prevent_score(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	PvLexicon  *lex = lexicon_cache_get();
	pv_result  *res = prevent_scan_text(fcinfo, lex, doc);

	PG_RETURN_INT32(res->score);
}

Datum
prevent_level(PG_FUNCTION_ARGS)
{
	int32		score = PG_GETARG_INT32(0);
	PvLexicon  *lex = lexicon_cache_get();

	CallCache  *cc = call_cache(fcinfo);

	call_cache_levels(cc, get_fn_expr_rettype(fcinfo->flinfo));
	PG_RETURN_DATUM(cc->levels[lexicon_level_of(lex, score)]);
}

Datum
prevent_highlight(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	text	   *open = PG_GETARG_TEXT_PP(1);
	text	   *close = PG_GETARG_TEXT_PP(2);
	PvLexicon  *lex = lexicon_cache_get();
	pv_result  *res = prevent_scan_text(fcinfo, lex, doc);
	const char *src = VARDATA_ANY(doc);
	size_t		srclen = VARSIZE_ANY_EXHDR(doc);
	StringInfoData out;
	size_t		copied = 0;
	int32		i = 0;

	initStringInfo(&out);
	/* hits are ordered by start; merge overlapping ones into one span */
	while (i < res->nhits)
	{
		size_t		start,
					end;

		if (res->hits[i].status != PV_HIT_OK)
		{
			i++;
			continue;
		}
		start = res->hits[i].bstart;
		end = res->hits[i].bend;
		for (i++; i < res->nhits; i++)
		{
			if (res->hits[i].status != PV_HIT_OK)
				continue;
			if (res->hits[i].bstart >= end)
				break;
			end = Max(end, res->hits[i].bend);
		}
		appendBinaryStringInfo(&out, src + copied, start - copied);
		appendBinaryStringInfo(&out, VARDATA_ANY(open), VARSIZE_ANY_EXHDR(open));
		appendBinaryStringInfo(&out, src + start, end - start);
		appendBinaryStringInfo(&out, VARDATA_ANY(close), VARSIZE_ANY_EXHDR(close));
		copied = end;
	}
	appendBinaryStringInfo(&out, src + copied, srclen - copied);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
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
			if (category == NULL || strcmp(lex->keywords[i].category, category) == 0)
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
