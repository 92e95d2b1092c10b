/*
 * matcher.h — prevent's keyword matcher (pure C, no PostgreSQL headers).
 *
 * A lexicon is a set of match terms (with category and weight), exclusion
 * terms (innocent phrases that suppress every match inside their span),
 * negation cues (that cancel a match shortly after them in the same clause)
 * and proximity rules (two terms close together in one clause).  Every term
 * goes through the same normalizer as the text (normalize.h), is compiled
 * into one Aho-Corasick automaton over normalized code points, and the scan
 * reads the original UTF-8 text once, normalizing on the fly, so positions
 * of matches are reported in characters and bytes of the original text.
 *
 * A compiled lexicon is immutable and may be shared by any number of scans;
 * a pv_result holds the per-document state and is reused between documents.
 * Scanning a text takes memory that does not grow with it (pv_scan_stream,
 * pv_scan_any), except where every occurrence is kept (pv_scan, pv_scan_ex).
 */
#ifndef PREVENT_MATCHER_H
#define PREVENT_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#define PV_MAX_TERM 64			/* code points of a normalized term */
#define PV_MAX_WINDOW 64		/* largest negation window / proximity distance */

/* error codes (negative); see pv_strerror() */
#define PV_OK 0
#define PV_ERR_NOMEM (-1)
#define PV_ERR_EMPTY (-2)		/* the term normalizes to nothing */
#define PV_ERR_TOO_LONG (-3)	/* longer than PV_MAX_TERM after normalization */
#define PV_ERR_BREAK (-4)		/* the term contains a clause break */
#define PV_ERR_RANGE (-5)		/* a window or distance out of range */
#define PV_ERR_TOO_MANY (-6)	/* too many distinct characters or states */
#define PV_ERR_STATE (-7)		/* compiled twice, or scanned before compiling */

typedef enum pv_negation_scope
{
	PV_NEGATE_OCCURRENCE = 0,	/* a cue cancels the match it precedes */
	PV_NEGATE_CATEGORY = 1		/* ... and every match of that category in the text */
} pv_negation_scope;

typedef enum pv_hit_status
{
	PV_HIT_OK = 0,
	PV_HIT_EXCLUDED = 1,
	PV_HIT_NEGATED = 2
} pv_hit_status;

typedef struct pv_lexicon pv_lexicon;

/* One occurrence of a match term. Positions are 0-based, ends exclusive. */
typedef struct pv_hit
{
	int32_t		keyword;		/* index returned by pv_lexicon_add_keyword */
	int32_t		nstart;			/* in code points of the normalized text, clause breaks not counted */
	int32_t		nend;
	int64_t		cstart;			/* in characters of the original text */
	int64_t		cend;
	size_t		bstart;			/* in bytes of the original text */
	size_t		bend;
	int32_t		clause;			/* hard clause number */
	int32_t		status;			/* pv_hit_status */
	int32_t		sentence;		/* sentence ends before it (PV_SENTENCE_END) */
	int32_t		titles;			/* title openers (《 〈) before its end, inside it included */
} pv_hit;

/* the hard clause breaks that end a sentence: 。！？；!?; and a line feed */
#define PV_SENTENCE_END(c) \
	((c) == 0x3002 || (c) == 0xFF01 || (c) == 0xFF1F || (c) == 0xFF1B || \
	 (c) == '!' || (c) == '?' || (c) == ';' || (c) == '\n')

typedef struct pv_term_hit pv_term_hit;
typedef struct pv_span pv_span;
typedef struct pv_first pv_first;
typedef struct pv_pattern_state pv_pattern_state;

/*
 * Per-document scan result; zero-initialize (or pv_result_init) before use,
 * reuse it for any number of scans, pv_result_free at the end.  What a scan
 * keeps in it does not grow with the text (see matcher.c), except hits for
 * pv_scan() and pv_scan_ex().
 */
typedef struct pv_result
{
	pv_hit	   *hits;			/* pv_scan, pv_scan_ex: keyword occurrences, ordered by bstart */
	int32_t		nhits;
	int32_t	   *rules;			/* proximity rules that fired, ascending */
	int32_t		nrules;
	int32_t	   *keywords;		/* keywords counted in the score, by first occurrence */
	int32_t		nkeywords;
	int32_t		score;			/* min(100, distinct keywords' + rules' weights) */
	/* tuning, for tests: 0 is the default */
	int32_t		flush_every;	/* window entries between flushes */
	int32_t		hold_limit;		/* occurrences held before pv_scan_stream scans twice */
	/* scratch, kept between scans */
	int32_t		hits_cap;
	int32_t		rules_cap;
	int32_t		keywords_cap;
	pv_term_hit *terms;			/* the window: term hits not settled yet */
	int32_t		nterms;
	int32_t		terms_cap;
	pv_span    *spans;			/* exclusion spans */
	int32_t		nspans;
	int32_t		spans_cap;
	pv_span    *cues;			/* negation cue occurrences */
	int32_t		ncues;
	int32_t		cues_cap;
	int32_t    *denied;			/* categories denied (PV_NEGATE_CATEGORY) */
	int32_t		ndenied;
	int32_t		denied_cap;
	pv_first   *firsts;			/* first unsuppressed occurrence per pattern seen */
	int32_t		nfirsts;
	int32_t		firsts_cap;
	pv_first   *kwfirsts;		/* the same per keyword, to sort */
	int32_t		kwfirsts_cap;
	pv_pattern_state *patterns;	/* per pattern: its occurrences in this scan */
	int32_t		patterns_cap;
	uint32_t   *rule_fired;		/* per rule: the stamp of the scan it fired in */
	int32_t		rule_fired_cap;
	uint32_t	stamp;
} pv_result;

