-- pgTAP: persons of concern (重点人员) — the registry and its errors; an incident with a risk
-- signal naming an active person raised to the kind's floor and pushed to the person's unit
-- too (INSERT, COPY, row mode, review, back-fill, below the table's alert level); nothing for
-- an incident without a signal or a person outside their period; row-level security, contacts
-- and the one-person-one-plan views.
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(44);

\ir fixtures/lexicon.sql
\ir fixtures/incident_watched.sql
-- one person is named again and again here: no repeats (repeat.sql has those)
UPDATE prevent.watched SET repeat_threshold = 1000;

-- the registry: kinds, canonical identifiers, errors
SELECT results_eq($$SELECT kind, floor::text FROM prevent.person_kind ORDER BY kind$$,
	$$VALUES ('drug', 'high'), ('mental', 'high'), ('minor', 'high'), ('petitioner', 'medium'), ('released', 'medium')$$,
	'the shipped kinds and their floors');
SELECT lives_ok($$INSERT INTO prevent.person (identifier, kind, unit, full_name, valid_from)
	VALUES ('+86 139-0000-1234', 'mental', 'M所', '张某', '2026-01-01+08')$$, 'register a person by a phone typed with +86 and dashes');
SELECT is((SELECT identifier FROM prevent.person WHERE full_name = '张某'), '13900001234', 'the identifier is stored canonical');
SELECT throws_ok($$INSERT INTO prevent.person (identifier, kind, unit) VALUES ('——', 'mental', 'M所')$$,
	'23514', 'identifier "——" is not one party value after normalization', 'an identifier empty after normalization');
SELECT throws_ok($$INSERT INTO prevent.person (identifier, kind, unit) VALUES ('13900001111', 'gambler', 'M所')$$,
	'23503', 'unknown person kind "gambler"', 'an unknown kind');
SELECT throws_ok($$INSERT INTO prevent.person (identifier, kind, unit, valid_from, valid_until)
	VALUES ('13900001111', 'drug', 'M所', '2026-05-01+08', '2026-05-01+08')$$,
	'23514', NULL, 'valid_until not after valid_from');
SELECT throws_ok($$INSERT INTO prevent.person (identifier, kind, unit) VALUES ('13900001111', 'drug', ' ')$$,
	'23514', 'unit of a person must not be empty', 'an empty unit');
SELECT throws_ok($$UPDATE prevent.setting SET value = '4' WHERE name = 'managed_person_tier'$$,
	'22023', 'invalid value "4" for setting "managed_person_tier"', 'managed_person_tier must be a tier');
SELECT ok(NOT has_table_privilege('public', 'prevent.person', 'INSERT')
		  AND NOT has_table_privilege('public', 'prevent.person', 'SELECT')
		  AND NOT has_table_privilege('public', 'prevent.person_contact', 'INSERT')
		  AND NOT has_function_privilege('public', 'prevent.record_contact(bigint, text, timestamptz)', 'EXECUTE')
		  AND has_table_privilege('public', 'prevent.person_kind', 'SELECT')
		  AND NOT has_table_privilege('public', 'prevent.person_kind', 'INSERT'),
	'PUBLIC may neither read nor write the registry, nor record contacts; it may read the kinds');

-- 张某停药后扬言要砍死妻子: medium by the lexicon, high as a managed mental patient
INSERT INTO incident (station, caller_phone, narrative, reported_at)
	VALUES ('A所', '13900001234', '张某停药后扬言要砍死妻子', '2026-03-01 10:00+08');
SELECT results_eq($$SELECT a.level::text, a.status, a.persons = ARRAY[p.id] FROM prevent.alert a, prevent.person p
					 WHERE a.source_key = '1' AND p.full_name = '张某'$$,
	$$VALUES ('high', 'issued', true)$$, 'a threat naming a managed mental patient is raised to high, issued, and records the person');
SELECT results_eq($$SELECT w.unit, w.reason FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
					 WHERE a.source_key = '1' ORDER BY w.id$$,
	$$VALUES ('A所', 'risk_level'), ('M所', 'managed_person')$$, 'the incident''s unit and the person''s unit each get an order');
SELECT results_eq($$SELECT w.unit, e.tier, e.reason FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
					 JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = '1' ORDER BY w.unit, e.tier, e.reason$$,
	$$VALUES ('A所', 1::smallint, 'managed_person'), ('A所', 1::smallint, 'risk_level'),
			 ('M所', 1::smallint, 'managed_person'), ('M所', 1::smallint, 'risk_level')$$,
	'both orders are followed by the level''s tier and by managed_person_tier');

-- no risk signal: naming the person is no risk
INSERT INTO incident (station, caller_phone, narrative, reported_at)
	VALUES ('A所', '13900001234', '张某家属来所咨询办证事宜', '2026-03-02 10:00+08');
SELECT is((SELECT count(*) FROM prevent.alert WHERE source_key = '2'), 0::bigint, 'an incident with no risk signal naming the person gets no alert');

-- the number in another form, in the narrative
INSERT INTO incident (station, narrative, reported_at)
	VALUES ('B所', '报警人称139 0000 1234又扬言报复邻居', '2026-03-03 10:00+08');
SELECT results_eq($$SELECT a.level::text, (SELECT array_agg(w.unit ORDER BY w.id) FROM prevent.work_order w WHERE w.alert_id = a.id)
					 FROM prevent.alert a WHERE a.source_key = '3'$$,
	$$VALUES ('high', '{B所,M所}'::text[])$$, 'the person''s number written in the narrative with spaces matches too');

-- outside the period: expired, not yet active
INSERT INTO prevent.person (identifier, kind, unit, valid_from, valid_until) VALUES
	('13900005555', 'drug', 'N所', '2025-01-01+08', '2026-01-01+08'),
	('13900006666', 'drug', 'N所', '2027-01-01+08', NULL);
INSERT INTO incident (station, caller_phone, narrative, reported_at) VALUES
	('C所', '13900005555', '邻里纠纷', '2026-03-04 10:00+08'),
	('C所', '13900006666', '邻里纠纷', '2026-03-04 11:00+08');
SELECT results_eq($$SELECT a.source_key, a.level::text, a.persons, a.status,
						  (SELECT count(*) FROM prevent.work_order w WHERE w.alert_id = a.id)
					 FROM prevent.alert a WHERE a.source_key IN ('4', '5') ORDER BY a.source_key$$,
	$$VALUES ('4', 'low', '{}'::bigint[], 'pending', 0::bigint), ('5', 'low', '{}'::bigint[], 'pending', 0::bigint)$$,
	'an expired or not yet active entry raises nothing and routes nothing');

-- the person's unit is the incident's: one order
INSERT INTO prevent.person (identifier, kind, unit) VALUES ('13900007777', 'mental', 'D所');
INSERT INTO incident (station, caller_phone, narrative) VALUES ('D所', '13900007777', '王某扬言报复');
SELECT results_eq($$SELECT w.unit, w.reason, (SELECT array_agg(e.reason ORDER BY e.reason) FROM prevent.escalation e WHERE e.work_order_id = w.id)
					 FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = '6'$$,
	$$VALUES ('D所', 'risk_level', '{managed_person,risk_level}'::text[])$$,
	'a person of the incident''s own unit: one order, still followed for the person');

-- COPY: each row raised by its own persons
COPY incident (station, caller_phone, narrative, reported_at) FROM STDIN;
E所	13900001234	邻居纠纷，张某情绪激动	2026-03-05 08:00:00+08
E所	13700000000	邻居纠纷	2026-03-05 08:10:00+08
\.
SELECT results_eq($$SELECT a.source_key, a.level::text, a.status, (SELECT array_agg(w.unit ORDER BY w.id) FROM prevent.work_order w WHERE w.alert_id = a.id)
					 FROM prevent.alert a WHERE a.source_key IN ('7', '8') ORDER BY a.source_key$$,
	$$VALUES ('7', 'high', 'issued', '{E所,M所}'::text[]), ('8', 'low', 'pending', NULL::text[])$$,
	'COPY: the row naming the person is raised from low to high and pushed to two units, the other not');

-- review: a petitioner (floor medium) waits for the second judgement, which issues the person's order too
INSERT INTO prevent.person (identifier, kind, unit, full_name) VALUES ('13900008888', 'petitioner', 'P所', '赵某');
INSERT INTO incident (station, caller_phone, narrative) VALUES ('A所', '13900008888', '赵某与物业纠纷');
SELECT results_eq($$SELECT level::text, status FROM prevent.alert WHERE source_key = '9'$$,
	$$VALUES ('medium', 'pending')$$, 'a low incident naming a petitioner is raised to medium and waits for review');
SELECT is((SELECT count(*) FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = '9'), 0::bigint,
	'no order before the review');
SELECT lives_ok(format('SELECT prevent.review(%s, true, %L)', (SELECT id FROM prevent.alert WHERE source_key = '9'), '需要处置'),
	'review and issue');
SELECT results_eq($$SELECT w.unit, w.reason FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
					 WHERE a.source_key = '9' ORDER BY w.id$$,
	$$VALUES ('A所', 'review'), ('P所', 'managed_person')$$, 'the review issues the person''s unit its order too');
SELECT results_eq($$SELECT w.unit, e.tier, e.reason FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
					 JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = '9' ORDER BY w.unit$$,
	$$VALUES ('A所', 1::smallint, 'managed_person'), ('P所', 1::smallint, 'managed_person')$$,
	'reviewed orders are followed by managed_person_tier (a medium level has no tier of its own)');

-- a table watched at alert level high: a row below it is kept only when a person raises it there
CREATE TABLE incident_high (id int PRIMARY KEY, station text, phone text, narrative text);
SELECT prevent.watch('incident_high', 'narrative', unit_column => 'station', party_columns => '{phone}',
	alert_level => 'high', repeat_threshold => 1000) \g /dev/null
INSERT INTO incident_high VALUES
	(1, 'A所', '13900001234', '扬言报复'),
	(2, 'A所', '13900008888', '扬言报复'),
	(3, 'A所', '13600000000', '扬言报复');
SELECT results_eq($$SELECT source_key, level::text FROM prevent.alert WHERE source = 'incident_high'::regclass ORDER BY source_key$$,
	$$VALUES ('1', 'high')$$,
	'below the alert level: raised to it by a mental patient, not by a petitioner (medium) nor without a person');
-- a person registered now is seen by the next statement (the trigger's cache is invalidated)
INSERT INTO prevent.person (identifier, kind, unit, valid_from) VALUES ('13900009999', 'minor', 'Q所', '2026-01-01+08');
INSERT INTO incident_high VALUES (4, 'A所', '13900009999', '扬言报复');
SELECT is((SELECT level::text FROM prevent.alert WHERE source = 'incident_high'::regclass AND source_key = '4'), 'high',
	'a person registered in the same transaction raises the next insert');
UPDATE prevent.person SET valid_until = '2026-02-01+08' WHERE identifier = '13900009999';
INSERT INTO incident_high VALUES (5, 'A所', '13900009999', '扬言报复');
SELECT is((SELECT count(*) FROM prevent.alert WHERE source = 'incident_high'::regclass AND source_key = '5'), 0::bigint,
	'a management ended before the incident raises nothing');

-- row mode
UPDATE prevent.setting SET value = 'row' WHERE name = 'watch_mode';
CREATE TABLE incident_row (id int PRIMARY KEY, station text, phone text, narrative text);
SELECT prevent.watch('incident_row', 'narrative', unit_column => 'station', party_columns => '{phone}', repeat_threshold => 1000) \g /dev/null
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 'incident_row'::regclass AND tgname = 'prevent_watch_flush'), 0::bigint,
	'row mode: no statement trigger');
