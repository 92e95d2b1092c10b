/*
 * fuzz_matcher.c — libFuzzer target for prevent's pure C core
 * (src/core/normalize.c, src/core/matcher.c, src/core/index_keys.c).  Build
 * and run with fuzz/run.sh.
 *
 * Every input is scanned as a document with two fixed lexicons, built once
 * (match terms incl. a one-character, a non-BMP and a 64-character one, the
 * same term in two categories, exclusions, negation cues — one of them also
 * a match term — and proximity rules), one per negation scope.  An input
 * that starts with "#L" also describes a lexicon of its own, one entry per
 * line, compiled for that input alone (scope: "#Lc" category, else
 * occurrence):
 *
 *     k<cat><weight>term        match term
 *     e term                    exclusion (the byte after 'e' is skipped)
 *     n<window>term             negation cue
 *     r<within><cat><weight>a|b proximity rule
 *
 * where each of <cat>, <weight>, <window>, <within> is one byte read as a
 * digit: (byte - '0') modulo 8 for a category, 60 for a weight, 70 for a
 * window or distance (so '0'..'9' are 0..9, 'A' is 17, and 65..69 are out
 * of range and must be refused).
 *
 * Each scan is compared with a reference model written here the simple way
 * (naive matching over the normalized code points; exclusions, negation,
 * category negation, proximity rules and the score from their definitions):
 * every hit with its positions (characters, bytes, normalized), clause and
 * status, the rules fired and the score must agree.  Also checked: bounds
 * (cstart < cend <= characters, bstart < bend <= length, byte and character
 * positions of one hit agree), pv_normalize equals the model's normalized
 * text and is idempotent, pv_term_check on the input, and a term matches
 * its own text.  Each pv_scan is then compared with pv_scan_stream (tiny
 * windows and hold limits included, so flushes mid-text and the second
 * pass run) and pv_scan_any.  The GIN keys (index_keys.h) are checked on
 * the input and on the input less its last k bytes (k = first byte mod 16)
 * against the term made of those k bytes: a text containing the term has
 * its keys, and a text with the keys of a term they prove contains it.  A
 * mismatch prints what differs and aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_keys.h"
#include "matcher.h"
#include "normalize.h"

#define MAX_PAT 128
#define MAX_KW 128
#define MAX_RULE 64
#define MAX_CAT 256

/* ------------------------------------------------------------------ */
/* failure reporting                                                   */
/* ------------------------------------------------------------------ */

static const uint8_t *cur_data;
static size_t cur_size;
static const char *cur_lexicon = "";

static void
dump_escaped(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n && i < 2000; i++)
	{
		if (s[i] >= 0x20 && s[i] < 0x7F && s[i] != '\\')
			fputc(s[i], stderr);
		else
			fprintf(stderr, "\\x%02x", s[i]);
	}
	if (n > 2000)
		fprintf(stderr, "...");
}

#define FAIL(...) do { \
	fprintf(stderr, "\nfuzz_matcher: invariant violated [%s]: ", cur_lexicon); \
	fprintf(stderr, __VA_ARGS__); \
	fprintf(stderr, "\n  input (%zu bytes): \"", cur_size); \
	dump_escaped(cur_data, cur_size); \
	fprintf(stderr, "\"\n"); \
	abort(); \
} while (0)

#define ENSURE(cond, ...) do { if (!(cond)) FAIL(__VA_ARGS__); } while (0)

static void *
xrealloc(void *p, size_t n)
{
	void	   *q = realloc(p, n ? n : 1);

	if (q == NULL)
		abort();
	return q;
}

/* ------------------------------------------------------------------ */
/* the reference model                                                 */
/* ------------------------------------------------------------------ */

typedef struct ref_pattern
{
	uint32_t	cps[PV_MAX_TERM];
	int			len;
	int			term;			/* keyword or rule part */
	int			exclusion;
	int			cue_window;		/* -1: not a cue */
	int			has_keyword;
} ref_pattern;

typedef struct ref_kw
{
	int			pattern;
	int32_t		category;
	int32_t		weight;
} ref_kw;

typedef struct ref_rule
{
	int			a,
				b;
	int32_t		within;
	int32_t		category;
	int32_t		weight;
} ref_rule;

typedef struct model
{
	pv_lexicon *lex;
	pv_negation_scope scope;
	ref_pattern pats[MAX_PAT];
	int			npats;
	ref_kw		kws[MAX_KW];
	int			nkws;
	ref_rule	rules[MAX_RULE];
	int			nrules;
} model;

/* normalize a term the way the definition says; PV_OK or an error code */
static int
ref_term(const char *term, size_t len, uint32_t *cps, int *n)
{
	const unsigned char *s = (const unsigned char *) term;
	size_t		i = 0;
	int			k = 0;

	while (i < len)
	{
		uint32_t	c = pv_utf8_next(s, len, &i);
		uint32_t	e = pv_norm_entry(c);
		const uint32_t *exp;
		int			m;

		switch (pv_norm_kind(e))
		{
			case PV_NK_KEEP:
				if (k == PV_MAX_TERM)
					return PV_ERR_TOO_LONG;
				cps[k++] = pv_norm_keep_cp(c, e);
				break;
			case PV_NK_EXPAND:
				exp = pv_norm_expansion(e, &m);
				for (int j = 0; j < m; j++)
				{
					if (k == PV_MAX_TERM)
						return PV_ERR_TOO_LONG;
					cps[k++] = exp[j];
				}
				break;
			case PV_NK_BREAK:
				return PV_ERR_BREAK;
			default:
				break;
		}
	}
	if (k == 0)
		return PV_ERR_EMPTY;
	*n = k;
	return PV_OK;
}

