/*
 * prevent.h — declarations shared by the PostgreSQL glue files.
 *
 * The pure core (normalize.h, matcher.h) knows nothing of PostgreSQL; these
 * files convert datums, cache the compiled lexicon per backend and call it.
 */
#ifndef PREVENT_H
#define PREVENT_H

#include "postgres.h"
#include "fmgr.h"

#include "core/matcher.h"

/*
 * Risk levels, by their position in the prevent.risk_level enum, which is
 * where they are named: the lexicon cache reads the labels and values from
 * pg_enum (PvLexicon.level_names / level_values).
 */
#define PV_LEVEL_NONE 0
#define PV_LEVEL_LOW 1
#define PV_LEVEL_MEDIUM 2
#define PV_LEVEL_HIGH 3
#define PV_LEVEL_CRITICAL 4
#define PV_NLEVELS 5

typedef struct PvKeywordInfo
{
	int64		id;
	char	   *term;
	char	   *category;
	int32		weight;
	int32		category_code;	/* small code of the category (PvLexicon.ncodes of them) */
	int32		min_level;		/* level the term reaches alone (PV_LEVEL_NONE: none) */
	int32		signal_code;	/* code of its signal class, -1 if none */
	char	   *signal;			/* its signal class, NULL if none */
	bool		disposition;	/* kind disposition: rules out the terms before it */
	bool		context;		/* kind context: rules out the terms of its sentence */
	bool		signal_only;	/* kind signal: evidence of its signal class, nothing else */
	bool		all_categories;	/* a disposition or context without a category: of every category */
	Datum		term_text;		/* term and category as text, built once */
	Datum		category_text;
} PvKeywordInfo;

/* a keyword that is a risk term: not a disposition, a context or a signal term */
#define PV_KEYWORD_IS_TERM(k) (!(k)->disposition && !(k)->context && !(k)->signal_only)

typedef struct PvRuleInfo
{
	int64		id;
	char	   *label;			/* "term_a…term_b" */
	char	   *category;
	int32		weight;
	int32		category_code;
	int32		min_level;		/* level the rule reaches when it fires (PV_LEVEL_NONE: none) */
	Datum		label_text;
	Datum		category_text;
} PvRuleInfo;

/* a row of prevent.combination: all its categories present gives at least level */
typedef struct PvCombination
{
	int64		id;
	char	   *label;			/* "threat+weapon" */
	int32		ncodes;
	int32	   *codes;			/* category and signal codes */
	int32		min_weight;		/* summed weight a category needs to count as present */
	int32		level;
} PvCombination;

/*
 * A compiled lexicon, owned by the backend-wide cache (lexicon_cache.c).
 * Valid until the next lexicon_cache_get() after a lexicon change; callers
 * must not keep it across statements.
 */
typedef struct PvLexicon
{
	MemoryContext mcxt;
	pv_lexicon *lex;
	int32		nkeywords;
	PvKeywordInfo *keywords;	/* by core keyword index */
	int32		nrules;
	PvRuleInfo *rules;			/* by core rule index */
	int32		thresholds[PV_NLEVELS]; /* lowest score of each level */
	char	   *level_names[PV_NLEVELS];	/* labels of prevent.risk_level */
	Datum		level_values[PV_NLEVELS];	/* its values (enum OIDs) */
	int32		ncodes;			/* category and signal codes in use (keywords, rules, combinations) */
	int32		ncombinations;
	PvCombination *combinations;
	int32		ndispositions;	/* keywords of kind disposition */
	int32		ncontexts;		/* keywords of kind context */
	int32		ncategories;	/* every row of prevent.category */
	char	  **categories;
	uint64		generation;		/* increases with every rebuild */
	bool		provisional;	/* read with a parallel query's snapshot */
} PvLexicon;

/* lexicon_cache.c */
extern PvLexicon *lexicon_cache_get(void);
extern void lexicon_cache_init(void);
extern int	lexicon_level_of(const PvLexicon *lex, int32 score);

/*
 * What a scan amounts to: the score and level after dispositions, and which
 * of res->keywords (by index into it) and res->rules still count.  A
 * disposition (keyword kind disposition) rules out every term of its
 * category (or of all) first mentioned before it; when it rules out every
 * term, the proximity rules go too.  The level is the highest of the
 * score's level, the min_level of every term and rule that counts, and
 * every combination whose categories are all present.
 */
typedef struct PvAssessment
{
	int32		score;
	int			level;
	bool	   *counted;		/* per res->keywords entry (palloc'd) */
	bool	   *in_context;		/* per res->keywords entry: ruled out by a context (palloc'd; NULL
								 * when the text has no disposition or context) */
	bool		rules_counted;
	bool	   *present;		/* per lexicon combination: all its categories present (palloc'd) */
} PvAssessment;

/*
 * Whether occurrences lie inside a title (《…》 or 〈…〉, closed within 64
 * characters): a work's title names no risk (《离家出走》).  Walked forward
 * with the occurrences, which come in text order: O(1) memory.
 */
typedef struct PvTitleCursor
{
	const char *doc;
	size_t		len;
	size_t		at;				/* bytes before this are read */
	bool		open;			/* a 《 before at, not closed yet */
	size_t		open_at;
} PvTitleCursor;

