/*
 * owner.c — where prevent's own objects are, and how C code runs SQL on
 * them safely.
 *
 * prevent_schema_oid() is the schema of the installed extension, found
 * through pg_extension (by OID, never by the name "prevent", which another
 * role could otherwise have created or taken over); prevent_owner_oid() is
 * the owner of the extension; prevent_extension_version() is its
 * pg_extension.extversion, the version of its SQL objects (which the
 * library's PREVENT_VERSION may differ from between make install and
 * ALTER EXTENSION prevent UPDATE).
 *
 * Every SPI use in prevent's C code goes through prevent_spi_begin() and
 * prevent_spi_end(), which do what PostgreSQL does for its own internal
 * queries (RI triggers, REFRESH MATERIALIZED VIEW): optionally switch to the
 * extension owner, mark the section a security-restricted operation, and pin
 * search_path to "pg_catalog, pg_temp" (pg_temp last, so that no type,
 * table, function or operator a caller creates in pg_temp or in any schema
 * of its search_path is resolved by prevent's queries).  An error inside the
 * section needs no clean-up: the transaction abort restores the user id and
 * the GUC nest level.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "prevent.h"

Oid
prevent_extension_oid(void)
{
	Oid			ext = get_extension_oid("prevent", true);

	if (!OidIsValid(ext))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"prevent\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION prevent.")));
	return ext;
}

/*
 * prevent's row of pg_extension: its extnamespace into *nsp and, if version
 * is not NULL, its extversion (palloc'd) into *version (PostgreSQL 15
 * exports no function for either)
 */
static void
extension_row(Oid *nsp, char **version)
{
	Oid			ext = prevent_extension_oid();
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	*nsp = InvalidOid;
	if (version != NULL)
		*version = NULL;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		*nsp = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
		if (version != NULL)
		{
			bool		isnull;
			Datum		d = heap_getattr(tup, Anum_pg_extension_extversion, RelationGetDescr(rel), &isnull);

			if (!isnull)
				*version = TextDatumGetCString(d);
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (!OidIsValid(*nsp) || (version != NULL && *version == NULL))
		elog(ERROR, "row of extension \"prevent\" not found in pg_extension");
}

/* pg_extension.extnamespace of prevent */
Oid
prevent_schema_oid(void)
{
	Oid			nsp;

	extension_row(&nsp, NULL);
	return nsp;
}

/* pg_extension.extversion of prevent, palloc'd */
char *
prevent_extension_version(void)
{
	Oid			nsp;
	char	   *version;

	extension_row(&nsp, &version);
	return version;
}

/* the role that owns the extension's tables (in schema nsp): who runs its internal functions */
Oid
prevent_owner_oid(Oid nsp)
{
	Oid			alert = get_relname_relid("alert", nsp);
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(alert))
		elog(ERROR, "table alert of extension \"prevent\" does not exist");
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(alert));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", alert);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

void
prevent_spi_begin(PreventSpi *s, Oid run_as)
{
	GetUserIdAndSecContext(&s->save_userid, &s->save_sec_context);
	SetUserIdAndSecContext(OidIsValid(run_as) ? run_as : s->save_userid,
						   s->save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	s->save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

void
prevent_spi_end(PreventSpi *s)
{
	SPI_finish();
	AtEOXact_GUC(true, s->save_nestlevel);
	SetUserIdAndSecContext(s->save_userid, s->save_sec_context);
}