/* the model's pattern for a term; -1 when the model is full */
static int
ref_pattern_for(model *m, const uint32_t *cps, int n)
{
	for (int i = 0; i < m->npats; i++)
		if (m->pats[i].len == n && memcmp(m->pats[i].cps, cps, n * sizeof(uint32_t)) == 0)
			return i;
	if (m->npats == MAX_PAT)
		return -1;
	memset(&m->pats[m->npats], 0, sizeof(ref_pattern));
	memcpy(m->pats[m->npats].cps, cps, n * sizeof(uint32_t));
	m->pats[m->npats].len = n;
	m->pats[m->npats].cue_window = -1;
	return m->npats++;
}

static void
model_init(model *m, pv_negation_scope scope)
{
	memset(m, 0, sizeof(model));
	m->lex = pv_lexicon_new();
	if (m->lex == NULL)
		abort();
	m->scope = scope;
	pv_lexicon_set_negation_scope(m->lex, scope);
}

static void
model_free(model *m)
{
	pv_lexicon_free(m->lex);
	m->lex = NULL;
}

static void
model_keyword(model *m, const char *t, size_t len, int32_t cat, int32_t w)
{
	uint32_t	cps[PV_MAX_TERM];
	int			n = 0;
	int			want = ref_term(t, len, cps, &n);
	int			rc;
	int			p;

	if (m->nkws == MAX_KW || m->npats + 1 >= MAX_PAT)
		return;
	rc = pv_lexicon_add_keyword(m->lex, t, len, cat, w);
	if (want != PV_OK)
	{
		ENSURE(rc == want, "add_keyword returned %d, expected %d", rc, want);
		return;
	}
	ENSURE(rc == m->nkws, "add_keyword returned %d, expected index %d", rc, m->nkws);
	p = ref_pattern_for(m, cps, n);
	m->pats[p].term = 1;
	m->pats[p].has_keyword = 1;
	m->kws[m->nkws].pattern = p;
	m->kws[m->nkws].category = cat;
	m->kws[m->nkws].weight = w;
	m->nkws++;
}

static void
model_exclusion(model *m, const char *t, size_t len)
{
	uint32_t	cps[PV_MAX_TERM];
	int			n = 0;
	int			want = ref_term(t, len, cps, &n);
	int			rc;

	if (m->npats + 1 >= MAX_PAT)
		return;
	rc = pv_lexicon_add_exclusion(m->lex, t, len);
	if (want != PV_OK)
	{
		ENSURE(rc == want, "add_exclusion returned %d, expected %d", rc, want);
		return;
	}
	ENSURE(rc >= 0, "add_exclusion returned %d", rc);
	m->pats[ref_pattern_for(m, cps, n)].exclusion = 1;
}

static void
model_negation(model *m, const char *t, size_t len, int32_t window)
{
	uint32_t	cps[PV_MAX_TERM];
	int			n = 0;
	int			want = (window < 0 || window > PV_MAX_WINDOW) ? PV_ERR_RANGE : ref_term(t, len, cps, &n);
	int			rc;
	int			p;

	if (m->npats + 1 >= MAX_PAT)
		return;
	rc = pv_lexicon_add_negation(m->lex, t, len, window);
	if (want != PV_OK)
	{
		ENSURE(rc == want, "add_negation returned %d, expected %d", rc, want);
		return;
	}
	ENSURE(rc >= 0, "add_negation returned %d", rc);
	p = ref_pattern_for(m, cps, n);
	if (window > m->pats[p].cue_window)
		m->pats[p].cue_window = window;
}

static void
model_proximity(model *m, const char *a, size_t alen, const char *b, size_t blen,
				int32_t within, int32_t cat, int32_t w)
{
	uint32_t	acps[PV_MAX_TERM],
				bcps[PV_MAX_TERM];
	int			an = 0,
				bn = 0;
	int			want;
	int			rc;

	if (m->nrules == MAX_RULE || m->npats + 2 >= MAX_PAT)
		return;
	if (within < 0 || within > PV_MAX_WINDOW)
		want = PV_ERR_RANGE;
	else if ((want = ref_term(a, alen, acps, &an)) == PV_OK)
		want = ref_term(b, blen, bcps, &bn);
	rc = pv_lexicon_add_proximity(m->lex, a, alen, b, blen, within, cat, w);
	if (want != PV_OK)
	{
		ENSURE(rc == want, "add_proximity returned %d, expected %d", rc, want);
		return;
	}
	ENSURE(rc == m->nrules, "add_proximity returned %d, expected index %d", rc, m->nrules);
	m->rules[m->nrules].a = ref_pattern_for(m, acps, an);
	m->rules[m->nrules].b = ref_pattern_for(m, bcps, bn);
	m->pats[m->rules[m->nrules].a].term = 1;
	m->pats[m->rules[m->nrules].b].term = 1;
	m->rules[m->nrules].within = within;
	m->rules[m->nrules].category = cat;
	m->rules[m->nrules].weight = w;
	m->nrules++;
}