INSERT INTO incident_row VALUES (1, 'F所', '13900001234', '扬言报复'), (2, 'F所', NULL, '扬言报复');
SELECT results_eq($$SELECT a.source_key, a.level::text, (SELECT array_agg(w.unit ORDER BY w.id) FROM prevent.work_order w WHERE w.alert_id = a.id)
					 FROM prevent.alert a WHERE a.source = 'incident_row'::regclass ORDER BY a.source_key$$,
	$$VALUES ('1', 'high', '{F所,M所}'::text[]), ('2', 'medium', NULL::text[])$$,
	'row mode: raised and pushed to two units as in batch mode');
UPDATE prevent.setting SET value = 'batch' WHERE name = 'watch_mode';

-- history: rows already in a table, back-filled through the writer
CREATE TABLE incident_old (id int PRIMARY KEY, station text, phone text, narrative text, at timestamptz);
INSERT INTO incident_old VALUES
	(1, 'G所', '13900001234', '扬言报复', now() - interval '1 day'),
	(2, 'G所', '13900001234', '扬言报复', '2026-02-01+08'),
	(3, 'G所', '13900001234', '扬言报复', '2025-06-01+08');
SELECT prevent.watch('incident_old', 'narrative', unit_column => 'station', party_columns => '{phone}',
	occurred_column => 'at', repeat_threshold => 1000) \g /dev/null
