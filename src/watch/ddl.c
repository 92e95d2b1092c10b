/*
 * ddl.c — prevent._before_alter_table(), the ddl_command_start event
 * trigger that lets ALTER TABLE ... ALTER COLUMN ... TYPE change a watched
 * column.
 *
 * PostgreSQL refuses to change the type of a column a trigger depends on,
 * and prevent_watch_update depends on every watched column (its UPDATE OF
 * list and WHEN clause, prevent._watch_update_triggers()).  Before an ALTER
 * TABLE that changes a column's type, the update triggers of that table and
 * of its watched descendants are dropped (prevent._drop_update_triggers());
 * prevent._on_alter_table(), at ddl_command_end, checks the new types and
 * makes them again.  If the ALTER TABLE fails, its rollback brings them
 * back.  Only the parse tree tells which table a command will change, and
 * only C can read it; any other command costs a node-tag test.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"

#include "prevent.h"

PG_FUNCTION_INFO_V1(prevent_before_alter_table);

Datum
prevent_before_alter_table(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	AlterTableStmt *stmt;
	ListCell   *lc;
	bool		retype = false;
	Oid			relid;
	Oid			argtype = OIDOID;
	Datum		arg;
	PreventSpi	spi;
	int			rc;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prevent._before_alter_table() must be called as an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;
	if (trigdata->parsetree == NULL || !IsA(trigdata->parsetree, AlterTableStmt))
		PG_RETURN_VOID();
	stmt = (AlterTableStmt *) trigdata->parsetree;
	if (stmt->objtype != OBJECT_TABLE || stmt->relation == NULL)
		PG_RETURN_VOID();
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if (cmd->subtype == AT_AlterColumnType)
			retype = true;
	}
	if (!retype)
		PG_RETURN_VOID();
	/* no lock: ALTER TABLE takes its own; a table it cannot find, it reports */
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		PG_RETURN_VOID();

	prevent_spi_begin(&spi, prevent_owner_oid(prevent_schema_oid()));
	arg = ObjectIdGetDatum(relid);
	rc = SPI_execute_with_args("SELECT prevent._drop_update_triggers($1::pg_catalog.regclass)",
							   1, &argtype, &arg, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "prevent._drop_update_triggers() failed: %s", SPI_result_code_string(rc));
	prevent_spi_end(&spi);
	PG_RETURN_VOID();
}