static int
model_compile(model *m)
{
	int			rc = pv_lexicon_compile(m->lex);

	ENSURE(rc == PV_OK || rc == PV_ERR_TOO_MANY, "compile returned %d", rc);
	ENSURE(rc != PV_OK || pv_lexicon_keyword_count(m->lex) == m->nkws,
		   "keyword count %d, expected %d", pv_lexicon_keyword_count(m->lex), m->nkws);
	return rc == PV_OK;
}

#define K(m, t, c, w) model_keyword((m), (t), strlen(t), (c), (w))
#define E(m, t) model_exclusion((m), (t), strlen(t))
#define N(m, t, w) model_negation((m), (t), strlen(t), (w))
#define P(m, a, b, d, c, w) model_proximity((m), (a), strlen(a), (b), strlen(b), (d), (c), (w))

/* ------------------------------------------------------------------ */
/* the document, normalized the simple way                            */
/* ------------------------------------------------------------------ */

typedef struct rcp
{
	uint32_t	cp;
	int32_t		clause;
	int32_t		scope;
	int64_t		ch;				/* original character */
	size_t		b0,
				b1;				/* its bytes */
} rcp;

static rcp *R;					/* normalized code points, breaks excluded */
static size_t nR,
			capR;
static unsigned char *NT;		/* normalized text, breaks included */
static size_t nNT,
			capNT;
static int64_t *charat;			/* byte -> character, -1 inside a character */
static size_t capcharat;
static int64_t nchars;

static void
push_cp(uint32_t cp, int32_t clause, int32_t scope, int64_t ch, size_t b0, size_t b1)
{
	if (nR == capR)
	{
		capR = capR ? capR * 2 : 1024;
		R = xrealloc(R, capR * sizeof(rcp));
	}
	R[nR].cp = cp;
	R[nR].clause = clause;
	R[nR].scope = scope;
	R[nR].ch = ch;
	R[nR].b0 = b0;
	R[nR].b1 = b1;
	nR++;
}

static void
push_text(uint32_t cp)
{
	if (nNT + 4 >= capNT)
	{
		capNT = capNT ? capNT * 2 : 4096;
		NT = xrealloc(NT, capNT);
	}
	nNT += pv_utf8_put(cp, NT + nNT);
}

static void
build_reference(const uint8_t *s, size_t len)
{
	size_t		i = 0;
	int32_t		clause = 0,
				scope = 0;

	nR = nNT = 0;
	nchars = 0;
	if (NT == NULL)
	{
		capNT = 4096;
		NT = xrealloc(NT, capNT);
	}
	if (len + 1 > capcharat)
	{
		capcharat = len + 1;
		charat = xrealloc(charat, capcharat * sizeof(int64_t));
	}
	for (size_t b = 0; b <= len; b++)
		charat[b] = -1;
	while (i < len)
	{
		size_t		b0 = i;
		uint32_t	c = pv_utf8_next(s, len, &i);
		uint32_t	e = pv_norm_entry(c);
		const uint32_t *exp;
		int			n;

		charat[b0] = nchars;
		switch (pv_norm_kind(e))
		{
			case PV_NK_KEEP:
				push_cp(pv_norm_keep_cp(c, e), clause, scope, nchars, b0, i);
				push_text(pv_norm_keep_cp(c, e));
				break;
			case PV_NK_EXPAND:
				exp = pv_norm_expansion(e, &n);
				for (int k = 0; k < n; k++)
				{
					push_cp(exp[k], clause, scope, nchars, b0, i);
					push_text(exp[k]);
				}
				break;
			case PV_NK_SOFT:
				scope++;
				break;
			case PV_NK_BREAK:
				clause++;
				scope++;
				push_text(e & PV_NK_PAYLOAD);
				break;
			default:
				break;
		}
		nchars++;
	}
	charat[len] = nchars;
}

/* ------------------------------------------------------------------ */
/* the expected result                                                 */
/* ------------------------------------------------------------------ */

typedef struct occ
{
	int			pattern;
	int32_t		s,
				e;
	int			status;
} occ;

static occ *occs;
static size_t nocc,
			capocc;
static int32_t *excl_end;		/* per start: largest end of an exclusion, -1 */
static int32_t *cue_win;		/* per end: widest window of a cue ending there, -1 */
static size_t cappos;
static size_t pat_first[MAX_PAT + 1];	/* occurrences of pattern p: [first[p], first[p+1]) */
static pv_hit *want_hits;
static size_t capwant;
static pv_hit *got_hits;
static size_t capgot;

static int
matches_at(const ref_pattern *p, size_t i)
{
	if (i + p->len > nR)
		return 0;
	for (int k = 0; k < p->len; k++)
		if (R[i + k].cp != p->cps[k])
			return 0;
	return R[i].clause == R[i + p->len - 1].clause;
}

static int
cmp_hit_full(const void *x, const void *y)
{
	const pv_hit *a = x,
			   *b = y;

	if (a->cstart != b->cstart)
		return a->cstart < b->cstart ? -1 : 1;
	if (a->cend != b->cend)
		return a->cend < b->cend ? -1 : 1;
	if (a->keyword != b->keyword)
		return a->keyword < b->keyword ? -1 : 1;
	return (a->nstart > b->nstart) - (a->nstart < b->nstart);
}