SELECT prevent._write_history() \g /dev/null
SELECT is((SELECT count(*) FILTER (WHERE prevent._assess_history('incident_old', t)) FROM incident_old t), 3::bigint,
	'the back-fill queues the three rows');
SELECT is(prevent._write_history(), 3::bigint, 'and writes three alerts');
SELECT results_eq($$SELECT a.source_key, a.historic, a.level::text, a.status, cardinality(a.persons),
						  (SELECT array_agg(w.unit ORDER BY w.id) FROM prevent.work_order w WHERE w.alert_id = a.id)
					 FROM prevent.alert a WHERE a.source = 'incident_old'::regclass ORDER BY a.source_key$$,
	$$VALUES ('1', true, 'high', 'issued', 1, '{G所,M所}'::text[]),
			 ('2', true, 'high', 'recorded', 1, NULL::text[]),
			 ('3', true, 'medium', 'recorded', 0, NULL::text[])$$,
	'historic: a recent row raised and issued to both units; an old one raised but recorded, without orders; one before the period not raised');

-- row-level security, contacts, the views
SELECT id AS zhao_id FROM prevent.person WHERE identifier = '13900008888' \gset
CREATE ROLE regress_persons_m;
CREATE ROLE regress_persons_m_act;
SELECT prevent.add_member('regress_persons_m', 'M所') \g /dev/null
SELECT prevent.add_member('regress_persons_m_act', 'M所', 'act') \g /dev/null
SET ROLE regress_persons_m;
SELECT results_eq($$SELECT identifier, unit FROM prevent.person$$, $$VALUES ('13900001234', 'M所')$$,
	'a unit''s member sees its own persons only');
