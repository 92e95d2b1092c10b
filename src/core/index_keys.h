/*
 * index_keys.h — the keys of the GIN operator class prevent.gin_ops (pure C,
 * no PostgreSQL headers): what a text stores, what a search term needs, and
 * when the keys a text has prove that it contains the term.
 *
 * Keys are character trigrams of the normalized text (normalize.h), so the
 * index sees what prevent.normalize() returns: Traditional characters,
 * full-width forms, case and evasion noise are gone, clause breaks remain.
 * A key is a 64-bit integer holding three code points of 21 bits, (a << 42)
 * | (b << 21) | c, and one is stored for every position of the normalized
 * text whose character a is not a clause break: b and c are the next two
 * characters, or 0 (END) past the end of the text; after a break (b is one)
 * c is END too, since no search needs what follows a break.  Keys sort as
 * the sequences they hold (as signed int8, all being positive), so all keys
 * that begin with a, or with a b, are one contiguous range.
 *
 * What a search string t1..tm (normalized) needs:
 *   - the trigram at every position i <= m-2 whose ti is not a break (AND);
 *   - if there is none: the range of keys beginning with t(m-1) tm (a
 *     partial match; an exact key if tm is a break), or, if t(m-1) is a
 *     break or m = 1, the range beginning with tm;
 *   - if the string is made of breaks only, nothing (the whole index).
 *
 * Proof.  A stored key (a, b, c) with c not END says that a b c occur in
 * this order, adjacent, in the normalized text; (a, b, END) with b a break,
 * that a is followed by that break; any key beginning with a, that a
 * occurs.  Noise never reaches the keys (it is dropped before them), and an
 * expansion (㍿ -> 株式会社) is keyed as the characters it becomes, which is
 * what the operators compare.  So a term of at most three normalized
 * characters, none but the last a break, is contained in every text that
 * has its one key: such a term "proves" (pv_term_keys sets *proves), and
 * the index need not recheck it.  Longer terms need several trigrams, which
 * may occur apart (ABC ... BCD is not ABCD), and a term with a break before
 * its end is keyed only up to the break: both are rechecked.
 *
 * Allocation goes through pv_alloc (normalize.h); nothing is kept between
 * calls.
 */
#ifndef PREVENT_INDEX_KEYS_H
#define PREVENT_INDEX_KEYS_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t pv_index_key;

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
 * Is this query key a range (partial match) rather than one key?  A range
 * key has c = END and b either END (every key beginning with a) or not a
 * break (every key beginning with a b).  Stored keys and exact query keys
 * with c = END have a break as b (or b = END at the end of a text, which no
 * query asks for exactly), so the value tells.
 */
int			pv_index_key_is_range(pv_index_key key);

/* Does the range key cover key?  (Keys are visited in ascending order.) */
int			pv_index_key_in_range(pv_index_key range, pv_index_key key);

/*
 * The keys of a stored text, sorted ascending and without duplicates, in
 * *out (which is emptied first).  Returns 0, or PV_ERR_NOMEM (matcher.h)
 * when pv_alloc returns NULL.
 */
int			pv_text_keys(const char *s, size_t len, pv_index_keys *out);

/*
 * Append to out the keys every text containing the search string must
 * have (not sorted; a key may repeat).  *proves is set when having them is
 * enough: the term is contained in every text that has them (see Proof
 * above).  Returns a pv_search, or PV_ERR_NOMEM.
 */
int			pv_term_keys(const char *s, size_t len, pv_index_keys *out, int *proves);

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