/*
 * pv_scan_stream and pv_scan_any against pv_scan (already compared with the
 * model): the same occurrences, in text order, the same rules, score and
 * keywords, whatever the window and hold sizes (small ones force flushes
 * mid-text and, with the category scope, the second pass).
 */
typedef struct collected
{
	pv_hit	   *hits;
	size_t		n;
	size_t		cap;
} collected;

static void
collect_hits(void *arg, const pv_hit *hits, int32_t n)
{
	collected  *c = arg;

	ENSURE(n > 0, "the sink got an empty batch");
	if (c->n + n > c->cap)
	{
		c->cap = (c->n + n) * 2;
		c->hits = xrealloc(c->hits, c->cap * sizeof(pv_hit));
	}
	memcpy(c->hits + c->n, hits, n * sizeof(pv_hit));
	c->n += n;
}

static pv_result stream_res;
static collected stream_got;
static pv_hit *stream_want;
static size_t stream_want_cap;

static void
check_stream(const model *m, const uint8_t *doc, size_t len, const pv_result *ref)
{
	static const int32_t knobs[][2] = {{0, 0}, {1, 1}, {2, 3}, {7, 0}};
	int32_t		kws[MAX_KW];
	int32_t		nkws = 0;
	int			any;

	/* the keywords of pv_scan's occurrences: unsuppressed, by first occurrence */
	for (int32_t i = 0; i < ref->nhits; i++)
	{
		int			seen = 0;

		if (ref->hits[i].status != PV_HIT_OK)
			continue;
		for (int32_t j = 0; j < nkws && !seen; j++)
			seen = kws[j] == ref->hits[i].keyword;
		if (!seen)
			kws[nkws++] = ref->hits[i].keyword;
	}
	ENSURE(ref->nkeywords == nkws, "pv_scan: %d keywords, its hits have %d", ref->nkeywords, nkws);
	for (int32_t j = 0; j < nkws; j++)
		ENSURE(ref->keywords[j] == kws[j], "pv_scan: keyword %d is %d, expected %d", j,
			   ref->keywords[j], kws[j]);

	if ((size_t) ref->nhits > stream_want_cap)
	{
		stream_want_cap = ref->nhits;
		stream_want = xrealloc(stream_want, stream_want_cap * sizeof(pv_hit));
	}
	if (ref->nhits > 0)
		memcpy(stream_want, ref->hits, ref->nhits * sizeof(pv_hit));
	if (ref->nhits > 1)
		qsort(stream_want, ref->nhits, sizeof(pv_hit), cmp_hit_full);

	for (size_t v = 0; v < sizeof(knobs) / sizeof(knobs[0]); v++)
	{
		int			rc;

		stream_res.flush_every = knobs[v][0];
		stream_res.hold_limit = knobs[v][1];
		stream_got.n = 0;
		rc = v == 3 ? pv_scan_stream(m->lex, (const char *) doc, len, 0, &stream_res, NULL, NULL)
			: pv_scan_stream(m->lex, (const char *) doc, len, 0, &stream_res, collect_hits, &stream_got);
		ENSURE(rc == PV_OK, "pv_scan_stream returned %d (knobs %zu)", rc, v);
		ENSURE(stream_res.nhits == 0, "pv_scan_stream left %d hits", stream_res.nhits);
		ENSURE(stream_res.score == ref->score, "pv_scan_stream: score %d, pv_scan %d (knobs %zu)",
			   stream_res.score, ref->score, v);
		ENSURE(stream_res.nrules == ref->nrules, "pv_scan_stream: %d rules, pv_scan %d (knobs %zu)",
			   stream_res.nrules, ref->nrules, v);
		for (int32_t i = 0; i < ref->nrules; i++)
			ENSURE(stream_res.rules[i] == ref->rules[i], "pv_scan_stream: rule %d differs", i);
		ENSURE(stream_res.nkeywords == ref->nkeywords, "pv_scan_stream: %d keywords, pv_scan %d",
			   stream_res.nkeywords, ref->nkeywords);
		for (int32_t i = 0; i < ref->nkeywords; i++)
			ENSURE(stream_res.keywords[i] == ref->keywords[i], "pv_scan_stream: keyword %d differs", i);
		if (v == 3)
			continue;
		ENSURE(stream_got.n == (size_t) ref->nhits, "pv_scan_stream delivered %zu hits, pv_scan has %d "
			   "(knobs %zu)", stream_got.n, ref->nhits, v);
		for (size_t i = 1; i < stream_got.n; i++)
		{
			const pv_hit *a = &stream_got.hits[i - 1],
					   *b = &stream_got.hits[i];

			ENSURE(a->bstart < b->bstart || (a->bstart == b->bstart &&
											 (a->bend < b->bend || (a->bend == b->bend && a->keyword <= b->keyword))),
				   "pv_scan_stream: hits %zu and %zu out of order", i - 1, i);
		}
		if (stream_got.n > 1)
			qsort(stream_got.hits, stream_got.n, sizeof(pv_hit), cmp_hit_full);
		for (size_t i = 0; i < stream_got.n; i++)
		{
			const pv_hit *g = &stream_got.hits[i],
					   *w = &stream_want[i];

			ENSURE(g->keyword == w->keyword && g->nstart == w->nstart && g->nend == w->nend &&
				   g->cstart == w->cstart && g->cend == w->cend && g->bstart == w->bstart &&
				   g->bend == w->bend && g->clause == w->clause && g->status == w->status,
				   "pv_scan_stream: hit %zu differs from pv_scan's (knobs %zu): kw %d c %lld..%lld "
				   "status %d, expected kw %d c %lld..%lld status %d", i, v, g->keyword,
				   (long long) g->cstart, (long long) g->cend, g->status, w->keyword,
				   (long long) w->cstart, (long long) w->cend, w->status);
		}
	}
	any = pv_scan_any(m->lex, (const char *) doc, len, 0, &stream_res);
	ENSURE(any == (ref->nkeywords > 0), "pv_scan_any returned %d, pv_scan has %d keywords", any,
		   ref->nkeywords);
}

