-- fixture: how every pgTAP file of test/citus/t/ runs on the coordinator (psql settings, the
-- incident tables' schema on the search_path); included first with \ir ../fixture.sql
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;
SET search_path = "$user", public, jingqing;
