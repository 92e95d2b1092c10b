/*
 * explain.c — prevent.explain(doc): why a narrative gets its level.
 *
 * One row per signal, in the order the level is made of (lexicon_assess in
 * lexicon_cache.c): every occurrence of a term, in text order, with what it
 * added or what removed it (an exclusion, a negation cue, a later
 * disposition, a harmless context in its sentence); each disposition and
 * context; each proximity rule that fired; each
 * combination whose categories are all present; then the score with the
 * level it reaches, and the level.  Positions are in characters of doc, as
 * prevent.match() gives them.  Memory does not grow with the text: the text
 * is scanned twice in bounded memory (pv_scan_stream), once to assess it and
 * once to hand each occurrence, as found, to the tuplestore (which spills to
 * disk past work_mem); a row's values are built in a context reset after it.
 *
 * prevent.explain(docs text[]) explains narrative columns assessed as one
 * text (prevent_columns_get, columns.c): the same rows for the joined text,
 * each position given as a column (its subscript in docs) and a position
 * within that column, so that substr(docs[column_no], position, length) is
 * the original text, as substr(doc, position, length) is for the text form.
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "prevent.h"

PG_FUNCTION_INFO_V1(prevent_explain);
PG_FUNCTION_INFO_V1(prevent_explain_columns);

/* the text[] form's columns; the text form has no column_no */
#define EXPLAIN_COLS 9

typedef struct ExplainOut
{
	ReturnSetInfo *rsinfo;
	const PvLexicon *lex;		/* for the risk_level values */
	const PvColumns *cols;		/* the text[] form's columns, NULL for the text form */
	MemoryContext rowcxt;		/* a row's values, reset after each occurrence */
} ExplainOut;

static void
explain_row(ExplainOut *o, const char *signal, const char *detail, const char *category,
			int64 position, int64 length, int32 weight, int level, const char *effect)
{
	Datum		values[EXPLAIN_COLS];
	bool		nulls[EXPLAIN_COLS] = {false};
	int			c = 3;			/* the next column after category */

	values[0] = CStringGetTextDatum(signal);
	values[1] = CStringGetTextDatum(detail);
	if (category && *category)
		values[2] = CStringGetTextDatum(category);
	else
		nulls[2] = true;
	if (o->cols != NULL)
	{
		/* column_no, and the position made relative to that column */
		if (position > 0)
		{
			int			col = prevent_column_of(o->cols, position - 1);
			int64		col_end = o->cols->cstarts[col + 1] - 1;	/* the break after it */

			/* the break ends every match: no occurrence reaches past its column */
			Assert(position - 1 + length <= col_end);
			length = Min(length, col_end - (position - 1));
			position -= o->cols->cstarts[col];
			values[c] = Int32GetDatum(o->cols->lbound + col);
		}
		else
			nulls[c] = true;
		c++;
	}
	if (position > 0)
	{
		values[c] = Int32GetDatum((int32) Min(position, PG_INT32_MAX));
		values[c + 1] = Int32GetDatum((int32) Min(length, PG_INT32_MAX));
	}
	else
		nulls[c] = nulls[c + 1] = true;
	values[c + 2] = Int32GetDatum(weight);
	if (level > PV_LEVEL_NONE || strcmp(signal, "level") == 0 || strcmp(signal, "score") == 0)
		values[c + 3] = o->lex->level_values[level];
	else
		nulls[c + 3] = true;
	values[c + 4] = CStringGetTextDatum(effect);
	tuplestore_putvalues(o->rsinfo->setResult, o->rsinfo->setDesc, values, nulls);
}

/* the second scan's occurrences, with what the assessment made of each */
typedef struct ExplainSink
{
	ExplainOut *o;
	const PvLexicon *lex;
	const PvAssessment *as;
	const int32 *order;			/* per lexicon keyword: its entry in res.keywords, or -1 */
	bool	   *seen;
	bool		titles;			/* the text has a title: check each occurrence */
	PvTitleCursor tc;
} ExplainSink;

