/*
 * lexicon_cache.c — the per-backend compiled lexicon.
 *
 * Caching rule: the lexicon is read with SPI and compiled on first use, then
 * kept in its own memory context under TopMemoryContext.  Every statement
 * that writes a lexicon table fires prevent.lexicon_changed(), which queues
 * a relcache invalidation of that table; each backend (this one at the end
 * of the command, others at their next statement: lexicon_cache_get()
 * accepts invalidation messages once per statement) runs
 * lexicon_relcache_cb(), which marks the cache stale, and the next
 * lexicon_cache_get() rebuilds it.  The stale flag is
 * cleared before the rebuild reads anything, so a change committed while
 * the rebuild runs marks it stale again rather than being lost.  A rebuild
 * that fails leaves the previous lexicon in place (its context is only
 * reparented under TopMemoryContext once complete).
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "access/xact.h"

#include "prevent.h"

PG_FUNCTION_INFO_V1(prevent_lexicon_changed);

static const char *const lexicon_tables[] = {
	"category", "keyword", "negation", "proximity", "combination", "risk_threshold", "setting"
};
#define N_LEXICON_TABLES lengthof(lexicon_tables)

static PvLexicon *current = NULL;
static bool stale = true;
static Oid	lexicon_relids[N_LEXICON_TABLES];
static uint64 generation = 0;

static void
lexicon_relcache_cb(Datum arg, Oid relid)
{
	if (relid == InvalidOid)
	{
		stale = true;
		return;
	}
	for (int i = 0; i < (int) N_LEXICON_TABLES; i++)
		if (lexicon_relids[i] == relid)
			stale = true;
}

void
lexicon_cache_init(void)
{
	CacheRegisterRelcacheCallback(lexicon_relcache_cb, (Datum) 0);
}

/*
 * On a Citus cluster the trigger fires on a shard of a reference table
 * (prevent.keyword_102010), on every node that has one: the backends of
 * that node know the table by its own name (prevent.keyword), so that
 * table is invalidated too (README, Distributed deployment).  Nothing
 * without Citus.
 */
static void
invalidate_citus_table(Relation rel)
{
	const char *name = RelationGetRelationName(rel);
	const char *sep = strrchr(name, '_');
	char		table[NAMEDATALEN];
	Oid			relid;

	if (sep == NULL || sep == name || strspn(sep + 1, "0123456789") != strlen(sep + 1) || sep[1] == '\0' ||
		!OidIsValid(get_relname_relid("pg_dist_shard", PG_CATALOG_NAMESPACE)))
		return;
	memcpy(table, name, sep - name);
	table[sep - name] = '\0';
	relid = get_relname_relid(table, RelationGetNamespace(rel));
	if (OidIsValid(relid) && relid != RelationGetRelid(rel))
		CacheInvalidateRelcacheByRelid(relid);
}

/* AFTER ... FOR EACH STATEMENT trigger on every lexicon table */
Datum
prevent_lexicon_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prevent.lexicon_changed() must be called as a trigger")));
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event) || !TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prevent.lexicon_changed() must be fired AFTER ... FOR EACH STATEMENT")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	invalidate_citus_table(trigdata->tg_relation);
	PG_RETURN_POINTER(NULL);
}

int
lexicon_level_of(const PvLexicon *lex, int32 score)
{
	int			level = PV_LEVEL_NONE;

	for (int l = PV_LEVEL_LOW; l < PV_NLEVELS; l++)
		if (lex->thresholds[l] > 0 && score >= lex->thresholds[l])
			level = l;
	return level;
}

/* 《 〈 and 》 〉 in UTF-8: E3 80 8A / 88 and E3 80 8B / 89 */
#define TITLE_OPEN(p) ((unsigned char) (p)[0] == 0xE3 && (unsigned char) (p)[1] == 0x80 && \
					   ((unsigned char) (p)[2] == 0x8A || (unsigned char) (p)[2] == 0x88))
#define TITLE_CLOSE(p) ((unsigned char) (p)[0] == 0xE3 && (unsigned char) (p)[1] == 0x80 && \
						((unsigned char) (p)[2] == 0x8B || (unsigned char) (p)[2] == 0x89))
