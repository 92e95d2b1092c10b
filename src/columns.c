/*
 * columns.c — several narrative columns as one text (prevent.h).
 *
 * The watch trigger joins a row's narrative columns; the text[] forms of
 * explain, highlight, assess and score take them as an array
 * (prevent_columns_get) and map a position in the joined text back to its
 * column (prevent_column_of).  Nothing here is kept across calls.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "prevent.h"

/*
 * The values (text datums; a NULL one counts as empty) joined with
 * PREVENT_COLUMN_BREAK between them.  starts, if not NULL, gets the byte
 * offset of each value in the result.  n must be at least 1.
 */
text *
prevent_join_columns(const Datum *values, const bool *nulls, int n, int32 *starts)
{
	Size		len = n - 1;
	text	   *out;
	char	   *p;

	Assert(n >= 1);
	for (int i = 0; i < n; i++)
		if (!nulls[i])
			len += VARSIZE_ANY_EXHDR(DatumGetPointer(values[i]));
	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("narrative columns are %zu bytes together, more than a text can hold", len)));
	out = (text *) palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	p = VARDATA(out);
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			*p++ = PREVENT_COLUMN_BREAK;
		if (starts != NULL)
			starts[i] = (int32) (p - VARDATA(out));
		if (!nulls[i])
		{
			text	   *t = DatumGetTextPP(values[i]);
			Size		tl = VARSIZE_ANY_EXHDR(t);

			memcpy(p, VARDATA_ANY(t), tl);
			p += tl;
		}
	}
	return out;
}

/*
 * docs, a one-dimensional text[] (or an empty one: no text), as columns
 * joined into cols; the character offsets too if chars (explain needs them,
 * a count over the text; assess and score do not).  Allocates in the
 * current context.
 */
void
prevent_columns_get(ArrayType *docs, bool chars, PvColumns *cols)
{
	Datum	   *values;
	int			n;

	if (ARR_NDIM(docs) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("narrative columns must be a one-dimensional array"),
				 errdetail("The array has %d dimensions.", ARR_NDIM(docs)),
				 errhint("Pass the columns as ARRAY[column1, column2, ...].")));
	Assert(ARR_ELEMTYPE(docs) == TEXTOID);
	deconstruct_array(docs, TEXTOID, -1, false, TYPALIGN_INT, &values, &cols->nulls, &n);
	cols->n = n;
	cols->lbound = ARR_NDIM(docs) == 1 ? ARR_LBOUND(docs)[0] : 1;
	cols->bstarts = palloc(sizeof(int32) * (n + 1));
	if (n == 0)
	{
		cols->joined = cstring_to_text_with_len("", 0);
		cols->bstarts[0] = 1;
	}
	else
	{
		cols->joined = prevent_join_columns(values, cols->nulls, n, cols->bstarts);
		cols->bstarts[n] = (int32) (VARSIZE(cols->joined) - VARHDRSZ + 1);
	}
	cols->cstarts = NULL;
	if (chars)
	{
		const char *joined = VARDATA(cols->joined);

		cols->cstarts = palloc(sizeof(int64) * (n + 1));
		cols->cstarts[0] = 0;
		for (int i = 0; i < n; i++)
			cols->cstarts[i + 1] = cols->cstarts[i] + 1 +
				pg_mbstrlen_with_len(joined + cols->bstarts[i], cols->bstarts[i + 1] - 1 - cols->bstarts[i]);
	}
	pfree(values);
}

/*
 * The column (0-based) of the character at offset cstart of the joined text
 * (cols->cstarts filled): the last one starting at or before it.
 */
int
prevent_column_of(const PvColumns *cols, int64 cstart)
{
	int			lo = 0,
				hi = cols->n - 1;

	Assert(cols->cstarts != NULL && cols->n > 0);
	while (lo < hi)
	{
		int			mid = lo + (hi - lo + 1) / 2;

		if (cols->cstarts[mid] <= cstart)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}
