/*
 * normtable_gen.c — build-time generator of prevent's normalization table.
 *
 * Runs ICU once over every Unicode code point and writes src/core/normtable.h:
 * a two-stage lookup table that the pure C normalizer (normalize.c) reads on
 * the per-row path, so no ICU call happens while text is matched.  The table
 * is committed; only `make update-normtable` runs this program, so every
 * build of one commit has the same table, whatever ICU its host has.
 *
 * For each code point c the table gives what c becomes:
 *   1. NFKC with case folding (ICU's NFKC_Casefold; also removes default
 *      ignorables such as U+200B);
 *   2. combining marks removed (canonical decomposition, marks dropped,
 *      recomposed), so diacritics and pinyin tones do not matter;
 *   3. Traditional -> Simplified Chinese (ICU transliterator
 *      "Traditional-Simplified"), then NFKC_Casefold again until stable;
 *   4. each resulting code point classified: letters, digits and other
 *      characters are kept; clause breaks (。！？；!?; and line breaks) become
 *      a hard break; commas and colons a soft break (dropped, but they end a
 *      negation's scope); whitespace, punctuation, symbols (emoji included),
 *      controls and format characters are dropped.
 *
 * Output encoding (uint32 per code point), see normalize.h:
 *   kind in bits 29..31, payload in bits 0..28.
 *   PV_NK_KEEP   payload = signed 24-bit delta to the output code point
 *                (identity rows are 0, so identical pages are shared)
 *   PV_NK_DROP, PV_NK_SOFT (no payload)
 *   PV_NK_BREAK  payload = output code point
 *   PV_NK_EXPAND payload = pool offset (bits 0..19) | count << 20
 *
 * Usage: normtable_gen > normtable.h   (make update-normtable)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

#include "../normalize.h"

#define MAXOUT 64

static const UNormalizer2 *nfkc_cf;
static const UNormalizer2 *nfd;
static const UNormalizer2 *nfc;
static UTransliterator *t2s;

static void
die(const char *what, UErrorCode err)
{
	fprintf(stderr, "normtable_gen: %s: %s\n", what, u_errorName(err));
	exit(1);
}

/* UTF-16 string <-> code point array */
static int
to_cps(const UChar *s, int32_t len, UChar32 *out)
{
	int32_t i = 0;
	int n = 0;

	while (i < len)
	{
		UChar32 c;

		U16_NEXT(s, i, len, c);
		if (n < MAXOUT)
			out[n++] = c;
	}
	return n;
}

static int32_t
from_cps(const UChar32 *cps, int n, UChar *out, int32_t cap)
{
	int32_t len = 0;
	UBool err = 0;

	for (int i = 0; i < n; i++)
		U16_APPEND(out, len, cap, cps[i], err);
	if (err)
	{
		fprintf(stderr, "normtable_gen: string too long\n");
		exit(1);
	}
	return len;
}

static int32_t
apply_norm(const UNormalizer2 *norm, const UChar *in, int32_t len, UChar *out, int32_t cap)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t n = unorm2_normalize(norm, in, len, out, cap, &err);

	if (U_FAILURE(err))
		die("unorm2_normalize", err);
	return n;
}

static int
is_mark(UChar32 c)
{
	int8_t t = u_charType(c);

	return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK;
}

/* One round: NFKC_CF, strip marks, Traditional->Simplified. */
static int32_t
one_round(const UChar *in, int32_t len, UChar *out, int32_t cap)
{
	UChar a[256], b[256];
	UChar32 cps[MAXOUT], kept[MAXOUT];
	int32_t alen, blen;
	int n, k = 0;

	alen = apply_norm(nfkc_cf, in, len, a, 256);
	/* strip combining marks: decompose, drop marks, recompose */
	blen = apply_norm(nfd, a, alen, b, 256);
	n = to_cps(b, blen, cps);
	for (int i = 0; i < n; i++)
		if (!is_mark(cps[i]))
			kept[k++] = cps[i];
	if (k != n)
	{
		blen = from_cps(kept, k, b, 256);
		alen = apply_norm(nfc, b, blen, a, 256);
	}
	/* Traditional -> Simplified on Han characters only (the transliterator
	 * leaves everything else alone but is slow) */
	{
		int han = 0;

		n = to_cps(a, alen, cps);
		for (int i = 0; i < n; i++)
			if (u_hasBinaryProperty(cps[i], UCHAR_IDEOGRAPHIC))
				han = 1;
		if (han)
		{
			UErrorCode err = U_ZERO_ERROR;
			int32_t limit = alen;

			utrans_transUChars(t2s, a, &alen, 256, 0, &limit, &err);
			if (U_FAILURE(err))
				die("utrans_transUChars", err);
		}
	}
	memcpy(out, a, alen * sizeof(UChar));
	(void) cap;
	return alen;
}

