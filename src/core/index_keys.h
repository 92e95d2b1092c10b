/*
 * index_keys.h — the keys of the GIN operator class prevent.gin_ops (pure C,
 * no PostgreSQL headers): what a text stores, what a search term needs, and
 * when the keys a text has prove that it contains the term.
 *
 * Keys are character bigrams of the normalized text (normalize.h), so the
 * index sees what prevent.normalize() returns: Traditional characters,
 * full-width forms, case and evasion noise are gone, clause breaks remain.
 * A key is a 64-bit integer with three slots of 21 bits for code points,
 * (a << 42) | (b << 21) | c, and one is stored for every position of the
 * normalized text whose character a is not a clause break: b is the next
 * character (a break too), or 0 (END) past the end of the text, and c is
 * END.  Keys sort as the sequences they hold (as signed int8, all being
 * positive), so all keys that begin with a are one contiguous range.
 *
 * What a search string t1..tm (normalized) needs:
 *   - the bigram at every position i <= m-1 whose ti is not a break (AND);
 *   - if there is none: the range of keys beginning with tm (a partial
 *     match), unless tm is a break;
 *   - if the string is made of breaks only, nothing (the whole index).
 *
 * Proof.  A stored key (a, b, END) with b not END says that a b occur
 * adjacent, in this order, in the normalized text; any key beginning with a,
 * that a occurs.  Noise never reaches the keys (it is dropped before them),
 * and an expansion (㍿ -> 株式会社) is keyed as the characters it becomes,
 * which is what the operators compare.  So a term of at most two normalized
 * characters, the first not a break, is contained in every text that has its
 * one key: such a term "proves" (pv_term_keys sets *proves), and the index
 * need not recheck it.  Longer terms need several bigrams, which may occur
 * apart (AB ... BC is not ABC), and a term with a break before its end is
 * keyed only up to the break: both are rechecked.
 *
 * The trigram scheme (PV_KEYS_TRIGRAM) is that of prevent 0.3.0, kept for
 * the C functions an index built by 0.3.0 still calls until ALTER EXTENSION
 * UPDATE rebuilds it: c is the character after b (END after a break or past
 * the end), a search needs the trigrams at i <= m-2, or the range of keys
 * beginning with t(m-1) tm, and terms of up to three characters prove.  A
 * two-character term was a range there, which GIN gathers into a bitmap of
 * its own; a bigram is one posting list, and bigram indexes are smaller.
 *
 * Allocation goes through pv_alloc (normalize.h); nothing is kept between
 * calls.
 */
#ifndef PREVENT_INDEX_KEYS_H
#define PREVENT_INDEX_KEYS_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t pv_index_key;

/* which keys an index holds; the value is the length of a key in characters */
typedef enum pv_key_scheme
{
	PV_KEYS_BIGRAM = 2,			/* prevent 0.4.0 and later */
	PV_KEYS_TRIGRAM = 3			/* indexes built by prevent 0.3.0 */
} pv_key_scheme;

#define PV_IKEY_END 0u
#define PV_IKEY_CP_BITS 21
#define PV_IKEY_CP_MASK ((1u << PV_IKEY_CP_BITS) - 1)

/* a growing array of keys; zero-initialize, free keys with pv_release */
typedef struct pv_index_keys
{
	pv_index_key	   *keys;
	int32_t		n;
	int32_t		cap;
} pv_index_keys;

/* what a search string contributes */
typedef enum pv_search
{
	PV_SEARCH_EMPTY = 1,		/* normalizes to nothing */
	PV_SEARCH_KEYS = 2,			/* keys were added */
	PV_SEARCH_NO_KEYS = 3		/* clause breaks only: no key can be required */
} pv_search;

static inline pv_index_key
pv_index_key_make(uint32_t a, uint32_t b, uint32_t c)
{
	return ((pv_index_key) a << (2 * PV_IKEY_CP_BITS)) | ((pv_index_key) b << PV_IKEY_CP_BITS) | c;
}

/*
 * Is this query key a range (partial match) rather than one key?  In the
 * bigram scheme a range key is (a, END, END): every key beginning with a
 * (the stored key of an a ending a text is never asked for exactly).  In
 * the trigram scheme it has c = END and b either END (every key beginning
 * with a) or not a break (every key beginning with a b); stored keys and
 * exact query keys with c = END have a break as b there (or b = END at the
 * end of a text), so the value tells.
 */
int			pv_index_key_is_range(pv_index_key key, pv_key_scheme scheme);

/* Does the range key cover key?  (Keys are visited in ascending order.) */
int			pv_index_key_in_range(pv_index_key range, pv_index_key key);

/*
 * The keys of a stored text, sorted ascending and without duplicates, in
 * *out (which is emptied first).  Returns 0, or PV_ERR_NOMEM (matcher.h)
 * when pv_alloc returns NULL.
 */
int			pv_text_keys(const char *s, size_t len, pv_key_scheme scheme, pv_index_keys *out);

/*
 * Append to out the keys every text containing the search string must
 * have (not sorted; a key may repeat).  *proves is set when having them is
 * enough: the term is contained in every text that has them (see Proof
 * above).  Returns a pv_search, or PV_ERR_NOMEM.
 */
int			pv_term_keys(const char *s, size_t len, pv_key_scheme scheme, pv_index_keys *out,
						 int *proves);

/* sort keys[0..n) ascending and drop duplicates; returns the new count */
int32_t		pv_index_keys_sort_unique(pv_index_key *keys, int32_t n);

/*
 * Any-of reduction.  Given n normalized terms (UTF-8 bytes, lengths in
 * lens), set keep[i] to 0 for every term that another kept term is a
 * substring of (or equal to, for all but one of equal terms), 1 for the
 * others.  A text contains one of the terms exactly when it contains one of
 * the kept ones, since a text that contains a term contains its substrings
 * (bytes of UTF-8 match only at character boundaries).  Returns 0 or
 * PV_ERR_NOMEM.
 */
int			pv_terms_minimal(const char *const *terms, const size_t *lens, int32_t n,
							 uint8_t *keep);

#endif							/* PREVENT_INDEX_KEYS_H */
