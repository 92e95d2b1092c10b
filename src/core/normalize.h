/*
 * normalize.h — prevent's text normalizer (pure C, no PostgreSQL headers).
 *
 * Every Unicode code point maps, through one two-stage table generated from
 * ICU (normtable.h, committed; made by gen/normtable_gen.c with `make
 * update-normtable`), to what it becomes in the
 * normalized text: itself or another code point (NFKC, case folding,
 * Traditional -> Simplified), a short expansion (NFKC of ㍿ is 株式会社),
 * nothing (noise: whitespace, punctuation, symbols, emoji, format
 * characters), a soft break (commas and colons: dropped, but they end a
 * negation cue's scope) or a hard clause break (。！？；!?; and line breaks,
 * which stay and stop a keyword from matching across them).
 *
 * The table is read-only and shared; nothing here allocates except through
 * the hooks set with pv_set_allocator().
 */
#ifndef PREVENT_NORMALIZE_H
#define PREVENT_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

/* table entry layout: kind in the top 3 bits, payload below */
#define PV_NK_SHIFT 29
#define PV_NK_PAYLOAD 0x1FFFFFFFu
#define PV_NK_KEEP 0u			/* payload: signed delta to the output code point */
#define PV_NK_DROP 1u			/* noise, dropped */
#define PV_NK_SOFT 2u			/* comma or colon: dropped, ends a negation scope */
#define PV_NK_BREAK 3u			/* clause break; payload: the output code point */
#define PV_NK_EXPAND 4u			/* payload: pool offset | count << 20 */

#define PV_NORM_MAX_EXPANSION 32
#define PV_MAX_CODEPOINT 0x10FFFF

extern const uint16_t pv_norm_stage1_tab[];
extern const uint32_t pv_norm_stage2_tab[];
extern const uint32_t pv_norm_pool_tab[];

static inline uint32_t
pv_norm_entry(uint32_t c)
{
	if (c > PV_MAX_CODEPOINT)
		return PV_NK_DROP << PV_NK_SHIFT;
	return pv_norm_stage2_tab[((uint32_t) pv_norm_stage1_tab[c >> 8] << 8) | (c & 0xFF)];
}

static inline uint32_t
pv_norm_kind(uint32_t entry)
{
	return entry >> PV_NK_SHIFT;
}

/* the output code point of a PV_NK_KEEP entry for input c */
static inline uint32_t
pv_norm_keep_cp(uint32_t c, uint32_t entry)
{
	int32_t delta = (int32_t) (entry << (32 - PV_NK_SHIFT)) >> (32 - PV_NK_SHIFT);

	return (uint32_t) ((int32_t) c + delta);
}

static inline const uint32_t *
pv_norm_expansion(uint32_t entry, int *count)
{
	*count = (int) ((entry & PV_NK_PAYLOAD) >> 20);
	return &pv_norm_pool_tab[entry & 0xFFFFF];
}

/*
 * Decode one UTF-8 code point at s[*i] (len bytes in all) and advance *i.
 * Invalid or truncated sequences yield U+FFFD and advance one byte, so any
 * byte string is safe to feed in.
 */
static inline uint32_t
pv_utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	size_t p = *i;
	uint32_t c = s[p];

	if (c < 0x80)
	{
		*i = p + 1;
		return c;
	}
	if (c >= 0xC2 && c < 0xE0 && p + 1 < len && (s[p + 1] & 0xC0) == 0x80)
	{
		*i = p + 2;
		return ((c & 0x1F) << 6) | (s[p + 1] & 0x3F);
	}
	if (c >= 0xE0 && c < 0xF0 && p + 2 < len &&
		(s[p + 1] & 0xC0) == 0x80 && (s[p + 2] & 0xC0) == 0x80)
	{
		uint32_t r = ((c & 0x0F) << 12) | ((uint32_t) (s[p + 1] & 0x3F) << 6) | (s[p + 2] & 0x3F);

		if (r >= 0x800 && (r < 0xD800 || r > 0xDFFF))
		{
			*i = p + 3;
			return r;
		}
	}
	else if (c >= 0xF0 && c < 0xF5 && p + 3 < len &&
			 (s[p + 1] & 0xC0) == 0x80 && (s[p + 2] & 0xC0) == 0x80 && (s[p + 3] & 0xC0) == 0x80)
	{
		uint32_t r = ((c & 0x07) << 18) | ((uint32_t) (s[p + 1] & 0x3F) << 12) |
			((uint32_t) (s[p + 2] & 0x3F) << 6) | (s[p + 3] & 0x3F);

		if (r >= 0x10000 && r <= PV_MAX_CODEPOINT)
		{
			*i = p + 4;
			return r;
		}
	}
	*i = p + 1;
	return 0xFFFD;
}