static int
is_hard_break(UChar32 c)
{
	return c == 0x3002 || c == '!' || c == '?' || c == ';' ||
		c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85;
}

static UChar32
hard_break_output(UChar32 c)
{
	if (c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85)
		return '\n';
	return c;
}

static int
is_soft_break(UChar32 c)
{
	return c == ',' || c == ':' || c == 0x3001 || c == 0xFF0C || c == 0xFF1A;
}

static int
is_noise(UChar32 c)
{
	switch (u_charType(c))
	{
		case U_SPACE_SEPARATOR:
		case U_LINE_SEPARATOR:
		case U_PARAGRAPH_SEPARATOR:
		case U_CONTROL_CHAR:
		case U_FORMAT_CHAR:
		case U_SURROGATE:
		case U_DASH_PUNCTUATION:
		case U_START_PUNCTUATION:
		case U_END_PUNCTUATION:
		case U_CONNECTOR_PUNCTUATION:
		case U_OTHER_PUNCTUATION:
		case U_INITIAL_PUNCTUATION:
		case U_FINAL_PUNCTUATION:
		case U_MATH_SYMBOL:
		case U_CURRENCY_SYMBOL:
		case U_MODIFIER_SYMBOL:
		case U_OTHER_SYMBOL:
		case U_NON_SPACING_MARK:
		case U_ENCLOSING_MARK:
		case U_COMBINING_SPACING_MARK:
			return 1;
		default:
			/* emoji components that are not symbols (e.g. regional indicators
			 * are So already; skin tones are Sk) and default ignorables */
			return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
				(u_hasBinaryProperty(c, UCHAR_EMOJI_COMPONENT) && !u_isalnum(c) && c != '#' && c != '*');
	}
}

static uint32_t pool[1 << 18];
static uint32_t npool;

/* what code point c becomes */
static uint32_t
classify(UChar32 c)
{
	UChar in[4], cur[256], next[256];
	int32_t len = 0, curlen, nextlen;
	UChar32 cps[MAXOUT], out[MAXOUT];
	int n, k = 0;
	UBool err = 0;

	if (c == 0 || (c >= 0xD800 && c <= 0xDFFF))
		return PV_NK_DROP << PV_NK_SHIFT;
	if (is_hard_break(c))
		return (PV_NK_BREAK << PV_NK_SHIFT) | (uint32_t) hard_break_output(c);
	/* general category of the original decides for unassigned/private use */
	if (u_charType(c) == U_UNASSIGNED || u_charType(c) == U_PRIVATE_USE_CHAR)
		return PV_NK_KEEP << PV_NK_SHIFT;

	U16_APPEND(in, len, 4, c, err);
	(void) err;
	curlen = one_round(in, len, cur, 256);
	for (int round = 0;; round++)
	{
		nextlen = one_round(cur, curlen, next, 256);
		if (nextlen == curlen && memcmp(cur, next, curlen * sizeof(UChar)) == 0)
			break;
		if (round == 8)
		{
			/*
			 * ICU's Traditional-Simplified swaps a few pairs (苧 <-> 苎): map
			 * every member of such a cycle to its smallest code point, so the
			 * normalizer stays idempotent.
			 */
			UChar32 a = 0, b = 0;
			int32_t i = 0;

			if (curlen > 2 || nextlen > 2)
			{
				fprintf(stderr, "normtable_gen: U+%04X does not reach a fixed point\n", (unsigned) c);
				exit(1);
			}
			U16_NEXT(cur, i, curlen, a);
			i = 0;
			U16_NEXT(next, i, nextlen, b);
			if (b < a)
			{
				memcpy(cur, next, nextlen * sizeof(UChar));
				curlen = nextlen;
			}
			break;
		}
		memcpy(cur, next, nextlen * sizeof(UChar));
		curlen = nextlen;
	}
	n = to_cps(cur, curlen, cps);
	for (int i = 0; i < n; i++)
	{
		if (is_hard_break(cps[i]))
			return (PV_NK_BREAK << PV_NK_SHIFT) | (uint32_t) hard_break_output(cps[i]);
		if (is_soft_break(cps[i]))
			return PV_NK_SOFT << PV_NK_SHIFT;
		if (!is_noise(cps[i]))
			out[k++] = cps[i];
	}
	if (k == 0)
		return (is_soft_break(c) ? PV_NK_SOFT : PV_NK_DROP) << PV_NK_SHIFT;
	if (k == 1)
	{
		int32_t delta = out[0] - c;

		return (PV_NK_KEEP << PV_NK_SHIFT) | ((uint32_t) delta & PV_NK_PAYLOAD);
	}
	if (k > PV_NORM_MAX_EXPANSION)
	{
		fprintf(stderr, "normtable_gen: U+%04X expands to %d code points\n", (unsigned) c, k);
		exit(1);
	}
	/* expansions: share identical sequences in the pool */
	for (uint32_t p = 0; p + k <= npool; p++)
	{
		int same = 1;

		for (int i = 0; i < k && same; i++)
			same = pool[p + i] == (uint32_t) out[i];
		if (same)
			return (PV_NK_EXPAND << PV_NK_SHIFT) | p | ((uint32_t) k << 20);
	}
	for (int i = 0; i < k; i++)
		pool[npool + i] = out[i];
	npool += k;
	if (npool >= (1 << 20))
	{
		fprintf(stderr, "normtable_gen: expansion pool overflow\n");
		exit(1);
	}
	return (PV_NK_EXPAND << PV_NK_SHIFT) | (npool - k) | ((uint32_t) k << 20);
}

