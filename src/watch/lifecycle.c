/*
 * lifecycle.c — the C function behind prevent.review, accept, feedback,
 * close and evaluate.
 *
 * prevent_act() runs prevent._<name>(same arguments..., actor) as the
 * extension owner, passing the calling role as the actor, which the
 * internal function checks against prevent.unit_member: station staff act
 * only through these functions and need no right on the tables.  The call
 * of each internal function is prepared once and kept in watch_state
 * (watch.h), by the OID of the public function: forgotten with the rest of
 * the state when the extension is dropped, and all at once should more
 * functions than it holds ever be called.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "prevent.h"
#include "watch/watch.h"

PG_FUNCTION_INFO_V1(prevent_act);

/* the kept call of prevent._<name> for the public function fn_oid */
static SPIPlanPtr
act_plan(Oid fn_oid, int nargs_called)
{
	Oid		   *argtypes;
	int			nargs;
	Oid			types[FUNC_MAX_ARGS];
	StringInfoData sql;
	SPIPlanPtr	plan;

	for (int i = 0; i < watch_state.n_act_plans; i++)
		if (watch_state.act_plans[i].fn_oid == fn_oid)
			return watch_state.act_plans[i].plan;

	get_func_signature(fn_oid, &argtypes, &nargs);
	if (nargs + 1 > FUNC_MAX_ARGS || nargs != nargs_called)
		elog(ERROR, "unexpected signature of function %u", fn_oid);
	initStringInfo(&sql);
	/* the internal function beside the public one: prevent._<name> */
	appendStringInfo(&sql, "SELECT %s.%s(",
					 quote_identifier(get_namespace_name(get_func_namespace(fn_oid))),
					 quote_identifier(psprintf("_%s", get_func_name(fn_oid))));
	for (int i = 0; i <= nargs; i++)
	{
		types[i] = i < nargs ? argtypes[i] : NAMEOID;
		appendStringInfo(&sql, "%s$%d", i ? ", " : "", i + 1);
	}
	appendStringInfoChar(&sql, ')');
	plan = SPI_prepare(sql.data, nargs + 1, types);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");

	if (watch_state.n_act_plans == WATCH_MAX_ACT_PLANS)
	{
		for (int i = 0; i < watch_state.n_act_plans; i++)
			SPI_freeplan(watch_state.act_plans[i].plan);
		watch_state.n_act_plans = 0;
	}
	watch_state.act_plans[watch_state.n_act_plans].fn_oid = fn_oid;
	watch_state.act_plans[watch_state.n_act_plans].plan = plan;
	watch_state.n_act_plans++;
	return plan;
}

Datum
prevent_act(PG_FUNCTION_ARGS)
{
	Datum		values[FUNC_MAX_ARGS];
	char		nulls[FUNC_MAX_ARGS];
	PreventSpi	spi;
	Oid			rettype;
	int16		typlen;
	bool		typbyval;
	Datum		result;
	bool		isnull;
	int			rc;

	for (int i = 0; i < PG_NARGS(); i++)
	{
		values[i] = PG_GETARG_DATUM(i);
		nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
	}
	values[PG_NARGS()] = DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(GetUserId(), false)));
	nulls[PG_NARGS()] = ' ';

	prevent_spi_begin(&spi, watch_owner());
	rc = SPI_execute_plan(act_plan(fcinfo->flinfo->fn_oid, PG_NARGS()), values, nulls, false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "prevent lifecycle call failed: %s", SPI_result_code_string(rc));
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	rettype = SPI_gettypeid(SPI_tuptable->tupdesc, 1);
	get_typlenbyval(rettype, &typlen, &typbyval);
	if (!isnull)
		result = SPI_datumTransfer(result, typbyval, typlen);
	prevent_spi_end(&spi);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}