/* Append c as UTF-8 at dst; returns the number of bytes written (1..4). */
static inline int
pv_utf8_put(uint32_t c, unsigned char *dst)
{
	if (c < 0x80)
	{
		dst[0] = (unsigned char) c;
		return 1;
	}
	if (c < 0x800)
	{
		dst[0] = (unsigned char) (0xC0 | (c >> 6));
		dst[1] = (unsigned char) (0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000)
	{
		dst[0] = (unsigned char) (0xE0 | (c >> 12));
		dst[1] = (unsigned char) (0x80 | ((c >> 6) & 0x3F));
		dst[2] = (unsigned char) (0x80 | (c & 0x3F));
		return 3;
	}
	dst[0] = (unsigned char) (0xF0 | (c >> 18));
	dst[1] = (unsigned char) (0x80 | ((c >> 12) & 0x3F));
	dst[2] = (unsigned char) (0x80 | ((c >> 6) & 0x3F));
	dst[3] = (unsigned char) (0x80 | (c & 0x3F));
	return 4;
}

/*
 * What one input code point normalizes to, read from the table: the one
 * place that decodes an entry.  Everything that normalizes goes through
 * pv_norm_map() or pv_norm_next(): pv_normalize_chunk(), the matcher's
 * terms and scan, the GIN keys, the &~| term check.
 */
typedef struct pv_norm_char
{
	uint32_t	kind;			/* PV_NK_KEEP, _DROP, _SOFT, _BREAK or _EXPAND */
	int			n;				/* code points it becomes: 1 for KEEP and BREAK,
								 * 2..PV_NORM_MAX_EXPANSION for EXPAND, 0 for
								 * DROP and SOFT; read them with pv_norm_cp() */
	uint32_t	first;			/* the first of them */
	const uint32_t *expansion;	/* all of them, for EXPAND */
} pv_norm_char;

/*
 * The k-th code point (0 <= k < n).  The first one is a field of its own,
 * not reached through a pointer, so that a caller's pv_norm_char stays in
 * registers and the common case (n = 1) costs what a hand-written switch
 * did.
 */
static inline uint32_t
pv_norm_cp(const pv_norm_char *nc, int k)
{
	return k == 0 ? nc->first : nc->expansion[k];
}

/* Fill *nc with what code point c becomes; returns nc->kind. */
static inline uint32_t
pv_norm_map(uint32_t c, pv_norm_char *nc)
{
	uint32_t	e = pv_norm_entry(c);

	nc->kind = pv_norm_kind(e);
	nc->expansion = NULL;
	if (__builtin_expect(nc->kind == PV_NK_KEEP, 1))
	{
		/* most characters: kept, perhaps as another one */
		nc->first = pv_norm_keep_cp(c, e);
		nc->n = 1;
		return PV_NK_KEEP;
	}
	nc->first = 0;
	switch (nc->kind)
	{
		case PV_NK_KEEP:
			nc->first = pv_norm_keep_cp(c, e);
			nc->n = 1;
			break;
		case PV_NK_BREAK:
			nc->first = e & PV_NK_PAYLOAD;
			nc->n = 1;
			break;
		case PV_NK_EXPAND:
			nc->expansion = pv_norm_expansion(e, &nc->n);
			nc->first = nc->expansion[0];
			break;
		default:				/* noise and soft breaks become nothing */
			nc->n = 0;
			break;
	}
	return nc->kind;
}

/*
 * Decode the UTF-8 character at s[*i] (as pv_utf8_next), advance *i past
 * it and fill *nc with what it becomes; returns nc->kind.
 */
static inline uint32_t
pv_norm_next(const unsigned char *s, size_t len, size_t *i, pv_norm_char *nc)
{
	return pv_norm_map(pv_utf8_next(s, len, i), nc);
}

/* Allocation hooks: malloc/realloc/free by default; PostgreSQL glue sets palloc. */
typedef struct pv_allocator
{
	void	   *(*alloc) (size_t size);
	void	   *(*resize) (void *ptr, size_t size);
	void		(*release) (void *ptr);
} pv_allocator;

void		pv_set_allocator(const pv_allocator *a);

/*
 * Called about every megabyte of text scanned or normalized, so a host can
 * cancel a long call (PostgreSQL's glue checks for interrupts there; it
 * may longjmp out, which leaves nothing inconsistent).  NULL by default.
 */
extern void (*pv_interrupt_hook) (void);
#define PV_INTERRUPT_EVERY ((size_t) 1 << 20)
void	   *pv_alloc(size_t size);
void	   *pv_resize(void *ptr, size_t size);
void		pv_release(void *ptr);

/*
 * Normalize UTF-8 text.  Returns a newly allocated NUL-terminated UTF-8
 * string (its length in *outlen) or NULL when allocation fails.  Hard
 * breaks appear in the output (。 ! ? ; or \n); soft breaks and noise do not.
 */
char	   *pv_normalize(const char *src, size_t len, size_t *outlen);

/* the most bytes one character of text normalizes to */
#define PV_NORM_MAX_BYTES (PV_NORM_MAX_EXPANSION * 4)

/*
 * Normalize the text from src[*pos] on into dst, as pv_normalize does, up
 * to its end or until dst has less than PV_NORM_MAX_BYTES left (dstcap must
 * be at least that); advances *pos past what was read and returns the bytes
 * written (no NUL).  Texts of any length go through a buffer of fixed size
 * this way, or straight into their destination.  The interrupt hook is
 * called every PV_INTERRUPT_EVERY bytes read in one call: a caller with a
 * small buffer checks for interrupts between calls.
 */
size_t		pv_normalize_chunk(const char *src, size_t len, size_t *pos, char *dst, size_t dstcap);

/* Unicode and ICU versions the table was generated from. */
const char *pv_norm_unicode_version(void);
const char *pv_norm_icu_version(void);

#endif							/* PREVENT_NORMALIZE_H */
