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

static const char *const level_names[PV_NLEVELS] = {"none", "low", "medium", "high", "critical"};

pv_result *
prevent_scan_text(FunctionCallInfo fcinfo, const PvLexicon *lex, text *doc)
{
	pv_result  *res = (pv_result *) fcinfo->flinfo->fn_extra;
	MemoryContext old;
	int			rc;

	if (res == NULL)
	{
		res = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(pv_result));
		fcinfo->flinfo->fn_extra = res;
	}
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	rc = pv_scan(lex->lex, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), res);
	MemoryContextSwitchTo(old);
	if (rc != PV_OK)
		elog(ERROR, "prevent: scan failed: %s", pv_strerror(rc));
	return res;
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

static bool
list_has_string(List *l, const char *s)
{
	ListCell   *lc;

	foreach(lc, l)
		if (strcmp((const char *) lfirst(lc), s) == 0)
			return true;
	return false;
}

static ArrayType *
string_list_to_array(List *l)
{
	Datum	   *elems = palloc(sizeof(Datum) * (list_length(l) + 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, l)
		elems[n++] = CStringGetTextDatum((const char *) lfirst(lc));
	return construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
}

/* the enum value of a level; enumtype is prevent.risk_level as the caller sees it */
static Datum
level_datum(Oid enumtype, int level)
{
	return DirectFunctionCall2(enum_in, CStringGetDatum(level_names[level]),
							   ObjectIdGetDatum(enumtype));
}

/* the categories and distinct terms of a scan, in order of first occurrence */
void
prevent_assessment_arrays(const PvLexicon *lex, const pv_result *res,
						  ArrayType **categories_out, ArrayType **terms_out)
{
	List	   *categories = NIL;
	List	   *terms = NIL;

	for (int32 i = 0; i < res->nhits; i++)
	{
		const PvKeywordInfo *k = &lex->keywords[res->hits[i].keyword];

		if (res->hits[i].status != PV_HIT_OK)
			continue;
		if (!list_has_string(categories, k->category))
			categories = lappend(categories, k->category);
		if (!list_has_string(terms, k->term))
			terms = lappend(terms, k->term);
	}
	for (int32 i = 0; i < res->nrules; i++)
	{
		const PvRuleInfo *r = &lex->rules[res->rules[i]];

		if (!list_has_string(categories, r->category))
			categories = lappend(categories, r->category);
		terms = lappend(terms, r->label);
	}
	*categories_out = string_list_to_array(categories);
	*terms_out = string_list_to_array(terms);
	list_free(categories);
	list_free(terms);
}

Datum
prevent_assess(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	PvLexicon  *lex = lexicon_cache_get();
	pv_result  *res = prevent_scan_text(fcinfo, lex, doc);
	ArrayType  *categories;
	ArrayType  *terms;
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	prevent_assessment_arrays(lex, res, &categories, &terms);
	values[0] = Int32GetDatum(res->score);
	values[1] = level_datum(TupleDescAttr(tupdesc, 1)->atttypid, lexicon_level_of(lex, res->score));
	values[2] = PointerGetDatum(categories);
	values[3] = PointerGetDatum(terms);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
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

	PG_RETURN_DATUM(level_datum(get_fn_expr_rettype(fcinfo->flinfo), lexicon_level_of(lex, score)));
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