/*
 * Receives the keyword occurrences of pv_scan_stream(), every status, in
 * text order (as pv_hit), a batch at a time.  It may longjmp out (the
 * result stays usable for the next scan).
 */
typedef void (*pv_hit_sink) (void *arg, const pv_hit *hits, int32_t nhits);

pv_lexicon *pv_lexicon_new(void);
void		pv_lexicon_free(pv_lexicon *lex);

/* Each returns the new entry's index (>= 0) or a PV_ERR_* code. */
int			pv_lexicon_add_keyword(pv_lexicon *lex, const char *term, size_t len,
								   int32_t category, int32_t weight);
int			pv_lexicon_add_exclusion(pv_lexicon *lex, const char *term, size_t len);
int			pv_lexicon_add_negation(pv_lexicon *lex, const char *cue, size_t len,
									int32_t window);
int			pv_lexicon_add_proximity(pv_lexicon *lex,
									 const char *a, size_t alen,
									 const char *b, size_t blen,
									 int32_t within, int32_t category, int32_t weight);
void		pv_lexicon_set_negation_scope(pv_lexicon *lex, pv_negation_scope scope);
int			pv_lexicon_compile(pv_lexicon *lex);

int32_t		pv_lexicon_keyword_count(const pv_lexicon *lex);
int32_t		pv_lexicon_state_count(const pv_lexicon *lex);
size_t		pv_lexicon_memory(const pv_lexicon *lex);

/* Check a term as pv_lexicon_add_* would: PV_OK or a PV_ERR_* code. */
int			pv_term_check(const char *term, size_t len);

void		pv_result_init(pv_result *res);
void		pv_result_free(pv_result *res);

/*
 * Bytes the result holds.  pv_result_trim frees its occurrences and its
 * window if they hold more than keep bytes (after pv_scan of a long text);
 * the score, rules and keywords stay.
 */
size_t		pv_result_memory(const pv_result *res);
void		pv_result_trim(pv_result *res, size_t keep);

/*
 * Scan a UTF-8 document (need not be NUL-terminated) and fill res, every
 * occurrence in res->hits.  Returns PV_OK or PV_ERR_NOMEM / PV_ERR_STATE.
 * Its memory grows with the number of occurrences: for long texts use
 * pv_scan_stream().
 */
int			pv_scan(const pv_lexicon *lex, const char *doc, size_t len, pv_result *res);

/*
 * The same for text known to be valid UTF-8 (as PostgreSQL's text is in a
 * UTF8 database), which is decoded without checks: valid_utf8 must not be
 * set for anything else.
 */
int			pv_scan_ex(const pv_lexicon *lex, const char *doc, size_t len, int valid_utf8,
					   pv_result *res);

/*
 * The same in memory that does not grow with the text: score, rules and
 * keywords in res, no res->hits; the occurrences, if sink is not NULL, go
 * to sink in text order as the scan finds them (with the category scope
 * and many occurrences, after a second pass over the text).  options: 0,
 * or PV_SCAN_VALID_UTF8 (1, as valid_utf8 above) and PV_SCAN_BYTES_ONLY
 * ORed: the sink needs only byte offsets, and gets cstart = cend = -1
 * (counting characters up to each occurrence is then not done).
 */
#define PV_SCAN_VALID_UTF8 1
#define PV_SCAN_BYTES_ONLY 2
int			pv_scan_stream(const pv_lexicon *lex, const char *doc, size_t len, int options,
						   pv_result *res, pv_hit_sink sink, void *sink_arg);

/*
 * Has the document an unsuppressed occurrence of a keyword (res->nkeywords
 * > 0)?  1, 0 or a PV_ERR_* code; for a lexicon without exclusions and
 * negation cues it stops at the first occurrence and fills nothing in res.
 */
int			pv_scan_any(const pv_lexicon *lex, const char *doc, size_t len, int valid_utf8,
						pv_result *res);

const char *pv_strerror(int err);

#endif							/* PREVENT_MATCHER_H */