#define NPAGES (0x110000 >> 8)

int
main(void)
{
	static uint32_t pages[NPAGES][256];
	static uint16_t stage1[NPAGES];
	static uint32_t distinct[NPAGES];
	uint32_t ndistinct = 0;
	UErrorCode err = U_ZERO_ERROR;
	UVersionInfo uv;
	char uvs[U_MAX_VERSION_STRING_LENGTH];
	UChar id[64];

	nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
	if (U_FAILURE(err))
		die("NFKC_Casefold", err);
	nfd = unorm2_getNFDInstance(&err);
	nfc = unorm2_getNFCInstance(&err);
	if (U_FAILURE(err))
		die("NFD/NFC", err);
	u_uastrcpy(id, "Traditional-Simplified");
	t2s = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &err);
	if (U_FAILURE(err))
		die("utrans_openU(Traditional-Simplified)", err);

	for (UChar32 c = 0; c < 0x110000; c++)
		pages[c >> 8][c & 0xFF] = classify(c);

	for (int p = 0; p < NPAGES; p++)
	{
		uint32_t d;

		for (d = 0; d < ndistinct; d++)
			if (memcmp(pages[distinct[d]], pages[p], sizeof(pages[p])) == 0)
				break;
		if (d == ndistinct)
			distinct[ndistinct++] = p;
		stage1[p] = (uint16_t) d;
	}

	u_getUnicodeVersion(uv);
	u_versionToString(uv, uvs);
	printf("/*\n"
		   " * normtable.h — prevent's normalization table (see normalize.h), generated\n"
		   " * from ICU %s (Unicode %s) by src/core/gen/normtable_gen.c; do not edit.\n"
		   " *\n"
		   " * It decides what prevent.normalize() returns and which keys a\n"
		   " * prevent.gin_ops index holds, so it is committed and changes only on\n"
		   " * purpose, with `make update-normtable`; indexes built before a change\n"
		   " * need a REINDEX.\n"
		   " */\n",
		   U_ICU_VERSION, uvs);
	printf("#define PV_NORM_ICU_VERSION \"%s\"\n#define PV_NORM_UNICODE_VERSION \"%s\"\n\n",
		   U_ICU_VERSION, uvs);
	printf("const uint16_t pv_norm_stage1_tab[%d] = {", NPAGES);
	for (int p = 0; p < NPAGES; p++)
		printf("%s%u,", p % 16 ? "" : "\n", stage1[p]);
	printf("\n};\n\nconst uint32_t pv_norm_stage2_tab[%u] = {", ndistinct * 256);
	for (uint32_t d = 0; d < ndistinct; d++)
		for (int i = 0; i < 256; i++)
			printf("%s0x%x,", i % 8 ? "" : "\n", pages[distinct[d]][i]);
	printf("\n};\n\nconst uint32_t pv_norm_pool_tab[%u] = {", npool ? npool : 1);
	for (uint32_t i = 0; i < npool; i++)
		printf("%s0x%x,", i % 8 ? "" : "\n", pool[i]);
	printf("%s\n};\n", npool ? "" : "0");
	utrans_close(t2s);
	return 0;
}