static void
check_scan(const model *m, const uint8_t *doc, size_t len, pv_result *res)
{
	int			rc = pv_scan(m->lex, (const char *) doc, len, res);
	uint8_t		denied[MAX_CAT];
	uint8_t		kw_ok[MAX_KW];
	int			fired[MAX_RULE];
	size_t		nwant = 0;
	int64_t		score = 0;
	int			nfired = 0;

	ENSURE(rc == PV_OK, "pv_scan returned %d", rc);

	/* structure of what the matcher said, on its own */
	ENSURE(res->nhits >= 0 && res->nrules >= 0, "negative counts");
	ENSURE(res->score >= 0 && res->score <= 100, "score %d outside 0..100", res->score);
	for (int32_t i = 0; i < res->nhits; i++)
	{
		const pv_hit *h = &res->hits[i];

		ENSURE(h->keyword >= 0 && h->keyword < m->nkws, "hit %d: keyword %d", i, h->keyword);
		ENSURE(h->cstart >= 0 && h->cstart < h->cend && h->cend <= nchars,
			   "hit %d: cstart %lld cend %lld of %lld characters", i,
			   (long long) h->cstart, (long long) h->cend, (long long) nchars);
		ENSURE(h->bstart < h->bend && h->bend <= len, "hit %d: bstart %zu bend %zu of %zu bytes",
			   i, h->bstart, h->bend, len);
		ENSURE(charat[h->bstart] == h->cstart && charat[h->bend] == h->cend,
			   "hit %d: bytes %zu..%zu are not characters %lld..%lld", i, h->bstart, h->bend,
			   (long long) h->cstart, (long long) h->cend);
		ENSURE(h->status >= PV_HIT_OK && h->status <= PV_HIT_NEGATED, "hit %d: status %d", i, h->status);
		ENSURE(h->nend - h->nstart == m->pats[m->kws[h->keyword].pattern].len,
			   "hit %d: normalized length %d", i, h->nend - h->nstart);
		if (i > 0)
			ENSURE(res->hits[i - 1].cstart < h->cstart ||
				   (res->hits[i - 1].cstart == h->cstart && res->hits[i - 1].cend <= h->cend),
				   "hits not ordered at %d", i);
	}
	for (int32_t i = 0; i < res->nrules; i++)
		ENSURE(res->rules[i] >= 0 && res->rules[i] < m->nrules &&
			   (i == 0 || res->rules[i] > res->rules[i - 1]), "rules not ascending at %d", i);

	/* occurrences of every pattern */
	if (nR + 2 > cappos)
	{
		cappos = nR + 2;
		excl_end = xrealloc(excl_end, cappos * sizeof(int32_t));
		cue_win = xrealloc(cue_win, cappos * sizeof(int32_t));
	}
	for (size_t i = 0; i <= nR; i++)
		excl_end[i] = cue_win[i] = -1;
	nocc = 0;
	for (int p = 0; p < m->npats; p++)
	{
		const ref_pattern *pat = &m->pats[p];

		pat_first[p] = nocc;
		for (size_t i = 0; i + pat->len <= nR; i++)
		{
			int32_t		e = (int32_t) (i + pat->len);

			if (!matches_at(pat, i))
				continue;
			if (pat->exclusion && excl_end[i] < e)
				excl_end[i] = e;
			if (pat->cue_window > cue_win[e])
				cue_win[e] = pat->cue_window;
			if (pat->term)
			{
				if (nocc == capocc)
				{
					capocc = capocc ? capocc * 2 : 1024;
					occs = xrealloc(occs, capocc * sizeof(occ));
				}
				occs[nocc].pattern = p;
				occs[nocc].s = (int32_t) i;
				occs[nocc].e = e;
				occs[nocc].status = PV_HIT_OK;
				nocc++;
			}
		}
	}
	pat_first[m->npats] = nocc;

	/* exclusions, then negation cues */
	memset(denied, 0, sizeof(denied));
	for (size_t o = 0; o < nocc; o++)
	{
		occ		   *t = &occs[o];

		for (int32_t s = t->s; s >= 0 && s >= t->s - PV_MAX_TERM; s--)
			if (excl_end[s] >= t->e)
			{
				t->status = PV_HIT_EXCLUDED;
				break;
			}
		if (t->status != PV_HIT_OK)
			continue;
		for (int32_t e = t->s; e >= 1 && e >= t->s - PV_MAX_WINDOW; e--)
			if (cue_win[e] >= t->s - e && R[e - 1].scope == R[t->s].scope)
			{
				t->status = PV_HIT_NEGATED;
				break;
			}
		if (t->status == PV_HIT_NEGATED)
			for (int k = 0; k < m->nkws; k++)
				if (m->kws[k].pattern == t->pattern)
					denied[m->kws[k].category & (MAX_CAT - 1)] = 1;
	}
	/* the category scope: a denied category is denied throughout */
	if (m->scope == PV_NEGATE_CATEGORY)
	{
		for (size_t o = 0; o < nocc; o++)
		{
			if (occs[o].status != PV_HIT_OK)
				continue;
			for (int k = 0; k < m->nkws; k++)
				if (m->kws[k].pattern == occs[o].pattern && denied[m->kws[k].category & (MAX_CAT - 1)])
					occs[o].status = PV_HIT_NEGATED;
		}
	}
	else
		memset(denied, 0, sizeof(denied));

	/* proximity rules */
	for (int r = 0; r < m->nrules; r++)
	{
		const ref_rule *ru = &m->rules[r];
		int			blen = m->pats[ru->b].len;

		fired[r] = 0;
		if (denied[ru->category & (MAX_CAT - 1)])
			continue;
		for (size_t x = pat_first[ru->a]; x < pat_first[ru->a + 1] && !fired[r]; x++)
		{
			const occ  *ox = &occs[x];
			int32_t		lo = ox->s - ru->within - blen;

			if (ox->status != PV_HIT_OK)
				continue;
			/* occurrences of b are in start order: y.s in [x.s - within - |b|, x.e + within] */
			size_t		ylo = pat_first[ru->b],
						yhi = pat_first[ru->b + 1];

			while (ylo < yhi)
			{
				size_t		mid = (ylo + yhi) / 2;

				if (occs[mid].s < lo)
					ylo = mid + 1;
				else
					yhi = mid;
			}
			for (size_t y = ylo; y < pat_first[ru->b + 1]; y++)
			{
				const occ  *oy = &occs[y];
				int32_t		gap1 = ox->s - oy->e,
							gap2 = oy->s - ox->e;

				if (oy->s < lo)
					continue;
				if (oy->s > ox->e + ru->within)
					break;
				if (y == x || oy->status != PV_HIT_OK || R[oy->s].clause != R[ox->s].clause)
					continue;
				if ((gap1 > gap2 ? gap1 : gap2) <= ru->within)
				{
					fired[r] = 1;
					break;
				}
			}
		}
	}

	/* expected hits and score */
	memset(kw_ok, 0, sizeof(kw_ok));
	for (size_t o = 0; o < nocc; o++)
		for (int k = 0; k < m->nkws; k++)
		{
			const occ  *t = &occs[o];
			pv_hit	   *h;

			if (m->kws[k].pattern != t->pattern)
				continue;
			if (nwant == capwant)
			{
				capwant = capwant ? capwant * 2 : 1024;
				want_hits = xrealloc(want_hits, capwant * sizeof(pv_hit));
			}
			h = &want_hits[nwant++];
			memset(h, 0, sizeof(pv_hit));
			h->keyword = k;
			h->nstart = t->s;
			h->nend = t->e;
			h->cstart = R[t->s].ch;
			h->cend = R[t->e - 1].ch + 1;
			h->bstart = R[t->s].b0;
			h->bend = R[t->e - 1].b1;
			h->clause = R[t->s].clause;
			h->status = t->status;
			if (t->status == PV_HIT_OK)
				kw_ok[k] = 1;
		}
	for (int k = 0; k < m->nkws; k++)
		if (kw_ok[k])
			score += m->kws[k].weight;
	for (int r = 0; r < m->nrules; r++)
		if (fired[r])
		{
			score += m->rules[r].weight;
			nfired++;
		}
	if (score > 100)
		score = 100;

	/* compare */
	ENSURE((size_t) res->nhits == nwant, "%d hits, expected %zu", res->nhits, nwant);
	if ((size_t) res->nhits > capgot)
	{
		capgot = res->nhits;
		got_hits = xrealloc(got_hits, capgot * sizeof(pv_hit));
	}
	if (res->nhits > 0)
		memcpy(got_hits, res->hits, res->nhits * sizeof(pv_hit));
	if (nwant > 1)
	{
		qsort(got_hits, nwant, sizeof(pv_hit), cmp_hit_full);
		qsort(want_hits, nwant, sizeof(pv_hit), cmp_hit_full);
	}
	for (size_t i = 0; i < nwant; i++)
	{
		const pv_hit *g = &got_hits[i],
				   *w = &want_hits[i];

		ENSURE(g->keyword == w->keyword && g->nstart == w->nstart && g->nend == w->nend &&
			   g->cstart == w->cstart && g->cend == w->cend && g->bstart == w->bstart &&
			   g->bend == w->bend && g->clause == w->clause && g->status == w->status,
			   "hit %zu differs: got kw %d n %d..%d c %lld..%lld b %zu..%zu clause %d status %d, "
			   "expected kw %d n %d..%d c %lld..%lld b %zu..%zu clause %d status %d", i,
			   g->keyword, g->nstart, g->nend, (long long) g->cstart, (long long) g->cend,
			   g->bstart, g->bend, g->clause, g->status,
			   w->keyword, w->nstart, w->nend, (long long) w->cstart, (long long) w->cend,
			   w->bstart, w->bend, w->clause, w->status);
	}
	ENSURE(res->nrules == nfired, "%d rules fired, expected %d", res->nrules, nfired);
	for (int32_t i = 0; i < res->nrules; i++)
		ENSURE(fired[res->rules[i]], "rule %d fired, expected not to", res->rules[i]);
	ENSURE(res->score == score, "score %d, expected %lld", res->score, (long long) score);
	check_stream(m, doc, len, res);
}

