/*
 * parties_funcs.c — SQL functions over the parties of an incident (the
 * pure code is core/parties.c): prevent.parties() and
 * prevent.resident_id_valid(), and the text[] of parties the alert writer
 * stores.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "core/parties.h"
#include "prevent.h"

PG_FUNCTION_INFO_V1(prevent_parties);
PG_FUNCTION_INFO_V1(prevent_resident_id_valid);

void
prevent_check_parties(int rc)
{
	if (rc != PV_OK)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

/* the canonical parties gathered in ps, sorted, as text[] */
ArrayType *
prevent_parties_array(pv_parties *ps)
{
	Datum	   *elems = palloc(sizeof(Datum) * (ps->n + 1));

	pv_parties_finish(ps);
	for (int i = 0; i < ps->n; i++)
		elems[i] = CStringGetTextDatum(ps->items[i]);
	return construct_array(elems, ps->n, TEXTOID, -1, false, TYPALIGN_INT);
}

Datum
prevent_parties(PG_FUNCTION_ARGS)
{
	pv_parties	ps = {0};
	ArrayType  *result;

	if (!PG_ARGISNULL(1))
	{
		ArrayType  *values = PG_GETARG_ARRAYTYPE_P(1);
		Datum	   *elems;
		bool	   *enulls;
		int			n;

		deconstruct_array(values, TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
		for (int i = 0; i < n; i++)
			if (!enulls[i])
			{
				text	   *t = DatumGetTextPP(elems[i]);

				prevent_check_parties(pv_parties_add_value(&ps, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
			}
	}
	if (!PG_ARGISNULL(0))
	{
		text	   *doc = PG_GETARG_TEXT_PP(0);

		prevent_check_parties(pv_parties_from_text(&ps, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc)));
	}
	result = prevent_parties_array(&ps);
	pv_parties_free(&ps);
	PG_RETURN_ARRAYTYPE_P(result);
}

Datum
prevent_resident_id_valid(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(pv_resident_id_valid(VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id)));
}
