/*
 * bi_reader.c — read a query's result through ODBC, as a BI tool does.
 *
 *   bi_reader 'CONNECTION STRING' 'SELECT ...'
 *
 * Prints one line per column, "# name sqltype" (the SQL type the driver reports, by its
 * ODBC name), then the rows, the values tab-separated as text (SQL_C_CHAR, UTF-8), NULL as
 * \N.  Exits 1 with the driver's diagnostics on any error.  Used by test/odbc.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sql.h>
#include <sqlext.h>

static void
fail(const char *what, SQLSMALLINT type, SQLHANDLE h)
{
	SQLCHAR		state[6];
	SQLCHAR		msg[1024];
	SQLINTEGER	native;
	SQLSMALLINT len;

	fprintf(stderr, "bi_reader: %s failed\n", what);
	for (SQLSMALLINT i = 1; SQLGetDiagRec(type, h, i, state, &native, msg, sizeof(msg), &len) == SQL_SUCCESS; i++)
		fprintf(stderr, "  %s: %s\n", state, msg);
	exit(1);
}

static const char *
type_name(SQLSMALLINT t)
{
	switch (t)
	{
		case SQL_CHAR: return "CHAR";
		case SQL_VARCHAR: return "VARCHAR";
		case SQL_LONGVARCHAR: return "LONGVARCHAR";
		case SQL_WCHAR: return "WCHAR";
		case SQL_WVARCHAR: return "WVARCHAR";
		case SQL_WLONGVARCHAR: return "WLONGVARCHAR";
		case SQL_NUMERIC: return "NUMERIC";
		case SQL_DECIMAL: return "DECIMAL";
		case SQL_INTEGER: return "INTEGER";
		case SQL_SMALLINT: return "SMALLINT";
		case SQL_BIGINT: return "BIGINT";
		case SQL_DOUBLE: return "DOUBLE";
		case SQL_REAL: return "REAL";
		case SQL_BIT: return "BIT";
		case SQL_TYPE_DATE: return "DATE";
		case SQL_TYPE_TIMESTAMP: return "TIMESTAMP";
		default: return "OTHER";
	}
}

int
main(int argc, char **argv)
{
	SQLHENV		env;
	SQLHDBC		dbc;
	SQLHSTMT	stmt;
	SQLSMALLINT ncols;
	char		value[65536];

	if (argc != 3)
	{
		fprintf(stderr, "usage: bi_reader 'CONNECTION STRING' 'QUERY'\n");
		return 2;
	}
	SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
	SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER) SQL_OV_ODBC3, 0);
	SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
	if (!SQL_SUCCEEDED(SQLDriverConnect(dbc, NULL, (SQLCHAR *) argv[1], SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT)))
		fail("connecting", SQL_HANDLE_DBC, dbc);
	SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt);
	if (!SQL_SUCCEEDED(SQLExecDirect(stmt, (SQLCHAR *) argv[2], SQL_NTS)))
		fail("the query", SQL_HANDLE_STMT, stmt);
	SQLNumResultCols(stmt, &ncols);
	for (SQLSMALLINT c = 1; c <= ncols; c++)
	{
		SQLCHAR		name[256];
		SQLSMALLINT namelen, type, digits, nullable;
		SQLULEN		size;

		SQLDescribeCol(stmt, c, name, sizeof(name), &namelen, &type, &size, &digits, &nullable);
		printf("# %s %s\n", name, type_name(type));
	}
	while (SQL_SUCCEEDED(SQLFetch(stmt)))
		for (SQLSMALLINT c = 1; c <= ncols; c++)
		{
			SQLLEN		ind;

			if (!SQL_SUCCEEDED(SQLGetData(stmt, c, SQL_C_CHAR, value, sizeof(value), &ind)))
				fail("reading a value", SQL_HANDLE_STMT, stmt);
			printf("%s%s", ind == SQL_NULL_DATA ? "\\N" : value, c == ncols ? "\n" : "\t");
		}
	SQLFreeHandle(SQL_HANDLE_STMT, stmt);
	SQLDisconnect(dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	return 0;
}
