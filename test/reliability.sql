-- pgTAP: an incident row is never rejected because of prevent.  Hostile rows a dispatch
-- system can send (a party or unit value too long for an index entry, a key as long,
-- dates at the limits of timestamptz) each load with their alert; an alert that still
-- cannot be written (here: a constraint a DBA added) is kept in prevent.alert_failure
-- with its error and a WARNING, and the incident row stays inserted.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(24);
SET LOCAL client_min_messages = error;  -- the WARNING of the kept-back alert below

\ir fixtures/lexicon.sql
CREATE TABLE hostile (id text PRIMARY KEY, unit text, caller text, body text, at timestamptz);
SELECT prevent.watch('hostile', 'body', unit_column => 'unit', party_columns => '{caller}',
					 occurred_column => 'at', alert_level => 'low');

-- incompressible values far beyond a btree or GIN entry (about 2,700 bytes)
CREATE TEMP TABLE big AS
SELECT string_agg(md5(i::text), '') AS v, string_agg(md5((i + 1000)::text), '') AS w
  FROM generate_series(1, 300) i;

SELECT lives_ok($$INSERT INTO hostile SELECT 'long-party', 'A所', v, '男子持刀滋事', now() FROM big$$,
	'a party value of 9,600 bytes loads');
SELECT results_eq($$SELECT length(p), right(p, 17) ~ '^#[0-9a-f]{16}$', left(p, 20) = (SELECT left(v, 20) FROM big)
					 FROM prevent.alert a, unnest(a.parties) p WHERE a.source_key = 'long-party'$$,
	$$VALUES (198, true, true)$$,
	'it is stored as its first characters and a hash: at most 200 bytes');
SELECT lives_ok($$INSERT INTO hostile SELECT 'long-party-2', 'B所', v, '再次持刀滋事', now() FROM big$$,
	'the same long value again loads');
SELECT results_eq($$SELECT repeat FROM prevent.alert WHERE source_key = 'long-party-2'$$, $$VALUES (true)$$,
	'and is the same party: a repeat');
SELECT is((prevent.parties('', ARRAY[(SELECT v FROM big)]))[1],
		  (SELECT p FROM prevent.alert a, unnest(a.parties) p WHERE a.source_key = 'long-party'),
	'prevent.parties() gives the same stored form');

SELECT lives_ok($$INSERT INTO hostile SELECT 'long-unit', w, NULL, '男子持刀滋事', now() FROM big$$,
	'a unit value of 9,600 bytes loads');
SELECT results_eq($$SELECT length(a.unit), length(w.unit) FROM prevent.alert a JOIN prevent.work_order w ON w.alert_id = a.id
					 WHERE a.source_key = 'long-unit'$$,
	$$VALUES (198, 198)$$, 'its alert and order carry the unit''s stored form');
-- (a table whose key column has no index of its own: its own primary key would refuse it)
CREATE TABLE hostile_log (case_no text, body text);
SELECT prevent.watch('hostile_log', 'body', key_column => 'case_no');
SELECT lives_ok($$INSERT INTO hostile_log SELECT v, '男子持刀滋事' FROM big$$,
	'a key of 9,600 bytes loads');

SELECT lives_ok($$INSERT INTO hostile VALUES
		('late', 'A所', '13900000001', '男子持刀滋事', '294276-12-30 00:00+00'),
		('early', 'A所', '13900000001', '男子持刀滋事', '4713-01-02 00:00+00 BC'),
		('endless', 'A所', '13900000001', '男子持刀滋事', 'infinity')$$,
	'dates within the repeat window of the limits of timestamptz load (no 22008)');
SELECT results_eq($$SELECT source_key, repeat FROM prevent.alert WHERE source_key IN ('late', 'early', 'endless') ORDER BY id$$,
	$$VALUES ('late', false), ('early', false), ('endless', false)$$,
	'each gets its alert; none is within 30 days of another');

-- a constraint a DBA added that an alert violates: the row loads, the alert is kept back
ALTER TABLE prevent.alert ADD CONSTRAINT no_test_alerts CHECK (source_key <> 'kept-back');
SELECT lives_ok($$INSERT INTO hostile VALUES ('before', 'A所', NULL, '男子持刀滋事', now()),
		('kept-back', 'A所', NULL, '男子持刀滋事', now()), ('after', 'A所', NULL, '男子持刀滋事', now())$$,
	'an alert that cannot be written does not reject its row, nor the statement');
SELECT results_eq($$SELECT id FROM hostile WHERE id IN ('before', 'kept-back', 'after') ORDER BY id$$,
	$$VALUES ('after'), ('before'), ('kept-back')$$, 'all three rows are inserted');
