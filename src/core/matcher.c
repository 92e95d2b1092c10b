/*
 * matcher.c — Aho-Corasick over normalized code points, with exclusions,
 * negation and proximity (pure C).
 *
 * Compile: every term is normalized (normalize.h) into code points; the
 * distinct code points of all terms become the automaton's alphabet
 * (symbols 1..K).  A full DFA (state x symbol -> state, the top bit flagging
 * states with output) is built from the trie and its failure links, and a
 * fused table maps each BMP code point straight to its symbol, or to "skip"
 * (noise), "soft break", "break" or "slow" (expansions), so the scan does
 * one lookup per character and one per DFA step.  A character outside the
 * alphabet resets the automaton, as a clause break does.
 *
 * Scan: one pass over the original UTF-8 text; a 64-entry ring remembers,
 * for each recent normalized position, the original character and byte it
 * came from, so matches map back to the original text (noise included).
 * Exclusions suppress matches inside their span, negation cues cancel
 * matches that start within the cue's window in the same scope (no clause
 * break, comma or colon in between), proximity rules fire, and the score is
 * summed, over a window that follows the scan (see "Memory" below), so a
 * scan's memory does not grow with the text.  On the way it counts, for
 * each occurrence, the sentence ends and title openers (《 〈) before it
 * (pv_hit.sentence, .titles), so its callers need not read the text again.
 */
#include <stdlib.h>
#include <string.h>

#include "matcher.h"
#include "normalize.h"

#define SYM_SKIP 0xFFFFu
#define SYM_SOFT 0xFFFEu
#define SYM_BREAK 0xFFFDu
#define SYM_SLOW 0xFFFCu
#define SYM_TITLE 0xFFFBu			/* 《 or 〈: noise, counted */
#define SYM_LIMIT 0xFFF0u
#define STATE_OUT 0x80000000u
#define RING 64					/* >= PV_MAX_TERM, a power of two */

/* roles a pattern plays; a pattern may carry several */
typedef struct pattern
{
	uint32_t   *cps;
	int32_t		len;
	int32_t		first_keyword;	/* chain through keyword.next_same, -1 if none */
	int32_t		cue;			/* negation cue index, -1 if none */
	uint8_t		exclusion;
	uint8_t		term;			/* keyword or proximity part: record its hits */
} pattern;

typedef struct keyword
{
	int32_t		pattern;
	int32_t		category;
	int32_t		weight;
	int32_t		next_same;		/* next keyword with the same pattern */
} keyword;

typedef struct cue
{
	int32_t		pattern;
	int32_t		window;
} cue;

typedef struct rule
{
	int32_t		a;				/* patterns */
	int32_t		b;
	int32_t		within;
	int32_t		category;
	int32_t		weight;
} rule;

typedef struct trie_node
{
	uint32_t	sym;
	int32_t		first_child;
	int32_t		next_sibling;
	int32_t		pattern;		/* pattern ending here, -1 if none */
	int32_t		dict;			/* nearest proper suffix state with output, 0 if none */
} trie_node;

struct pv_term_hit
{
	int32_t		pattern;
	int32_t		nstart;
	int32_t		nend;
	int32_t		clause;
	int32_t		scope;			/* soft scope at start */
	int32_t		status;
	int32_t		sentence;
	int32_t		titles;
	size_t		bstart;
	size_t		bend;
};

struct pv_span
{
	int32_t		nstart;
	int32_t		nend;
	int32_t		scope;			/* soft scope at the end */
	int32_t		window;
};

struct pv_lexicon
{
	pattern    *patterns;
	int32_t		npatterns;
	int32_t		patterns_cap;
	keyword    *keywords;
	int32_t		nkeywords;
	int32_t		keywords_cap;
	cue		   *cues;
	int32_t		ncues;
	int32_t		cues_cap;
	rule	   *rules;
	int32_t		nrules;
	int32_t		rules_cap;
	pv_negation_scope negation_scope;
	int			compiled;
	int			filters;		/* some pattern is an exclusion or a cue */

	/* compiled form */
	uint32_t   *alphabet;		/* sorted distinct code points; symbol = index + 1 */
	uint32_t	nsyms;
	uint16_t   *bmp;			/* 65536 entries */
	uint32_t   *delta;			/* nstates * nsyms, while building */
	/*
	 * When nstates < 32768, instead of the full table: the root's row, and
	 * per state the transitions that differ from it, sorted by symbol and
	 * packed as sym << 16 | target (target's top bit: has output).  Most
	 * states differ from the root only by their own children, so this is
	 * small enough to stay in cache.
	 */
	uint16_t   *root_row;
	uint32_t   *exc;
	/*
	 * Per state, at 2 * state: where its exceptions start in exc (they end
	 * where the next state's start), and at 2 * state + 1 a mask with bit
	 * sym % 32 set for each of its exceptions' symbols, so that most steps
	 * take the root's row without reading exc.  2 * (nstates + 1) entries.
	 */
	uint32_t   *exc_off;
	int32_t   **rules_of;		/* per pattern: rules it is part of, -1 terminated; NULL if none */
	trie_node  *nodes;
	int32_t		nstates;
	int32_t		nodes_cap;
};

/* ---------- small helpers ---------- */