/* ------------------------------------------------------------------ */
/* lexicons                                                            */
/* ------------------------------------------------------------------ */

static model fixed[2];
static pv_result shared_res;

static void
build_fixed(model *m, pv_negation_scope scope)
{
	char		long64[PV_MAX_TERM + 1];

	for (int i = 0; i < PV_MAX_TERM; i++)
		long64[i] = "abcdefgh"[i % 8];
	long64[PV_MAX_TERM] = '\0';

	model_init(m, scope);
	K(m, "ab", 1, 10);
	K(m, "abc", 1, 7);
	K(m, "bca", 2, 5);
	K(m, "x", 3, 3);			/* one character */
	K(m, "i", 3, 2);			/* inside expansions: ⅲ, Ⅻ */
	K(m, "杀人", 4, 20);
	K(m, "杀", 4, 4);
	K(m, "株式会社", 5, 2);		/* ㍿ */
	K(m, "\U00020000z", 6, 1);	/* non-BMP */
	K(m, long64, 7, 30);		/* 64 code points */
	K(m, "AB", 8, 1);			/* "ab" again, another category */
	K(m, "ＫＴＶ", 9, 6);
	K(m, "跳楼", 3, 11);
	K(m, "no", 10, 1);			/* also a cue */
	E(m, "abcd");
	E(m, "杀人鲸");
	E(m, "xx");
	E(m, "跳楼价");
	N(m, "no", 5);
	N(m, "not", 0);
	N(m, "未发现", 10);
	N(m, "ab", 2);				/* also a match term */
	P(m, "ab", "x", 3, 11, 15);
	P(m, "cd", "ef", 0, 12, 9);	/* parts that are no keyword */
	P(m, "i", "i", 2, 3, 8);	/* the same term twice */
	P(m, "杀", "跳楼", 4, 13, 13);
	P(m, "z", "y", 64, 1, 5);	/* category 1 can be denied */
	/* rejected entries leave the lexicon as it was */
	K(m, "", 1, 1);
	K(m, "。", 1, 1);
	E(m, " * ");
	N(m, "no", 65);
	P(m, "ab", "a!", 3, 1, 1);
	if (!model_compile(m))
		abort();
}