#define TITLE_MAX_BYTES (64 * 4)	/* a title: at most 64 characters */

static bool
text_has_title(const char *doc, size_t len)
{
	const char *p = doc;
	const char *end = doc + len;

	/* memchr to each E3 lead byte: most Chinese characters lead with E4-E9 */
	while (end - p >= 3 && (p = memchr(p, 0xE3, end - p - 2)) != NULL)
	{
		if (TITLE_OPEN(p))
			return true;
		p++;
	}
	return false;
}

void
prevent_title_start(PvTitleCursor *tc, const char *doc, size_t len)
{
	tc->doc = doc;
	tc->len = len;
	tc->at = 0;
	tc->open = false;
	tc->open_at = 0;
}

/* is [bstart, bend) inside a title?  Calls must come with bstart not decreasing */
bool
prevent_in_title(PvTitleCursor *tc, size_t bstart, size_t bend)
{
	for (; tc->at < bstart && tc->at + 2 < tc->len; tc->at++)
	{
		if (TITLE_OPEN(tc->doc + tc->at))
		{
			tc->open = true;
			tc->open_at = tc->at;
		}
		else if (TITLE_CLOSE(tc->doc + tc->at))
			tc->open = false;
	}
	if (tc->at < bstart)
		tc->at = bstart;
	if (!tc->open || bend - tc->open_at > TITLE_MAX_BYTES)
		return false;
	/* and closed soon after it, with no other 《 in between */
	for (size_t p = bend; p + 2 < tc->len && p - tc->open_at <= TITLE_MAX_BYTES; p++)
	{
		if (TITLE_CLOSE(tc->doc + p))
			return true;
		if (TITLE_OPEN(tc->doc + p))
			return false;
	}
	return false;
}

/*
 * The scan's sink when the lexicon has dispositions or contexts or the text a title:
 * the last counted occurrence of each keyword, outside titles, and the
 * sentences (counted by the scan: pv_hit.sentence) it occurs in.  Only an
 * occurrence with an opening 《 or 〈 before its end can be in a title: the
 * title cursor is asked only for those.
 */
static void
positions_sink(void *arg, const pv_hit *hits, int32_t nhits)
{
	PvPositions *pos = arg;

	for (int32 i = 0; i < nhits; i++)
	{
		int32		k = hits[i].keyword;
		int32		sentence = hits[i].sentence;

		if (hits[i].status != PV_HIT_OK)
			continue;
		if (hits[i].titles > 0)
		{
			pos->titles = true;
			if (prevent_in_title(&pos->tc, hits[i].bstart, hits[i].bend))
				continue;
		}
		if (pos->last[k] < 0)
			pos->touched[pos->ntouched++] = k;
		/* hits come in text order; byte offsets order them as characters would */
		pos->last[k] = (int64) hits[i].bstart;
		pos->sentences[k] |= sentence < 63 ? UINT64CONST(1) << sentence : PV_SENTENCE_OVERFLOW;
	}
}

void
prevent_scan_assess(const PvLexicon *lex, const char *doc, size_t len, pv_result *res,
					PvPositions *pos, MemoryContext mcxt, PvAssessment *a)
{
	/*
	 * Occurrences are tracked for dispositions and contexts, and in a text
	 * with a title; with dispositions or contexts, the sink learns of the
	 * titles from the scan (pv_hit.titles), and the text is not searched first.
	 */
	bool		filters = lex->ndispositions > 0 || lex->ncontexts > 0;
	bool		titles = !filters && text_has_title(doc, len);
	bool		track = filters || titles;

	if (track)
	{
		pos->titles = titles;
		prevent_title_start(&pos->tc, doc, len);
		if (pos->generation != lex->generation || pos->last == NULL)
		{
			if (pos->last)
				pfree(pos->last);
			if (pos->touched)
				pfree(pos->touched);
			if (pos->sentences)
				pfree(pos->sentences);
			pos->size = lex->nkeywords;
			pos->last = MemoryContextAlloc(pos->alloc_mcxt, sizeof(int64) * (pos->size + 1));
			pos->touched = MemoryContextAlloc(pos->alloc_mcxt, sizeof(int32) * (pos->size + 1));
			pos->sentences = MemoryContextAllocZero(pos->alloc_mcxt, sizeof(uint64) * (pos->size + 1));
			for (int32 i = 0; i <= pos->size; i++)
				pos->last[i] = -1;
			pos->ntouched = 0;
			pos->generation = lex->generation;
		}
		for (int32 i = 0; i < pos->ntouched; i++)
		{
			pos->last[pos->touched[i]] = -1;
			pos->sentences[pos->touched[i]] = 0;
		}
		pos->ntouched = 0;
	}
	prevent_scan_stream(lex, doc, len, res, mcxt, track ? positions_sink : NULL, track ? pos : NULL, true);
	lexicon_assess(lex, res, track ? pos : NULL, a);
}