static int
grow(void **arr, int32_t *cap, int32_t need, size_t elem)
{
	int32_t		ncap;
	void	   *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
	{
		if (ncap > INT32_MAX / 2)
			return -1;
		ncap *= 2;
	}
	p = *arr ? pv_resize(*arr, (size_t) ncap * elem) : pv_alloc((size_t) ncap * elem);
	if (p == NULL)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

#define GROW(arr, cap, need) \
	((need) <= (cap) ? 0 : grow((void **) &(arr), &(cap), (need), sizeof(*(arr))))

const char *
pv_strerror(int err)
{
	switch (err)
	{
		case PV_OK:
			return "no error";
		case PV_ERR_NOMEM:
			return "out of memory";
		case PV_ERR_EMPTY:
			return "term is empty after normalization";
		case PV_ERR_TOO_LONG:
			return "term is longer than 64 characters after normalization";
		case PV_ERR_BREAK:
			return "term contains a clause break";
		case PV_ERR_RANGE:
			return "window or distance out of range";
		case PV_ERR_TOO_MANY:
			return "lexicon too large";
		case PV_ERR_STATE:
			return "lexicon not in the right state";
	}
	return "unknown error";
}

/*
 * Normalize a term into code points (at most PV_MAX_TERM).  Hard breaks are
 * refused: a term could never match across one.
 */
static int
normalize_term(const char *term, size_t len, uint32_t *cps, int32_t *n)
{
	const unsigned char *s = (const unsigned char *) term;
	size_t		i = 0;
	int32_t		k = 0;

	while (i < len)
	{
		pv_norm_char nc;

		if (pv_norm_next(s, len, &i, &nc) == PV_NK_BREAK)
			return PV_ERR_BREAK;
		for (int j = 0; j < nc.n; j++)
		{
			if (k >= PV_MAX_TERM)
				return PV_ERR_TOO_LONG;
			cps[k++] = pv_norm_cp(&nc, j);
		}
	}
	if (k == 0)
		return PV_ERR_EMPTY;
	*n = k;
	return PV_OK;
}

int
pv_term_check(const char *term, size_t len)
{
	uint32_t	cps[PV_MAX_TERM];
	int32_t		n;

	return normalize_term(term, len, cps, &n);
}

/* find or add the pattern for a term; returns its index or an error */
static int
pattern_for(pv_lexicon *lex, const char *term, size_t len)
{
	uint32_t	cps[PV_MAX_TERM];
	int32_t		n;
	int			rc;
	pattern    *p;

	if (lex->compiled)
		return PV_ERR_STATE;
	rc = normalize_term(term, len, cps, &n);
	if (rc != PV_OK)
		return rc;
	for (int32_t i = 0; i < lex->npatterns; i++)
		if (lex->patterns[i].len == n &&
			memcmp(lex->patterns[i].cps, cps, n * sizeof(uint32_t)) == 0)
			return i;
	if (GROW(lex->patterns, lex->patterns_cap, lex->npatterns + 1))
		return PV_ERR_NOMEM;
	p = &lex->patterns[lex->npatterns];
	p->cps = pv_alloc(n * sizeof(uint32_t));
	if (p->cps == NULL)
		return PV_ERR_NOMEM;
	memcpy(p->cps, cps, n * sizeof(uint32_t));
	p->len = n;
	p->first_keyword = -1;
	p->cue = -1;
	p->exclusion = 0;
	p->term = 0;
	return lex->npatterns++;
}

/* ---------- building ---------- */

pv_lexicon *
pv_lexicon_new(void)
{
	pv_lexicon *lex = pv_alloc(sizeof(pv_lexicon));

	if (lex)
		memset(lex, 0, sizeof(pv_lexicon));
	return lex;
}

/* drop what pv_lexicon_compile() built, e.g. before it is retried */
static void
release_compiled(pv_lexicon *lex)
{
	pv_release(lex->alphabet);
	pv_release(lex->bmp);
	pv_release(lex->delta);
	pv_release(lex->root_row);
	pv_release(lex->exc);
	pv_release(lex->exc_off);
	if (lex->rules_of)
		for (int32_t i = 0; i < lex->npatterns; i++)
			pv_release(lex->rules_of[i]);
	pv_release(lex->rules_of);
	pv_release(lex->nodes);
	lex->alphabet = NULL;
	lex->bmp = NULL;
	lex->delta = NULL;
	lex->root_row = NULL;
	lex->exc = NULL;
	lex->exc_off = NULL;
	lex->rules_of = NULL;
	lex->nodes = NULL;
	lex->nsyms = 0;
	lex->nstates = 0;
	lex->nodes_cap = 0;
}

void
pv_lexicon_free(pv_lexicon *lex)
{
	if (lex == NULL)
		return;
	release_compiled(lex);
	for (int32_t i = 0; i < lex->npatterns; i++)
		pv_release(lex->patterns[i].cps);
	pv_release(lex->patterns);
	pv_release(lex->keywords);
	pv_release(lex->cues);
	pv_release(lex->rules);
	pv_release(lex);
}

int
pv_lexicon_add_keyword(pv_lexicon *lex, const char *term, size_t len,
					   int32_t category, int32_t weight)
{
	int			p = pattern_for(lex, term, len);
	keyword    *k;
	int32_t    *link;

	if (p < 0)
		return p;
	if (GROW(lex->keywords, lex->keywords_cap, lex->nkeywords + 1))
		return PV_ERR_NOMEM;
	k = &lex->keywords[lex->nkeywords];
	k->pattern = p;
	k->category = category;
	k->weight = weight;
	k->next_same = -1;
	/* append to the pattern's chain, keeping insertion order */
	link = &lex->patterns[p].first_keyword;
	while (*link >= 0)
		link = &lex->keywords[*link].next_same;
	*link = lex->nkeywords;
	lex->patterns[p].term = 1;
	return lex->nkeywords++;
}

int
pv_lexicon_add_exclusion(pv_lexicon *lex, const char *term, size_t len)
{
	int			p = pattern_for(lex, term, len);

	if (p < 0)
		return p;
	lex->patterns[p].exclusion = 1;
	return p;
}

int
pv_lexicon_add_negation(pv_lexicon *lex, const char *cuetext, size_t len, int32_t window)
{
	int			p;

	if (window < 0 || window > PV_MAX_WINDOW)
		return PV_ERR_RANGE;
	p = pattern_for(lex, cuetext, len);
	if (p < 0)
		return p;
	if (lex->patterns[p].cue >= 0)
	{
		/* the same cue twice: keep the wider window */
		cue		   *c = &lex->cues[lex->patterns[p].cue];

		if (window > c->window)
			c->window = window;
		return lex->patterns[p].cue;
	}
	if (GROW(lex->cues, lex->cues_cap, lex->ncues + 1))
		return PV_ERR_NOMEM;
	lex->cues[lex->ncues].pattern = p;
	lex->cues[lex->ncues].window = window;
	lex->patterns[p].cue = lex->ncues;
	return lex->ncues++;
}

int
pv_lexicon_add_proximity(pv_lexicon *lex, const char *a, size_t alen,
						 const char *b, size_t blen,
						 int32_t within, int32_t category, int32_t weight)
{
	int			pa,
				pb;
	rule	   *r;

	if (within < 0 || within > PV_MAX_WINDOW)
		return PV_ERR_RANGE;
	pa = pattern_for(lex, a, alen);
	if (pa < 0)
		return pa;
	pb = pattern_for(lex, b, blen);
	if (pb < 0)
		return pb;
	if (GROW(lex->rules, lex->rules_cap, lex->nrules + 1))
		return PV_ERR_NOMEM;
	r = &lex->rules[lex->nrules];
	r->a = pa;
	r->b = pb;
	r->within = within;
	r->category = category;
	r->weight = weight;
	lex->patterns[pa].term = 1;
	lex->patterns[pb].term = 1;
	return lex->nrules++;
}

void
pv_lexicon_set_negation_scope(pv_lexicon *lex, pv_negation_scope scope)
{
	lex->negation_scope = scope;
}

int32_t
pv_lexicon_keyword_count(const pv_lexicon *lex)
{
	return lex->nkeywords;
}

int32_t
pv_lexicon_state_count(const pv_lexicon *lex)
{
	return lex->nstates;
}

size_t
pv_lexicon_memory(const pv_lexicon *lex)
{
	if (!lex->compiled)
		return 0;
	return 65536 * sizeof(uint16_t) +
		(lex->delta ? (size_t) lex->nstates * lex->nsyms * sizeof(uint32_t)
		 : lex->nsyms * sizeof(uint16_t) + lex->exc_off[2 * lex->nstates] * sizeof(uint32_t) +
		 2 * (lex->nstates + 1) * sizeof(uint32_t)) +
		(size_t) lex->nstates * sizeof(trie_node) + lex->nsyms * sizeof(uint32_t);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *) a;
	uint32_t	y = *(const uint32_t *) b;

	return x < y ? -1 : x > y;
}