/* "#L..." inputs: a lexicon of their own */
static int
build_from_input(model *m, const uint8_t *data, size_t size)
{
	size_t		i;
	int			entries = 0;

	model_init(m, size > 2 && data[2] == 'c' ? PV_NEGATE_CATEGORY : PV_NEGATE_OCCURRENCE);
	for (i = 0; i < size && data[i] != '\n'; i++)
		;
	while (i < size && entries < 64)
	{
		const char *line = (const char *) data + i + 1;
		size_t		n = 0;

		i++;
		while (i + n < size && data[i + n] != '\n')
			n++;
		i += n;
#define BYTE(k) ((k) < n ? (int32_t) (unsigned char) line[(k)] - '0' + 840 : 0)
#define REST(k) line + ((k) < n ? (k) : n), n - ((k) < n ? (k) : n)
		if (n == 0)
			continue;
		entries++;
		switch (line[0])
		{
			case 'k':
				model_keyword(m, REST(3), BYTE(1) % 8, BYTE(2) % 60);
				break;
			case 'e':
				model_exclusion(m, REST(2));
				break;
			case 'n':
				model_negation(m, REST(2), BYTE(1) % 70);
				break;
			case 'r':
				{
					const char *a = line + (n < 4 ? n : 4);
					size_t		alen = 0,
								rest = n - (n < 4 ? n : 4);

					while (alen < rest && a[alen] != '|')
						alen++;
					model_proximity(m, a, alen, a + (alen < rest ? alen + 1 : alen),
									alen < rest ? rest - alen - 1 : 0,
									BYTE(1) % 70, BYTE(2) % 8, BYTE(3) % 60);
				}
				break;
			default:
				break;
		}
#undef BYTE
#undef REST
	}
	return model_compile(m);
}

/* ------------------------------------------------------------------ */
/* entry points                                                        */
/* ------------------------------------------------------------------ */

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* does the sorted key set of a text have key, or (a range key) one in its range? */
static int
text_has_key(const pv_index_keys *doc, pv_index_key key)
{
	for (int32_t i = 0; i < doc->n; i++)
		if (pv_index_key_is_range(key) ? pv_index_key_in_range(key, doc->keys[i]) : doc->keys[i] == key)
			return 1;
	return 0;
}

