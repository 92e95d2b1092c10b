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
 * Then, in order: exclusions suppress matches inside their span, negation
 * cues cancel matches that start within the cue's window in the same
 * scope (no clause break, comma or colon in between), proximity rules fire,
 * and the score is summed.
 */
#include <stdlib.h>
#include <string.h>

#include "matcher.h"
#include "normalize.h"

#define SYM_SKIP 0xFFFFu
#define SYM_SOFT 0xFFFEu
#define SYM_BREAK 0xFFFDu
#define SYM_SLOW 0xFFFCu
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
	int64_t		cstart;
	int64_t		cend;
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
	uint32_t   *exc_off;		/* nstates + 1 */
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

#define GROW(arr, cap, need) grow((void **) &(arr), &(cap), (need), sizeof(*(arr)))

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
		uint32_t	c = pv_utf8_next(s, len, &i);
		uint32_t	e = pv_norm_entry(c);
		const uint32_t *exp;
		int			m;

		switch (pv_norm_kind(e))
		{
			case PV_NK_KEEP:
				if (k >= PV_MAX_TERM)
					return PV_ERR_TOO_LONG;
				cps[k++] = pv_norm_keep_cp(c, e);
				break;
			case PV_NK_EXPAND:
				exp = pv_norm_expansion(e, &m);
				for (int j = 0; j < m; j++)
				{
					if (k >= PV_MAX_TERM)
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
		 : lex->nsyms * sizeof(uint16_t) + lex->exc_off[lex->nstates] * sizeof(uint32_t) +
		 (lex->nstates + 1) * sizeof(uint32_t)) +
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
		uint32_t	e = pv_norm_entry(c);

		switch (pv_norm_kind(e))
		{
			case PV_NK_KEEP:
				lex->bmp[c] = (uint16_t) symbol_of(lex, pv_norm_keep_cp(c, e));
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
				lex->bmp[c] = SYM_SKIP;
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

		lex->exc_off = pv_alloc((lex->nstates + 1) * sizeof(uint32_t));
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
			lex->exc_off[st] = (uint32_t) nexc;
			for (uint32_t a = 0; a < lex->nsyms; a++)
			{
				uint32_t	t = lex->delta[(size_t) st * lex->nsyms + a];

				if (t != root[a])
					lex->exc[nexc++] = ((a + 1) << 16) | (t & ~STATE_OUT) | ((t & STATE_OUT) ? 0x8000u : 0);
			}
		}
		lex->exc_off[lex->nstates] = (uint32_t) nexc;
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
	lex->compiled = 1;
	return PV_OK;
}

/* ---------- scanning ---------- */

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
	pv_release(res->terms);
	pv_release(res->spans);
	pv_release(res->cues);
	pv_release(res->scratch);
	pv_release(res->denied);
	pv_release(res->seen);
	pv_result_init(res);
}

typedef struct scan_state
{
	const pv_lexicon *lex;
	pv_result  *res;
	int32_t		npos;			/* normalized code points so far */
	int32_t		clause;
	int32_t		scope;
	size_t		ring_byte[RING];
	int32_t		ring_scope[RING];
	int			failed;
} scan_state;