/* symbol of a normalized code point: 1..nsyms, or 0 if in no term */
static uint32_t
symbol_of(const pv_lexicon *lex, uint32_t cp)
{
	uint32_t	lo = 0,
				hi = lex->nsyms;

	while (lo < hi)
	{
		uint32_t	mid = (lo + hi) / 2;

		if (lex->alphabet[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < lex->nsyms && lex->alphabet[lo] == cp) ? lo + 1 : 0;
}

static int32_t
trie_child(const pv_lexicon *lex, int32_t node, uint32_t sym)
{
	for (int32_t c = lex->nodes[node].first_child; c >= 0; c = lex->nodes[c].next_sibling)
		if (lex->nodes[c].sym == sym)
			return c;
	return -1;
}

static int32_t
trie_add_node(pv_lexicon *lex, int32_t parent, uint32_t sym)
{
	trie_node  *n;

	if (GROW(lex->nodes, lex->nodes_cap, lex->nstates + 1))
		return PV_ERR_NOMEM;
	if (lex->nstates >= (int32_t) (STATE_OUT - 1))
		return PV_ERR_TOO_MANY;
	n = &lex->nodes[lex->nstates];
	n->sym = sym;
	n->first_child = -1;
	n->next_sibling = -1;
	n->pattern = -1;
	n->dict = 0;
	if (parent >= 0)
	{
		n->next_sibling = lex->nodes[parent].first_child;
		lex->nodes[parent].first_child = lex->nstates;
	}
	return lex->nstates++;
}

int
pv_lexicon_compile(pv_lexicon *lex)
{
	uint32_t	total = 0;
	int32_t    *queue;
	int32_t		qhead = 0,
				qtail = 0;
	int32_t    *fail;

	if (lex->compiled)
		return PV_ERR_STATE;
	release_compiled(lex);		/* a previous attempt may have failed half-way */

	/* alphabet: the distinct code points of all patterns */
	for (int32_t i = 0; i < lex->npatterns; i++)
		total += lex->patterns[i].len;
	lex->alphabet = pv_alloc((total + 1) * sizeof(uint32_t));
	if (lex->alphabet == NULL)
		return PV_ERR_NOMEM;
	for (int32_t i = 0; i < lex->npatterns; i++)
		for (int32_t j = 0; j < lex->patterns[i].len; j++)
			lex->alphabet[lex->nsyms++] = lex->patterns[i].cps[j];
	qsort(lex->alphabet, lex->nsyms, sizeof(uint32_t), cmp_u32);
	{
		uint32_t	u = 0;

		for (uint32_t i = 0; i < lex->nsyms; i++)
			if (u == 0 || lex->alphabet[u - 1] != lex->alphabet[i])
				lex->alphabet[u++] = lex->alphabet[i];
		lex->nsyms = u;
	}
	if (lex->nsyms >= SYM_LIMIT)
		return PV_ERR_TOO_MANY;

	/* fused BMP table: code point -> symbol or class */
	lex->bmp = pv_alloc(65536 * sizeof(uint16_t));
	if (lex->bmp == NULL)
		return PV_ERR_NOMEM;
	for (uint32_t c = 0; c < 65536; c++)
	{
		pv_norm_char nc;

		switch (pv_norm_map(c, &nc))
		{
			case PV_NK_KEEP:
				lex->bmp[c] = (uint16_t) symbol_of(lex, nc.first);
				break;
			case PV_NK_SOFT:
				lex->bmp[c] = SYM_SOFT;
				break;
			case PV_NK_BREAK:
				lex->bmp[c] = SYM_BREAK;
				break;
			case PV_NK_EXPAND:
				lex->bmp[c] = SYM_SLOW;
				break;
			default:
				/* noise; the title openers are counted (pv_hit.titles) */
				lex->bmp[c] = c == 0x300A || c == 0x3008 ? SYM_TITLE : SYM_SKIP;
				break;
		}
	}

	/* trie */
	if (trie_add_node(lex, -1, 0) < 0)
		return PV_ERR_NOMEM;
	for (int32_t i = 0; i < lex->npatterns; i++)
	{
		int32_t		node = 0;

		for (int32_t j = 0; j < lex->patterns[i].len; j++)
		{
			uint32_t	sym = symbol_of(lex, lex->patterns[i].cps[j]);
			int32_t		child = trie_child(lex, node, sym);

			if (child < 0)
			{
				child = trie_add_node(lex, node, sym);
				if (child < 0)
					return child;
			}
			node = child;
		}
		lex->nodes[node].pattern = i;
	}
	if ((uint64_t) lex->nstates * lex->nsyms > (uint64_t) 256 * 1024 * 1024)
		return PV_ERR_TOO_MANY;

	/* DFA by breadth-first search over failure links */
	lex->delta = pv_alloc((size_t) lex->nstates * lex->nsyms * sizeof(uint32_t) + 1);
	queue = pv_alloc((size_t) lex->nstates * sizeof(int32_t));
	fail = pv_alloc((size_t) lex->nstates * sizeof(int32_t));
	if (lex->delta == NULL || queue == NULL || fail == NULL)
	{
		pv_release(queue);
		pv_release(fail);
		return PV_ERR_NOMEM;
	}
	memset(lex->delta, 0, (size_t) lex->nsyms * sizeof(uint32_t));
	fail[0] = 0;
	for (int32_t c = lex->nodes[0].first_child; c >= 0; c = lex->nodes[c].next_sibling)
	{
		lex->delta[lex->nodes[c].sym - 1] = (uint32_t) c;
		fail[c] = 0;
		queue[qtail++] = c;
	}
	while (qhead < qtail)
	{
		int32_t		s = queue[qhead++];
		uint32_t   *row = &lex->delta[(size_t) s * lex->nsyms];

		/* dictionary link: nearest proper suffix with output */
		{
			int32_t		f = fail[s];

			lex->nodes[s].dict = (lex->nodes[f].pattern >= 0) ? f : lex->nodes[f].dict;
		}
		memcpy(row, &lex->delta[(size_t) fail[s] * lex->nsyms], lex->nsyms * sizeof(uint32_t));
		for (int32_t c = lex->nodes[s].first_child; c >= 0; c = lex->nodes[c].next_sibling)
		{
			uint32_t	sym = lex->nodes[c].sym;

			fail[c] = (int32_t) (lex->delta[(size_t) fail[s] * lex->nsyms + sym - 1] & ~STATE_OUT);
			row[sym - 1] = (uint32_t) c;
			queue[qtail++] = c;
		}
	}
	/* flag transitions into states with output */
	for (size_t i = 0; i < (size_t) lex->nstates * lex->nsyms; i++)
	{
		int32_t		t = (int32_t) (lex->delta[i] & ~STATE_OUT);

		if (t != 0 && (lex->nodes[t].pattern >= 0 || lex->nodes[t].dict != 0))
			lex->delta[i] = (uint32_t) t | STATE_OUT;
	}
	pv_release(queue);
	pv_release(fail);

	/* small automata: the root row plus each state's exceptions to it */
	if (lex->nstates < 0x8000)
	{
		size_t		nexc = 0;
		const uint32_t *root = lex->delta;

		lex->exc_off = pv_alloc(2 * (lex->nstates + 1) * sizeof(uint32_t));
		lex->root_row = pv_alloc((lex->nsyms + 1) * sizeof(uint16_t));
		if (lex->exc_off == NULL || lex->root_row == NULL)
			return PV_ERR_NOMEM;
		for (int32_t st = 0; st < lex->nstates; st++)
			for (uint32_t a = 0; a < lex->nsyms; a++)
				nexc += lex->delta[(size_t) st * lex->nsyms + a] != root[a];
		if (nexc >= UINT32_MAX)
			return PV_ERR_TOO_MANY;
		lex->exc = pv_alloc(nexc * sizeof(uint32_t) + 1);
		if (lex->exc == NULL)
			return PV_ERR_NOMEM;
		/* indexed by symbol; symbol 0 (a character in no term) leads to the root */
		lex->root_row[0] = 0;
		for (uint32_t a = 0; a < lex->nsyms; a++)
			lex->root_row[a + 1] = (uint16_t) ((root[a] & ~STATE_OUT) | ((root[a] & STATE_OUT) ? 0x8000u : 0));
		nexc = 0;
		for (int32_t st = 0; st < lex->nstates; st++)
		{
			uint32_t	mask = 0;

			lex->exc_off[2 * st] = (uint32_t) nexc;
			for (uint32_t a = 0; a < lex->nsyms; a++)
			{
				uint32_t	t = lex->delta[(size_t) st * lex->nsyms + a];

				if (t != root[a])
				{
					lex->exc[nexc++] = ((a + 1) << 16) | (t & ~STATE_OUT) | ((t & STATE_OUT) ? 0x8000u : 0);
					mask |= 1u << ((a + 1) & 31);
				}
			}
			lex->exc_off[2 * st + 1] = mask;
		}
		lex->exc_off[2 * lex->nstates] = (uint32_t) nexc;
		lex->exc_off[2 * lex->nstates + 1] = 0;
		pv_release(lex->delta);
		lex->delta = NULL;
	}

	/* which rules each pattern takes part in */
	if (lex->nrules > 0)
	{
		int32_t    *count = pv_alloc(lex->npatterns * sizeof(int32_t) + 1);

		lex->rules_of = pv_alloc(lex->npatterns * sizeof(int32_t *) + 1);
		if (count == NULL || lex->rules_of == NULL)
		{
			pv_release(count);
			return PV_ERR_NOMEM;
		}
		memset(count, 0, lex->npatterns * sizeof(int32_t));
		memset(lex->rules_of, 0, lex->npatterns * sizeof(int32_t *));
		for (int32_t r = 0; r < lex->nrules; r++)
		{
			count[lex->rules[r].a]++;
			if (lex->rules[r].b != lex->rules[r].a)
				count[lex->rules[r].b]++;
		}
		for (int32_t p = 0; p < lex->npatterns; p++)
		{
			if (count[p] == 0)
				continue;
			lex->rules_of[p] = pv_alloc((count[p] + 1) * sizeof(int32_t));
			if (lex->rules_of[p] == NULL)
			{
				pv_release(count);
				return PV_ERR_NOMEM;
			}
			count[p] = 0;
		}
		for (int32_t r = 0; r < lex->nrules; r++)
		{
			int32_t		a = lex->rules[r].a,
						b = lex->rules[r].b;

			lex->rules_of[a][count[a]++] = r;
			if (b != a)
				lex->rules_of[b][count[b]++] = r;
		}
		for (int32_t p = 0; p < lex->npatterns; p++)
			if (lex->rules_of[p])
				lex->rules_of[p][count[p]] = -1;
		pv_release(count);
	}
	lex->filters = 0;
	for (int32_t p = 0; p < lex->npatterns; p++)
		if (lex->patterns[p].exclusion || lex->patterns[p].cue >= 0)
			lex->filters = 1;
	lex->compiled = 1;
	return PV_OK;
}

/* ---------- scanning ---------- */

/*
 * Memory.  A scan keeps a window, not the whole text's hits: the term hits,
 * exclusion spans and negation cues of the last positions.  Once the scan
 * is PV_MAX_TERM normalized positions past a term hit's end, no exclusion
 * span can still cover it and every cue before it is known: the hit is
 * settled.  Settling a hit updates its pattern's state (first and last
 * unsuppressed occurrence, the categories it denies), fires the proximity
 * rules whose other part occurred last close enough before it, and, when
 * occurrences are wanted, makes one pv_hit per keyword.  The window is
 * flushed (its settled hits taken out) whenever it holds more than
 * flush_every entries, so the memory of a scan does not grow with the text;
 * only pv_scan() and pv_scan_ex(), which return every occurrence in
 * res->hits, do.  A short text is settled at its end in one flush, which
 * first drops the hits of rule parts whose other parts occur nowhere.
 *
 * Rules are decided in the order the hits were found; a part whose pattern
 * the category scope denies cancels the rule at the end, as it would have
 * cancelled that part's hits.
 *
 * The category scope also cancels occurrences found before the denial, so
 * pv_scan_stream() knows an occurrence's final status only at the end: it
 * holds them while they are few (HOLD_LIMIT) and otherwise scans the text a
 * second time, knowing the denied categories, and delivers as it goes.
 */
#define FLUSH_EVERY 1024		/* window entries between flushes */
#define HOLD_LIMIT 4096			/* occurrences held for the category scope */
#define SCAN_FOUND 1			/* pv_scan_any: halt, a keyword was found */

/* a pattern's first unsuppressed occurrence, or a keyword's */
struct pv_first
{
	size_t		bstart;
	size_t		bend;
	int32_t		id;				/* pattern index, or keyword index */
};

/* a pattern during one scan; valid while stamp is the result's */
struct pv_pattern_state
{
	uint32_t	seen;			/* scan with an occurrence of it (pruning) */
	uint32_t	stamp;			/* scan with an unsuppressed occurrence of it */
	int32_t		first;			/* keyword patterns: the first one, in firsts */
	int32_t		last_nend;		/* the last one */
	int32_t		last_clause;
};

void
pv_result_init(pv_result *res)
{
	memset(res, 0, sizeof(pv_result));
}

void
pv_result_free(pv_result *res)
{
	pv_release(res->hits);
	pv_release(res->rules);
	pv_release(res->keywords);
	pv_release(res->terms);
	pv_release(res->spans);
	pv_release(res->cues);
	pv_release(res->denied);
	pv_release(res->firsts);
	pv_release(res->kwfirsts);
	pv_release(res->patterns);
	pv_release(res->rule_fired);
	pv_result_init(res);
}

size_t
pv_result_memory(const pv_result *res)
{
	return (size_t) res->hits_cap * sizeof(pv_hit) +
		(size_t) res->rules_cap * sizeof(int32_t) +
		(size_t) res->keywords_cap * sizeof(int32_t) +
		(size_t) res->terms_cap * sizeof(pv_term_hit) +
		(size_t) res->spans_cap * sizeof(pv_span) +
		(size_t) res->cues_cap * sizeof(pv_span) +
		(size_t) res->denied_cap * sizeof(int32_t) +
		(size_t) res->firsts_cap * sizeof(pv_first) +
		(size_t) res->kwfirsts_cap * sizeof(pv_first) +
		(size_t) res->patterns_cap * sizeof(pv_pattern_state) +
		(size_t) res->rule_fired_cap * sizeof(uint32_t);
}

void
pv_result_trim(pv_result *res, size_t keep)
{
	size_t		window = (size_t) res->hits_cap * sizeof(pv_hit) +
		(size_t) res->terms_cap * sizeof(pv_term_hit) +
		(size_t) (res->spans_cap + res->cues_cap) * sizeof(pv_span);

	/* the occurrences and the window; the results proper stay */
	if (window <= keep)
		return;
	pv_release(res->hits);
	pv_release(res->terms);
	pv_release(res->spans);
	pv_release(res->cues);
	res->hits = NULL;
	res->terms = NULL;
	res->spans = NULL;
	res->cues = NULL;
	res->nhits = res->nterms = res->nspans = res->ncues = 0;
	res->hits_cap = res->terms_cap = res->spans_cap = res->cues_cap = 0;
}

typedef struct scan_state
{
	const pv_lexicon *lex;
	pv_result  *res;
	const unsigned char *doc;
	size_t		len;
	int32_t		npos;			/* normalized code points so far */
	int32_t		clause;
	int32_t		scope;
	int32_t		sentence;		/* sentence ends so far */
	int32_t		titles;			/* title openers so far */
	size_t		ring_byte[RING];
	int32_t		ring_scope[RING];
	int			halt;			/* stop the scan: PV_ERR_NOMEM or SCAN_FOUND */
	int			first_only;		/* pv_scan_any: halt at the first keyword hit */
	int			pass;			/* 1: statuses and results; 2: occurrences only */
	int			want_hits;		/* make pv_hits of keyword occurrences */
	int			hold;			/* keep them in res->hits until the end */
	int32_t		hold_limit;		/* beyond: drop them, a second pass follows (0: none) */
	int			overflowed;
	int			bytes_only;		/* the sink needs no character positions */
	int			flushed;		/* the window was flushed before the end */
	pv_hit_sink sink;
	void	   *sink_arg;
	int32_t		flush_every;
	int32_t		next_flush;		/* window entries that trigger a flush */
	int			anchored;
	size_t		anchor;			/* largest bstart of a settled term hit */
	size_t		cur_byte;		/* the next occurrence's character position is */
	int64_t		cur_char;		/* counted on from here */
} scan_state;

/* drop the first k of an array's n entries */
static void
drop_front(void *arr, int32_t *n, int32_t k, size_t elem)
{
	if (k <= 0)
		return;
	if (*n > k)
		memmove(arr, (char *) arr + (size_t) k * elem, (size_t) (*n - k) * elem);
	*n -= k;
}

/* the pattern has a keyword whose category is denied */
static int
pattern_denied(const pv_lexicon *lex, const pv_result *res, int32_t p)
{
	if (res->ndenied == 0)
		return 0;
	for (int32_t k = lex->patterns[p].first_keyword; k >= 0; k = lex->keywords[k].next_same)
		for (int32_t d = 0; d < res->ndenied; d++)
			if (lex->keywords[k].category == res->denied[d])
				return 1;
	return 0;
}

/* status of a term hit from the window: excluded, negated (occurrence) or ok */
static int32_t
local_status(const pv_result *res, const pv_term_hit *h)
{
	int32_t		lo = 0,
				hi = res->nspans;

	/* spans are ordered by nend: the first one ending at or after h */
	while (lo < hi)
	{
		int32_t		mid = (lo + hi) / 2;

		if (res->spans[mid].nend < h->nend)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int32_t j = lo; j < res->nspans && res->spans[j].nend <= h->nstart + PV_MAX_TERM; j++)
		if (res->spans[j].nstart <= h->nstart)
			return PV_HIT_EXCLUDED;

	/* cues are ordered by nend: the last one ending at or before h starts */
	lo = 0;
	hi = res->ncues;
	while (lo < hi)
	{
		int32_t		mid = (lo + hi) / 2;

		if (res->cues[mid].nend <= h->nstart)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int32_t j = lo - 1; j >= 0 && h->nstart - res->cues[j].nend <= PV_MAX_WINDOW; j--)
	{
		const pv_span *c = &res->cues[j];

		if (c->scope == h->scope && h->nstart - c->nend <= c->window)
			return PV_HIT_NEGATED;
	}
	return PV_HIT_OK;
}

/* the first pass's results from one settled hit; 0 or PV_ERR_NOMEM */
static int
account_hit(const pv_lexicon *lex, pv_result *res, const pv_term_hit *h)
{
	int32_t		p = h->pattern;
	const pattern *pat = &lex->patterns[p];
	pv_pattern_state *ps;

	if (h->status == PV_HIT_NEGATED)
	{
		/* the category scope: the pattern's categories are denied throughout */
		if (lex->negation_scope != PV_NEGATE_CATEGORY)
			return 0;
		for (int32_t k = pat->first_keyword; k >= 0; k = lex->keywords[k].next_same)
		{
			int32_t		cat = lex->keywords[k].category;
			int			seen = 0;

			for (int32_t d = 0; d < res->ndenied && !seen; d++)
				seen = res->denied[d] == cat;
			if (seen)
				continue;
			if (GROW(res->denied, res->denied_cap, res->ndenied + 1))
				return PV_ERR_NOMEM;
			res->denied[res->ndenied++] = cat;
		}
		return 0;
	}
	if (h->status != PV_HIT_OK)
		return 0;

	/* the first occurrence of a keyword's pattern, in text order */
	ps = &res->patterns[p];
	if (pat->first_keyword >= 0)
	{
		if (ps->stamp != res->stamp)
		{
			pv_first   *f;

			if (GROW(res->firsts, res->firsts_cap, res->nfirsts + 1))
				return PV_ERR_NOMEM;
			f = &res->firsts[res->nfirsts];
			f->bstart = h->bstart;
			f->bend = h->bend;
			f->id = p;
			ps->first = res->nfirsts++;
		}
		else
		{
			pv_first   *f = &res->firsts[ps->first];

			if (h->bstart < f->bstart || (h->bstart == f->bstart && h->bend < f->bend))
			{
				f->bstart = h->bstart;
				f->bend = h->bend;
			}
		}
	}

	/*
	 * Proximity rules: this occurrence against the last one of the other
	 * part (of this part itself if both are one term), in the order the
	 * occurrences were found.
	 */
	if (lex->rules_of != NULL && lex->rules_of[p] != NULL)
		for (const int32_t *r = lex->rules_of[p]; *r >= 0; r++)
		{
			const rule *ru = &lex->rules[*r];
			const pv_pattern_state *other = &res->patterns[ru->a == p ? ru->b : ru->a];

			if (res->rule_fired[*r] != res->stamp && other->stamp == res->stamp &&
				other->last_clause == h->clause && h->nstart - other->last_nend <= ru->within)
			{
				res->rule_fired[*r] = res->stamp;
				if (GROW(res->rules, res->rules_cap, res->nrules + 1))
					return PV_ERR_NOMEM;
				res->rules[res->nrules++] = *r;
			}
		}
	ps->stamp = res->stamp;
	ps->last_nend = h->nend;
	ps->last_clause = h->clause;
	return 0;
}

/* one pv_hit per keyword of a settled term hit; 0 or PV_ERR_NOMEM */
static int
add_occurrences(scan_state *st, const pv_term_hit *h)
{
	const pv_lexicon *lex = st->lex;
	pv_result  *res = st->res;
	int32_t		status = h->status;

	if (lex->patterns[h->pattern].first_keyword < 0)
		return 0;
	/* the second pass knows the categories denied anywhere in the text */
	if (st->pass == 2 && status == PV_HIT_OK && pattern_denied(lex, res, h->pattern))
		status = PV_HIT_NEGATED;
	for (int32_t k = lex->patterns[h->pattern].first_keyword; k >= 0; k = lex->keywords[k].next_same)
	{
		pv_hit	   *o;

		if (st->hold_limit > 0 && res->nhits >= st->hold_limit)
		{
			/* too many to hold: the second pass will deliver them */
			st->overflowed = 1;
			st->want_hits = 0;
			res->nhits = 0;
			return 0;
		}
		if (GROW(res->hits, res->hits_cap, res->nhits + 1))
			return PV_ERR_NOMEM;
		o = &res->hits[res->nhits++];
		o->keyword = k;
		o->nstart = h->nstart;
		o->nend = h->nend;
		o->cstart = o->cend = -1;	/* filled in when delivered */
		o->bstart = h->bstart;
		o->bend = h->bend;
		o->clause = h->clause;
		o->status = status;
		o->sentence = h->sentence;
		o->titles = h->titles;
	}
	return 0;
}

static int
cmp_hit(const void *a, const void *b)
{
	const pv_hit *x = a;
	const pv_hit *y = b;

	if (x->bstart != y->bstart)
		return x->bstart < y->bstart ? -1 : 1;
	if (x->bend != y->bend)
		return x->bend < y->bend ? -1 : 1;
	return (x->keyword > y->keyword) - (x->keyword < y->keyword);
}

/*
 * Sort hits as cmp_hit does.  They come nearly in order (settled by their
 * end, a pattern's keywords together): an insertion sort, unless it has
 * moved them far more than a few places each, when qsort finishes.  The
 * order is total (no two hits share keyword, bstart and bend), so both give
 * the same.
 */
static void
sort_hits(pv_hit *hits, int32_t n)
{
	size_t		budget = (size_t) n * 8;

	for (int32_t i = 1; i < n; i++)
	{
		pv_hit		h;
		int32_t		j = i;

		if (cmp_hit(&hits[i - 1], &hits[i]) <= 0)
			continue;
		h = hits[i];
		while (j > 0 && cmp_hit(&hits[j - 1], &h) > 0)
		{
			hits[j] = hits[j - 1];
			j--;
		}
		hits[j] = h;
		if ((size_t) (i - j) > budget)
		{
			qsort(hits, n, sizeof(pv_hit), cmp_hit);
			return;
		}
		budget -= i - j;
	}
}

/*
 * Character positions of hits ordered by bstart, decoding as the scan does
 * (an invalid byte counts as one character), from where the last call
 * stopped.
 */
static void
char_positions(scan_state *st, pv_hit *hits, int32_t n)
{
	const unsigned char *s = st->doc;
	size_t		len = st->len;
	size_t		i = st->cur_byte;
	int64_t		ci = st->cur_char;
	size_t		next_check = i + PV_INTERRUPT_EVERY;

	for (int32_t h = 0; h < n; h++)
	{
		pv_hit	   *hit = &hits[h];
		size_t		j;

		while (i < hit->bstart && i < len)
		{
			(void) pv_utf8_next(s, len, &i);
			ci++;
			if (i >= next_check)
			{
				next_check = i + PV_INTERRUPT_EVERY;
				if (pv_interrupt_hook)
					pv_interrupt_hook();
			}
		}
		hit->cstart = ci;
		hit->cend = ci;
		for (j = hit->bstart; j < hit->bend && j < len; hit->cend++)
			(void) pv_utf8_next(s, len, &j);
	}
	st->cur_byte = i;
	st->cur_char = ci;
}

/*
 * Give the sink the held occurrences that no later hit can precede: those
 * starting before cut (all of them if all).
 */
static void
deliver(scan_state *st, int all, size_t cut)
{
	pv_result  *res = st->res;
	int32_t		n = 0;

	if (res->nhits == 0)
		return;
	if (res->nhits > 1)
		sort_hits(res->hits, res->nhits);
	if (all)
		n = res->nhits;
	else
		while (n < res->nhits && res->hits[n].bstart < cut)
			n++;
	if (n == 0)
		return;
	if (!st->bytes_only)
		char_positions(st, res->hits, n);
	st->sink(st->sink_arg, res->hits, n);
	drop_front(res->hits, &res->nhits, n, sizeof(pv_hit));
}

/* has a proximity rule of pattern p its other part among the seen patterns? */
static int
partner_seen(const pv_lexicon *lex, const pv_result *res, int32_t p)
{
	for (const int32_t *r = lex->rules_of[p]; *r >= 0; r++)
	{
		const rule *ru = &lex->rules[*r];

		if (res->patterns[ru->a == p ? ru->b : ru->a].seen == res->stamp)
			return 1;
	}
	return 0;
}

/*
 * Settle the window's term hits that end at or before limit, then drop the
 * spans and cues no later hit can need, and deliver what can be delivered.
 */
static void
flush_window(scan_state *st, int32_t limit)
{
	const pv_lexicon *lex = st->lex;
	pv_result  *res = st->res;
	int32_t		n = 0,
				k;
	int			prune;

	if (limit == INT32_MAX && res->nterms == 0)
	{
		/* the end, nothing to settle (most short texts) */
		res->nspans = res->ncues = 0;
		return;
	}

	/*
	 * The whole text in the window (a short one): an occurrence of a term
	 * that is only part of proximity rules whose other parts occur nowhere
	 * cannot matter.  Proximity rules on common characters make those the
	 * most frequent hits.
	 */
	prune = limit == INT32_MAX && !st->flushed && lex->rules_of != NULL;
	if (prune)
		for (int32_t i = 0; i < res->nterms; i++)
			res->patterns[res->terms[i].pattern].seen = res->stamp;
	while (n < res->nterms && res->terms[n].nend <= limit)
		n++;
	for (int32_t i = 0; i < n; i++)
	{
		pv_term_hit *h = &res->terms[i];

		if (prune && lex->patterns[h->pattern].first_keyword < 0 && !partner_seen(lex, res, h->pattern))
			continue;
		h->status = local_status(res, h);
		if ((st->pass == 1 && account_hit(lex, res, h) != 0) ||
			(st->want_hits && add_occurrences(st, h) != 0))
		{
			st->halt = PV_ERR_NOMEM;
			return;
		}
		if (!st->anchored || h->bstart > st->anchor)
			st->anchor = h->bstart;
		st->anchored = 1;
	}
	drop_front(res->terms, &res->nterms, n, sizeof(pv_term_hit));

	/* a later hit ends after limit: it needs no span ending before ... */
	for (k = 0; k < res->nspans && res->spans[k].nend <= limit; k++)
		;
	drop_front(res->spans, &res->nspans, k, sizeof(pv_span));
	/* ... and no cue ending more than a term and a window before it */
	if (limit == INT32_MAX)
		res->ncues = 0;
	for (k = 0; k < res->ncues && res->cues[k].nend <= limit - PV_MAX_TERM - PV_MAX_WINDOW; k++)
		;
	drop_front(res->cues, &res->ncues, k, sizeof(pv_span));

	/*
	 * A later hit starts at or after the last settled one, and after the
	 * window's unsettled ones: occurrences before both are in order.
	 */
	if (st->want_hits && !st->hold && st->anchored && limit != INT32_MAX)
	{
		size_t		cut = st->anchor;

		for (int32_t i = 0; i < res->nterms; i++)
			if (res->terms[i].bstart < cut)
				cut = res->terms[i].bstart;
		deliver(st, 0, cut);
	}
	st->next_flush = res->nterms + res->nspans + res->ncues + st->flush_every;
	if (limit != INT32_MAX)
		st->flushed = 1;
}

/* record the patterns ending at the current position (state has output) */
static void
emit(scan_state *st, uint32_t state, size_t bend)
{
	const pv_lexicon *lex = st->lex;
	pv_result  *res = st->res;
	int32_t		s = (int32_t) state;

	if (st->first_only)
	{
		/* no exclusions, no cues: any keyword's hit is one */
		for (; s != 0; s = lex->nodes[s].dict)
			if (lex->nodes[s].pattern >= 0 && lex->patterns[lex->nodes[s].pattern].first_keyword >= 0)
			{
				st->halt = SCAN_FOUND;
				return;
			}
		return;
	}

	/*
	 * Everything in the window ends before this position: a hit ending
	 * PV_MAX_TERM positions back starts before any span that could still
	 * cover it ends.
	 */
	if (res->nterms + res->nspans + res->ncues >= st->next_flush)
	{
		flush_window(st, st->npos - PV_MAX_TERM);
		if (st->halt)
			return;
	}

	while (s != 0)
	{
		int32_t		p = lex->nodes[s].pattern;

		if (p >= 0)
		{
			const pattern *pat = &lex->patterns[p];
			int32_t		nstart = st->npos - pat->len;
			int32_t		slot = nstart & (RING - 1);

			if (pat->term)
			{
				pv_term_hit *h;

				if (GROW(res->terms, res->terms_cap, res->nterms + 1))
				{
					st->halt = PV_ERR_NOMEM;
					return;
				}
				h = &res->terms[res->nterms++];
				h->pattern = p;
				h->nstart = nstart;
				h->nend = st->npos;
				h->clause = st->clause;
				h->scope = st->ring_scope[slot];
				h->status = PV_HIT_OK;
				h->sentence = st->sentence;
				h->titles = st->titles;
				h->bstart = st->ring_byte[slot];
				h->bend = bend;
			}
			if (pat->exclusion)
			{
				if (GROW(res->spans, res->spans_cap, res->nspans + 1))
				{
					st->halt = PV_ERR_NOMEM;
					return;
				}
				res->spans[res->nspans].nstart = nstart;
				res->spans[res->nspans].nend = st->npos;
				res->spans[res->nspans].scope = st->scope;
				res->spans[res->nspans].window = 0;
				res->nspans++;
			}
			if (pat->cue >= 0)
			{
				if (GROW(res->cues, res->cues_cap, res->ncues + 1))
				{
					st->halt = PV_ERR_NOMEM;
					return;
				}
				res->cues[res->ncues].nstart = nstart;
				res->cues[res->ncues].nend = st->npos;
				res->cues[res->ncues].scope = st->scope;
				res->cues[res->ncues].window = lex->cues[pat->cue].window;
				res->ncues++;
			}
		}
		s = lex->nodes[s].dict;
	}
}

/* next state in the compact form: the state's exceptions, else the root row */
static inline uint32_t
narrow_next(const uint16_t *root, const uint32_t *exc, const uint32_t *exc_off,
			uint32_t state, uint32_t sym)
{
	uint32_t	lo,
				hi;

	if ((exc_off[2 * state + 1] & (1u << (sym & 31))) == 0)
		return root[sym];		/* not one of its exceptions */
	lo = exc_off[2 * state];
	hi = exc_off[2 * state + 2];

	if (hi - lo > 8)
	{
		/* lower bound of sym */
		while (lo < hi)
		{
			uint32_t	mid = (lo + hi) / 2;

			if ((exc[mid] >> 16) < sym)
				lo = mid + 1;
			else
				hi = mid;
		}
		return (lo < exc_off[2 * state + 2] && (exc[lo] >> 16) == sym) ? (exc[lo] & 0xFFFFu) : root[sym];
	}
	for (; lo < hi; lo++)
		if ((exc[lo] >> 16) == sym)
			return exc[lo] & 0xFFFFu;
	return root[sym];
}

/*
 * The scan loop, specialized by the compiler for 16- and 32-bit transition
 * tables (wide is a constant at each call).  The automaton state, the
 * normalized position and the scope live in locals; the ring remembers, for
 * each of the last RING normalized positions, the original character and
 * byte it came from and the scope there.
 */
static inline __attribute__((always_inline)) int
scan_loop(const pv_lexicon *lex, scan_state *st, const unsigned char *s, size_t len,
		  const int wide, const int valid)
{
	const uint16_t *bmp = lex->bmp;
	const uint16_t *root = lex->root_row;
	const uint32_t *exc = lex->exc;
	const uint32_t *exc_off = lex->exc_off;
	const uint32_t *d32 = lex->delta;
	const uint32_t nsyms = lex->nsyms;
	const uint32_t out_bit = wide ? STATE_OUT : 0x8000u;
	uint32_t	state = 0;
	int32_t		npos = 0,
				scope = 0,
				clause = 0,
				sentence = 0,
				titles = 0;
	size_t		i = 0;

#define PV_STEP(sym) \
	do { \
		int32_t		slot_ = npos & (RING - 1); \
		st->ring_byte[slot_] = b0; \
		st->ring_scope[slot_] = scope; \
		npos++; \
		state = wide ? d32[(size_t) (state & ~out_bit) * nsyms + (sym) - 1] \
			: (state & ~out_bit) == 0 ? root[(sym)] \
			: narrow_next(root, exc, exc_off, state & ~out_bit, (sym)); \
		if (state & out_bit) \
		{ \
			st->npos = npos; \
			st->scope = scope; \
			st->clause = clause; \
			st->sentence = sentence; \
			st->titles = titles; \
			emit(st, state & ~out_bit, i); \
			if (st->halt) \
				return st->halt; \
		} \
	} while (0)

	/* in chunks of PV_INTERRUPT_EVERY bytes, with the interrupt hook between them */
	while (i < len)
	{
		size_t		chunk_end = len - i > PV_INTERRUPT_EVERY ? i + PV_INTERRUPT_EVERY : len;

		if (i > 0 && pv_interrupt_hook)
			pv_interrupt_hook();
		while (i < chunk_end)
		{
			size_t		b0 = i;
			uint32_t	c = s[i];
			uint32_t	sym;

			/* decode: ASCII and 3-byte sequences (CJK) inline */
			if (c < 0x80)
				i++;
			else if (valid && c - 0xE0 < 0x10 && i + 2 < len)
			{
				/* known-valid UTF-8: no checks of the continuation bytes */
				c = ((c & 0x0F) << 12) | ((uint32_t) (s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
				i += 3;
			}
			else if (c - 0xE0 < 0x10 && i + 2 < len)
			{
				uint32_t	c1 = s[i + 1],
							c2 = s[i + 2];
				uint32_t	d = ((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (c2 & 0x3F);

				/* both continuation bytes, no overlong form, no surrogate */
				if (((c1 ^ 0x80) | (c2 ^ 0x80)) < 0x40 && d >= 0x800 && d - 0xD800 >= 0x800)
				{
					c = d;
					i += 3;
				}
				else
					c = pv_utf8_next(s, len, &i);
			}
			else
				c = pv_utf8_next(s, len, &i);
			sym = c < 0x10000 ? bmp[c] : SYM_SLOW;
			if (sym == 0)
			{
				/* a character in no term: nothing can match across it */
				state = 0;
				npos++;
			}
			else if (sym < SYM_LIMIT)
				PV_STEP(sym);
			else if (sym == SYM_SKIP)
				;
			else if (sym == SYM_SOFT)
				scope++;
			else if (sym == SYM_BREAK)
			{
				state = 0;
				clause++;
				scope++;
				sentence += PV_SENTENCE_END(c);
			}
			else if (sym == SYM_TITLE)
				titles++;
			else
			{
				/* expansions and characters outside the BMP */
				pv_norm_char nc;
				uint32_t	kind = pv_norm_map(c, &nc);

				if (kind == PV_NK_SOFT)
					scope++;
				else if (kind == PV_NK_BREAK)
				{
					state = 0;
					clause++;
					scope++;
					sentence += PV_SENTENCE_END(c);
					nc.n = 0;
				}
				for (int k = 0; k < nc.n; k++)
				{
					uint32_t	sy = symbol_of(lex, pv_norm_cp(&nc, k));

					if (sy == 0)
					{
						state = 0;
						npos++;
					}
					else
						PV_STEP(sy);
				}
			}
		}
	}
#undef PV_STEP
	return PV_OK;
}

static int
cmp_i32(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a;
	int32_t		y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

static int
cmp_first(const void *a, const void *b)
{
	const pv_first *x = a;
	const pv_first *y = b;

	if (x->bstart != y->bstart)
		return x->bstart < y->bstart ? -1 : 1;
	if (x->bend != y->bend)
		return x->bend < y->bend ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Reset res for a scan with lex: the per-pattern and per-rule arrays sized
 * for it, a new stamp.  PV_OK or PV_ERR_NOMEM.
 */
static int
result_start(const pv_lexicon *lex, pv_result *res)
{
	res->nhits = res->nrules = res->nkeywords = res->score = 0;
	res->nterms = res->nspans = res->ncues = res->ndenied = res->nfirsts = 0;
	if (res->patterns_cap < lex->npatterns || res->rule_fired_cap < lex->nrules)
	{
		int32_t		np = lex->npatterns > res->patterns_cap ? lex->npatterns : res->patterns_cap;
		int32_t		nr = lex->nrules > res->rule_fired_cap ? lex->nrules : res->rule_fired_cap;

		pv_release(res->patterns);
		pv_release(res->rule_fired);
		res->patterns = pv_alloc((size_t) np * sizeof(pv_pattern_state));
		res->rule_fired = pv_alloc((size_t) nr * sizeof(uint32_t));
		if (res->patterns == NULL || res->rule_fired == NULL)
		{
			pv_release(res->patterns);
			pv_release(res->rule_fired);
			res->patterns = NULL;
			res->rule_fired = NULL;
			res->patterns_cap = res->rule_fired_cap = 0;
			return PV_ERR_NOMEM;
		}
		res->patterns_cap = np;
		res->rule_fired_cap = nr;
		res->stamp = 0;			/* stamps start again: clear them below */
	}
	if (++res->stamp <= 1)
	{
		/* new arrays, or the stamp wrapped around */
		res->stamp = 1;
		if (res->patterns_cap > 0)
			memset(res->patterns, 0, (size_t) res->patterns_cap * sizeof(pv_pattern_state));
		if (res->rule_fired_cap > 0)
			memset(res->rule_fired, 0, (size_t) res->rule_fired_cap * sizeof(uint32_t));
	}
	return PV_OK;
}

static void
state_start(scan_state *st, const pv_lexicon *lex, const char *doc, size_t len, pv_result *res)
{
	st->lex = lex;
	st->res = res;
	st->doc = (const unsigned char *) doc;
	st->len = len;
	st->first_only = 0;
	st->pass = 1;
	st->want_hits = 0;
	st->hold = 0;
	st->hold_limit = 0;
	st->overflowed = 0;
	st->bytes_only = 0;
	st->sink = NULL;
	st->sink_arg = NULL;
	st->flush_every = res->flush_every > 0 ? res->flush_every : FLUSH_EVERY;
}

/* one pass over the text: PV_OK, PV_ERR_NOMEM or SCAN_FOUND */
static int
run_pass(scan_state *st, int valid)
{
	const pv_lexicon *lex = st->lex;
	pv_result  *res = st->res;
	int			rc;

	res->nterms = res->nspans = res->ncues = 0;
	st->npos = st->clause = st->scope = st->sentence = st->titles = 0;
	st->halt = 0;
	st->flushed = 0;
	st->anchored = 0;
	st->anchor = 0;
	st->cur_byte = 0;
	st->cur_char = 0;
	st->next_flush = st->flush_every;
	if (lex->delta != NULL)
		rc = scan_loop(lex, st, st->doc, st->len, 1, 0);
	else if (valid)
		rc = scan_loop(lex, st, st->doc, st->len, 0, 1);
	else
		rc = scan_loop(lex, st, st->doc, st->len, 0, 0);
	if (rc != PV_OK)
		return rc;
	flush_window(st, INT32_MAX);
	return st->halt;
}

/*
 * Sort a few entries in place by insertion (qsort for many): glibc's qsort
 * allocates for its merge sort, and a text has a few keywords and rules.
 * cmp must be a total order, as cmp_i32 and cmp_first are here (distinct
 * rule and keyword indices), so that both give the same.
 */
static void
sort_small(void *base, int32_t n, size_t size, int (*cmp) (const void *, const void *))
{
	char	   *a = base;
	char		tmp[sizeof(pv_first)];

	if (n > 32 || size > sizeof(tmp))
	{
		qsort(base, n, size, cmp);
		return;
	}
	for (int32_t i = 1; i < n; i++)
	{
		int32_t		j = i;

		if (cmp(a + (i - 1) * size, a + i * size) <= 0)
			continue;
		memcpy(tmp, a + i * size, size);
		while (j > 0 && cmp(a + (j - 1) * size, tmp) > 0)
		{
			memcpy(a + j * size, a + (j - 1) * size, size);
			j--;
		}
		memcpy(a + j * size, tmp, size);
	}
}

/*
 * After the first pass: the rules that fired and were not denied, the
 * keywords counted (in the order of their first occurrence), the score.
 */
static int
finish_results(const pv_lexicon *lex, pv_result *res)
{
	int64_t		score = 0;
	int32_t		kept = 0,
				n = 0;

	if (res->nrules == 0 && res->nfirsts == 0)
		return PV_OK;			/* nothing found (most texts) */
	for (int32_t i = 0; i < res->nrules; i++)
	{
		const rule *ru = &lex->rules[res->rules[i]];
		int			denied = pattern_denied(lex, res, ru->a) || pattern_denied(lex, res, ru->b);

		for (int32_t d = 0; d < res->ndenied && !denied; d++)
			denied = res->denied[d] == ru->category;
		if (!denied)
			res->rules[kept++] = res->rules[i];
	}
	res->nrules = kept;
	if (res->nrules > 1)
		sort_small(res->rules, res->nrules, sizeof(int32_t), cmp_i32);

	for (int32_t i = 0; i < res->nfirsts; i++)
		if (!pattern_denied(lex, res, res->firsts[i].id))
			for (int32_t k = lex->patterns[res->firsts[i].id].first_keyword; k >= 0;
				 k = lex->keywords[k].next_same)
				n++;
	if (GROW(res->kwfirsts, res->kwfirsts_cap, n) || GROW(res->keywords, res->keywords_cap, n))
		return PV_ERR_NOMEM;
	n = 0;
	for (int32_t i = 0; i < res->nfirsts; i++)
		if (!pattern_denied(lex, res, res->firsts[i].id))
			for (int32_t k = lex->patterns[res->firsts[i].id].first_keyword; k >= 0;
				 k = lex->keywords[k].next_same)
			{
				res->kwfirsts[n] = res->firsts[i];
				res->kwfirsts[n++].id = k;
			}
	if (n > 1)
		sort_small(res->kwfirsts, n, sizeof(pv_first), cmp_first);
	for (int32_t i = 0; i < n; i++)
	{
		res->keywords[i] = res->kwfirsts[i].id;
		score += lex->keywords[res->keywords[i]].weight;
	}
	res->nkeywords = n;
	for (int32_t i = 0; i < res->nrules; i++)
		score += lex->rules[res->rules[i]].weight;
	res->score = score > 100 ? 100 : (int32_t) score;
	return PV_OK;
}

/* the category scope reaches back: held occurrences of denied patterns */
static void
deny_held(const pv_lexicon *lex, pv_result *res)
{
	if (res->ndenied == 0)
		return;
	for (int32_t i = 0; i < res->nhits; i++)
		if (res->hits[i].status == PV_HIT_OK &&
			pattern_denied(lex, res, lex->keywords[res->hits[i].keyword].pattern))
			res->hits[i].status = PV_HIT_NEGATED;
}

int
pv_scan(const pv_lexicon *lex, const char *doc, size_t len, pv_result *res)
{
	return pv_scan_ex(lex, doc, len, 0, res);
}

int
pv_scan_ex(const pv_lexicon *lex, const char *doc, size_t len, int valid_utf8, pv_result *res)
{
	scan_state	st;

	if (lex == NULL || !lex->compiled)
		return PV_ERR_STATE;
	if (result_start(lex, res) != PV_OK)
		return PV_ERR_NOMEM;
	state_start(&st, lex, doc, len, res);
	st.want_hits = 1;
	st.hold = 1;
	if (run_pass(&st, valid_utf8) != PV_OK || finish_results(lex, res) != PV_OK)
		return PV_ERR_NOMEM;
	deny_held(lex, res);
	if (res->nhits > 1)
		qsort(res->hits, res->nhits, sizeof(pv_hit), cmp_hit);
	char_positions(&st, res->hits, res->nhits);
	return PV_OK;
}

int
pv_scan_stream(const pv_lexicon *lex, const char *doc, size_t len, int options,
			   pv_result *res, pv_hit_sink sink, void *sink_arg)
{
	scan_state	st;
	int			valid_utf8 = (options & PV_SCAN_VALID_UTF8) != 0;

	if (lex == NULL || !lex->compiled)
		return PV_ERR_STATE;
	if (result_start(lex, res) != PV_OK)
		return PV_ERR_NOMEM;
	state_start(&st, lex, doc, len, res);
	if (sink != NULL)
	{
		st.sink = sink;
		st.sink_arg = sink_arg;
		st.want_hits = 1;
		st.bytes_only = (options & PV_SCAN_BYTES_ONLY) != 0;
		if (lex->negation_scope == PV_NEGATE_CATEGORY)
		{
			st.hold = 1;
			st.hold_limit = res->hold_limit > 0 ? res->hold_limit : HOLD_LIMIT;
		}
	}
	if (run_pass(&st, valid_utf8) != PV_OK || finish_results(lex, res) != PV_OK)
		return PV_ERR_NOMEM;
	if (sink == NULL)
		return PV_OK;
	if (st.overflowed)
	{
		/* too many to hold: again, knowing the denied categories */
		st.pass = 2;
		st.want_hits = 1;
		st.hold = 0;
		st.hold_limit = 0;
		res->nhits = 0;
		if (run_pass(&st, valid_utf8) != PV_OK)
			return PV_ERR_NOMEM;
	}
	else
		deny_held(lex, res);
	deliver(&st, 1, 0);
	return PV_OK;
}

int
pv_scan_any(const pv_lexicon *lex, const char *doc, size_t len, int valid_utf8, pv_result *res)
{
	scan_state	st;
	int			rc;

	if (lex == NULL || !lex->compiled)
		return PV_ERR_STATE;
	if (lex->filters)
	{
		rc = pv_scan_stream(lex, doc, len, valid_utf8 ? PV_SCAN_VALID_UTF8 : 0, res, NULL, NULL);
		return rc != PV_OK ? rc : res->nkeywords > 0;
	}
	/* every keyword hit counts: stop at the first */
	if (result_start(lex, res) != PV_OK)
		return PV_ERR_NOMEM;
	state_start(&st, lex, doc, len, res);
	st.first_only = 1;
	rc = run_pass(&st, valid_utf8);
	return rc == SCAN_FOUND ? 1 : rc;
}