static void
explain_sink(void *arg, const pv_hit *hits, int32_t nhits)
{
	ExplainSink *es = arg;
	MemoryContext old = MemoryContextSwitchTo(es->o->rowcxt);

	for (int32 i = 0; i < nhits; i++)
	{
		const pv_hit *h = &hits[i];
		const PvKeywordInfo *k = &es->lex->keywords[h->keyword];
		const char *signal = k->disposition ? "disposition" : k->context ? "context" :
			k->signal_only ? "signal" : "term";
		int64		pos = h->cstart + 1;
		int64		len = h->cend - h->cstart;

		if (h->status == PV_HIT_EXCLUDED)
			explain_row(es->o, signal, k->term, k->category, pos, len, 0, PV_LEVEL_NONE,
						"excluded: inside an innocent phrase (an exclusion)");
		else if (h->status == PV_HIT_NEGATED)
			explain_row(es->o, signal, k->term, k->category, pos, len, 0, PV_LEVEL_NONE,
						"negated: a negation cue before it");
		else if (es->titles && prevent_in_title(&es->tc, h->bstart, h->bend))
			explain_row(es->o, signal, k->term, k->category, pos, len, 0, PV_LEVEL_NONE,
						"inside a title (《…》): not counted");
		else if (k->disposition)
			explain_row(es->o, signal, k->term, k->category, pos, len, 0, PV_LEVEL_NONE,
						k->all_categories ? "rules out the terms not written again after it"
						: psprintf("rules out the terms of category %s not written again after it", k->category));
		else if (k->context)
			explain_row(es->o, signal, k->term, k->category, pos, len, 0, PV_LEVEL_NONE,
						k->all_categories ? "a harmless context: rules out the terms of its sentence and those before it"
						: psprintf("a harmless context: rules out the terms of category %s of its sentence and before it", k->category));
		else if (es->order[h->keyword] >= 0 && !es->as->counted[es->order[h->keyword]])
			explain_row(es->o, signal, k->term, k->category, pos, len, 0, PV_LEVEL_NONE,
						es->as->in_context != NULL && es->as->in_context[es->order[h->keyword]]
						? "ruled out by a harmless context in its sentence or after it"
						: "ruled out by a disposition after it");
		else if (es->seen[h->keyword])
			explain_row(es->o, signal, k->term, k->category, pos, len, 0, PV_LEVEL_NONE,
						"counted once already");
		else if (k->signal_only)
		{
			es->seen[h->keyword] = true;
			explain_row(es->o, signal, k->term, k->category, pos, len, 0, PV_LEVEL_NONE,
						psprintf("evidence of %s for the combinations (adds nothing to the score)", k->signal));
		}
		else
		{
			es->seen[h->keyword] = true;
			explain_row(es->o, signal, k->term, k->category, pos, len, k->weight, k->min_level,
						k->min_level > PV_LEVEL_NONE
						? psprintf("adds %d; %s on its own", k->weight, es->o->lex->level_names[k->min_level])
						: psprintf("adds %d", k->weight));
		}
		MemoryContextReset(es->o->rowcxt);
	}
	MemoryContextSwitchTo(old);
}

/* the rows of doc (len bytes) into the call's tuplestore; cols as in ExplainOut */
static void
explain_text(FunctionCallInfo fcinfo, const char *doc, size_t len, const PvColumns *cols)
{
	const PvLexicon *lex = lexicon_cache_get();
	pv_result	res;
	PvAssessment as;
	PvPositions pos;
	ExplainOut	o;
	ExplainSink es;
	int32	   *order;

	InitMaterializedSRF(fcinfo, 0);
	o.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	o.lex = lex;
	o.cols = cols;
	o.rowcxt = AllocSetContextCreate(CurrentMemoryContext, "prevent explain row", ALLOCSET_SMALL_SIZES);

	/* first: what counts */
	pv_result_init(&res);
	memset(&pos, 0, sizeof(pos));
	pos.alloc_mcxt = CurrentMemoryContext;
	prevent_scan_assess(lex, doc, len, &res, &pos, CurrentMemoryContext, &as);

	/* then every occurrence, in text order */
	order = palloc(sizeof(int32) * (lex->nkeywords + 1));
	for (int32 i = 0; i < lex->nkeywords; i++)
		order[i] = -1;
	for (int32 i = 0; i < res.nkeywords; i++)
		order[res.keywords[i]] = i;
	es.o = &o;
	es.lex = lex;
	es.as = &as;
	es.order = order;
	es.seen = palloc0(sizeof(bool) * (lex->nkeywords + 1));
	es.titles = pos.titles;		/* found by the first scan, before its last counted occurrence */
	prevent_title_start(&es.tc, doc, len);
	{
		pv_result	scan2;

		pv_result_init(&scan2);
		prevent_scan_stream(lex, doc, len, &scan2, CurrentMemoryContext, explain_sink, &es, false);
		pv_result_free(&scan2);
	}
	for (int32 i = 0; i < res.nrules; i++)
	{
		const PvRuleInfo *r = &lex->rules[res.rules[i]];

		if (as.rules_counted)
			explain_row(&o, "rule", r->label, r->category, 0, 0, r->weight, r->min_level,
						r->min_level > PV_LEVEL_NONE
						? psprintf("adds %d; %s on its own", r->weight, lex->level_names[r->min_level])
						: psprintf("adds %d", r->weight));
		else
			explain_row(&o, "rule", r->label, r->category, 0, 0, 0, PV_LEVEL_NONE,
						"ruled out with every term");
	}
	for (int32 c = 0; c < lex->ncombinations; c++)
		if (as.present[c])
			explain_row(&o, "combination", lex->combinations[c].label, NULL, 0, 0, 0,
						lex->combinations[c].level,
						psprintf("every category present: %s at least", lex->level_names[lex->combinations[c].level]));
	explain_row(&o, "score", "sum of the terms and rules that count, at most 100", NULL, 0, 0, as.score,
				lexicon_level_of(lex, as.score), "the level of the score (prevent.risk_threshold)");
	explain_row(&o, "level", "the highest of the levels above", NULL, 0, 0, as.score, as.level,
				lex->level_names[as.level]);
	pv_result_free(&res);
}

Datum
prevent_explain(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);

	explain_text(fcinfo, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), NULL);
	return (Datum) 0;
}

Datum
prevent_explain_columns(PG_FUNCTION_ARGS)
{
	PvColumns	cols;

	prevent_columns_get(PG_GETARG_ARRAYTYPE_P(0), true, &cols);
	explain_text(fcinfo, VARDATA(cols.joined), VARSIZE(cols.joined) - VARHDRSZ, &cols);
	return (Datum) 0;
}