/* the index keys of doc against those of term: necessary, and sufficient where they prove it */
static void
check_index_keys(const char *doc, size_t dlen, const char *term, size_t tlen)
{
	pv_index_keys dk = {0};
	pv_index_keys tk = {0};
	int			proves;
	int			search = pv_term_keys(term, tlen, &tk, &proves);

	ENSURE(search == PV_SEARCH_KEYS || search == PV_SEARCH_EMPTY || search == PV_SEARCH_NO_KEYS,
		   "pv_term_keys returned %d", search);
	ENSURE(pv_text_keys(doc, dlen, &dk) == PV_OK, "pv_text_keys failed");
	for (int32_t i = 1; i < dk.n; i++)
		ENSURE(dk.keys[i - 1] < dk.keys[i], "text keys not sorted and unique");
	if (search == PV_SEARCH_KEYS)
	{
		size_t		dn,
					tn;
		char	   *d = pv_normalize(doc, dlen, &dn);
		char	   *t = pv_normalize(term, tlen, &tn);
		int			truth = 0,
					say = 1;

		for (size_t i = 0; !truth && i + tn <= dn; i++)
			truth = memcmp(d + i, t, tn) == 0;
		for (int32_t i = 0; say && i < tk.n; i++)
			say = text_has_key(&dk, tk.keys[i]);
		ENSURE(!truth || say, "a text containing the term lacks one of its keys");
		ENSURE(!(proves && say) || truth, "the keys prove a term the text does not contain");
		ENSURE(!proves || tk.n == 1, "a proving term has %d keys", (int) tk.n);
		pv_release(d);
		pv_release(t);
	}
	pv_release(dk.keys);
	pv_release(tk.keys);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	cur_lexicon = "fixed";
	build_fixed(&fixed[0], PV_NEGATE_OCCURRENCE);
	build_fixed(&fixed[1], PV_NEGATE_CATEGORY);
	pv_result_init(&shared_res);
	pv_result_init(&stream_res);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t		n1,
				n2;
	char	   *norm,
			   *again;

	cur_data = data;
	cur_size = size;
	build_reference(data, size);

	/* normalization: as defined, and idempotent */
	cur_lexicon = "none";
	norm = pv_normalize((const char *) data, size, &n1);
	ENSURE(norm != NULL, "pv_normalize returned NULL");
	ENSURE(norm[n1] == '\0' && strlen(norm) == n1, "normalized text not NUL-terminated");
	ENSURE(n1 == nNT && memcmp(norm, NT, n1) == 0, "pv_normalize differs from the model (%zu vs %zu bytes)",
		   n1, nNT);
	again = pv_normalize(norm, n1, &n2);
	ENSURE(again != NULL && n2 == n1 && memcmp(norm, again, n1) == 0, "normalize is not idempotent");
	{
		size_t		i = 0;

		while (i < n1)
			ENSURE(pv_utf8_next((const unsigned char *) norm, n1, &i) != 0xFFFD,
				   "normalized text is not valid UTF-8");
	}
	pv_release(again);

	/* the GIN keys: the input's last bytes as a term, in the input and in what comes before them */
	if (size > 0)
	{
		size_t		k = data[0] % 16 < size ? data[0] % 16 : size;

		cur_lexicon = "index keys";
		check_index_keys((const char *) data, size, (const char *) data + size - k, k);
		check_index_keys((const char *) data, size - k, (const char *) data + size - k, k);
	}

	/* the fixed lexicons, one result reused across inputs */
	cur_lexicon = "fixed, occurrence scope";
	check_scan(&fixed[0], data, size, &shared_res);
	cur_lexicon = "fixed, category scope";
	check_scan(&fixed[1], data, size, &shared_res);

	/*
	 * The normalized text has the same matches as the original (statuses
	 * may differ: soft breaks, which end a negation's scope, are gone).
	 */
	{
		int32_t		nhits = shared_res.nhits;

		cur_lexicon = "fixed, category scope, on the normalized text";
		build_reference((const uint8_t *) norm, n1);
		check_scan(&fixed[1], (const uint8_t *) norm, n1, &shared_res);
		ENSURE(shared_res.nhits == nhits, "the normalized text has %d hits, the original %d",
			   shared_res.nhits, nhits);
		build_reference(data, size);
	}
	pv_release(norm);

	/* the input as a term: checked as defined, and it matches its own text */
	{
		uint32_t	cps[PV_MAX_TERM];
		int			n = 0;
		int			want = ref_term((const char *) data, size, cps, &n);
		int			rc = pv_term_check((const char *) data, size);

		cur_lexicon = "input as a term";
		ENSURE(rc == want, "pv_term_check returned %d, expected %d", rc, want);
		if (rc == PV_OK && size > 0 && (data[0] & 3) == 0)
		{
			model		m;
			pv_result	res;

			model_init(&m, PV_NEGATE_OCCURRENCE);
			model_keyword(&m, (const char *) data, size, 1, 50);
			if (model_compile(&m))
			{
				pv_result_init(&res);
				check_scan(&m, data, size, &res);
				ENSURE(res.nhits >= 1 && res.score == 50, "a term does not match its own text");
				pv_result_free(&res);
			}
			model_free(&m);
		}
	}

	/* a lexicon of the input's own, a fresh result */
	if (size >= 2 && data[0] == '#' && data[1] == 'L')
	{
		model		m;
		pv_result	res;

		cur_lexicon = "from the input";
		if (build_from_input(&m, data, size))
		{
			pv_result_init(&res);
			check_scan(&m, data, size, &res);
			check_scan(&m, data, size, &res);	/* again, reused */
			pv_result_free(&res);
		}
		model_free(&m);
	}
	return 0;
}