/*
 * See PvAssessment in prevent.h; prevent.explain() lists the same, signal
 * by signal.  With pos, a term is ruled out when an in-scope disposition
 * occurs after the term's last occurrence, and does not count when it
 * occurs only inside titles; without pos (no dispositions or contexts in
 * the lexicon, no title in the text), nothing is.  A context rules out as
 * a disposition does, and also every term all of whose occurrences are in
 * sentences where it occurs.  A category-scoped disposition or context
 * touches its category only; proximity rules are ruled out only when one of
 * every category ruled out every term (rules carry no position).
 */
void
lexicon_assess(const PvLexicon *lex, const pv_result *res, const PvPositions *pos, PvAssessment *a)
{
	int32		weights[64];
	int32	   *catw = weights;
	int32		nmatch = 0,
				nkept = 0;
	bool		by_all = false;
	uint64		context_all = 0;
	uint64	   *context_of = NULL;	/* per category code */
	int64		score = 0;
	int			level = PV_LEVEL_NONE;
	int32		filters_buf[64];
	int32	   *filters = filters_buf;	/* the dispositions and contexts found, in order */
	int32		nfilters = 0;
	bool		weighed = false;	/* some class of catw has weight */

	a->counted = palloc(sizeof(bool) * (res->nkeywords + 1));
	a->in_context = NULL;
	a->present = palloc(sizeof(bool) * (lex->ncombinations + 1));
	if (lex->ncodes > (int32) lengthof(weights))
		catw = palloc0(sizeof(int32) * lex->ncodes);
	else
		memset(weights, 0, sizeof(weights));

	/* the dispositions and contexts found, and the sentences of the contexts, of every category and of each */
	if (pos != NULL)
	{
		if (res->nkeywords > (int32) lengthof(filters_buf))
			filters = palloc(sizeof(int32) * res->nkeywords);
		for (int j = 0; j < res->nkeywords; j++)
		{
			const PvKeywordInfo *d = &lex->keywords[res->keywords[j]];
			uint64		s = pos->sentences[res->keywords[j]] & ~PV_SENTENCE_OVERFLOW;

			if (!d->disposition && !d->context)
				continue;
			filters[nfilters++] = res->keywords[j];
			if (!d->context || s == 0)
				continue;
			if (d->all_categories)
				context_all |= s;
			else
			{
				if (context_of == NULL)
					context_of = palloc0(sizeof(uint64) * lex->ncodes);
				context_of[d->category_code] |= s;
			}
		}
		if (nfilters > 0)
			a->in_context = palloc0(sizeof(bool) * (res->nkeywords + 1));
	}

	for (int i = 0; i < res->nkeywords; i++)
	{
		const PvKeywordInfo *k = &lex->keywords[res->keywords[i]];

		a->counted[i] = !k->disposition && !k->context;
		if (!a->counted[i])
			continue;
		if (!k->signal_only)
			nmatch++;
		if (pos != NULL && pos->titles && pos->last[res->keywords[i]] < 0)
		{
			/* every occurrence inside a title */
			a->counted[i] = false;
			continue;
		}
		for (int j = 0; j < nfilters && a->counted[i]; j++)
		{
			const PvKeywordInfo *d = &lex->keywords[filters[j]];

			if ((d->all_categories || d->category_code == k->category_code) &&
				pos->last[filters[j]] > pos->last[res->keywords[i]])
			{
				a->counted[i] = false;
				a->in_context[i] = d->context;
				if (d->all_categories)
					by_all = true;
			}
		}
		if (a->counted[i] && (context_all != 0 || context_of != NULL))
		{
			/* every occurrence in a sentence with a context of every category or of its own */
			uint64		s = pos->sentences[res->keywords[i]];
			uint64		own = context_of ? context_of[k->category_code] : 0;

			if (s != 0 && (s & ~(context_all | own)) == 0)
			{
				a->counted[i] = false;
				a->in_context[i] = true;
				if ((s & ~own) != 0)
					by_all = true;
			}
		}
		if (!a->counted[i])
			continue;
		if (k->signal_only)
		{
			/* evidence of its class for the combinations, nothing else */
			catw[k->signal_code] += k->weight;
			weighed = true;
			continue;
		}
		nkept++;
		score += k->weight;
		level = Max(level, k->min_level);
		catw[k->category_code] += k->weight;
		if (k->signal_code >= 0)
			catw[k->signal_code] += k->weight;
		weighed = true;
	}
	a->rules_counted = !(nmatch > 0 && nkept == 0 && by_all);
	if (a->rules_counted)
		for (int i = 0; i < res->nrules; i++)
		{
			const PvRuleInfo *r = &lex->rules[res->rules[i]];

			score += r->weight;
			level = Max(level, r->min_level);
			catw[r->category_code] += r->weight;
			weighed = true;
		}
	a->score = (int32) Min(score, 100);
	level = Max(level, lexicon_level_of(lex, a->score));
	for (int c = 0; c < lex->ncombinations; c++)
	{
		const PvCombination *cb = &lex->combinations[c];
		bool		all = true;

		/* nothing weighed (most texts): every class has weight 0 */
		if (!weighed)
			all = cb->ncodes == 0 || cb->min_weight <= 0;
		for (int j = 0; weighed && all && j < cb->ncodes; j++)
			all = catw[cb->codes[j]] >= cb->min_weight;
		a->present[c] = all;
		if (all)
			level = Max(level, cb->level);
	}
	a->level = level;
	if (catw != weights)
		pfree(catw);
	if (filters != filters_buf)
		pfree(filters);
	if (context_of != NULL)
		pfree(context_of);
}

