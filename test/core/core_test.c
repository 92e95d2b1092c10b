/*
 * core_test.c — standalone tests of prevent's pure C core (src/core/:
 * normalize.c, matcher.c, parties.c, index_keys.c), no PostgreSQL and no
 * test framework.
 *
 *   make check-core                       under AddressSanitizer + UBSan
 *   gcc -O1 -g -Isrc/core test/core/core_test.c src/core/normalize.c \
 *       src/core/matcher.c src/core/parties.c src/core/index_keys.c \
 *       -o /tmp/core_valgrind && \
 *       CORE_TEST_QUICK=1 valgrind --error-exitcode=1 --leak-check=full /tmp/core_valgrind
 *
 * CORE_TEST_QUICK=1 samples every 97th code point in the idempotence sweep
 * and shrinks the timing test (for valgrind).  Prints "N passed, N failed"
 * and exits non-zero when any check failed.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "index_keys.h"
#include "matcher.h"
#include "normalize.h"
#include "parties.h"

static int	npass;
static int	nfail;
static int	quick;
static const char *current_test = "";

static void
check_at(int line, int ok, const char *what)
{
	if (ok)
		npass++;
	else
	{
		nfail++;
		fprintf(stderr, "FAIL %s (core_test.c:%d): %s\n", current_test, line, what);
	}
}

static void
check_int_at(int line, long long got, long long want, const char *expr)
{
	if (got == want)
		npass++;
	else
	{
		nfail++;
		fprintf(stderr, "FAIL %s (core_test.c:%d): %s is %lld, expected %lld\n",
				current_test, line, expr, got, want);
	}
}

#define CHECK(cond) check_at(__LINE__, (cond) ? 1 : 0, #cond)
#define CHECK_INT(got, want) check_int_at(__LINE__, (long long) (got), (long long) (want), #got)
#define TEST(name) (current_test = (name))

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static void
print_escaped(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x20 || c == 0x7F)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* pv_normalize with the contract checks: non-NULL, NUL-terminated, length */
static char *
normalize_checked(int line, const char *in, size_t len, size_t *outlen)
{
	char	   *out = pv_normalize(in, len, outlen);

	check_at(line, out != NULL, "pv_normalize returned non-NULL");
	if (out == NULL)
		return NULL;
	check_at(line, out[*outlen] == '\0', "normalized text is NUL-terminated");
	check_at(line, strlen(out) == *outlen, "normalized length matches (no embedded NUL)");
	return out;
}

static void
norm_eq_at(int line, const char *in, size_t len, const char *want)
{
	size_t		n;
	char	   *out = normalize_checked(line, in, len, &n);

	if (out == NULL)
		return;
	if (n == strlen(want) && memcmp(out, want, n) == 0)
		npass++;
	else
	{
		nfail++;
		fprintf(stderr, "FAIL %s (core_test.c:%d): normalize(\"", current_test, line);
		print_escaped(stderr, in, len);
		fprintf(stderr, "\") is \"");
		print_escaped(stderr, out, n);
		fprintf(stderr, "\", expected \"");
		print_escaped(stderr, want, strlen(want));
		fprintf(stderr, "\"\n");
	}
	free(out);
}

/* for string literals only: embedded NUL bytes count */
#define NORM_LIT(lit, want) norm_eq_at(__LINE__, (lit), sizeof(lit) - 1, (want))
#define NORM_STR(str, want) norm_eq_at(__LINE__, (str), strlen(str), (want))

static int
add_kw_at(int line, pv_lexicon *lex, const char *term, int cat, int weight)
{
	int			rc = pv_lexicon_add_keyword(lex, term, strlen(term), cat, weight);

	check_at(line, rc >= 0, "pv_lexicon_add_keyword succeeds");
	return rc;
}

#define ADD_KW(lex, term, cat, w) add_kw_at(__LINE__, (lex), (term), (cat), (w))

static void
compile_at(int line, pv_lexicon *lex)
{
	int			rc = pv_lexicon_compile(lex);

	check_int_at(line, rc, PV_OK, "pv_lexicon_compile(lex)");
}

#define COMPILE(lex) compile_at(__LINE__, (lex))

/*
 * Structural invariants of a scan result against its document: bounds,
 * order, characters and bytes agree with each other.  One check per scan.
 */
static void
check_result_invariants(int line, const pv_lexicon *lex, const char *doc, size_t len,
						const pv_result *res)
{
	const unsigned char *s = (const unsigned char *) doc;
	int64_t    *charat = malloc((len + 1) * sizeof(int64_t));
	int64_t		nchars = 0;
	size_t		i = 0;
	const char *why = NULL;

	if (charat == NULL)
	{
		check_at(line, 0, "malloc for invariants");
		return;
	}
	for (size_t b = 0; b <= len; b++)
		charat[b] = -1;
	while (i < len)
	{
		charat[i] = nchars++;
		pv_utf8_next(s, len, &i);
	}
	charat[len] = nchars;

	if (res->nhits < 0 || res->nrules < 0)
		why = "negative counts";
	if (res->score < 0 || res->score > 100)
		why = "score outside 0..100";
	for (int32_t k = 0; why == NULL && k < res->nhits; k++)
	{
		const pv_hit *h = &res->hits[k];

		if (h->keyword < 0 || h->keyword >= pv_lexicon_keyword_count(lex))
			why = "keyword index out of range";
		else if (!(h->cstart >= 0 && h->cstart < h->cend && h->cend <= nchars))
			why = "0 <= cstart < cend <= nchars";
		else if (!(h->bstart < h->bend && h->bend <= len))
			why = "bstart < bend <= len";
		else if (charat[h->bstart] != h->cstart)
			why = "bstart is the byte of cstart";
		else if (charat[h->bend] != h->cend)
			why = "bend is the byte of cend";
		else if (!(h->nstart >= 0 && h->nstart < h->nend && h->nend - h->nstart <= PV_MAX_TERM))
			why = "0 <= nstart < nend, at most PV_MAX_TERM long";
		else if (h->status < PV_HIT_OK || h->status > PV_HIT_NEGATED)
			why = "status is a pv_hit_status";
		else if (k > 0 && (res->hits[k - 1].cstart > h->cstart ||
						   (res->hits[k - 1].cstart == h->cstart &&
							res->hits[k - 1].cend > h->cend)))
			why = "hits ordered by cstart, then cend";
	}
	for (int32_t k = 0; why == NULL && k < res->nrules; k++)
		if (res->rules[k] < 0 || (k > 0 && res->rules[k] <= res->rules[k - 1]))
			why = "rules ascending and distinct";
	free(charat);
	if (why)
		fprintf(stderr, "  invariant violated: %s\n", why);
	check_at(line, why == NULL, "scan result invariants");
}

static void
scan_at(int line, const pv_lexicon *lex, const char *doc, size_t len, pv_result *res)
{
	int			rc = pv_scan(lex, doc, len, res);

	check_int_at(line, rc, PV_OK, "pv_scan(...)");
	if (rc == PV_OK)
		check_result_invariants(line, lex, doc, len, res);
}

#define SCAN(lex, doc, res) scan_at(__LINE__, (lex), (doc), strlen(doc), (res))

/* number of hits of keyword kw with the given status (-1: any) */
static int
count_hits(const pv_result *res, int kw, int status)
{
	int			n = 0;

	for (int32_t i = 0; i < res->nhits; i++)
		if (res->hits[i].keyword == kw && (status < 0 || res->hits[i].status == status))
			n++;
	return n;
}

/* the nth hit (0-based) of keyword kw, or NULL */
static const pv_hit *
nth_hit(const pv_result *res, int kw, int nth)
{
	for (int32_t i = 0; i < res->nhits; i++)
		if (res->hits[i].keyword == kw && nth-- == 0)
			return &res->hits[i];
	return NULL;
}

/* status of the first hit of kw, or -1 */
static int
status_of(const pv_result *res, int kw)
{
	const pv_hit *h = nth_hit(res, kw, 0);

	return h ? h->status : -1;
}

/* the original text of a hit is exactly want */
static void
hit_text_at(int line, const char *doc, const pv_hit *h, const char *want)
{
	size_t		n = strlen(want);

	if (h == NULL)
	{
		check_at(line, 0, "hit exists");
		return;
	}
	if (h->bend - h->bstart == n && memcmp(doc + h->bstart, want, n) == 0)
		npass++;
	else
	{
		nfail++;
		fprintf(stderr, "FAIL %s (core_test.c:%d): hit text is \"", current_test, line);
		print_escaped(stderr, doc + h->bstart, h->bend - h->bstart);
		fprintf(stderr, "\", expected \"%s\"\n", want);
	}
}

#define HIT_TEXT(doc, h, want) hit_text_at(__LINE__, (doc), (h), (want))

/* occurrences (overlapping) of normalize(term) in normalize(doc) */
static int
naive_count(const char *doc, size_t len, const char *term)
{
	size_t		nd,
				nt;
	char	   *d = pv_normalize(doc, len, &nd);
	char	   *t = pv_normalize(term, strlen(term), &nt);
	int			n = 0;

	if (d && t && nt > 0)
		for (size_t i = 0; i + nt <= nd; i++)
			if (d[i] == t[0] && memcmp(d + i, t, nt) == 0)
				n++;
	free(d);
	free(t);
	return n;
}

