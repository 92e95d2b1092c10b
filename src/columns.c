/*
 * columns.c — several narrative columns as one text (prevent.h).
 */
#include "postgres.h"

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