/* the position of a label in prevent.risk_level (loaded first into pl) */
static int
level_from_name(const PvLexicon *pl, const char *name)
{
	for (int l = 0; l < PV_NLEVELS; l++)
		if (strcmp(name, pl->level_names[l]) == 0)
			return l;
	elog(ERROR, "unknown risk level \"%s\"", name);
	return PV_LEVEL_NONE;
}

static char *
spi_text(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

static int64
spi_int(int row, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	if (isnull)
		return 0;
	switch (SPI_gettypeid(SPI_tuptable->tupdesc, col))
	{
		case INT8OID:
			return DatumGetInt64(d);
		case INT4OID:
			return DatumGetInt32(d);
		default:
			elog(ERROR, "unexpected type in lexicon query");
	}
	return 0;
}

static void
spi_run(const char *sql)
{
	int			rc = SPI_execute(sql, true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
}

/* small string -> int map for category codes */
static int32
category_code(List **names, const char *name)
{
	ListCell   *lc;
	int32		i = 0;

	foreach(lc, *names)
	{
		if (strcmp((const char *) lfirst(lc), name) == 0)
			return i;
		i++;
	}
	*names = lappend(*names, pstrdup(name));
	return i;
}

static void
report_bad_entry(const char *what, const char *term, int rc)
{
	if (rc == PV_ERR_NOMEM)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	ereport(WARNING,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("prevent: %s \"%s\" is ignored: %s", what, term, pv_strerror(rc)),
			 errhint("Fix or disable the row; the lexicon tables' triggers normally refuse such rows.")));
}

static PvLexicon *
lexicon_build(void)
{
	MemoryContext mcxt;
	MemoryContext old;
	PvLexicon  *pl;
	List	   *categories = NIL;
	Oid			nsp;
	uint64		n;
	int			rc;
	PreventSpi	spi;

	mcxt = AllocSetContextCreate(CurrentMemoryContext, "prevent lexicon", ALLOCSET_DEFAULT_SIZES);
	pl = MemoryContextAllocZero(mcxt, sizeof(PvLexicon));
	pl->mcxt = mcxt;

	nsp = prevent_schema_oid();
	for (int i = 0; i < (int) N_LEXICON_TABLES; i++)
		lexicon_relids[i] = get_relname_relid(lexicon_tables[i], nsp);

	/* as the owner, with search_path pinned: the lexicon reads the same for every caller */
	prevent_spi_begin(&spi, prevent_owner_oid(nsp));
	/*
	 * Read as of now, not with the transaction's snapshot: the compiled
	 * lexicon outlives the transaction, and under REPEATABLE READ a change
	 * committed after its snapshot would otherwise be missed for good.  A
	 * parallel query may take no new snapshot: there the statement's is
	 * used, and the lexicon is rebuilt at the next statement outside one.
	 */
	pl->provisional = IsInParallelMode();
	PushActiveSnapshot(pl->provisional ? GetActiveSnapshot() : GetLatestSnapshot());

	old = MemoryContextSwitchTo(mcxt);
	pl->lex = pv_lexicon_new();
	MemoryContextSwitchTo(old);

	/* the risk levels, as prevent.risk_level names them */
	spi_run("SELECT e.oid, e.enumlabel::pg_catalog.text FROM pg_catalog.pg_enum e "
			"WHERE e.enumtypid OPERATOR(pg_catalog.=) 'prevent.risk_level'::pg_catalog.regtype "
			"ORDER BY e.enumsortorder");
	if (SPI_processed != PV_NLEVELS)
		elog(ERROR, "type prevent.risk_level has %llu labels, not %d",
			 (unsigned long long) SPI_processed, PV_NLEVELS);
	for (int l = 0; l < PV_NLEVELS; l++)
	{
		bool		isnull;

		pl->level_values[l] = SPI_getbinval(SPI_tuptable->vals[l], SPI_tuptable->tupdesc, 1, &isnull);
		pl->level_names[l] = MemoryContextStrdup(mcxt, spi_text(l, 2));
	}

	/* settings */
	spi_run("SELECT s.value FROM prevent.setting s WHERE s.name OPERATOR(pg_catalog.=) 'negation_scope'");
	if (SPI_processed > 0)
	{
		char	   *v = spi_text(0, 1);

		if (v && strcmp(v, "category") == 0)
			pv_lexicon_set_negation_scope(pl->lex, PV_NEGATE_CATEGORY);
	}

	/* categories, for prevent.terms() */
	spi_run("SELECT c.name FROM prevent.category c ORDER BY c.name");
	pl->categories = MemoryContextAllocZero(mcxt, sizeof(char *) * (SPI_processed + 1));
	for (uint64 r = 0; r < SPI_processed; r++)
		pl->categories[pl->ncategories++] = MemoryContextStrdup(mcxt, spi_text(r, 1));

	/* thresholds */
	spi_run("SELECT t.level::pg_catalog.text, t.min_score FROM prevent.risk_threshold t");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		int			l = level_from_name(pl, spi_text(r, 1));

		if (l > PV_LEVEL_NONE)
			pl->thresholds[l] = (int32) spi_int(r, 2);
	}

	/* match terms, exclusions, dispositions and contexts (which the core scans as terms: see lexicon_assess) */
	spi_run("SELECT k.id, k.term, k.category, k.weight, k.kind OPERATOR(pg_catalog.=) 'exclude', "
			"k.min_level::pg_catalog.text, k.kind OPERATOR(pg_catalog.=) 'disposition', k.signal, "
			"k.kind OPERATOR(pg_catalog.=) 'signal', k.kind OPERATOR(pg_catalog.=) 'context' "
			"FROM prevent.keyword k WHERE k.enabled ORDER BY k.id");
	n = SPI_processed;
	pl->keywords = MemoryContextAllocZero(mcxt, sizeof(PvKeywordInfo) * (n + 1));
	for (uint64 r = 0; r < n; r++)
	{
		char	   *term = spi_text(r, 2);
		char	   *category = spi_text(r, 3);
		bool		exclude = strcmp(spi_text(r, 5), "t") == 0;

		old = MemoryContextSwitchTo(mcxt);
		if (exclude)
			rc = pv_lexicon_add_exclusion(pl->lex, term, strlen(term));
		else
			/*
			 * A disposition goes to the core under a code of its own: a
			 * negated finding (还没有平安找到) must not deny its category;
			 * so does a signal term, which has no category.
			 */
			rc = pv_lexicon_add_keyword(pl->lex, term, strlen(term),
										strcmp(spi_text(r, 7), "t") == 0
										? category_code(&categories, "#disposition")
										: strcmp(spi_text(r, 10), "t") == 0
										? category_code(&categories, "#context")
										: strcmp(spi_text(r, 9), "t") == 0
										? category_code(&categories, "#signal")
										: category_code(&categories, category ? category : ""),
										(int32) spi_int(r, 4));
		MemoryContextSwitchTo(old);
		if (rc < 0)
		{
			report_bad_entry(exclude ? "exclusion" : "keyword", term, rc);
			continue;
		}
		if (!exclude)
		{
			PvKeywordInfo *k = &pl->keywords[rc];

			Assert(rc == pl->nkeywords);
			k->id = spi_int(r, 1);
			k->term = MemoryContextStrdup(mcxt, term);
			k->category = MemoryContextStrdup(mcxt, category ? category : "");
			k->weight = (int32) spi_int(r, 4);
			k->category_code = category_code(&categories, k->category);
			k->min_level = spi_text(r, 6) ? level_from_name(pl, spi_text(r, 6)) : PV_LEVEL_NONE;
			k->disposition = strcmp(spi_text(r, 7), "t") == 0;
			k->signal_only = strcmp(spi_text(r, 9), "t") == 0;
			/* signal classes share the code space of categories, prefixed so they never clash */
			k->signal_code = spi_text(r, 8) ? category_code(&categories, psprintf("~%s", spi_text(r, 8))) : -1;
			k->signal = spi_text(r, 8) ? MemoryContextStrdup(mcxt, spi_text(r, 8)) : NULL;
			k->context = strcmp(spi_text(r, 10), "t") == 0;
			k->all_categories = (k->disposition || k->context) && category == NULL;
			if (k->disposition)
				pl->ndispositions++;
			if (k->context)
				pl->ncontexts++;
			old = MemoryContextSwitchTo(mcxt);
			k->term_text = CStringGetTextDatum(term);
			k->category_text = CStringGetTextDatum(k->category);
			MemoryContextSwitchTo(old);
			pl->nkeywords++;
		}
	}

	/* negation cues */
	spi_run("SELECT n.cue, n.\"window\" FROM prevent.negation n WHERE n.enabled ORDER BY n.id");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		char	   *cue = spi_text(r, 1);

		old = MemoryContextSwitchTo(mcxt);
		rc = pv_lexicon_add_negation(pl->lex, cue, strlen(cue), (int32) spi_int(r, 2));
		MemoryContextSwitchTo(old);
		if (rc < 0)
			report_bad_entry("negation cue", cue, rc);
	}

	/* proximity rules */
	spi_run("SELECT p.id, p.term_a, p.term_b, p.within, p.category, p.weight, p.min_level::pg_catalog.text "
			"FROM prevent.proximity p WHERE p.enabled ORDER BY p.id");
	n = SPI_processed;
	pl->rules = MemoryContextAllocZero(mcxt, sizeof(PvRuleInfo) * (n + 1));
	for (uint64 r = 0; r < n; r++)
	{
		char	   *a = spi_text(r, 2);
		char	   *b = spi_text(r, 3);
		char	   *category = spi_text(r, 5);

		old = MemoryContextSwitchTo(mcxt);
		rc = pv_lexicon_add_proximity(pl->lex, a, strlen(a), b, strlen(b),
									  (int32) spi_int(r, 4),
									  category_code(&categories, category),
									  (int32) spi_int(r, 6));
		MemoryContextSwitchTo(old);
		if (rc < 0)
		{
			report_bad_entry("proximity rule term", a, rc);
			continue;
		}
		pl->rules[rc].id = spi_int(r, 1);
		pl->rules[rc].label = MemoryContextStrdup(mcxt, psprintf("%s…%s", a, b));
		pl->rules[rc].category = MemoryContextStrdup(mcxt, category);
		pl->rules[rc].weight = (int32) spi_int(r, 6);
		pl->rules[rc].category_code = category_code(&categories, category);
		pl->rules[rc].min_level = spi_text(r, 7) ? level_from_name(pl, spi_text(r, 7)) : PV_LEVEL_NONE;
		old = MemoryContextSwitchTo(mcxt);
		pl->rules[rc].label_text = CStringGetTextDatum(pl->rules[rc].label);
		pl->rules[rc].category_text = CStringGetTextDatum(category);
		MemoryContextSwitchTo(old);
		pl->nrules++;
	}

	/* combinations of categories */
	spi_run("SELECT c.id, ARRAY(SELECT CASE WHEN EXISTS (SELECT FROM prevent.category g "
			"WHERE g.name OPERATOR(pg_catalog.=) e) THEN e ELSE '~' OPERATOR(pg_catalog.||) e END "
			"FROM pg_catalog.unnest(c.categories) e), c.min_weight, c.level::pg_catalog.text, "
			"pg_catalog.array_to_string(c.categories, '+') "
			"FROM prevent.combination c WHERE c.enabled ORDER BY c.id");
	n = SPI_processed;
	pl->combinations = MemoryContextAllocZero(mcxt, sizeof(PvCombination) * (n + 1));
	for (uint64 r = 0; r < n; r++)
	{
		PvCombination *cb = &pl->combinations[pl->ncombinations++];
		bool		isnull;
		Datum	   *elems;
		bool	   *enulls;
		int			ne;

		deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull)),
						  TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &ne);
		cb->id = spi_int(r, 1);
		cb->codes = MemoryContextAllocZero(mcxt, sizeof(int32) * (ne + 1));
		for (int j = 0; j < ne; j++)
			if (!enulls[j])
				cb->codes[cb->ncodes++] = category_code(&categories, TextDatumGetCString(elems[j]));
		cb->min_weight = (int32) spi_int(r, 3);
		cb->level = level_from_name(pl, spi_text(r, 4));
		cb->label = MemoryContextStrdup(mcxt, spi_text(r, 5));
	}
	pl->ncodes = list_length(categories);

	PopActiveSnapshot();
	prevent_spi_end(&spi);

	old = MemoryContextSwitchTo(mcxt);
	rc = pv_lexicon_compile(pl->lex);
	MemoryContextSwitchTo(old);
	if (rc == PV_ERR_NOMEM)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (rc != PV_OK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the prevent lexicon cannot be compiled: %s", pv_strerror(rc))));
	pl->generation = ++generation;
	return pl;
}

PvLexicon *
lexicon_cache_get(void)
{
	static TimestampTz last_statement = 0;
	TimestampTz statement = GetCurrentStatementStartTimestamp();
	PvLexicon  *fresh;

	/*
	 * Once per statement, take in invalidations other sessions committed:
	 * a backend inside a transaction block may hold every lock it needs
	 * already and so would not process them on its own.
	 */
	if (statement != last_statement)
	{
		last_statement = statement;
		AcceptInvalidationMessages();
		if (current != NULL && current->provisional && !IsInParallelMode())
			stale = true;
	}
	if (current != NULL && !stale)
		return current;
	stale = false;
	PG_TRY();
	{
		fresh = lexicon_build();
	}
	PG_CATCH();
	{
		stale = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSetParent(fresh->mcxt, TopMemoryContext);
	if (current != NULL)
		MemoryContextDelete(current->mcxt);
	current = fresh;
	return current;
}

/* the matcher's limits, for the lexicon's checks in SQL */
PG_FUNCTION_INFO_V1(prevent_max_term_length);
PG_FUNCTION_INFO_V1(prevent_max_window);

Datum
prevent_max_term_length(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PV_MAX_TERM);
}

Datum
prevent_max_window(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PV_MAX_WINDOW);
}
