/*
 * parties.c — phone and resident ID numbers in narratives, canonical party
 * values (pure C).  Works on normalized text, where full-width digits are
 * ASCII and the spaces, dashes, brackets and + inside numbers are gone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "matcher.h"
#include "normalize.h"
#include "parties.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
pv_resident_id_valid(const char *s, size_t len)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int			sum = 0;
	char		last;

	if (len != 18)
		return 0;
	for (int i = 0; i < 17; i++)
	{
		if (!is_digit(s[i]))
			return 0;
		sum += (s[i] - '0') * w[i];
	}
	last = s[17] == 'x' ? 'X' : s[17];
	return check[sum % 11] == last;
}

/* a mobile number: 1[3-9] and 9 more digits */
static int
is_mobile(const char *s, size_t len)
{
	if (len != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return 0;
	for (size_t i = 0; i < 11; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* the 11-digit mobile number in a digit run, with an optional 86 / 0086 prefix */
static const char *
mobile_in(const char *s, size_t len)
{
	if (len == 11 && is_mobile(s, 11))
		return s;
	if (len == 13 && memcmp(s, "86", 2) == 0 && is_mobile(s + 2, 11))
		return s + 2;
	if (len == 15 && memcmp(s, "0086", 4) == 0 && is_mobile(s + 4, 11))
		return s + 4;
	return NULL;
}

static int
add(pv_parties *out, const char *s, size_t len, int upper_x)
{
	char	   *copy;

	if (out->n == out->cap)
	{
		int			cap = out->cap ? out->cap * 2 : 8;
		char	  **items = out->items ? pv_resize(out->items, cap * sizeof(char *))
			: pv_alloc(cap * sizeof(char *));

		if (items == NULL)
			return PV_ERR_NOMEM;
		out->items = items;
		out->cap = cap;
	}
	copy = pv_alloc(len + 1);
	if (copy == NULL)
		return PV_ERR_NOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	if (upper_x && len > 0 && copy[len - 1] == 'x')
		copy[len - 1] = 'X';
	out->items[out->n++] = copy;
	return PV_OK;
}

/*
 * Normalization drops the separators between numbers as it drops those
 * inside one (138-0000-1111): "13800001111，13900002222" becomes one run of
 * 22 digits.  A run that divides exactly into mobile numbers and valid
 * resident ID numbers, read from the left, is taken as those numbers; any
 * other run (an order or card number) gives nothing.
 */
#define MAX_NUMBER_RUN 180		/* a run of more digits is no list of numbers */

static int
add_run_of_numbers(pv_parties *out, const char *s, size_t len)
{
	/* step[p]: the length of the number starting at p on a division of s[p..] (0: none) */
	unsigned char step[MAX_NUMBER_RUN + 1];
	int			rc = PV_OK;

	if (len > MAX_NUMBER_RUN)
		return PV_OK;
	step[len] = 1;				/* the end: divided */
	for (size_t p = len; p-- > 0;)
	{
		step[p] = 0;
		if (len - p >= 11 && step[p + 11] && is_mobile(s + p, 11))
			step[p] = 11;		/* a mobile number first: they are what parties call from */
		else if (len - p >= 18 && step[p + 18] && pv_resident_id_valid(s + p, 18))
			step[p] = 18;
	}
	if (step[0] == 0)
		return PV_OK;
	for (size_t p = 0; p < len && rc == PV_OK; p += step[p])
		rc = add(out, s + p, step[p], step[p] == 18);
	return rc;
}

int
pv_parties_from_text(pv_parties *out, const char *text, size_t len)
{
	size_t		nlen;
	char	   *norm = pv_normalize(text, len, &nlen);
	size_t		i = 0;
	int			rc = PV_OK;

	if (norm == NULL)
		return PV_ERR_NOMEM;
	while (i < nlen && rc == PV_OK)
	{
		size_t		start = i;
		const char *m;

		if (!is_digit(norm[i]))
		{
			i++;
			continue;
		}
		while (i < nlen && is_digit(norm[i]))
			i++;
		/* a run of digits, maximal: 17 digits and an x make an ID number */
		if (i - start == 17 && i < nlen && norm[i] == 'x' &&
			(i + 1 == nlen || !is_digit(norm[i + 1])))
		{
			if (pv_resident_id_valid(norm + start, 18))
				rc = add(out, norm + start, 18, 1);
			i++;
		}
		else if (i - start == 18 && pv_resident_id_valid(norm + start, 18) &&
				 (i == nlen || norm[i] != 'x'))
			rc = add(out, norm + start, 18, 1);
		else if ((m = mobile_in(norm + start, i - start)) != NULL &&
				 (i == nlen || norm[i] != 'x'))
			rc = add(out, m, 11, 0);
		else if (i - start >= 22 && (i == nlen || norm[i] != 'x'))
			rc = add_run_of_numbers(out, norm + start, i - start);
	}
	pv_release(norm);
	return rc;
}

int
pv_parties_add_value(pv_parties *out, const char *value, size_t len)
{
	size_t		nlen;
	char	   *norm;
	const char *m;
	int			rc;
	pv_parties	listed = {0};

	/* a list of numbers in one column ("13800001111/13900002222"): each of them */
	rc = pv_parties_from_text(&listed, value, len);
	if (rc == PV_OK && listed.n >= 2)
		for (int i = 0; rc == PV_OK && i < listed.n; i++)
			rc = add(out, listed.items[i], strlen(listed.items[i]), 0);
	if (rc != PV_OK || listed.n >= 2)
	{
		pv_parties_free(&listed);
		return rc;
	}
	pv_parties_free(&listed);

	norm = pv_normalize(value, len, &nlen);
	if (norm == NULL)
		return PV_ERR_NOMEM;
	if (nlen == 0)
		rc = PV_OK;
	else if ((m = mobile_in(norm, nlen)) != NULL)
		rc = add(out, m, 11, 0);
	else if (nlen > PV_KEY_MAX)
	{
		char		key[PV_KEY_MAX + 1];

		rc = add(out, key, pv_key(norm, nlen, key), 0);
	}
	else
		rc = add(out, norm, nlen, pv_resident_id_valid(norm, nlen));
	pv_release(norm);
	return rc;
}

size_t
pv_key(const char *value, size_t len, char *out)
{
	static const char hexdigits[] = "0123456789abcdef";
	static const char mark[] = "\xe2\x80\xa6#";	/* …# */
	uint64_t	h = UINT64_C(14695981039346656037);
	size_t		keep = PV_KEY_MAX - (sizeof(mark) - 1) - 16;
	size_t		n;

	if (len <= PV_KEY_MAX)
	{
		memcpy(out, value, len);
		return len;
	}
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char) value[i]) * UINT64_C(1099511628211);
	/* back up to the start of a character */
	while (keep > 0 && ((unsigned char) value[keep] & 0xC0) == 0x80)
		keep--;
	memcpy(out, value, keep);
	n = keep;
	memcpy(out + n, mark, sizeof(mark) - 1);
	n += sizeof(mark) - 1;
	for (int shift = 60; shift >= 0; shift -= 4)
		out[n++] = hexdigits[(h >> shift) & 0xF];
	return n;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

void
pv_parties_finish(pv_parties *out)
{
	int			u = 0;

	if (out->n == 0)
		return;
	qsort(out->items, out->n, sizeof(char *), cmp_str);
	for (int i = 0; i < out->n; i++)
	{
		if (u > 0 && strcmp(out->items[u - 1], out->items[i]) == 0)
			pv_release(out->items[i]);
		else
			out->items[u++] = out->items[i];
	}
	out->n = u;
}

void
pv_parties_free(pv_parties *out)
{
	for (int i = 0; i < out->n; i++)
		pv_release(out->items[i]);
	pv_release(out->items);
	memset(out, 0, sizeof(*out));
}