SELECT throws_ok($$INSERT INTO prevent.person (identifier, kind, unit) VALUES ('13900004321', 'drug', 'M所')$$,
	'42501', NULL, 'a member may not edit the registry');
SELECT throws_ok(format('SELECT prevent.record_contact(%s, %L)', (SELECT id FROM prevent.person WHERE identifier = '13900001234'), '走访'),
	'42501', NULL, 'a read-only member may not record a contact');
RESET ROLE;
SET ROLE regress_persons_m_act;
SELECT lives_ok(format('SELECT prevent.record_contact(%s, %L, %L)', (SELECT id FROM prevent.person WHERE identifier = '13900001234'),
	'入户走访，按时服药', '2026-03-06 10:00+08'), 'an acting member records a contact with its person');
SELECT throws_ok(format('SELECT prevent.record_contact(%s, %L)', :zhao_id, '走访'),
	'42501', NULL, 'but not with another unit''s person');
SELECT throws_ok(format('SELECT prevent.record_contact(%s, %L)', (SELECT id FROM prevent.person WHERE identifier = '13900001234'), ' '),
	'22004', 'a contact needs a note', 'a contact without a note');
SELECT throws_ok($$SELECT prevent.record_contact(999999, '走访')$$, 'P0002', 'person 999999 does not exist', 'a contact with a missing person');
SELECT throws_ok(format('SELECT prevent.record_contact(%s, %L, %L)', (SELECT id FROM prevent.person WHERE identifier = '13900001234'),
	'走访', now() + interval '1 day'), '22023', NULL, 'a contact in the future');
SELECT results_eq($$SELECT person_id IS NOT NULL, alert_id IS NOT NULL, level::text, order_status FROM prevent.person_incidents$$,
	$$VALUES (true, false, NULL::text, NULL::text)$$,
	'person_incidents as the station: its person, without the incidents of other units it may not see');
SELECT results_eq($$SELECT identifier, last_contact_at, contacts FROM prevent.person_contact_status$$,
	$$VALUES ('13900001234', '2026-03-06 10:00+08'::timestamptz, 1::bigint)$$, 'person_contact_status: the last contact');
RESET ROLE;
SELECT results_eq($$SELECT incident_unit, level::text, order_status FROM prevent.person_incidents
					 WHERE identifier = '13900001234' ORDER BY alert_id$$,
	$$VALUES ('A所', 'high', 'issued'), ('B所', 'high', 'issued'), ('E所', 'high', 'issued'), ('A所', 'high', 'issued'),
			 ('F所', 'high', 'issued'), ('G所', 'high', 'issued'), ('G所', 'high', NULL)$$,
	'person_incidents (一人一策): every alert naming the person, with the order of the person''s unit');
SELECT results_eq($$SELECT identifier, alert_id IS NULL FROM prevent.person_incidents WHERE kind = 'drug' ORDER BY identifier$$,
	$$VALUES ('13900005555', true), ('13900006666', true)$$, 'a person with no incident has one row');
SELECT results_eq($$SELECT incidents, last_incident_at IS NOT NULL FROM prevent.person_contact_status WHERE identifier = '13900001234'$$,
	$$VALUES (7::bigint, true)$$, 'person_contact_status: incidents naming the person and the latest');

-- a repeat whose earlier incident lies in the person's own station: one order there, and it says why
UPDATE prevent.watched SET repeat_threshold = 2;
INSERT INTO prevent.person (identifier, kind, unit, full_name, valid_from)
	VALUES ('13700007777', 'released', 'R所', '赵某', '2026-01-01+08');
INSERT INTO incident (station, caller_phone, narrative, reported_at)
	VALUES ('R所', '13700007777', '赵某扬言报复', '2026-04-01 10:00+08'),
		   ('Q所', '13700007777', '赵某又扬言报复', '2026-04-02 10:00+08');
SELECT results_eq($$SELECT w.unit, w.reason FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
					 WHERE a.unit = 'Q所' ORDER BY w.id$$,
	$$VALUES ('Q所', 'repeat'), ('R所', 'managed_person')$$,
	'the person''s station, also the unit of the earlier incident, gets one order, as managed_person');

SELECT * FROM finish();
ROLLBACK;