SELECT results_eq($$SELECT source_key FROM prevent.alert WHERE source_key IN ('before', 'kept-back', 'after') ORDER BY id$$,
	$$VALUES ('before'), ('after')$$, 'the other alerts of the statement are written');
SELECT results_eq($$SELECT source::text, source_key, unit, sqlstate, (input).level::text FROM prevent.alert_failure$$,
	$$VALUES ('hostile', 'kept-back', 'A所', '23514', 'high')$$,
	'the kept-back alert is in prevent.alert_failure with its SQLSTATE');

-- placeholders are no party: eight incidents of caller 不详 in eight stations make no repeat
CREATE TABLE calls (id serial PRIMARY KEY, unit text, caller text, body text);
SELECT prevent.watch('calls', 'body', unit_column => 'unit', party_columns => '{caller}');
INSERT INTO calls (unit, caller, body) SELECT 'P' || i, '不详', '男子持刀滋事' FROM generate_series(1, 8) i;
SELECT results_eq($$SELECT count(*) FILTER (WHERE a.repeat), count(*) FILTER (WHERE a.parties = '{}') FROM prevent.alert a WHERE a.unit LIKE 'P%'$$,
	$$VALUES (0::bigint, 8::bigint)$$, 'a placeholder of prevent.party_ignore is left out of the parties: no repeat');
-- a department's switchboard, written as a dispatcher would, is stored canonical
INSERT INTO prevent.party_ignore (party, note) VALUES ('+86 138-0000-9999', 'the switchboard');
SELECT is((SELECT party FROM prevent.party_ignore WHERE note = 'the switchboard'), '13800009999',
	'a value added to prevent.party_ignore is stored in canonical form');
SELECT throws_ok($$INSERT INTO prevent.party_ignore (party) VALUES ('——')$$, '23514',
	'party "——" is not one party value after normalization', 'a value that is no party is refused');
INSERT INTO calls (unit, caller, body) SELECT 'Q' || i, '13800009999', '男子持刀滋事' FROM generate_series(1, 3) i;
SELECT results_eq($$SELECT count(*) FILTER (WHERE a.repeat) FROM prevent.alert a WHERE a.unit LIKE 'Q%'$$,
	$$VALUES (0::bigint)$$, 'and links no incidents either');
-- a real party in eight stations: the eighth alert's orders go to its unit and the 5 latest others
INSERT INTO calls (unit, caller, body) SELECT 'R' || i, '13912345678', '男子持刀滋事' FROM generate_series(1, 8) i;
SELECT results_eq($$SELECT count(*) FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.unit = 'R8'$$,
	$$VALUES (6::bigint)$$, 'a repeat fans out to at most cross_jurisdiction_max_units (5) other units');
SELECT throws_ok($$UPDATE prevent.setting SET value = '101' WHERE name = 'cross_jurisdiction_max_units'$$,
	'22023', NULL, 'the cap is 0 to 100');
-- two numbers in one party column, separated as dispatchers write them
SELECT is(prevent.parties('', ARRAY['13800001111/13900002222', '13700003333、13600004444']),
	'{13600004444,13700003333,13800001111,13900002222}'::text[], 'a party column listing numbers gives each of them');

-- the repeat check reads prevent.party_incident, kept with the alerts
SELECT is((SELECT count(*) FROM prevent.party_incident),
		  (SELECT sum(cardinality(parties)) FROM prevent.alert), 'prevent.party_incident has every party of every alert');
INSERT INTO calls (unit, caller, body) VALUES ('S1', '13711112222', '男子持刀滋事');
DELETE FROM prevent.event e USING prevent.alert a WHERE a.id = e.alert_id AND a.unit = 'S1';
DELETE FROM prevent.escalation x USING prevent.work_order w, prevent.alert a
 WHERE x.work_order_id = w.id AND a.id = w.alert_id AND a.unit = 'S1';
DELETE FROM prevent.work_order w USING prevent.alert a WHERE a.id = w.alert_id AND a.unit = 'S1';
DELETE FROM prevent.alert WHERE unit = 'S1';
INSERT INTO calls (unit, caller, body) VALUES ('S2', '13711112222', '男子持刀滋事');
SELECT results_eq($$SELECT repeat FROM prevent.alert WHERE unit = 'S2'$$, $$VALUES (false)$$,
	'a deleted alert''s parties go with it: the next incident of its party is no repeat');
CREATE TEMP TABLE before_refresh AS SELECT * FROM prevent.party_incident;
SELECT prevent.refresh_stats();
SELECT set_eq($$SELECT * FROM prevent.party_incident$$, $$SELECT * FROM before_refresh$$,
	'prevent.refresh_stats() rebuilds prevent.party_incident to what the writer kept');

SELECT * FROM finish();
ROLLBACK;
