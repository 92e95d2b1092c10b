\echo Use "ALTER EXTENSION prevent UPDATE TO '0.4.0'" to load this file. \quit

/* ------------------------------------------------------------------------
 * prevent 0.3.0 -> 0.4.0, for ALTER EXTENSION prevent UPDATE.
 *
 * 0.3.0 is the install script prevent--0.3.0.sql (commit d7c3ef1's
 * src/sql); 0.4.0 is src/sql now.  This script takes a 0.3.0 database to
 * exactly what CREATE EXTENSION prevent makes in 0.4.0, keeping every row
 * (test/upgrade.sh updates a 0.1.0 database through every release to here
 * and compares it with a fresh install).  The rules are those of
 * prevent--0.1.0--0.2.0.sql: existing objects change in place, new ones are
 * created as in src/sql, built-in rows are added unless the database has a
 * row with that key, and the last sections close new objects to PUBLIC and
 * re-grant what add_member gives.
 * ------------------------------------------------------------------------ */