/* record the patterns ending at the current position (state has output) */
static void
emit(scan_state *st, uint32_t state, size_t bend)
{
	const pv_lexicon *lex = st->lex;
	pv_result  *res = st->res;
	int32_t		s = (int32_t) state;

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
					st->failed = 1;
					return;
				}
				h = &res->terms[res->nterms++];
				h->pattern = p;
				h->nstart = nstart;
				h->nend = st->npos;
				h->clause = st->clause;
				h->scope = st->ring_scope[slot];
				h->status = PV_HIT_OK;
				h->cstart = h->cend = -1;	/* filled in by char_positions() */
				h->bstart = st->ring_byte[slot];
				h->bend = bend;
			}
			if (pat->exclusion)
			{
				if (GROW(res->spans, res->spans_cap, res->nspans + 1))
				{
					st->failed = 1;
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
					st->failed = 1;
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
	uint32_t	lo = exc_off[state],
				hi = exc_off[state + 1];

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
		return (lo < exc_off[state + 1] && (exc[lo] >> 16) == sym) ? (exc[lo] & 0xFFFFu) : root[sym];
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
				clause = 0;
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
			emit(st, state & ~out_bit, i); \
			if (st->failed) \
				return PV_ERR_NOMEM; \
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
			}
			else
			{
				/* expansions and characters outside the BMP */
				uint32_t	e = pv_norm_entry(c);
				uint32_t	one = 0;
				const uint32_t *exp = &one;
				int			n = 1;

				switch (pv_norm_kind(e))
				{
					case PV_NK_KEEP:
						one = pv_norm_keep_cp(c, e);
						break;
					case PV_NK_EXPAND:
						exp = pv_norm_expansion(e, &n);
						break;
					case PV_NK_SOFT:
						scope++;
						n = 0;
						break;
					case PV_NK_BREAK:
						state = 0;
						clause++;
						scope++;
						n = 0;
						break;
					default:
						n = 0;
						break;
				}
				for (int k = 0; k < n; k++)
				{
					uint32_t	sy = symbol_of(lex, exp[k]);

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

static int
cmp_i32(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a;
	int32_t		y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

/*
 * Drop the hits that cannot matter: a pattern that is no keyword and is
 * part of no proximity rule whose other part was seen too.  Proximity
 * rules on common characters make such hits frequent; most texts then end
 * here with nothing left.
 */
static int
prune_terms(const pv_lexicon *lex, pv_result *res)
{
	int32_t		kept = 0;

	if (lex->rules_of == NULL)
		return PV_OK;			/* every term hit is a keyword's */
	if (res->seen_cap < lex->npatterns)
	{
		pv_release(res->seen);
		res->seen = pv_alloc((size_t) lex->npatterns * sizeof(uint32_t) + 1);
		if (res->seen == NULL)
		{
			res->seen_cap = 0;
			return PV_ERR_NOMEM;
		}
		memset(res->seen, 0, (size_t) lex->npatterns * sizeof(uint32_t));
		res->seen_cap = lex->npatterns;
		res->stamp = 0;
	}
	if (++res->stamp == 0)
	{
		memset(res->seen, 0, (size_t) res->seen_cap * sizeof(uint32_t));
		res->stamp = 1;
	}
	for (int32_t i = 0; i < res->nterms; i++)
		res->seen[res->terms[i].pattern] = res->stamp;
	for (int32_t i = 0; i < res->nterms; i++)
	{
		int32_t		p = res->terms[i].pattern;
		int			keep = lex->patterns[p].first_keyword >= 0;

		for (const int32_t *r = lex->rules_of[p]; !keep && r != NULL && *r >= 0; r++)
			keep = res->seen[lex->rules[*r].a] == res->stamp && res->seen[lex->rules[*r].b] == res->stamp;
		if (keep)
			res->terms[kept++] = res->terms[i];
	}
	res->nterms = kept;
	return PV_OK;
}

/* exclusions: a term hit lying inside an exclusion span is suppressed */
static void
apply_exclusions(pv_result *res)
{
	if (res->nspans == 0)
		return;
	for (int32_t i = 0; i < res->nterms; i++)
	{
		pv_term_hit *h = &res->terms[i];
		int32_t		lo = 0,
					hi = res->nspans;

		/* spans are ordered by nend: first span ending at or after h */
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
			{
				h->status = PV_HIT_EXCLUDED;
				break;
			}
	}
}

/* negation: a cue cancels a term hit starting within its window, same scope */
static int
apply_negation(const pv_lexicon *lex, pv_result *res)
{
	res->ndenied = 0;
	if (res->ncues == 0)
		return PV_OK;
	for (int32_t i = 0; i < res->nterms; i++)
	{
		pv_term_hit *h = &res->terms[i];
		int32_t		lo = 0,
					hi = res->ncues;

		if (h->status != PV_HIT_OK)
			continue;
		/* cues are ordered by nend: last cue ending at or before h starts */
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
			{
				h->status = PV_HIT_NEGATED;
				break;
			}
		}
	}
	if (lex->negation_scope == PV_NEGATE_CATEGORY)
	{
		/*
		 * A category denied anywhere in the text is denied throughout: its
		 * other matches are cancelled here, its proximity rules in
		 * apply_rules().  The denied categories go to res->denied.
		 */
		res->ndenied = 0;
		for (int32_t i = 0; i < res->nterms; i++)
		{
			if (res->terms[i].status != PV_HIT_NEGATED)
				continue;
			for (int32_t k = lex->patterns[res->terms[i].pattern].first_keyword; k >= 0;
				 k = lex->keywords[k].next_same)
			{
				int32_t		cat = lex->keywords[k].category;
				int			seen = 0;

				for (int32_t d = 0; d < res->ndenied; d++)
					seen |= res->denied[d] == cat;
				if (seen)
					continue;
				if (GROW(res->denied, res->denied_cap, res->ndenied + 1))
					return PV_ERR_NOMEM;
				res->denied[res->ndenied++] = cat;
			}
		}
		for (int32_t j = 0; j < res->nterms && res->ndenied > 0; j++)
		{
			if (res->terms[j].status != PV_HIT_OK)
				continue;
			for (int32_t k2 = lex->patterns[res->terms[j].pattern].first_keyword; k2 >= 0;
				 k2 = lex->keywords[k2].next_same)
				for (int32_t d = 0; d < res->ndenied; d++)
					if (lex->keywords[k2].category == res->denied[d])
						res->terms[j].status = PV_HIT_NEGATED;
		}
	}
	return PV_OK;
}

/* proximity rules: both terms, unsuppressed, in one clause within distance */
static int
apply_rules(const pv_lexicon *lex, pv_result *res)
{
	int32_t		ncand = 0;

	res->nrules = 0;
	if (lex->nrules == 0)
		return PV_OK;

	/* candidate rules: those with a part among the unsuppressed hits */
	if (GROW(res->scratch, res->scratch_cap, res->nterms * 4 + 16))
		return PV_ERR_NOMEM;
	for (int32_t i = 0; i < res->nterms; i++)
	{
		const int32_t *rs = lex->rules_of[res->terms[i].pattern];

		if (res->terms[i].status != PV_HIT_OK || rs == NULL)
			continue;
		for (; *rs >= 0; rs++)
		{
			if (GROW(res->scratch, res->scratch_cap, ncand + 1))
				return PV_ERR_NOMEM;
			res->scratch[ncand++] = *rs;
		}
	}
	if (ncand == 0)
		return PV_OK;
	qsort(res->scratch, ncand, sizeof(int32_t), cmp_i32);

	for (int32_t c = 0; c < ncand; c++)
	{
		int32_t		r = res->scratch[c];
		const rule *ru = &lex->rules[r];
		const pv_term_hit *last_a = NULL,
				   *last_b = NULL;
		int			fired = 0;

		/* each rule once; both parts must be there */
		if (c > 0 && res->scratch[c - 1] == r)
			continue;
		if (ru->a != ru->b && (c + 1 >= ncand || res->scratch[c + 1] != r))
			continue;
		for (int32_t d = 0; d < res->ndenied; d++)
			if (res->denied[d] == ru->category)
				fired = -1;		/* its category was denied */
		if (fired < 0)
			continue;

		for (int32_t i = 0; i < res->nterms && !fired; i++)
		{
			const pv_term_hit *h = &res->terms[i];
			const pv_term_hit *other = NULL;

			if (h->status != PV_HIT_OK)
				continue;
			if (h->pattern == ru->a)
				other = last_b;
			if (h->pattern == ru->b && other == NULL)
				other = last_a;
			if (other && other->clause == h->clause && h->nstart - other->nend <= ru->within)
				fired = 1;
			if (h->pattern == ru->a)
				last_a = h;
			if (h->pattern == ru->b)
				last_b = h;
		}
		if (fired)
		{
			if (GROW(res->rules, res->rules_cap, res->nrules + 1))
				return PV_ERR_NOMEM;
			res->rules[res->nrules++] = r;
		}
	}
	return PV_OK;
}

/*
 * Character positions of the hits, from their byte offsets, decoding as
 * the scan does (an invalid byte counts as one character): one pass over
 * the text for the starts (hits are ordered by bstart), then each hit's
 * own span for its length.
 */
static void
char_positions(const unsigned char *s, size_t len, pv_result *res)
{
	size_t		i = 0;
	int64_t		ci = 0;

	for (int32_t h = 0; h < res->nhits; h++)
	{
		pv_hit	   *hit = &res->hits[h];
		size_t		j;

		while (i < hit->bstart && i < len)
		{
			(void) pv_utf8_next(s, len, &i);
			ci++;
		}
		hit->cstart = ci;
		hit->cend = ci;
		for (j = hit->bstart; j < hit->bend && j < len; hit->cend++)
			(void) pv_utf8_next(s, len, &j);
	}
}

int
pv_scan(const pv_lexicon *lex, const char *doc, size_t len, pv_result *res)
{
	return pv_scan_ex(lex, doc, len, 0, res);
}

int
pv_scan_ex(const pv_lexicon *lex, const char *doc, size_t len, int valid_utf8, pv_result *res)
{
	int			rc;
	const unsigned char *s = (const unsigned char *) doc;
	scan_state	st;
	int32_t		nout = 0;
	int32_t		ndistinct = 0;
	int64_t		score = 0;

	if (lex == NULL || !lex->compiled)
		return PV_ERR_STATE;
	res->nhits = res->nrules = res->nterms = res->nspans = res->ncues = res->ndenied = 0;
	res->score = 0;
	st.lex = lex;
	st.res = res;
	st.npos = st.clause = st.scope = 0;
	st.failed = 0;
	if (lex->delta != NULL)
		rc = scan_loop(lex, &st, s, len, 1, 0);
	else if (valid_utf8)
		rc = scan_loop(lex, &st, s, len, 0, 1);
	else
		rc = scan_loop(lex, &st, s, len, 0, 0);
	if (rc != PV_OK)
		return PV_ERR_NOMEM;

	if (res->nterms == 0)
		return PV_OK;
	if (prune_terms(lex, res) != PV_OK)
		return PV_ERR_NOMEM;
	if (res->nterms == 0)
		return PV_OK;

	apply_exclusions(res);
	if (apply_negation(lex, res) != PV_OK || apply_rules(lex, res) != PV_OK)
		return PV_ERR_NOMEM;

	/* keyword occurrences, every status, in text order */
	for (int32_t t = 0; t < res->nterms; t++)
		for (int32_t k = lex->patterns[res->terms[t].pattern].first_keyword; k >= 0;
			 k = lex->keywords[k].next_same)
			nout++;
	if (GROW(res->hits, res->hits_cap, nout) || GROW(res->scratch, res->scratch_cap, nout))
		return PV_ERR_NOMEM;
	for (int32_t t = 0; t < res->nterms; t++)
	{
		const pv_term_hit *th = &res->terms[t];

		for (int32_t k = lex->patterns[th->pattern].first_keyword; k >= 0;
			 k = lex->keywords[k].next_same)
		{
			pv_hit	   *h = &res->hits[res->nhits++];

			h->keyword = k;
			h->nstart = th->nstart;
			h->nend = th->nend;
			h->cstart = th->cstart;
			h->cend = th->cend;
			h->bstart = th->bstart;
			h->bend = th->bend;
			h->clause = th->clause;
			h->status = th->status;
			if (th->status == PV_HIT_OK)
				res->scratch[ndistinct++] = k;
		}
	}
	if (res->nhits > 1)
		qsort(res->hits, res->nhits, sizeof(pv_hit), cmp_hit);
	char_positions(s, len, res);

	/* score: distinct keywords and fired rules */
	if (ndistinct > 1)
		qsort(res->scratch, ndistinct, sizeof(int32_t), cmp_i32);
	for (int32_t j = 0; j < ndistinct; j++)
		if (j == 0 || res->scratch[j] != res->scratch[j - 1])
			score += lex->keywords[res->scratch[j]].weight;
	for (int32_t j = 0; j < res->nrules; j++)
		score += lex->rules[res->rules[j]].weight;
	res->score = score > 100 ? 100 : (int32_t) score;
	return PV_OK;
}