/* repeat unit n times */
static char *
repeat(const char *unit, size_t n, size_t *len)
{
	size_t		ul = strlen(unit);
	char	   *s = malloc(ul * n + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	s[ul * n] = '\0';
	*len = ul * n;
	return s;
}

/*
 * Give a fresh result allocated arrays.  A scan whose only hits are parts of
 * proximity rules (no keyword hit) on a never-used result calls
 * qsort(NULL, 0, ...) — undefined behaviour that UBSan aborts on; that bug
 * has its own test (test_rule_parts_fresh_result), the other tests warm
 * their results so they can run past it.
 */
static void
warm_result(pv_result *res)
{
	pv_lexicon *lex = pv_lexicon_new();

	pv_lexicon_add_keyword(lex, "x", 1, 0, 0);
	pv_lexicon_compile(lex);
	pv_scan(lex, "x", 1, res);
	pv_lexicon_free(lex);
}

/*
 * Run fn in a child process, so that a memory error or a sanitizer abort
 * is a failed check rather than the end of the run.  1 when the child
 * exited 0.
 */
static int
run_in_child(int (*fn) (void))
{
	pid_t		pid;
	int			status = 0;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0)
		exit(fn() ? 0 : 3);
	if (waitpid(pid, &status, 0) != pid)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	fprintf(stderr, "  child process: %s %d\n", WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

static double
cpu_seconds(void)
{
	return (double) clock() / CLOCKS_PER_SEC;
}

/* ------------------------------------------------------------------ */
/* normalization                                                       */
/* ------------------------------------------------------------------ */

static void
test_normalize_basic(void)
{
	TEST("normalize: NFKC, case folding, Traditional -> Simplified");
	NORM_LIT("ＫＴＶ１１０", "ktv110");
	NORM_LIT("KTV110", "ktv110");
	NORM_LIT("Hello World", "helloworld");
	NORM_LIT("Straße", "strasse");
	NORM_LIT("ΣΑΣ", "σασ");
	NORM_LIT("ﬁ", "fi");
	NORM_LIT("①②Ⅻ", "12xii");
	NORM_LIT("ｶﾀｶﾅ", "カタカナ");
	NORM_LIT("殺人", "杀人");
	NORM_LIT("揚言", "扬言");
	NORM_LIT("跳樓", "跳楼");
	NORM_LIT("殺人揚言跳樓", "杀人扬言跳楼");
	NORM_LIT("發髮後裏", "发发后里");
	NORM_LIT("杀人", "杀人");
	NORM_LIT("\U00020000", "\U00020000");	/* CJK Ext B, kept */
	NORM_LIT("", "");

	TEST("normalize: noise dropped");
	NORM_LIT("杀 人", "杀人");
	NORM_LIT("杀\u3000人", "杀人");	/* ideographic space */
	NORM_LIT("杀\u200B人", "杀人");	/* zero-width space */
	NORM_LIT("杀\u200D\u2060\uFEFF\u00AD人", "杀人");	/* ZWJ, WJ, BOM, soft hyphen */
	NORM_LIT("杀\t\v\f人", "杀人");
	NORM_LIT("杀\U0001F600人", "杀人");	/* emoji */
	NORM_LIT("杀\U0001F44D\U0001F3FD人", "杀人");	/* skin tone */
	NORM_LIT("杀\U0001F468\u200D\U0001F469\u200D\U0001F467人", "杀人");	/* ZWJ family */
	NORM_LIT("杀\U0001F1E8\U0001F1F3人", "杀人");	/* flag */
	NORM_LIT("杀\u2764\uFE0F人", "杀人");	/* heart + VS16 */
	NORM_LIT("砍*死.跳-楼_", "砍死跳楼");
	NORM_LIT("〔杀〕《人》「x」…——～·", "杀人x");
	NORM_LIT("＄￥%@&#+=<>|~^`'\"/\\()[]{}", "");
	NORM_LIT("a\0b", "ab");		/* NUL is noise */
	NORM_LIT("\x01\x1f\x7f", "");

	TEST("normalize: clause breaks kept, soft breaks dropped");
	NORM_LIT("a。b！c？d；e!f?g;h\ni", "a。b!c?d;e!f?g;h\ni");
	NORM_LIT("a\r\nb", "a\n\nb");	/* \r is a line break too */
	NORM_LIT("a\rb", "a\nb");
	NORM_LIT("a\xC2\x85" "b\u2028c\u2029d", "a\nb\nc\nd");
	NORM_LIT("⁉", "!");
	NORM_LIT("a,b:c，d：e、f", "abcdef");

	TEST("normalize: expansions and combining marks");
	NORM_LIT("\u337F", "株式会社");	/* ㍿ */
	NORM_LIT("㍿㍿", "株式会社株式会社");
	NORM_LIT("㈱", "株");
	NORM_LIT("e\u0301", "e");
	NORM_LIT("\u00E9", "e");
	NORM_LIT("nǐ hǎo", "nihao");
	NORM_LIT("Ǎ\u0301\u0302\u0303", "a");
	NORM_LIT("杀\u0301人", "杀人");

	TEST("normalize: invalid UTF-8");
	NORM_LIT("\xEF\xBF\xBD", "");	/* U+FFFD itself is noise */
	NORM_LIT("\xFF" "abc\x80", "abc");
	NORM_LIT("\xC0\xAF" "a", "a");		/* overlong */
	NORM_LIT("\xED\xA0\x80" "a", "a");	/* surrogate */
	NORM_LIT("\xF4\x90\x80\x80" "a", "a");	/* > U+10FFFF */
	NORM_LIT("\xE6\x9D", "");			/* truncated 杀 */
	NORM_LIT("a\xE6\x9D", "a");
	NORM_LIT("\xE6\x9D" "a\xE6\x9D\x80", "a杀");
	NORM_LIT("\xF0\x9F\x98", "");		/* truncated emoji */
	NORM_LIT("\xC3", "");
	NORM_LIT("\xF8\x88\x80\x80\x80", "");	/* 5-byte form */
	/* every byte value alone and in pairs: no crash, valid output */
	for (int b = 0; b < 256; b++)
		for (int c = -1; c < 256; c++)
		{
			char		in[2] = {(char) b, (char) c};
			size_t		n;
			char	   *out = pv_normalize(in, c < 0 ? 1 : 2, &n);

			if (out == NULL || out[n] != '\0' || n > 2 * 4 * PV_NORM_MAX_EXPANSION)
			{
				CHECK(!"normalize of 1-2 bytes");
				b = 256;
			}
			free(out);
		}
	CHECK(1);
}

static void
test_utf8_decoder(void)
{
	struct
	{
		const char *in;
		size_t		len;
		uint32_t	cp[6];
		int			n;
	}			cases[] = {
		{"a", 1, {'a'}, 1},
		{"\xC2\xA0", 2, {0xA0}, 1},
		{"\xE6\x9D\x80", 3, {0x6740}, 1},
		{"\xF0\x9F\x98\x80", 4, {0x1F600}, 1},
		{"\xF4\x8F\xBF\xBF", 4, {0x10FFFF}, 1},
		{"\xC0\xAF", 2, {0xFFFD, 0xFFFD}, 2},	/* overlong */
		{"\xE0\x80\xAF", 3, {0xFFFD, 0xFFFD, 0xFFFD}, 3},	/* overlong */
		{"\xED\xA0\x80", 3, {0xFFFD, 0xFFFD, 0xFFFD}, 3},	/* surrogate */
		{"\xF4\x90\x80\x80", 4, {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}, 4},
		{"\xE6\x9D", 2, {0xFFFD, 0xFFFD}, 2},	/* truncated */
		{"\xE6\x9D" "a", 3, {0xFFFD, 0xFFFD, 'a'}, 3},
		{"\x80" "a", 2, {0xFFFD, 'a'}, 2},
		{"\xFF", 1, {0xFFFD}, 1},
	};

	TEST("pv_utf8_next: invalid sequences give U+FFFD, one byte at a time");
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
	{
		size_t		i = 0;
		int			n = 0,
					ok = 1;

		while (i < cases[k].len)
		{
			size_t		before = i;
			uint32_t	c = pv_utf8_next((const unsigned char *) cases[k].in, cases[k].len, &i);

			if (n >= cases[k].n || c != cases[k].cp[n] || i <= before)
				ok = 0;
			n++;
		}
		if (n != cases[k].n)
			ok = 0;
		if (!ok)
			fprintf(stderr, "  utf8 case %zu\n", k);
		CHECK(ok);
	}

	TEST("pv_utf8_put/pv_utf8_next round trip");
	{
		int			ok = 1;
		unsigned char buf[4];

		for (uint32_t c = 0; c <= PV_MAX_CODEPOINT && ok; c++)
		{
			size_t		i = 0;
			int			n;

			if (c >= 0xD800 && c <= 0xDFFF)
				continue;
			n = pv_utf8_put(c, buf);
			if (pv_utf8_next(buf, n, &i) != c || i != (size_t) n)
				ok = 0;
		}
		CHECK(ok);
	}
}

/* normalize(normalize(x)) == normalize(x) for every code point */
static void
test_normalize_idempotent(void)
{
	uint32_t	step = quick ? 97 : 1;
	long		bad = 0,
				tested = 0;
	unsigned char buf[4];

	TEST("normalize: idempotent on every code point");
	for (uint32_t c = 0; c <= PV_MAX_CODEPOINT; c += step)
	{
		size_t		n1,
					n2,
					i = 0;
		char	   *a,
				   *b;
		int			n,
					valid = 1;

		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		n = pv_utf8_put(c, buf);
		a = pv_normalize((const char *) buf, n, &n1);
		if (a == NULL)
		{
			bad++;
			continue;
		}
		/* the output is valid UTF-8 (U+FFFD never survives) */
		while (i < n1)
			if (pv_utf8_next((const unsigned char *) a, n1, &i) == 0xFFFD)
				valid = 0;
		b = pv_normalize(a, n1, &n2);
		if (b == NULL || !valid || n1 != n2 || memcmp(a, b, n1) != 0 ||
			n1 > PV_NORM_MAX_EXPANSION * 4)
		{
			if (bad < 10)
				fprintf(stderr, "  not idempotent: U+%04X\n", (unsigned) c);
			bad++;
		}
		tested++;
		free(a);
		free(b);
	}
	CHECK_INT(bad, 0);
	CHECK(tested > (quick ? 11000 : 1100000));

	/* a whole mixed text as well */
	{
		const char *t = "ＫＴＶ１１０，殺 人\u200B😀㍿。跳樓！e\u0301\r\n\xFF揚言";
		size_t		n1,
					n2;
		char	   *a = pv_normalize(t, strlen(t), &n1);
		char	   *b = pv_normalize(a, n1, &n2);

		CHECK(n1 == n2 && memcmp(a, b, n1) == 0);
		free(a);
		free(b);
	}

	TEST("normalize: versions");
	CHECK(pv_norm_unicode_version() != NULL && pv_norm_unicode_version()[0] != '\0');
	CHECK(pv_norm_icu_version() != NULL && pv_norm_icu_version()[0] != '\0');
}

/* ------------------------------------------------------------------ */
/* matcher                                                             */
/* ------------------------------------------------------------------ */

static void
test_match_single(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k;

	TEST("match: single term");
	pv_result_init(&res);
	k = ADD_KW(lex, "杀人", 1, 10);
	CHECK_INT(k, 0);
	COMPILE(lex);
	CHECK_INT(pv_lexicon_keyword_count(lex), 1);
	CHECK_INT(pv_lexicon_state_count(lex), 3);
	CHECK(pv_lexicon_memory(lex) > 0);

	SCAN(lex, "他说要杀人", &res);
	CHECK_INT(res.nhits, 1);
	CHECK_INT(res.hits[0].keyword, k);
	CHECK_INT(res.hits[0].status, PV_HIT_OK);
	CHECK_INT(res.hits[0].cstart, 3);
	CHECK_INT(res.hits[0].cend, 5);
	CHECK_INT(res.hits[0].bstart, 9);
	CHECK_INT(res.hits[0].bend, 15);
	CHECK_INT(res.hits[0].nend - res.hits[0].nstart, 2);
	CHECK_INT(res.hits[0].clause, 0);
	CHECK_INT(res.score, 10);
	CHECK_INT(res.nrules, 0);

	SCAN(lex, "杀人", &res);
	CHECK_INT(res.nhits, 1);
	CHECK_INT(res.hits[0].cstart, 0);
	CHECK_INT(res.hits[0].bend, 6);

	SCAN(lex, "没事", &res);
	CHECK_INT(res.nhits, 0);
	CHECK_INT(res.score, 0);

	SCAN(lex, "杀", &res);
	CHECK_INT(res.nhits, 0);
	SCAN(lex, "人杀", &res);
	CHECK_INT(res.nhits, 0);
	SCAN(lex, "杀杀人人", &res);
	CHECK_INT(res.nhits, 1);
	CHECK_INT(res.hits[0].cstart, 1);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_match_multiple(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0,
				k1,
				k2,
				k3;
	const char *doc = "他要杀人，然后跳楼，还有炸弹";

	TEST("match: multiple terms, case and width folding");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "杀人", 1, 10);
	k1 = ADD_KW(lex, "跳楼", 3, 20);
	k2 = ADD_KW(lex, "炸弹", 4, 30);
	k3 = ADD_KW(lex, "KTV", 5, 1);
	COMPILE(lex);
	SCAN(lex, doc, &res);
	CHECK_INT(res.nhits, 3);
	CHECK_INT(count_hits(&res, k0, PV_HIT_OK), 1);
	CHECK_INT(count_hits(&res, k1, PV_HIT_OK), 1);
	CHECK_INT(count_hits(&res, k2, PV_HIT_OK), 1);
	CHECK_INT(res.hits[0].keyword, k0);
	CHECK_INT(res.hits[1].keyword, k1);
	CHECK_INT(res.hits[2].keyword, k2);
	HIT_TEXT(doc, nth_hit(&res, k2, 0), "炸弹");
	CHECK_INT(res.score, 60);

	SCAN(lex, "ＫＴＶ门口", &res);
	CHECK_INT(count_hits(&res, k3, PV_HIT_OK), 1);
	SCAN(lex, "在ktv里", &res);
	CHECK_INT(count_hits(&res, k3, PV_HIT_OK), 1);
	SCAN(lex, "在Ｋｔｖ里", &res);
	CHECK_INT(count_hits(&res, k3, PV_HIT_OK), 1);
	HIT_TEXT("在Ｋｔｖ里", nth_hit(&res, k3, 0), "Ｋｔｖ");
	SCAN(lex, "殺人", &res);
	CHECK_INT(count_hits(&res, k0, PV_HIT_OK), 1);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_match_overlap(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0,
				k1,
				k2;

	TEST("match: overlapping terms");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "杀", 1, 1);
	k1 = ADD_KW(lex, "杀了", 1, 2);
	k2 = ADD_KW(lex, "杀人", 1, 4);
	COMPILE(lex);
	SCAN(lex, "我杀了他，要杀人", &res);
	CHECK_INT(res.nhits, 4);
	if (res.nhits == 4)
	{
		CHECK(res.hits[0].keyword == k0 && res.hits[0].cstart == 1 && res.hits[0].cend == 2);
		CHECK(res.hits[1].keyword == k1 && res.hits[1].cstart == 1 && res.hits[1].cend == 3);
		CHECK(res.hits[2].keyword == k0 && res.hits[2].cstart == 6 && res.hits[2].cend == 7);
		CHECK(res.hits[3].keyword == k2 && res.hits[3].cstart == 6 && res.hits[3].cend == 8);
	}
	CHECK_INT(res.score, 7);

	/* overlapping occurrences of one term */
	SCAN(lex, "杀杀杀", &res);
	CHECK_INT(count_hits(&res, k0, -1), 3);

	pv_lexicon_free(lex);
	lex = pv_lexicon_new();
	k0 = ADD_KW(lex, "aa", 1, 1);
	k1 = ADD_KW(lex, "aaa", 1, 1);
	k2 = ADD_KW(lex, "ab", 1, 1);
	COMPILE(lex);
	SCAN(lex, "aaaab", &res);
	CHECK_INT(count_hits(&res, k0, -1), 3);
	CHECK_INT(count_hits(&res, k1, -1), 2);
	CHECK_INT(count_hits(&res, k2, -1), 1);
	CHECK_INT(nth_hit(&res, k2, 0)->cstart, 3);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_match_noise(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0,
				k1,
				k2,
				k3,
				k4;
	const char *d;

	TEST("match: through noise, positions in the original text");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "杀了你", 1, 10);
	k1 = ADD_KW(lex, "砍死", 1, 10);
	k2 = ADD_KW(lex, "跳楼", 3, 10);
	k3 = ADD_KW(lex, "杀人", 1, 10);
	k4 = ADD_KW(lex, "杀了", 1, 10);
	COMPILE(lex);

	d = "我要杀 了 你";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k0, 0), "杀 了 你");
	HIT_TEXT(d, nth_hit(&res, k4, 0), "杀 了");
	CHECK_INT(nth_hit(&res, k0, 0)->cstart, 2);
	CHECK_INT(nth_hit(&res, k0, 0)->cend, 7);

	d = "砍*死";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k1, 0), "砍*死");

	d = "要跳.楼了";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k2, 0), "跳.楼");

	d = "杀\u200B人";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k3, 0), "杀\u200B人");
	CHECK_INT(nth_hit(&res, k3, 0)->cend, 3);

	d = "他说要殺 了";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k4, 0), "殺 了");
	CHECK_INT(nth_hit(&res, k4, 0)->cstart, 3);
	CHECK_INT(nth_hit(&res, k4, 0)->cend, 6);

	d = "杀\u3000\U0001F468\u200D\U0001F469\u200D\U0001F467\U0001F44D\U0001F3FD人";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k3, 0), d);

	d = "跳-_-#*楼";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k2, 0), d);

	d = "杀 \u0301人";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k3, 0), d);

	/* soft breaks (commas, colons) are dropped: a term matches across them */
	d = "杀，人";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k3, 0), d);

	/* leading/trailing noise is not part of the hit */
	d = "  \U0001F600杀人\U0001F600  ";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k3, 0), "杀人");
	CHECK_INT(nth_hit(&res, k3, 0)->cstart, 3);

	/* a character in no term interrupts */
	SCAN(lex, "杀x人", &res);
	CHECK_INT(count_hits(&res, k3, -1), 0);
	SCAN(lex, "杀他人", &res);
	CHECK_INT(count_hits(&res, k3, -1), 0);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_match_breaks(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k;
	const char *nomatch[] = {
		"杀。人", "杀！人", "杀!人", "杀？人", "杀?人", "杀；人", "杀;人",
		"杀\n人", "杀\r\n人", "杀\r人", "杀 。 人", "杀\u2029人", "杀⁉人",
	};

	TEST("match: not across clause breaks");
	pv_result_init(&res);
	k = ADD_KW(lex, "杀人", 1, 10);
	COMPILE(lex);
	for (size_t i = 0; i < sizeof(nomatch) / sizeof(nomatch[0]); i++)
	{
		SCAN(lex, nomatch[i], &res);
		if (res.nhits != 0)
			fprintf(stderr, "  matched across a break: %s\n", nomatch[i]);
		CHECK_INT(res.nhits, 0);
	}

	TEST("match: clause numbers");
	SCAN(lex, "杀人。杀人！杀人", &res);
	CHECK_INT(count_hits(&res, k, -1), 3);
	if (res.nhits == 3)
	{
		CHECK_INT(res.hits[0].clause, 0);
		CHECK_INT(res.hits[1].clause, 1);
		CHECK_INT(res.hits[2].clause, 2);
	}
	SCAN(lex, "杀人，杀人", &res);
	CHECK(res.nhits == 2 && res.hits[0].clause == res.hits[1].clause);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_exclusions(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0,
				k1,
				k2,
				k3;
	const char *d;

	TEST("exclusions");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "杀", 1, 10);
	k1 = ADD_KW(lex, "杀人", 1, 20);
	k2 = ADD_KW(lex, "跳楼", 3, 30);
	k3 = ADD_KW(lex, "剂量", 6, 1);
	CHECK(pv_lexicon_add_exclusion(lex, "杀虫剂", strlen("杀虫剂")) >= 0);
	CHECK(pv_lexicon_add_exclusion(lex, "跳楼价", strlen("跳楼价")) >= 0);
	COMPILE(lex);

	SCAN(lex, "买了杀虫剂", &res);
	CHECK_INT(res.nhits, 1);
	CHECK_INT(status_of(&res, k0), PV_HIT_EXCLUDED);
	CHECK_INT(res.score, 0);

	d = "买了杀虫剂，还想杀人";
	SCAN(lex, d, &res);
	CHECK_INT(count_hits(&res, k0, PV_HIT_EXCLUDED), 1);
	CHECK_INT(count_hits(&res, k0, PV_HIT_OK), 1);
	CHECK_INT(count_hits(&res, k1, PV_HIT_OK), 1);
	CHECK_INT(nth_hit(&res, k0, 0)->cstart, 2);
	CHECK_INT(nth_hit(&res, k0, 0)->status, PV_HIT_EXCLUDED);
	CHECK_INT(nth_hit(&res, k0, 1)->cstart, 8);
	CHECK_INT(nth_hit(&res, k0, 1)->status, PV_HIT_OK);
	CHECK_INT(res.score, 30);

	/* the other 杀 first, and the exclusion through noise and Traditional */
	SCAN(lex, "杀！殺 虫*剂", &res);
	CHECK_INT(count_hits(&res, k0, PV_HIT_OK), 1);
	CHECK_INT(count_hits(&res, k0, PV_HIT_EXCLUDED), 1);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);
	CHECK_INT(res.score, 10);

	SCAN(lex, "跳楼价大甩卖", &res);
	CHECK_INT(status_of(&res, k2), PV_HIT_EXCLUDED);
	CHECK_INT(res.score, 0);
	SCAN(lex, "他要跳楼", &res);
	CHECK_INT(status_of(&res, k2), PV_HIT_OK);
	CHECK_INT(res.score, 30);

	/* a hit that only overlaps the exclusion is not inside it */
	SCAN(lex, "杀虫剂量", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_EXCLUDED);
	CHECK_INT(status_of(&res, k3), PV_HIT_OK);
	CHECK_INT(res.score, 1);

	/* an exclusion cut by a clause break does not exclude */
	SCAN(lex, "杀。虫剂", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_negation(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0,
				k1;

	TEST("negation cues (occurrence scope)");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "自杀", 3, 40);
	k1 = ADD_KW(lex, "杀人", 1, 20);
	CHECK(pv_lexicon_add_negation(lex, "未发现", strlen("未发现"), 5) >= 0);
	CHECK(pv_lexicon_add_negation(lex, "否认", strlen("否认"), 0) >= 0);
	COMPILE(lex);

	SCAN(lex, "未发现自杀倾向", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_NEGATED);
	CHECK_INT(res.score, 0);
	SCAN(lex, "未發現有自殺傾向", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_NEGATED);
	SCAN(lex, "未 发 现 自 杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_NEGATED);

	/* a soft or hard break between cue and term: not negated */
	SCAN(lex, "未发现异常，有自杀倾向", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);
	CHECK_INT(res.score, 40);
	SCAN(lex, "未发现,自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);
	SCAN(lex, "未发现：自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);
	SCAN(lex, "未发现、自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);
	SCAN(lex, "未发现异常。自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);
	SCAN(lex, "未发现\n自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);

	/* window 5: five characters between still negate, six do not */
	SCAN(lex, "未发现xxxxx自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_NEGATED);
	SCAN(lex, "未发现xxxxxx自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);
	/* noise does not count toward the window */
	SCAN(lex, "未发现 . . . . . . . . 自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_NEGATED);

	/* the cue must precede */
	SCAN(lex, "自杀未发现", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);

	/* it negates only the occurrence after it */
	SCAN(lex, "未发现自杀。他想自杀", &res);
	CHECK_INT(count_hits(&res, k0, PV_HIT_NEGATED), 1);
	CHECK_INT(count_hits(&res, k0, PV_HIT_OK), 1);
	CHECK_INT(nth_hit(&res, k0, 1)->status, PV_HIT_OK);
	CHECK_INT(res.score, 40);

	/* one cue, two terms in its window */
	SCAN(lex, "未发现自杀杀人", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_NEGATED);
	CHECK_INT(status_of(&res, k1), PV_HIT_NEGATED);

	/* window 0: only immediately after */
	SCAN(lex, "否认自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_NEGATED);
	SCAN(lex, "否认了自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_OK);
	SCAN(lex, "否认 自杀", &res);
	CHECK_INT(status_of(&res, k0), PV_HIT_NEGATED);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static pv_lexicon *
category_lexicon(pv_negation_scope scope, int *k)
{
	pv_lexicon *lex = pv_lexicon_new();

	k[0] = ADD_KW(lex, "自杀", 3, 40);
	k[1] = ADD_KW(lex, "跳楼", 3, 30);
	k[2] = ADD_KW(lex, "杀人", 1, 20);
	CHECK(pv_lexicon_add_negation(lex, "未发现", strlen("未发现"), 10) >= 0);
	pv_lexicon_set_negation_scope(lex, scope);
	COMPILE(lex);
	return lex;
}

static void
test_negation_category(void)
{
	pv_lexicon *lex;
	pv_result	res;
	int			k[3];
	const char *d = "未发现自杀倾向。他想跳楼。也想杀人";

	pv_result_init(&res);

	TEST("negation scope: occurrence");
	lex = category_lexicon(PV_NEGATE_OCCURRENCE, k);
	SCAN(lex, d, &res);
	CHECK_INT(status_of(&res, k[0]), PV_HIT_NEGATED);
	CHECK_INT(status_of(&res, k[1]), PV_HIT_OK);
	CHECK_INT(status_of(&res, k[2]), PV_HIT_OK);
	CHECK_INT(res.score, 50);
	pv_lexicon_free(lex);

	TEST("negation scope: category");
	lex = category_lexicon(PV_NEGATE_CATEGORY, k);
	SCAN(lex, d, &res);
	CHECK_INT(status_of(&res, k[0]), PV_HIT_NEGATED);
	CHECK_INT(status_of(&res, k[1]), PV_HIT_NEGATED);
	CHECK_INT(status_of(&res, k[2]), PV_HIT_OK);
	CHECK_INT(res.score, 20);
	/* earlier hits of the category too */
	SCAN(lex, "他想跳楼。未发现自杀倾向", &res);
	CHECK_INT(status_of(&res, k[1]), PV_HIT_NEGATED);
	CHECK_INT(res.score, 0);
	/* no cue: nothing negated */
	SCAN(lex, "他想跳楼。自杀", &res);
	CHECK_INT(res.score, 70);
	pv_lexicon_free(lex);

	TEST("negation scope: category cancels the denied category's proximity rules");
	{
		int			r3,
					r2;
		int			kk;
		const char *doc = "未发现自杀倾向。他要跳下楼顶。拿刀砍人";

		for (int scope = PV_NEGATE_OCCURRENCE; scope <= PV_NEGATE_CATEGORY; scope++)
		{
			lex = pv_lexicon_new();
			kk = ADD_KW(lex, "自杀", 3, 40);
			r3 = pv_lexicon_add_proximity(lex, "跳", strlen("跳"), "楼顶", strlen("楼顶"), 5, 3, 30);
			r2 = pv_lexicon_add_proximity(lex, "刀", strlen("刀"), "砍", strlen("砍"), 5, 2, 25);
			CHECK(r3 == 0 && r2 == 1);
			CHECK(pv_lexicon_add_negation(lex, "未发现", strlen("未发现"), 10) >= 0);
			pv_lexicon_set_negation_scope(lex, (pv_negation_scope) scope);
			COMPILE(lex);
			SCAN(lex, doc, &res);
			CHECK_INT(status_of(&res, kk), PV_HIT_NEGATED);
			if (scope == PV_NEGATE_CATEGORY)
			{
				CHECK(res.nrules == 1 && res.rules[0] == r2);
				CHECK_INT(res.score, 25);
			}
			else
			{
				CHECK_INT(res.nrules, 2);
				CHECK_INT(res.score, 55);
			}
			/* without the cue both rules fire in either scope */
			SCAN(lex, "有自杀倾向。他要跳下楼顶。拿刀砍人", &res);
			CHECK_INT(res.nrules, 2);
			CHECK_INT(res.score, 95);
			pv_lexicon_free(lex);
		}
	}

	/*
	 * Only categories denied by a cue are denied throughout, whatever the
	 * order of the text: 跳楼 is in categories 3 and 5; a cue denies 自杀
	 * (category 3), so 跳楼 is negated, but nothing denies category 5 and
	 * 炸弹 stays a hit both when it comes before and after the others.
	 */
	TEST("negation scope: category, independent of text order");
	{
		int			a[4];
		int			stA,
					stB;

		lex = pv_lexicon_new();
		a[0] = ADD_KW(lex, "自杀", 3, 40);
		a[1] = ADD_KW(lex, "跳楼", 3, 30);
		a[2] = ADD_KW(lex, "跳楼", 5, 10);
		a[3] = ADD_KW(lex, "炸弹", 5, 25);
		CHECK(pv_lexicon_add_negation(lex, "未发现", strlen("未发现"), 10) >= 0);
		pv_lexicon_set_negation_scope(lex, PV_NEGATE_CATEGORY);
		COMPILE(lex);
		SCAN(lex, "炸弹。跳楼。未发现自杀", &res);
		stB = status_of(&res, a[3]);
		CHECK_INT(status_of(&res, a[1]), PV_HIT_NEGATED);
		CHECK_INT(stB, PV_HIT_OK);
		SCAN(lex, "未发现自杀。跳楼。炸弹", &res);
		stA = status_of(&res, a[3]);
		CHECK_INT(status_of(&res, a[1]), PV_HIT_NEGATED);
		CHECK_INT(stA, PV_HIT_OK);
		CHECK_INT(stA, stB);
		pv_lexicon_free(lex);
	}
	pv_result_free(&res);
}

/*
 * The category scope must not make a scan quadratic in the number of hits:
 * a huge text with many negated hits takes about as long as with the
 * occurrence scope.
 */
static void
test_negation_category_cost(void)
{
	int			n = quick ? 10000 : 40000;
	size_t		len;
	char	   *doc = repeat("未发现自杀。", n, &len);
	pv_result	res;
	double		t_occ,
				t_cat,
				t0;
	int			k[3];
	pv_lexicon *occ = category_lexicon(PV_NEGATE_OCCURRENCE, k);
	pv_lexicon *cat = category_lexicon(PV_NEGATE_CATEGORY, k);

	TEST("negation scope: category, linear cost on many hits");
	pv_result_init(&res);
	t0 = cpu_seconds();
	CHECK_INT(pv_scan(occ, doc, len, &res), PV_OK);
	t_occ = cpu_seconds() - t0;
	CHECK_INT(count_hits(&res, k[0], PV_HIT_NEGATED), n);
	t0 = cpu_seconds();
	CHECK_INT(pv_scan(cat, doc, len, &res), PV_OK);
	t_cat = cpu_seconds() - t0;
	CHECK_INT(count_hits(&res, k[0], PV_HIT_NEGATED), n);
	if (!(t_cat <= 0.5 + 5 * t_occ))
		fprintf(stderr, "  %d hits: %.3fs with the category scope, %.3fs with the occurrence scope\n",
				n, t_cat, t_occ);
	CHECK(t_cat <= 0.5 + 5 * t_occ);
	pv_result_free(&res);
	pv_lexicon_free(occ);
	pv_lexicon_free(cat);
	free(doc);
}

static void
test_proximity(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			r,
				r2;

	TEST("proximity rules");
	pv_result_init(&res);
	warm_result(&res);
	r = pv_lexicon_add_proximity(lex, "刀", strlen("刀"), "砍", strlen("砍"), 5, 2, 25);
	CHECK_INT(r, 0);
	r2 = pv_lexicon_add_proximity(lex, "钱", strlen("钱"), "还", strlen("还"), 3, 7, 15);
	CHECK_INT(r2, 1);
	CHECK(pv_lexicon_add_exclusion(lex, "刀削面", strlen("刀削面")) >= 0);
	CHECK(pv_lexicon_add_negation(lex, "没有", strlen("没有"), 3) >= 0);
	COMPILE(lex);
	CHECK_INT(pv_lexicon_keyword_count(lex), 0);

	SCAN(lex, "拿刀去砍人", &res);
	CHECK_INT(res.nrules, 1);
	CHECK(res.nrules == 1 && res.rules[0] == r);
	CHECK_INT(res.nhits, 0);	/* rule parts alone are not keywords */
	CHECK_INT(res.score, 25);

	SCAN(lex, "砍了他一刀", &res);	/* either order */
	CHECK_INT(res.nrules, 1);
	CHECK_INT(res.score, 25);

	SCAN(lex, "拿刀，去砍", &res);	/* a comma is inside the clause */
	CHECK_INT(res.nrules, 1);

	SCAN(lex, "拿刀。去砍", &res);
	CHECK_INT(res.nrules, 0);
	CHECK_INT(res.score, 0);
	SCAN(lex, "拿刀\n去砍", &res);
	CHECK_INT(res.nrules, 0);

	SCAN(lex, "刀xxxxx砍", &res);	/* distance 5 */
	CHECK_INT(res.nrules, 1);
	SCAN(lex, "刀xxxxxx砍", &res);	/* distance 6 */
	CHECK_INT(res.nrules, 0);
	SCAN(lex, "砍xxxxxx刀", &res);
	CHECK_INT(res.nrules, 0);
	SCAN(lex, "刀 . . . . . . . 砍", &res);	/* noise does not count */
	CHECK_INT(res.nrules, 1);
	SCAN(lex, "刀xxxxxx砍。刀x砍", &res);	/* the second pair, later clause */
	CHECK_INT(res.nrules, 1);
	SCAN(lex, "刀", &res);
	CHECK_INT(res.nrules, 0);
	SCAN(lex, "砍砍砍", &res);
	CHECK_INT(res.nrules, 0);

	/* an excluded or negated part does not count */
	SCAN(lex, "刀削面砍", &res);
	CHECK_INT(res.nrules, 0);
	SCAN(lex, "没有刀砍", &res);
	CHECK_INT(res.nrules, 0);

	/* both rules */
	SCAN(lex, "欠钱不还，拿刀砍", &res);
	CHECK_INT(res.nrules, 2);
	CHECK(res.nrules == 2 && res.rules[0] == r && res.rules[1] == r2);
	CHECK_INT(res.score, 40);
	pv_lexicon_free(lex);

	TEST("proximity rules with keyword parts");
	lex = pv_lexicon_new();
	{
		int			kd = ADD_KW(lex, "刀", 2, 5);

		r = pv_lexicon_add_proximity(lex, "刀", strlen("刀"), "砍人", strlen("砍人"), 3, 2, 50);
		CHECK_INT(r, 0);
		COMPILE(lex);
		SCAN(lex, "拿刀砍人", &res);
		CHECK_INT(count_hits(&res, kd, PV_HIT_OK), 1);
		CHECK_INT(res.nhits, 1);
		CHECK_INT(res.nrules, 1);
		CHECK_INT(res.score, 55);
		SCAN(lex, "拿刀", &res);
		CHECK_INT(res.score, 5);
	}
	pv_lexicon_free(lex);

	TEST("proximity rule with the same term twice");
	lex = pv_lexicon_new();
	r = pv_lexicon_add_proximity(lex, "刀", strlen("刀"), "刀", strlen("刀"), 2, 2, 30);
	CHECK_INT(r, 0);
	COMPILE(lex);
	SCAN(lex, "一把刀", &res);
	CHECK_INT(res.nrules, 0);
	SCAN(lex, "刀x刀", &res);
	CHECK_INT(res.nrules, 1);
	SCAN(lex, "刀xxx刀", &res);
	CHECK_INT(res.nrules, 0);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_score(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			a,
				b,
				c;

	TEST("score: distinct keywords, capped at 100");
	pv_result_init(&res);
	a = ADD_KW(lex, "威胁", 1, 30);
	b = ADD_KW(lex, "报复", 1, 50);
	c = ADD_KW(lex, "炸弹", 2, 40);
	COMPILE(lex);
	SCAN(lex, "威胁", &res);
	CHECK_INT(res.score, 30);
	SCAN(lex, "威胁。报复", &res);
	CHECK_INT(res.score, 80);
	SCAN(lex, "威胁威胁，威胁。威 胁", &res);
	CHECK_INT(count_hits(&res, a, PV_HIT_OK), 4);
	CHECK_INT(res.score, 30);
	SCAN(lex, "威胁报复炸弹", &res);
	CHECK_INT(count_hits(&res, b, PV_HIT_OK) + count_hits(&res, c, PV_HIT_OK), 2);
	CHECK_INT(res.score, 100);
	SCAN(lex, "", &res);
	CHECK_INT(res.score, 0);
	pv_lexicon_free(lex);

	TEST("score: the same term as two keywords counts both");
	lex = pv_lexicon_new();
	a = ADD_KW(lex, "杀人", 1, 10);
	b = ADD_KW(lex, "殺 人", 4, 7);	/* the same term after normalization */
	CHECK(a != b);
	COMPILE(lex);
	CHECK_INT(pv_lexicon_keyword_count(lex), 2);
	CHECK_INT(pv_lexicon_state_count(lex), 3);	/* one pattern */
	SCAN(lex, "杀人杀人", &res);
	CHECK_INT(count_hits(&res, a, PV_HIT_OK), 2);
	CHECK_INT(count_hits(&res, b, PV_HIT_OK), 2);
	CHECK_INT(res.score, 17);
	if (res.nhits == 4)
		CHECK(res.hits[0].keyword == a && res.hits[1].keyword == b);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_positions_nonbmp(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0,
				k1,
				k2,
				k3,
				k4,
				k5;
	const char *d = "\U0001F600殺\U0001F600了\U00020000杀人";

	TEST("positions: non-BMP characters around matches");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "杀了", 1, 1);
	k1 = ADD_KW(lex, "杀人", 1, 1);
	k2 = ADD_KW(lex, "\U00020000杀", 1, 1);
	k3 = ADD_KW(lex, "株式会社", 9, 1);
	k4 = ADD_KW(lex, "会社", 9, 1);
	k5 = ADD_KW(lex, "\u337F", 9, 1);	/* ㍿ as a term */
	COMPILE(lex);

	SCAN(lex, d, &res);
	CHECK_INT(res.nhits, 3);
	CHECK_INT(nth_hit(&res, k0, 0)->cstart, 1);
	CHECK_INT(nth_hit(&res, k0, 0)->cend, 4);
	CHECK_INT(nth_hit(&res, k0, 0)->bstart, 4);
	CHECK_INT(nth_hit(&res, k0, 0)->bend, 14);
	HIT_TEXT(d, nth_hit(&res, k0, 0), "殺\U0001F600了");
	CHECK_INT(nth_hit(&res, k2, 0)->cstart, 4);
	CHECK_INT(nth_hit(&res, k2, 0)->cend, 6);
	HIT_TEXT(d, nth_hit(&res, k2, 0), "\U00020000杀");
	CHECK_INT(nth_hit(&res, k1, 0)->cstart, 5);
	CHECK_INT(nth_hit(&res, k1, 0)->cend, 7);
	CHECK_INT(nth_hit(&res, k1, 0)->bstart, 18);
	CHECK_INT(nth_hit(&res, k1, 0)->bend, 24);

	TEST("positions: expansions");
	d = "ab\u337F\U0001F600";
	SCAN(lex, d, &res);
	CHECK_INT(count_hits(&res, k3, -1), 1);
	CHECK_INT(count_hits(&res, k5, -1), 1);
	HIT_TEXT(d, nth_hit(&res, k3, 0), "\u337F");
	CHECK_INT(nth_hit(&res, k3, 0)->cstart, 2);
	CHECK_INT(nth_hit(&res, k3, 0)->cend, 3);
	/* a term inside an expansion maps to the whole character */
	HIT_TEXT(d, nth_hit(&res, k4, 0), "\u337F");
	d = "株式 会社";
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k5, 0), "株式 会社");
	HIT_TEXT(d, nth_hit(&res, k4, 0), "会社");
	d = "株式\u337F会社";	/* 株式株式会社会社 */
	SCAN(lex, d, &res);
	CHECK_INT(count_hits(&res, k3, -1), 1);
	CHECK_INT(count_hits(&res, k4, -1), 2);
	HIT_TEXT(d, nth_hit(&res, k4, 1), "会社");

	TEST("positions: invalid bytes count as one character each");
	d = "\xFF\xFE杀人\x80";
	SCAN(lex, d, &res);
	CHECK_INT(nth_hit(&res, k1, 0)->cstart, 2);
	CHECK_INT(nth_hit(&res, k1, 0)->bstart, 2);
	d = "杀\xE6\x9D人";		/* truncated character inside: noise */
	SCAN(lex, d, &res);
	HIT_TEXT(d, nth_hit(&res, k1, 0), d);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_sentences_titles(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0;
	/* 。！ end sentences, \r and ‼ are clause breaks that do not; 《 inside a match counts */
	const char *d = "持刀。持刀\r持刀‼持《刀！《书》持刀\n〈持刀";

	TEST("sentences and title openers counted by the scan");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "持刀", 1, 1);
	COMPILE(lex);
	SCAN(lex, d, &res);
	CHECK_INT(res.nhits, 6);
	CHECK_INT(nth_hit(&res, k0, 0)->sentence, 0);
	CHECK_INT(nth_hit(&res, k0, 0)->titles, 0);
	CHECK_INT(nth_hit(&res, k0, 1)->sentence, 1);
	CHECK_INT(nth_hit(&res, k0, 2)->sentence, 1);
	CHECK_INT(nth_hit(&res, k0, 3)->sentence, 1);
	CHECK_INT(nth_hit(&res, k0, 3)->titles, 1);		/* 持《刀 */
	CHECK_INT(nth_hit(&res, k0, 4)->sentence, 2);
	CHECK_INT(nth_hit(&res, k0, 4)->titles, 2);
	CHECK_INT(nth_hit(&res, k0, 5)->sentence, 3);
	CHECK_INT(nth_hit(&res, k0, 5)->titles, 3);
	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_one_char_terms(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0,
				k1,
				k2;
	const char *d;

	TEST("one-character terms");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "杀", 1, 10);
	k1 = ADD_KW(lex, "\U00020000", 1, 10);
	k2 = ADD_KW(lex, "Ａ", 1, 10);
	COMPILE(lex);
	SCAN(lex, "杀杀杀", &res);
	CHECK_INT(res.nhits, 3);
	for (int i = 0; i < res.nhits && i < 3; i++)
	{
		CHECK_INT(res.hits[i].cstart, i);
		CHECK_INT(res.hits[i].bstart, 3 * i);
	}
	d = "a\U00020000b\U00020000";
	SCAN(lex, d, &res);
	CHECK_INT(count_hits(&res, k1, -1), 2);
	CHECK_INT(nth_hit(&res, k1, 0)->bstart, 1);
	CHECK_INT(nth_hit(&res, k1, 1)->bstart, 6);
	CHECK_INT(nth_hit(&res, k1, 1)->cstart, 3);
	SCAN(lex, "aA", &res);
	CHECK_INT(count_hits(&res, k2, -1), 2);
	SCAN(lex, "殺", &res);
	CHECK_INT(count_hits(&res, k0, -1), 1);

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_term_limits(void)
{
	char		t64[PV_MAX_TERM + 2];
	char		t65[PV_MAX_TERM + 2];
	char		cjk64[PV_MAX_TERM * 3 + 1];
	char		sq16[16 * 3 + 1];
	char		sq17[17 * 3 + 1];
	char		spaced[PV_MAX_TERM * 2 + 1];
	char		doc[512];
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k64,
				ksq,
				kcjk;

	TEST("term length: 64 code points OK, 65 rejected");
	pv_result_init(&res);
	memset(t64, 'a', PV_MAX_TERM);
	t64[PV_MAX_TERM] = '\0';
	memset(t65, 'b', PV_MAX_TERM + 1);
	t65[PV_MAX_TERM + 1] = '\0';
	for (int i = 0; i < PV_MAX_TERM; i++)
		memcpy(cjk64 + 3 * i, "殺", 3);
	cjk64[PV_MAX_TERM * 3] = '\0';
	for (int i = 0; i < 16; i++)
		memcpy(sq16 + 3 * i, "\u337F", 3);
	sq16[48] = '\0';
	for (int i = 0; i < 17; i++)
		memcpy(sq17 + 3 * i, "\u337F", 3);
	sq17[51] = '\0';
	for (int i = 0; i < PV_MAX_TERM; i++)
	{
		spaced[2 * i] = 'c';
		spaced[2 * i + 1] = ' ';
	}
	spaced[PV_MAX_TERM * 2] = '\0';

	CHECK_INT(pv_term_check(t64, strlen(t64)), PV_OK);
	CHECK_INT(pv_term_check(t65, strlen(t65)), PV_ERR_TOO_LONG);
	CHECK_INT(pv_term_check(cjk64, strlen(cjk64)), PV_OK);
	CHECK_INT(pv_term_check(sq16, strlen(sq16)), PV_OK);	/* 16 x 4 = 64 */
	CHECK_INT(pv_term_check(sq17, strlen(sq17)), PV_ERR_TOO_LONG);
	CHECK_INT(pv_term_check(spaced, strlen(spaced)), PV_OK);	/* noise is free */
	CHECK_INT(pv_lexicon_add_keyword(lex, t65, strlen(t65), 1, 1), PV_ERR_TOO_LONG);
	CHECK_INT(pv_lexicon_add_exclusion(lex, t65, strlen(t65)), PV_ERR_TOO_LONG);
	CHECK_INT(pv_lexicon_add_negation(lex, t65, strlen(t65), 3), PV_ERR_TOO_LONG);
	CHECK_INT(pv_lexicon_add_proximity(lex, "a", 1, t65, strlen(t65), 3, 1, 1), PV_ERR_TOO_LONG);
	CHECK_INT(pv_lexicon_add_keyword(lex, sq17, strlen(sq17), 1, 1), PV_ERR_TOO_LONG);
	k64 = ADD_KW(lex, t64, 1, 10);
	ksq = ADD_KW(lex, sq16, 1, 10);
	kcjk = ADD_KW(lex, cjk64, 1, 10);
	COMPILE(lex);

	TEST("term length: 64-code-point terms match, positions exact");
	/* the whole term behind noise and non-BMP characters */
	snprintf(doc, sizeof(doc), "xyz\U0001F600 %s!", t64);
	SCAN(lex, doc, &res);
	CHECK_INT(count_hits(&res, k64, -1), 1);
	CHECK_INT(nth_hit(&res, k64, 0)->cstart, 5);
	CHECK_INT(nth_hit(&res, k64, 0)->cend, 69);
	CHECK_INT(nth_hit(&res, k64, 0)->bstart, 8);
	CHECK_INT(nth_hit(&res, k64, 0)->bend, 72);
	/* 100 a's: 37 overlapping occurrences */
	memset(doc, 'A', 100);
	doc[100] = '\0';
	SCAN(lex, doc, &res);
	CHECK_INT(count_hits(&res, k64, -1), 37);
	for (int i = 0; i < res.nhits; i++)
		if (res.hits[i].cstart != i || res.hits[i].cend != i + 64 ||
			(int) res.hits[i].bstart != i)
		{
			CHECK(!"64-long occurrences at every offset");
			break;
		}
	/* noise inside a 64-long match */
	snprintf(doc, sizeof(doc), "%s", spaced);
	for (char *p = doc; *p; p++)
		if (*p == 'c')
			*p = 'a';
	SCAN(lex, doc, &res);
	CHECK_INT(count_hits(&res, k64, -1), 1);
	CHECK_INT(nth_hit(&res, k64, 0)->cend, 127);
	doc[PV_MAX_TERM * 2 - 1] = '\0';	/* the hit: the text without its last space */
	HIT_TEXT(doc, nth_hit(&res, k64, 0), doc);

	/* 64 code points from 16 expansions */
	snprintf(doc, sizeof(doc), "x%s", sq16);
	SCAN(lex, doc, &res);
	CHECK_INT(count_hits(&res, ksq, -1), 1);
	CHECK_INT(nth_hit(&res, ksq, 0)->cstart, 1);
	CHECK_INT(nth_hit(&res, ksq, 0)->cend, 17);
	CHECK_INT(nth_hit(&res, ksq, 0)->bstart, 1);
	CHECK_INT(nth_hit(&res, ksq, 0)->bend, 49);
	snprintf(doc, sizeof(doc), "%s", sq17);
	SCAN(lex, doc, &res);
	CHECK_INT(count_hits(&res, ksq, -1), 2);
	CHECK(count_hits(&res, ksq, -1) == 2 && nth_hit(&res, ksq, 1)->cstart == 1 &&
		  nth_hit(&res, ksq, 1)->cend == 17);

	/* 64 Traditional characters, matched in Simplified */
	{
		char		big[PV_MAX_TERM * 3 + 8];

		for (int i = 0; i < PV_MAX_TERM; i++)
			memcpy(big + 3 * i, "杀", 3);
		memcpy(big + PV_MAX_TERM * 3, "杀", 4);
		SCAN(lex, big, &res);
		CHECK_INT(count_hits(&res, kcjk, -1), 2);
	}

	pv_result_free(&res);
	pv_lexicon_free(lex);
}

static void
test_term_errors(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	const char *empty[] = {"", " ", "\u3000\u200B", "*.-", "，：,:、", "\U0001F600\U0001F44D\U0001F3FD",
	"\xEF\xBF\xBD", "\xFF\xFE", "\u0301"};
	const char *brk[] = {"杀。人", "杀!", "！", "a\nb", "杀；", "?", "a\r", "；杀"};
	pv_result	res;

	TEST("term errors: empty and punctuation-only terms");
	pv_result_init(&res);
	warm_result(&res);
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
	{
		CHECK_INT(pv_term_check(empty[i], strlen(empty[i])), PV_ERR_EMPTY);
		CHECK_INT(pv_lexicon_add_keyword(lex, empty[i], strlen(empty[i]), 1, 1), PV_ERR_EMPTY);
	}
	CHECK_INT(pv_lexicon_add_exclusion(lex, "  ", 2), PV_ERR_EMPTY);
	CHECK_INT(pv_lexicon_add_negation(lex, "  ", 2, 3), PV_ERR_EMPTY);
	CHECK_INT(pv_lexicon_add_proximity(lex, "刀", strlen("刀"), "**", 2, 3, 1, 1), PV_ERR_EMPTY);
	CHECK_INT(pv_lexicon_add_proximity(lex, "", 0, "刀", strlen("刀"), 3, 1, 1), PV_ERR_EMPTY);

	TEST("term errors: clause breaks");
	for (size_t i = 0; i < sizeof(brk) / sizeof(brk[0]); i++)
	{
		CHECK_INT(pv_term_check(brk[i], strlen(brk[i])), PV_ERR_BREAK);
		CHECK_INT(pv_lexicon_add_keyword(lex, brk[i], strlen(brk[i]), 1, 1), PV_ERR_BREAK);
	}
	CHECK_INT(pv_lexicon_add_exclusion(lex, "杀。", strlen("杀。")), PV_ERR_BREAK);
	CHECK_INT(pv_term_check("杀，人", strlen("杀，人")), PV_OK);	/* soft breaks are fine */

	TEST("term errors: ranges");
	CHECK_INT(pv_lexicon_add_negation(lex, "没有", strlen("没有"), -1), PV_ERR_RANGE);
	CHECK_INT(pv_lexicon_add_negation(lex, "没有", strlen("没有"), PV_MAX_WINDOW + 1), PV_ERR_RANGE);
	CHECK(pv_lexicon_add_negation(lex, "没有", strlen("没有"), PV_MAX_WINDOW) >= 0);
	CHECK(pv_lexicon_add_negation(lex, "没有", strlen("没有"), 3) >= 0);	/* again */
	CHECK_INT(pv_lexicon_add_proximity(lex, "a", 1, "b", 1, -1, 1, 1), PV_ERR_RANGE);
	CHECK_INT(pv_lexicon_add_proximity(lex, "a", 1, "b", 1, PV_MAX_WINDOW + 1, 1, 1), PV_ERR_RANGE);
	CHECK(pv_lexicon_add_proximity(lex, "a", 1, "b", 1, PV_MAX_WINDOW, 1, 1) >= 0);

	TEST("lexicon state errors");
	CHECK_INT(pv_scan(lex, "a", 1, &res), PV_ERR_STATE);
	CHECK_INT(pv_scan(NULL, "a", 1, &res), PV_ERR_STATE);
	CHECK_INT(pv_lexicon_memory(lex), 0);
	COMPILE(lex);
	CHECK_INT(pv_lexicon_compile(lex), PV_ERR_STATE);
	CHECK_INT(pv_lexicon_add_keyword(lex, "杀", strlen("杀"), 1, 1), PV_ERR_STATE);
	CHECK_INT(pv_lexicon_add_exclusion(lex, "杀", strlen("杀")), PV_ERR_STATE);
	CHECK_INT(pv_lexicon_add_negation(lex, "不", strlen("不"), 3), PV_ERR_STATE);
	CHECK_INT(pv_lexicon_add_proximity(lex, "a", 1, "c", 1, 3, 1, 1), PV_ERR_STATE);
	CHECK_INT(pv_lexicon_keyword_count(lex), 0);
	/* the failed adds did not break it */
	SCAN(lex, "没有a, b", &res);
	CHECK_INT(res.nrules, 0);	/* a is negated by 没有 */
	SCAN(lex, "a, b", &res);
	CHECK_INT(res.nrules, 1);

	TEST("pv_strerror");
	for (int e = 0; e >= -8; e--)
		CHECK(pv_strerror(e) != NULL && pv_strerror(e)[0] != '\0');
	CHECK(strstr(pv_strerror(PV_ERR_TOO_LONG), "64") != NULL);

	pv_lexicon_free(lex);
	pv_lexicon_free(NULL);
	pv_result_free(&res);
}

static void
test_empty(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_lexicon *none = pv_lexicon_new();
	pv_result	res;

	TEST("empty text and empty lexicon");
	pv_result_init(&res);
	ADD_KW(lex, "杀人", 1, 10);
	COMPILE(lex);
	COMPILE(none);
	SCAN(lex, "", &res);
	CHECK_INT(res.nhits, 0);
	CHECK_INT(res.nrules, 0);
	CHECK_INT(res.score, 0);
	CHECK_INT(pv_scan(lex, NULL, 0, &res), PV_OK);
	CHECK_INT(res.nhits, 0);
	SCAN(lex, " \u3000\U0001F600。！\n", &res);
	CHECK_INT(res.nhits, 0);
	SCAN(none, "杀人。abc", &res);
	CHECK_INT(res.nhits, 0);
	CHECK_INT(res.score, 0);
	SCAN(none, "", &res);
	CHECK_INT(res.nhits, 0);
	pv_result_free(&res);
	pv_result_free(&res);		/* twice is fine */
	pv_lexicon_free(lex);
	pv_lexicon_free(none);
}

static void
test_big_text(void)
{
	const char *unit = "他说\U0001F600要殺 了你，\U00020000还有杀虫剂。";
	size_t		ulen = strlen(unit);
	size_t		n = (size_t) 5 * 1024 * 1024 / ulen;
	size_t		len;
	char	   *doc = repeat(unit, n, &len);
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0,
				k1,
				bad = 0;
	size_t		b_sha = strstr(unit, "殺") - unit;
	size_t		b_sha_end = strstr(unit, "你") - unit + 3;
	size_t		b_sha2 = strstr(unit, "杀") - unit;

	TEST("5 MB text with many hits");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "杀了你", 1, 10);
	k1 = ADD_KW(lex, "杀", 1, 5);
	CHECK(pv_lexicon_add_exclusion(lex, "杀虫剂", strlen("杀虫剂")) >= 0);
	COMPILE(lex);
	CHECK(len >= 5000000);
	scan_at(__LINE__, lex, doc, len, &res);
	CHECK_INT(res.nhits, 3 * n);
	CHECK_INT(count_hits(&res, k0, PV_HIT_OK), n);
	CHECK_INT(count_hits(&res, k1, PV_HIT_OK), n);
	CHECK_INT(count_hits(&res, k1, PV_HIT_EXCLUDED), n);
	CHECK_INT(res.score, 15);
	for (size_t u = 0; u < n && res.nhits == (int32_t) (3 * n) && bad < 5; u++)
	{
		const pv_hit *h = &res.hits[3 * u];
		int64_t		c0 = (int64_t) u * 16;
		size_t		b0 = u * ulen;

		if (!(h[0].keyword == k1 && h[0].cstart == c0 + 4 && h[0].cend == c0 + 5 &&
			  h[0].bstart == b0 + b_sha && h[0].status == PV_HIT_OK &&
			  h[1].keyword == k0 && h[1].cstart == c0 + 4 && h[1].cend == c0 + 8 &&
			  h[1].bstart == b0 + b_sha && h[1].bend == b0 + b_sha_end &&
			  h[2].keyword == k1 && h[2].cstart == c0 + 12 && h[2].bstart == b0 + b_sha2 &&
			  h[2].status == PV_HIT_EXCLUDED && h[2].clause == (int32_t) u))
		{
			fprintf(stderr, "  unit %zu: unexpected hits\n", u);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
	/* the same counts as a naive search in the normalized text */
	CHECK_INT(naive_count(doc, len, "杀了你"), n);
	CHECK_INT(naive_count(doc, len, "杀"), 2 * n);

	/* one hit at the very end of a 5 MB text of noise and other characters */
	memset(doc, ' ', len);
	for (size_t i = 0; i + 3 <= len; i += 7)
		memcpy(doc + i, "无", 3);
	memcpy(doc + len - 9, "殺了你", 9);
	scan_at(__LINE__, lex, doc, len, &res);
	CHECK_INT(count_hits(&res, k0, PV_HIT_OK), 1);
	CHECK(res.nhits > 0 && res.hits[res.nhits - 1].bend == len);

	pv_result_free(&res);
	pv_lexicon_free(lex);
	free(doc);
}

static void
test_result_reuse(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			k0,
				ok = 1;
	char		many[4096];

	TEST("pv_result reused across many scans");
	pv_result_init(&res);
	k0 = ADD_KW(lex, "杀人", 1, 10);
	ADD_KW(lex, "跳楼", 3, 20);
	CHECK(pv_lexicon_add_exclusion(lex, "杀人鲸", strlen("杀人鲸")) >= 0);
	CHECK(pv_lexicon_add_negation(lex, "没有", strlen("没有"), 5) >= 0);
	CHECK(pv_lexicon_add_proximity(lex, "刀", strlen("刀"), "砍", strlen("砍"), 5, 2, 25) >= 0);
	COMPILE(lex);
	many[0] = '\0';
	for (int i = 0; i < 300; i++)
		strcat(many, "杀人");
	for (int i = 0; i < 3000 && ok; i++)
	{
		switch (i % 5)
		{
			case 0:
				ok = pv_scan(lex, many, strlen(many), &res) == PV_OK &&
					res.nhits == 300 && res.score == 10 && res.nrules == 0;
				break;
			case 1:
				ok = pv_scan(lex, "无事", strlen("无事"), &res) == PV_OK &&
					res.nhits == 0 && res.score == 0 && res.nrules == 0;
				break;
			case 2:
				ok = pv_scan(lex, "拿刀砍人", strlen("拿刀砍人"), &res) == PV_OK &&
					res.nhits == 0 && res.score == 25 && res.nrules == 1;
				break;
			case 3:
				ok = pv_scan(lex, "杀人鲸。没有跳楼", strlen("杀人鲸。没有跳楼"), &res) == PV_OK &&
					res.nhits == 2 && res.score == 0 && res.nrules == 0 &&
					res.hits[0].status == PV_HIT_EXCLUDED && res.hits[1].status == PV_HIT_NEGATED;
				break;
			case 4:
				ok = pv_scan(lex, "", 0, &res) == PV_OK &&
					res.nhits == 0 && res.score == 0 && res.nrules == 0;
				break;
		}
		if (!ok)
			fprintf(stderr, "  scan %d went wrong\n", i);
	}
	CHECK(ok);
	CHECK(res.hits_cap >= 300);
	CHECK_INT(count_hits(&res, k0, -1), 0);
	pv_result_free(&res);
	CHECK(res.hits == NULL && res.hits_cap == 0 && res.nhits == 0);
	pv_lexicon_free(lex);

	TEST("one lexicon, many results");
	{
		pv_result	r[8];

		lex = pv_lexicon_new();
		ADD_KW(lex, "杀人", 1, 10);
		COMPILE(lex);
		for (int i = 0; i < 8; i++)
		{
			pv_result_init(&r[i]);
			SCAN(lex, i % 2 ? "杀人" : "杀人杀人", &r[i]);
		}
		for (int i = 0; i < 8; i++)
		{
			CHECK_INT(r[i].nhits, i % 2 ? 1 : 2);
			pv_result_free(&r[i]);
		}
		pv_lexicon_free(lex);
	}
}

/* what a pv_hit_sink received */
typedef struct sink_log
{
	pv_hit	   *hits;
	size_t		n;
	size_t		cap;
	size_t		batches;
	int			ordered;		/* each hit after the one before, in text order */
	int			long_jump;		/* test_interrupts: longjmp out at the first batch */
} sink_log;

static void
log_sink(void *arg, const pv_hit *hits, int32_t n)
{
	sink_log   *lg = arg;

	if (lg->n + n > lg->cap)
	{
		lg->cap = (lg->n + n) * 2;
		lg->hits = realloc(lg->hits, lg->cap * sizeof(pv_hit));
	}
	for (int32_t i = 0; i < n; i++)
	{
		const pv_hit *prev = lg->n > 0 ? &lg->hits[lg->n - 1] : NULL;

		if (prev && (prev->bstart > hits[i].bstart ||
					 (prev->bstart == hits[i].bstart && (prev->bend > hits[i].bend ||
														  (prev->bend == hits[i].bend && prev->keyword > hits[i].keyword)))))
			lg->ordered = 0;
		lg->hits[lg->n++] = hits[i];
	}
	lg->batches++;
}

/* ------------------------------------------------------------------ */
/* allocation failures                                                 */
/* ------------------------------------------------------------------ */

static long alloc_budget = -1;	/* allocations left; -1: unlimited */
static size_t alloc_fail_size = 0;	/* fail allocations of exactly this size */

static void *
t_alloc(size_t n)
{
	if (alloc_budget == 0 || (alloc_fail_size && n == alloc_fail_size))
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return malloc(n);
}

static void *
t_resize(void *p, size_t n)
{
	if (alloc_budget == 0 || (alloc_fail_size && n == alloc_fail_size))
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return realloc(p, n);
}

static const pv_allocator test_allocator = {t_alloc, t_resize, free};
static const pv_allocator libc_allocator = {malloc, realloc, free};

/* build, compile, normalize, scan; 1 when everything succeeded */
static int
alloc_scenario(int *sane)
{
	const char *doc = "未发现自杀。拿刀砍人，买了杀虫剂，杀了你㍿";
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			ok = 1,
				rc;
	size_t		n;
	char	   *norm;

	*sane = 1;
	if (lex == NULL)
		return 0;
#define STEP(expr) do { rc = (expr); if (rc < 0) { ok = 0; if (rc != PV_ERR_NOMEM) *sane = 0; } } while (0)
	STEP(pv_lexicon_add_keyword(lex, "自杀", strlen("自杀"), 3, 40));
	STEP(pv_lexicon_add_keyword(lex, "杀", strlen("杀"), 1, 5));
	STEP(pv_lexicon_add_keyword(lex, "杀了你", strlen("杀了你"), 1, 30));
	STEP(pv_lexicon_add_keyword(lex, "株式会社", strlen("株式会社"), 9, 1));
	STEP(pv_lexicon_add_exclusion(lex, "杀虫剂", strlen("杀虫剂")));
	STEP(pv_lexicon_add_negation(lex, "未发现", strlen("未发现"), 5));
	STEP(pv_lexicon_add_proximity(lex, "刀", strlen("刀"), "砍", strlen("砍"), 3, 2, 25));
	/* the category scope: 未发现 negates 自杀 and the 杀 in it, so 杀 and 杀了你 too */
	pv_lexicon_set_negation_scope(lex, PV_NEGATE_CATEGORY);
	rc = pv_lexicon_compile(lex);
	if (rc != PV_OK)
	{
		if (rc != PV_ERR_NOMEM)
			*sane = 0;
		pv_lexicon_free(lex);
		return 0;
	}
	norm = pv_normalize(doc, strlen(doc), &n);
	if (norm == NULL)
		ok = 0;
	pv_release(norm);
	pv_result_init(&res);
	for (int i = 0; i < 2; i++)
	{
		STEP(pv_scan(lex, doc, strlen(doc), &res));
		if (rc == PV_OK && ok && (res.score != 26 || res.nrules != 1 || res.nhits != 6))
			*sane = 0;
	}
	/* streamed, flushing at every hit, held and scanned twice (the category scope) */
	pv_result_free(&res);
	res.flush_every = 1;
	res.hold_limit = 1;
	{
		sink_log	lg = {NULL, 0, 0, 0, 1, 0};

		STEP(pv_scan_stream(lex, doc, strlen(doc), 0, &res, log_sink, &lg));
		if (rc == PV_OK && ok && (res.score != 26 || res.nrules != 1 || lg.n != 6))
			*sane = 0;
		free(lg.hits);
	}
	STEP(pv_scan_any(lex, doc, strlen(doc), 0, &res));
#undef STEP
	pv_result_free(&res);
	pv_lexicon_free(lex);
	return ok;
}

static void
test_alloc_failures(void)
{
	int			insane = 0,
				completed = 0;
	long		k;

	TEST("allocation failures: clean errors, no leaks");
	pv_set_allocator(&test_allocator);
	for (k = 0; k < 10000 && !completed; k++)
	{
		int			sane;

		alloc_budget = k;
		completed = alloc_scenario(&sane);
		if (!sane)
			insane++;
	}
	alloc_budget = -1;
	pv_set_allocator(&libc_allocator);
	CHECK(completed);
	CHECK(k > 10);
	CHECK_INT(insane, 0);
}

/*
 * A compile that failed (out of memory) may be retried: it must not write
 * past its arrays or leak.  Run in a child: a memory error aborts it.
 */
static int
compile_retry_child(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			rc1,
				rc2,
				ok;

	pv_result_init(&res);
	pv_lexicon_add_keyword(lex, "杀人", strlen("杀人"), 1, 10);
	pv_lexicon_add_keyword(lex, "跳楼", strlen("跳楼"), 3, 20);
	pv_set_allocator(&test_allocator);
	alloc_fail_size = 65536 * sizeof(uint16_t);	/* the BMP table */
	rc1 = pv_lexicon_compile(lex);
	alloc_fail_size = 0;
	rc2 = pv_lexicon_compile(lex);
	ok = rc1 == PV_ERR_NOMEM && (rc2 == PV_OK || rc2 == PV_ERR_STATE);
	if (rc2 == PV_OK)
		ok = ok && pv_scan(lex, "他要杀人跳楼", strlen("他要杀人跳楼"), &res) == PV_OK &&
			res.nhits == 2 && res.score == 30;
	pv_result_free(&res);
	pv_lexicon_free(lex);
	return ok;
}

static void
test_compile_retry(void)
{
	TEST("compile retried after an allocation failure");
	CHECK(run_in_child(compile_retry_child));
}

/*
 * A never-used result and a text whose only hits are proximity-rule parts
 * (no keyword): nothing to sort, and no undefined behaviour either.
 */
static int
rule_parts_child(void)
{
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	int			ok;

	pv_result_init(&res);
	pv_lexicon_add_proximity(lex, "刀", strlen("刀"), "砍", strlen("砍"), 5, 2, 25);
	pv_lexicon_compile(lex);
	ok = pv_scan(lex, "拿刀去砍人", strlen("拿刀去砍人"), &res) == PV_OK &&
		res.nhits == 0 && res.nrules == 1 && res.score == 25;
	pv_result_free(&res);
	pv_lexicon_free(lex);
	return ok;
}

static void
test_rule_parts_fresh_result(void)
{
	TEST("rule-part hits only, on a fresh result");
	CHECK(run_in_child(rule_parts_child));
}


/* ------------------------------------------------------------------ */
/* memory that does not grow with the text, interrupts                 */
/* ------------------------------------------------------------------ */

static int
cmp_hit_all(const void *x, const void *y)
{
	const pv_hit *a = x,
			   *b = y;

	if (a->bstart != b->bstart)
		return a->bstart < b->bstart ? -1 : 1;
	if (a->bend != b->bend)
		return a->bend < b->bend ? -1 : 1;
	if (a->keyword != b->keyword)
		return a->keyword < b->keyword ? -1 : 1;
	return (a->nstart > b->nstart) - (a->nstart < b->nstart);
}

/*
 * pv_scan_stream with the given knobs against pv_scan: the same occurrences
 * (every field), in text order, the same score, rules and keywords.  Returns
 * the number of batches the sink got.
 */
static size_t
stream_matches_at(int line, const pv_lexicon *lex, const char *doc, size_t len,
				  int32_t flush_every, int32_t hold_limit)
{
	pv_result	ref,
				res;
	sink_log	lg = {NULL, 0, 0, 0, 1, 0};
	int			same = 1;
	size_t		batches;

	pv_result_init(&ref);
	pv_result_init(&res);
	res.flush_every = flush_every;
	res.hold_limit = hold_limit;
	check_int_at(line, pv_scan(lex, doc, len, &ref), PV_OK, "pv_scan");
	check_int_at(line, pv_scan_stream(lex, doc, len, 0, &res, log_sink, &lg), PV_OK, "pv_scan_stream");
	check_int_at(line, res.nhits, 0, "pv_scan_stream leaves no hits in res");
	check_at(line, lg.ordered, "occurrences delivered in text order");
	check_int_at(line, (long long) lg.n, ref.nhits, "occurrences delivered");
	check_int_at(line, res.score, ref.score, "score");
	check_int_at(line, res.nrules, ref.nrules, "rules");
	check_int_at(line, res.nkeywords, ref.nkeywords, "keywords");
	for (int32_t i = 0; i < ref.nrules && i < res.nrules; i++)
		same &= res.rules[i] == ref.rules[i];
	for (int32_t i = 0; i < ref.nkeywords && i < res.nkeywords; i++)
		same &= res.keywords[i] == ref.keywords[i];
	if (lg.n == (size_t) ref.nhits && lg.n > 0)
	{
		qsort(lg.hits, lg.n, sizeof(pv_hit), cmp_hit_all);
		qsort(ref.hits, ref.nhits, sizeof(pv_hit), cmp_hit_all);
		for (size_t i = 0; i < lg.n && same; i++)
		{
			const pv_hit *g = &lg.hits[i],
					   *w = &ref.hits[i];

			same = g->keyword == w->keyword && g->nstart == w->nstart && g->nend == w->nend &&
				g->cstart == w->cstart && g->cend == w->cend && g->bstart == w->bstart &&
				g->bend == w->bend && g->clause == w->clause && g->status == w->status &&
				g->sentence == w->sentence && g->titles == w->titles;
		}
	}
	check_at(line, same, "the same occurrences, rules and keywords as pv_scan");
	batches = lg.batches;

	/* PV_SCAN_BYTES_ONLY: the same occurrences, no character positions */
	{
		sink_log	lb = {NULL, 0, 0, 0, 1, 0};

		check_int_at(line, pv_scan_stream(lex, doc, len, PV_SCAN_BYTES_ONLY, &res, log_sink, &lb), PV_OK,
					 "pv_scan_stream, bytes only");
		check_int_at(line, res.score, ref.score, "score, bytes only");
		check_int_at(line, (long long) lb.n, ref.nhits, "occurrences delivered, bytes only");
		if (lb.n == (size_t) ref.nhits && lb.n > 0)
		{
			qsort(lb.hits, lb.n, sizeof(pv_hit), cmp_hit_all);
			for (size_t i = 0; i < lb.n && same; i++)
			{
				const pv_hit *g = &lb.hits[i],
						   *w = &ref.hits[i];

				same = g->keyword == w->keyword && g->nstart == w->nstart && g->nend == w->nend &&
					g->cstart == -1 && g->cend == -1 && g->bstart == w->bstart &&
					g->bend == w->bend && g->clause == w->clause && g->status == w->status;
			}
		}
		check_at(line, same, "bytes only: the same occurrences, cstart and cend -1");
		free(lb.hits);
	}
	free(lg.hits);
	pv_result_free(&ref);
	pv_result_free(&res);
	return batches;
}

#define STREAM_MATCHES(lex, doc, len, fe, hl) stream_matches_at(__LINE__, (lex), (doc), (len), (fe), (hl))

/* a lexicon with every kind of entry, for long texts */
static pv_lexicon *
stream_lexicon(pv_negation_scope scope)
{
	pv_lexicon *lex = pv_lexicon_new();

	ADD_KW(lex, "持刀", 1, 20);
	ADD_KW(lex, "刀", 1, 5);
	ADD_KW(lex, "枪", 1, 8);
	ADD_KW(lex, "自杀", 3, 40);
	ADD_KW(lex, "株式会社", 5, 2);	/* ㍿ */
	ADD_KW(lex, "i", 6, 1);		/* three in ⅲ */
	CHECK(pv_lexicon_add_exclusion(lex, "刀削面", strlen("刀削面")) >= 0);
	CHECK(pv_lexicon_add_negation(lex, "未发现", strlen("未发现"), 10) >= 0);
	CHECK(pv_lexicon_add_proximity(lex, "丈夫", strlen("丈夫"), "刀", strlen("刀"), 6, 2, 30) >= 0);
	CHECK(pv_lexicon_add_proximity(lex, "拿", strlen("拿"), "棍", strlen("棍"), 3, 2, 10) >= 0);
	pv_lexicon_set_negation_scope(lex, scope);
	COMPILE(lex);
	return lex;
}

static void
test_stream_equivalence(void)
{
	const char *units[] = {
		"报警人称其丈夫持刀威胁，", "吃了一碗刀削面。", "经核实未发现自杀倾向；", "他拿着枪\n",
		"㍿ⅲ", "\U00020000拿 木 棍", "持\u200b刀", "无事。", "枪枪枪刀刀"
	};
	size_t		nunits = sizeof(units) / sizeof(units[0]);
	char	   *doc = malloc(400000);
	size_t		len = 0;
	unsigned	seed = 12345;

	TEST("pv_scan_stream: the same as pv_scan on long texts, whatever the window");
	/* a pseudo-random mix, the denial somewhere in the middle */
	while (len + 64 < 200000)
	{
		const char *u;

		seed = seed * 1103515245u + 12345u;
		u = units[(seed >> 16) % nunits];
		memcpy(doc + len, u, strlen(u));
		len += strlen(u);
	}
	for (int sc = 0; sc < 2; sc++)
	{
		pv_lexicon *lex = stream_lexicon(sc ? PV_NEGATE_CATEGORY : PV_NEGATE_OCCURRENCE);

		/* defaults: flushed every 1,024 entries, held up to 8,192 occurrences */
		CHECK(STREAM_MATCHES(lex, doc, len, 0, 0) > 1 || sc == 1);
		STREAM_MATCHES(lex, doc, len, 1, 1);	/* flush at every hit, the second pass */
		STREAM_MATCHES(lex, doc, len, 3, 100);
		STREAM_MATCHES(lex, doc, len, 1000000, 0);	/* one flush, at the end */
		STREAM_MATCHES(lex, doc, 5000, 2, 0);
		STREAM_MATCHES(lex, "", 0, 1, 1);
		STREAM_MATCHES(lex, "拿了棍子持刀", strlen("拿了棍子持刀"), 1, 1);
		pv_lexicon_free(lex);
	}
	free(doc);
}

static int	interrupts;
static jmp_buf interrupt_jump;
static int	interrupt_jumps;	/* longjmp out at the nth call, 0: never */

static void
count_interrupt(void)
{
	if (++interrupts == interrupt_jumps)
		longjmp(interrupt_jump, 1);
}

/*
 * A hit-dense 5 MB text: pv_scan keeps every occurrence, pv_scan_stream
 * keeps a window of a few kB; the category scope's denial at the very end
 * reaches back to the first occurrence (through the second pass).
 */
static void
test_stream_memory(void)
{
	size_t		len;
	char	   *doc = repeat("持刀枪刀刀削面，", 5 * 1024 * 1024 / 24, &len);
	pv_lexicon *lex = stream_lexicon(PV_NEGATE_CATEGORY);
	pv_result	res;
	sink_log	lg = {NULL, 0, 0, 0, 1, 0};
	int32_t		nhits;
	size_t		all;
	int			negated_first;

	TEST("pv_scan_stream: memory that does not grow with the text");
	pv_result_init(&res);
	CHECK_INT(pv_scan(lex, doc, len, &res), PV_OK);
	nhits = res.nhits;
	all = pv_result_memory(&res);
	CHECK(nhits > 1000000);
	CHECK(all > (size_t) nhits * sizeof(pv_hit));
	pv_result_trim(&res, 64 * 1024);
	CHECK(pv_result_memory(&res) < 64 * 1024);
	CHECK_INT(res.score, 33);	/* 持刀 + 刀 + 枪; the rule has no 丈夫 */
	CHECK_INT(res.nkeywords, 3);
	pv_result_free(&res);

	pv_result_init(&res);
	CHECK_INT(pv_scan_stream(lex, doc, len, 1, &res, NULL, NULL), PV_OK);
	CHECK_INT(res.score, 33);
	CHECK(pv_result_memory(&res) < 64 * 1024);
	CHECK_INT(pv_scan_stream(lex, doc, len, 1, &res, log_sink, &lg), PV_OK);
	CHECK_INT((long long) lg.n, nhits);
	CHECK(lg.ordered);
	CHECK(lg.batches > 100);	/* delivered as found, not at the end */
	CHECK(pv_result_memory(&res) < 512 * 1024);
	free(lg.hits);

	/* a denial at the very end: every 刀 (category 1) becomes negated, the first too */
	memcpy(doc + len - 24, "未发现持刀。", strlen("未发现持刀。"));
	memset(doc + len - 24 + strlen("未发现持刀。"), ' ', 24 - strlen("未发现持刀。"));
	memset(&lg, 0, sizeof(lg));
	lg.ordered = 1;
	interrupts = 0;
	pv_interrupt_hook = count_interrupt;
	CHECK_INT(pv_scan_stream(lex, doc, len, 1, &res, log_sink, &lg), PV_OK);
	pv_interrupt_hook = NULL;
	CHECK(interrupts >= 8);		/* two passes over 5 MB */
	CHECK_INT(res.score, 0);
	negated_first = lg.n > 0 && lg.hits[0].status == PV_HIT_NEGATED;
	CHECK(negated_first);
	CHECK(lg.ordered);
	CHECK(pv_result_memory(&res) < 512 * 1024);
	free(lg.hits);
	STREAM_MATCHES(lex, doc, 300000, 0, 0);
	pv_result_free(&res);
	pv_lexicon_free(lex);
	free(doc);
}

static void
test_scan_any(void)
{
	size_t		len;
	char	   *doc = repeat("无关的文字，", 5 * 1024 * 1024 / 18, &len);
	pv_lexicon *plain = pv_lexicon_new();
	pv_lexicon *filtered = pv_lexicon_new();
	pv_result	res;

	TEST("pv_scan_any: the first occurrence, or a full scan with filters");
	pv_result_init(&res);
	ADD_KW(plain, "杀人", 1, 1);
	ADD_KW(plain, "放火", 1, 1);
	COMPILE(plain);
	ADD_KW(filtered, "杀人", 1, 1);
	CHECK(pv_lexicon_add_exclusion(filtered, "杀人鲸", strlen("杀人鲸")) >= 0);
	COMPILE(filtered);

	CHECK_INT(pv_scan_any(plain, "他要杀 人", strlen("他要杀 人"), 0, &res), 1);
	CHECK_INT(pv_scan_any(plain, "无事", strlen("无事"), 0, &res), 0);
	CHECK_INT(pv_scan_any(plain, "", 0, 1, &res), 0);
	CHECK_INT(pv_scan_any(filtered, "杀人鲸", strlen("杀人鲸"), 0, &res), 0);
	CHECK_INT(pv_scan_any(filtered, "杀人鲸杀人", strlen("杀人鲸杀人"), 0, &res), 1);

	/* it stops at the first: no interrupt check before the end of the first megabyte */
	interrupts = 0;
	pv_interrupt_hook = count_interrupt;
	memcpy(doc, "放火", strlen("放火"));
	CHECK_INT(pv_scan_any(plain, doc, len, 1, &res), 1);
	CHECK_INT(interrupts, 0);
	memcpy(doc, "无关", strlen("无关"));
	CHECK_INT(pv_scan_any(plain, doc, len, 1, &res), 0);
	CHECK(interrupts >= 4);
	pv_interrupt_hook = NULL;

	pv_result_free(&res);
	pv_lexicon_free(plain);
	pv_lexicon_free(filtered);
	free(doc);
}

/*
 * Long loops call the interrupt hook, which may longjmp out (PostgreSQL's
 * does on a cancel): the result is then usable for the next scan.
 */
static void
test_interrupts(void)
{
	size_t		len;
	char	   *doc = repeat("他拿刀追砍，㍿。", 5 * 1024 * 1024 / 24, &len);
	pv_lexicon *lex = stream_lexicon(PV_NEGATE_CATEGORY);
	pv_result	res;
	sink_log	lg = {NULL, 0, 0, 0, 1, 0};
	size_t		bufcap = 3 * PV_INTERRUPT_EVERY;
	char	   *buf = malloc(bufcap);
	size_t		pos = 0,
				out = 0;
	int			ok;

	TEST("interrupt hook: normalization, scans, the positions walk; longjmp out");
	pv_result_init(&res);
	interrupts = 0;
	pv_interrupt_hook = count_interrupt;
	while (pos < len)
		out += pv_normalize_chunk(doc, len, &pos, buf, bufcap);
	CHECK(out > len / 2);
	CHECK(interrupts >= 4);

	/* one occurrence at the very end: the walk to its character position is checked too */
	memset(doc, ' ', len);
	memcpy(doc + len - 6, "持刀", 6);
	interrupts = 0;
	CHECK_INT(pv_scan_stream(lex, doc, len, 1, &res, log_sink, &lg), PV_OK);
	CHECK(interrupts >= 8);
	CHECK(lg.n == 2 && lg.hits[0].cstart == (int64_t) len - 6);
	free(lg.hits);

	/* out in the middle of a scan, then the same result again */
	memcpy(doc, "持刀", 6);
	interrupts = 0;
	interrupt_jumps = 2;
	if (setjmp(interrupt_jump) == 0)
	{
		pv_scan_stream(lex, doc, len, 1, &res, NULL, NULL);
		ok = 0;
	}
	else
		ok = 1;
	interrupt_jumps = 0;
	pv_interrupt_hook = NULL;
	CHECK(ok);
	CHECK_INT(pv_scan_stream(lex, "丈夫持刀", strlen("丈夫持刀"), 1, &res, NULL, NULL), PV_OK);
	CHECK_INT(res.score, 55);
	CHECK_INT(res.nrules, 1);
	scan_at(__LINE__, lex, "丈夫持刀", strlen("丈夫持刀"), &res);
	CHECK_INT(res.nhits, 2);
	pv_result_free(&res);
	pv_lexicon_free(lex);
	free(buf);
	free(doc);
}

/* pv_normalize_chunk through the smallest buffer gives pv_normalize's text */
static void
test_normalize_chunk(void)
{
	const char *text = "ＫＴＶ門口有人 持-刀 鬥毆。㍿ⅲ\U00020000\xff\xe4\xb8";
	size_t		len = strlen(text);
	size_t		n,
				pos = 0,
				out = 0;
	char	   *whole = pv_normalize(text, len, &n);
	char		buf[PV_NORM_MAX_BYTES];
	char		got[1024];
	size_t		calls = 0;

	TEST("pv_normalize_chunk: piece by piece, the same text");
	while (pos < len)
	{
		size_t		w = pv_normalize_chunk(text, len, &pos, buf, sizeof(buf));

		CHECK(out + w < sizeof(got));
		memcpy(got + out, buf, w);
		out += w;
		calls++;
	}
	CHECK(calls > 1);
	CHECK(out == n && memcmp(got, whole, n) == 0);
	pos = len;
	CHECK_INT(pv_normalize_chunk(text, len, &pos, buf, sizeof(buf)), 0);
	free(whole);
}

/* pv_key: the stored form of party, unit and key values */
static void
test_key(void)
{
	char		out[PV_KEY_MAX + 1];
	char		big[3 * 1000 + 1];
	char		other[sizeof(big)];
	char		out2[PV_KEY_MAX + 1];
	size_t		n,
				n2;

	CHECK_INT(pv_key("A所", strlen("A所"), out), strlen("A所"));
	CHECK(memcmp(out, "A所", strlen("A所")) == 0);
	/* exactly the limit: unchanged */
	memset(big, 'x', PV_KEY_MAX);
	CHECK_INT(pv_key(big, PV_KEY_MAX, out), PV_KEY_MAX);
	/* 1,000 three-byte characters: cut at a character boundary, then …# and 16 hex digits */
	for (int i = 0; i < 1000; i++)
		memcpy(big + 3 * i, "长", 3);
	big[3000] = '\0';
	n = pv_key(big, 3000, out);
	CHECK(n <= PV_KEY_MAX);
	CHECK_INT(n, 180 + 3 + 1 + 16);
	CHECK(memcmp(out, big, 180) == 0);
	CHECK(memcmp(out + 180, "\xe2\x80\xa6#", 4) == 0);
	for (size_t i = n - 16; i < n; i++)
		CHECK(strchr("0123456789abcdef", out[i]) != NULL);
	/* the same input, the same form; another input (a difference past the prefix), another hash */
	CHECK_INT(pv_key(big, 3000, out2), n);
	CHECK(memcmp(out, out2, n) == 0);
	memcpy(other, big, sizeof(big));
	memcpy(other + 2997, "短", 3);
	n2 = pv_key(other, 3000, out2);
	CHECK_INT(n2, n);
	CHECK(memcmp(out, out2, n) != 0);
}

/* ------------------------------------------------------------------ */
/* index keys (prevent.gin_ops)                                        */
/* ------------------------------------------------------------------ */

/* does the sorted key set have key, or (a range key) one in its range? */
static int
keys_have(const pv_index_keys *doc, pv_index_key key)
{
	for (int32_t i = 0; i < doc->n; i++)
		if (pv_index_key_is_range(key) ? pv_index_key_in_range(key, doc->keys[i]) : doc->keys[i] == key)
			return 1;
	return 0;
}

/* do a text's keys have every key of the term (what the index answers)? */
static int
keys_say(const pv_index_keys *doc, const pv_index_keys *term)
{
	for (int32_t i = 0; i < term->n; i++)
		if (!keys_have(doc, term->keys[i]))
			return 0;
	return 1;
}

/* is normalize(term) a substring of normalize(doc) (what the operator answers)? */
static int
norm_contains(const char *doc, const char *term)
{
	size_t		dn,
				tn;
	char	   *d = pv_normalize(doc, strlen(doc), &dn);
	char	   *t = pv_normalize(term, strlen(term), &tn);
	int			r = 0;

	for (size_t i = 0; !r && i + tn <= dn; i++)
		r = memcmp(d + i, t, tn) == 0;

	free(d);
	free(t);
	return r;
}

/* the term's keys and whether they prove it: PV_SEARCH_* */
static int
term_keys(const char *term, pv_index_keys *out, int *proves)
{
	out->n = 0;
	return pv_term_keys(term, strlen(term), out, proves);
}

static void
test_index_keys_basic(void)
{
	pv_index_keys doc = {0};
	pv_index_keys term = {0};
	int			proves;
	static const struct
	{
		const char *term;
		int			search;
		int			proves;
	}			cases[] = {
		{"刀", PV_SEARCH_KEYS, 1},
		{"杀人", PV_SEARCH_KEYS, 1},
		{"殺 人", PV_SEARCH_KEYS, 1},	/* normalizes to 杀人 */
		{"杀了你", PV_SEARCH_KEYS, 1},
		{"尽。", PV_SEARCH_KEYS, 1},	/* a break last: keyed with the break */
		{"杀人!", PV_SEARCH_KEYS, 1},
		{"杀。人", PV_SEARCH_KEYS, 0},	/* keyed only up to the break */
		{"。人", PV_SEARCH_KEYS, 0},		/* the break before it is not keyed */
		{"。杀人", PV_SEARCH_KEYS, 0},
		{"同归于尽", PV_SEARCH_KEYS, 0},	/* two trigrams may occur apart */
		{"㍿", PV_SEARCH_KEYS, 0},		/* 株式会社: four characters */
		{"式会", PV_SEARCH_KEYS, 1},
		{"。", PV_SEARCH_NO_KEYS, 0},
		{"！！", PV_SEARCH_NO_KEYS, 0},
		{" ，", PV_SEARCH_EMPTY, 0},
		{"", PV_SEARCH_EMPTY, 0},
	};

	TEST("index keys: which terms the keys prove");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		CHECK_INT(term_keys(cases[i].term, &term, &proves), cases[i].search);
		CHECK_INT(proves, cases[i].proves);
		if (cases[i].proves)
			CHECK_INT(term.n, 1);
	}

	TEST("index keys: a text's keys, sorted and unique");
	CHECK_INT(pv_text_keys("哈哈哈哈", strlen("哈哈哈哈"), &doc), 0);
	CHECK_INT(doc.n, 3);		/* 哈哈哈, 哈哈END, 哈END END */
	CHECK_INT(pv_text_keys("殺 人。刀", strlen("殺 人。刀"), &doc), 0);
	CHECK_INT(doc.n, 3);		/* 杀人。, 人。END, 刀END END */
	for (int32_t i = 1; i < doc.n; i++)
		CHECK(doc.keys[i - 1] < doc.keys[i]);
	CHECK_INT(pv_text_keys("", 0, &doc), 0);
	CHECK_INT(doc.n, 0);
	CHECK_INT(pv_text_keys("。！ ，", strlen("。！ ，"), &doc), 0);
	CHECK_INT(doc.n, 0);

	TEST("index keys: noise between characters, breaks, expansions");
	pv_text_keys("要杀 了 你", strlen("要杀 了 你"), &doc);
	term_keys("杀了你", &term, &proves);
	CHECK(proves && keys_say(&doc, &term));
	pv_text_keys("要杀。了你", strlen("要杀。了你"), &doc);
	CHECK(!keys_say(&doc, &term));
	term_keys("杀了", &term, &proves);
	CHECK(!keys_say(&doc, &term));	/* 杀 is followed by a break, not by 了 */
	pv_text_keys("株式会社の㍿", strlen("株式会社の㍿"), &doc);
	term_keys("社の", &term, &proves);
	CHECK(proves && keys_say(&doc, &term));
	term_keys("社株", &term, &proves);
	CHECK(proves && !keys_say(&doc, &term) && !norm_contains("株式会社の㍿", "社株"));
	pv_text_keys("同归于尽的归于尽头", strlen("同归于尽的归于尽头"), &doc);
	term_keys("归于尽头", &term, &proves);
	CHECK(!proves && keys_say(&doc, &term));
	/* ABC ... BCD: both trigrams, not ABCD; a proof would be wrong */
	pv_text_keys("甲乙丙，乙丙丁", strlen("甲乙丙，乙丙丁"), &doc);
	term_keys("甲乙丙丁", &term, &proves);
	CHECK(!proves && keys_say(&doc, &term) && !norm_contains("甲乙丙，乙丙丁", "甲乙丙丁"));

	TEST("index keys: range keys");
	CHECK(pv_index_key_is_range(pv_index_key_make(0x5200, PV_IKEY_END, PV_IKEY_END)));
	CHECK(pv_index_key_is_range(pv_index_key_make(0x5200, 0x4EBA, PV_IKEY_END)));
	CHECK(!pv_index_key_is_range(pv_index_key_make(0x5200, 0x3002, PV_IKEY_END)));	/* 。 */
	CHECK(!pv_index_key_is_range(pv_index_key_make(0x5200, 0x4EBA, 0x4E86)));
	CHECK(pv_index_key_in_range(pv_index_key_make(0x5200, PV_IKEY_END, PV_IKEY_END),
								pv_index_key_make(0x5200, 0x3002, PV_IKEY_END)));
	CHECK(!pv_index_key_in_range(pv_index_key_make(0x5200, 0x4EBA, PV_IKEY_END),
								 pv_index_key_make(0x5200, 0x3002, PV_IKEY_END)));
	free(doc.keys);
	free(term.keys);
}

/* a small deterministic generator (xorshift64*) */
static uint64_t keys_rng = 0x9E3779B97F4A7C15ull;

static uint32_t
keys_rand(uint32_t n)
{
	keys_rng ^= keys_rng >> 12;
	keys_rng ^= keys_rng << 25;
	keys_rng ^= keys_rng >> 27;
	return (uint32_t) ((keys_rng * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

/*
 * Pieces texts and terms are made of: a few characters (Simplified and
 * Traditional, full-width and ASCII letters), noise (spaces, dots,
 * zero-width space, emoji), soft and hard breaks, and an expansion.
 */
static const char *const key_pieces[] = {
	"杀", "殺", "人", "了", "你", "刀", "扬", "揚", "言", "a", "Ａ", "A",
	"株", "式", "会", "社", "㍿",
	" ", ".", "\xE2\x80\x8B", "😀", "，", "：",
	"。", "！", "\n", ";",
};
#define NPIECES ((uint32_t) (sizeof(key_pieces) / sizeof(key_pieces[0])))

static void
random_text(char *buf, size_t cap, int maxpieces)
{
	int			n = (int) keys_rand((uint32_t) maxpieces + 1);

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
	{
		/* characters more often than noise and breaks */
		uint32_t	p = keys_rand(3) ? keys_rand(12) : keys_rand(NPIECES);

		if (strlen(buf) + strlen(key_pieces[p]) < cap)
			strcat(buf, key_pieces[p]);
	}
}

/*
 * The index's answer against the operator's over random texts and terms:
 * every text containing a term has its keys (no row is missed), and a term
 * the keys prove is contained in every text that has its keys (no row is
 * returned without recheck that the operator would refuse).
 */
static void
test_index_keys_random(void)
{
	int			rounds = quick ? 20000 : 100000;
	long		missed = 0,
				wrong_proof = 0,
				proved = 0,
				rechecked = 0;
	pv_index_keys doc = {0};
	pv_index_keys term = {0};

	TEST("index keys: random texts and terms, keys against the operator");
	for (int r = 0; r < rounds; r++)
	{
		char		d[256],
					t[64];
		int			proves,
					search,
					truth,
					say;

		random_text(t, sizeof(t), 1 + (int) keys_rand(5));
		if (keys_rand(2))
			random_text(d, sizeof(d), 14);
		else
		{
			/* the term inside, between random pieces */
			char		a[64],
						b[64];

			random_text(a, sizeof(a), 6);
			random_text(b, sizeof(b), 6);
			snprintf(d, sizeof(d), "%s%s%s", a, t, b);
		}
		search = term_keys(t, &term, &proves);
		if (search != PV_SEARCH_KEYS)
			continue;			/* an error, or the whole index rechecked */
		CHECK_INT(pv_text_keys(d, strlen(d), &doc), 0);
		truth = norm_contains(d, t);
		say = keys_say(&doc, &term);
		if (truth && !say)
		{
			if (missed++ == 0)
				fprintf(stderr, "  missed: text \"%s\", term \"%s\"\n", d, t);
		}
		if (proves && say && !truth)
		{
			if (wrong_proof++ == 0)
				fprintf(stderr, "  wrong proof: text \"%s\", term \"%s\"\n", d, t);
		}
		if (say && proves)
			proved++;
		else if (say)
			rechecked++;
	}
	CHECK_INT(missed, 0);
	CHECK_INT(wrong_proof, 0);
	/* both paths were taken often */
	CHECK(proved > rounds / 100);
	CHECK(rechecked > rounds / 100);
	free(doc.keys);
	free(term.keys);
}

/* any-of: the kept terms find exactly the texts all the terms find */
static void
test_terms_minimal(void)
{
	const char *terms[] = {"刀", "菜刀", "持刀", "刀", "扬言", "扬言要杀", "杀", "同归于尽", "归于"};
	size_t		lens[9];
	uint8_t		keep[9];
	int			rounds = quick ? 2000 : 20000;
	long		differ = 0;

	TEST("pv_terms_minimal: substrings and duplicates");
	for (int i = 0; i < 9; i++)
		lens[i] = strlen(terms[i]);
	CHECK_INT(pv_terms_minimal(terms, lens, 9, keep), 0);
	CHECK(keep[0] && !keep[1] && !keep[2] && !keep[3]);
	CHECK(keep[4] && !keep[5] && keep[6] && !keep[7] && keep[8]);
	CHECK_INT(pv_terms_minimal(terms, lens, 0, keep), 0);

	TEST("pv_terms_minimal: random term sets, any-of unchanged");
	for (int r = 0; r < rounds; r++)
	{
		char		tbuf[8][32];
		char	   *norm[8];
		size_t		nlen[8];
		int			n = 1 + (int) keys_rand(8);
		int			nn = 0;
		char		d[256];
		int			all = 0,
					kept = 0;

		for (int i = 0; i < n; i++)
		{
			random_text(tbuf[i], sizeof(tbuf[i]), 1 + (int) keys_rand(3));
			norm[nn] = pv_normalize(tbuf[i], strlen(tbuf[i]), &nlen[nn]);
			if (nlen[nn] == 0)
				free(norm[nn]);
			else
				nn++;
		}
		CHECK_INT(pv_terms_minimal((const char *const *) norm, nlen, nn, keep), 0);
		random_text(d, sizeof(d), 14);
		for (int i = 0; i < nn; i++)
		{
			int			c = norm_contains(d, norm[i]);

			all |= c;
			kept |= c && keep[i];
		}
		differ += all != kept;
		for (int i = 0; i < nn; i++)
			free(norm[i]);
	}
	CHECK_INT(differ, 0);
}

int
main(void)
{
	const char *q = getenv("CORE_TEST_QUICK");

	quick = q != NULL && q[0] != '\0' && strcmp(q, "0") != 0;

	test_normalize_basic();
	test_utf8_decoder();
	test_normalize_idempotent();
	test_match_single();
	test_match_multiple();
	test_match_overlap();
	test_match_noise();
	test_match_breaks();
	test_exclusions();
	test_negation();
	test_negation_category();
	test_negation_category_cost();
	test_proximity();
	test_score();
	test_positions_nonbmp();
	test_sentences_titles();
	test_one_char_terms();
	test_term_limits();
	test_term_errors();
	test_empty();
	test_big_text();
	test_result_reuse();
	test_alloc_failures();
	test_compile_retry();
	test_rule_parts_fresh_result();
	test_stream_equivalence();
	test_stream_memory();
	test_scan_any();
	test_interrupts();
	test_normalize_chunk();
	test_key();
	test_index_keys_basic();
	test_index_keys_random();
	test_terms_minimal();

	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