extern void prevent_title_start(PvTitleCursor *tc, const char *doc, size_t len);
extern bool prevent_in_title(PvTitleCursor *tc, size_t bstart, size_t bend);

/*
 * Where each keyword occurred last in the text just scanned (byte offset,
 * -1: not at all), for dispositions and contexts: a term is ruled out when
 * an in-scope disposition or context occurs after its last occurrence; and
 * in which sentences it occurred, for contexts: bit i for the i-th sentence
 * (between 。！？；!?; and line breaks), bit 63 for the 64th and every later
 * one, where no context reaches.  Filled by prevent_scan_assess through the
 * scan's sink when the lexicon has dispositions or contexts, or the text a
 * title; sized for one lexicon generation, kept by the caller in memory that
 * outlives the call (alloc_mcxt).
 */
#define PV_SENTENCE_OVERFLOW (UINT64CONST(1) << 63)

typedef struct PvPositions
{
	bool		titles;			/* a title may hold an occurrence (an opening 《 or 〈 before
								 * its end): last[] ignores occurrences in titles */
	PvTitleCursor tc;
	int64	   *last;			/* per lexicon keyword: byte offset of its last occurrence */
	uint64	   *sentences;		/* per lexicon keyword */
	int32	   *touched;		/* keywords set since the last reset */
	int32		ntouched;
	int32		size;
	uint64		generation;
	MemoryContext alloc_mcxt;
} PvPositions;

/*
 * match_funcs.c: scan into res (the core allocating under mcxt), occurrences to sink if given,
 * with their character positions unless bytes_only (cstart = cend = -1)
 */
extern void prevent_scan_stream(const PvLexicon *lex, const char *doc, size_t len, pv_result *res,
								MemoryContext mcxt, pv_hit_sink sink, void *sink_arg, bool bytes_only);

extern void lexicon_assess(const PvLexicon *lex, const pv_result *res, const PvPositions *pos,
						   PvAssessment *a);
/* scan doc into res (the core allocating under mcxt), then assess it into a */
extern void prevent_scan_assess(const PvLexicon *lex, const char *doc, size_t len, pv_result *res,
								PvPositions *pos, MemoryContext mcxt, PvAssessment *a);

/* memory hooks for the core: palloc in the current context */
extern void prevent_set_core_allocator(void);

/* match_funcs.c: categories and terms arrays of a scan (as prevent.assess) */
struct ArrayType;
extern void prevent_assessment_arrays(const PvLexicon *lex, const pv_result *res, const PvAssessment *as,
									  struct ArrayType **categories, struct ArrayType **terms);

/* contains.c: the error for a search term that normalizes to nothing (shared with gin.c) */
extern void prevent_report_empty_term(const char *term, Size len) pg_attribute_noreturn();

/* watch/registry.c */
extern void watch_cache_init(void);

/*
 * columns.c: several narrative columns assessed as one text.  The values
 * are joined with a line break, a hard clause break (core/normalize.h): no
 * keyword or proximity rule matches across two columns, and a negation cue
 * reaches no further than its own clause, as within one column.  A
 * disposition is not bound to its clause: as within one column, it rules
 * out the terms written before it, those of earlier columns too (the
 * officer's 经核实系误会 rules out the call-taker's 扬言).  The watch
 * trigger and the text[] forms of explain(), highlight(), assess() and
 * score() join them here, so a position in the joined text maps back to
 * its column.
 */
#define PREVENT_COLUMN_BREAK '\n'
extern text *prevent_join_columns(const Datum *values, const bool *nulls, int n, int32 *starts);

/*
 * The argument of the text[] forms (explain, highlight, assess, score): its
 * elements as narrative columns, joined as above.  Element i (0-based) is
 * bytes [bstarts[i], bstarts[i + 1] - 1) and characters [cstarts[i],
 * cstarts[i + 1] - 1) of joined; the entry past the last stands where a
 * next element would start, after one more break.  An empty array is no
 * text: n is 0 and joined is empty.
 */
typedef struct PvColumns
{
	int			n;				/* elements */
	int			lbound;			/* subscript of the first (1 unless the array says otherwise) */
	bool	   *nulls;			/* per element: NULL (in joined: empty) */
	text	   *joined;
	int32	   *bstarts;		/* n + 1 entries */
	int64	   *cstarts;		/* n + 1 entries, if characters were asked for, else NULL */
} PvColumns;

extern void prevent_columns_get(struct ArrayType *docs, bool chars, PvColumns *cols);
extern int	prevent_column_of(const PvColumns *cols, int64 cstart);

/* parties_funcs.c: the sorted parties as text[], and the core's return code checked */
struct pv_parties;
extern struct ArrayType *prevent_parties_array(struct pv_parties *ps);
extern void prevent_check_parties(int rc);

/* owner.c: the extension's schema and owner, and SPI sections with a pinned search_path */
typedef struct PreventSpi
{
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
} PreventSpi;

extern Oid	prevent_extension_oid(void);
extern Oid	prevent_schema_oid(void);
extern char *prevent_extension_version(void);
extern Oid	prevent_owner_oid(Oid nsp);
extern void prevent_spi_begin(PreventSpi *s, Oid run_as);
extern void prevent_spi_end(PreventSpi *s);

#endif							/* PREVENT_H */
