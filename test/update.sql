-- pgTAP: narratives that change and span columns — watch() with several narrative
-- columns and its errors; UPDATE of a watched column re-assessing the row in the same
-- transaction: an alert raised, risen (orders issued or raised with the new level's
-- tiers), fallen (recorded, orders left; dismiss_on_update), a dismissed one back to
-- review; unit, party and time changes; multi-row UPDATE; rollback; an UPDATE that
-- changes no watched column fires nothing; an UPDATE-only application role; ALTER
-- COLUMN TYPE of a watched column; a row an UPDATE moves to another partition.
-- (Two sessions updating one row, and an update racing the repeat check: specs/.)
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(68);

\ir fixtures/lexicon.sql
-- a 110 table: the call-taker's words (bjnr), the officer's findings later (cjqk)
CREATE TABLE jq (
	jqbh text PRIMARY KEY,
	gxdw text,
	bjrdh text,
	bjnr text,
	cjqk varchar(2000),
	bjsj timestamptz DEFAULT now(),
	note text
);
CREATE TABLE typed (id int PRIMARY KEY, a text, n int);

-- the alert of a row of jq, as one line
CREATE FUNCTION pg_temp.alert_of(k text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(a.level || ' ' || a.status || ' ' || a.score || ' ' || coalesce(a.unit, '-'), '; ' ORDER BY a.id)
	  FROM prevent.alert a WHERE a.source = 'jq'::regclass AND a.source_key = k $$;
CREATE FUNCTION pg_temp.orders_of(k text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(w.unit || ' ' || w.level || ' ' || w.reason || ' ' || w.status, '; ' ORDER BY w.id)
	  FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
	 WHERE a.source = 'jq'::regclass AND a.source_key = k $$;
CREATE FUNCTION pg_temp.tiers_of(k text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(e.tier || ' ' || e.reason, ', ' ORDER BY e.tier, e.reason)
	  FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
	  JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source = 'jq'::regclass AND a.source_key = k $$;
CREATE FUNCTION pg_temp.events_of(k text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(e.action || ' ' || coalesce(e.from_status, '-') || '>' || coalesce(e.to_status, '-')
					  || coalesce(' (' || e.note || ')', ''), '; ' ORDER BY e.id)
	  FROM prevent.event e JOIN prevent.alert a ON a.id = e.alert_id
	 WHERE a.source = 'jq'::regclass AND a.source_key = k $$;

------------------------------------------------------------------------------
-- watch(): several narrative columns, and the errors of the new options
------------------------------------------------------------------------------
SELECT throws_ok($$SELECT prevent.watch('jq')$$, '22023', 'give either text_column or text_columns', 'no narrative column');
SELECT throws_ok($$SELECT prevent.watch('jq', 'bjnr', text_columns => '{cjqk}')$$, '22023', NULL, 'both text_column and text_columns');
SELECT throws_ok($$SELECT prevent.watch('jq', text_columns => '{}')$$, '22023', NULL, 'an empty list');
SELECT throws_ok($$SELECT prevent.watch('jq', text_columns => '{bjnr,NULL}')$$, '22023', NULL, 'a NULL in the list');
SELECT throws_ok($$SELECT prevent.watch('jq', text_columns => '{bjnr,bjnr}')$$, '22023', 'text_columns names a column twice', 'a column twice');
SELECT throws_ok($$SELECT prevent.watch('jq', text_columns => '{bjnr,nope}')$$, '42703', NULL, 'a missing column');
SELECT throws_ok($$SELECT prevent.watch('typed', text_columns => '{a,n}')$$,
	'42804', 'column "n" of relation public.typed is of type integer, not text', 'a non-text column');
SELECT throws_ok($$SELECT prevent.watch('jq', text_columns => '{jqbh,bjnr}')$$,
	'22023', 'the key column "jqbh" cannot be a narrative column', 'the key as a narrative column');
SELECT is((SELECT count(*) FROM prevent.watched), 0::bigint, 'failed calls registered nothing');

SELECT lives_ok($$SELECT prevent.watch('jq', text_columns => '{bjnr,cjqk}', unit_column => 'gxdw',
	party_columns => '{bjrdh}', occurred_column => 'bjsj')$$, 'watch two narrative columns');
SELECT is((SELECT text_columns::text FROM prevent.watched WHERE source = 'jq'::regclass), '{bjnr,cjqk}', 'registered in order');
SELECT is((SELECT string_agg(tgname, ' ' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'jq'::regclass),
	'prevent_watch prevent_watch_flush prevent_watch_update prevent_watch_update_flush', 'four triggers');
SELECT is((SELECT array_agg(a.attname ORDER BY a.attname)::text FROM pg_trigger t
			 JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = ANY (t.tgattr)
			WHERE t.tgrelid = 'jq'::regclass AND t.tgname = 'prevent_watch_update'),
	'{bjnr,bjrdh,bjsj,cjqk,gxdw}', 'the update trigger fires for the watched columns only (not the key, not note)');

------------------------------------------------------------------------------
-- two columns: assessed as one text, no term across them
------------------------------------------------------------------------------
INSERT INTO jq (jqbh, gxdw, bjrdh, bjnr, cjqk) VALUES
	('J1', 'A所', '13800000001', '报警人称家中有人持', '刀'),			-- 持 | 刀: no 持刀
	('J2', 'A所', '13800000002', '报警人称邻居纠纷', '民警到场，对方持刀');	-- low + high
SELECT is(pg_temp.alert_of('J1'), NULL, 'a term split across two columns does not match');
SELECT is(pg_temp.alert_of('J2'), 'high issued 77 A所', 'the second column counts: 纠纷 + 持刀, high');

------------------------------------------------------------------------------
-- UPDATE: no alert yet, now at the level: raised as on INSERT
------------------------------------------------------------------------------
INSERT INTO jq (jqbh, gxdw, bjrdh, bjnr) VALUES ('J3', 'A所', '13800000003', '报警人称楼上噪音扰民');
SELECT is(pg_temp.alert_of('J3'), NULL, 'a routine call: no alert');
UPDATE jq SET cjqk = '民警到场后，男子持刀扬言要同归于尽' WHERE jqbh = 'J3';
SELECT is(pg_temp.alert_of('J3'), 'critical issued 100 A所', 'the officer''s findings raise it: critical, issued');
SELECT is(pg_temp.orders_of('J3'), 'A所 critical risk_level issued', 'its order, as on INSERT');
SELECT is(pg_temp.tiers_of('J3'), '1 risk_level, 2 risk_level, 3 risk_level', 'with the tiers of critical');
SELECT is(pg_temp.events_of('J3'), 'reassess ->issued (raised by an update of its row: level critical); issue ->issued',
	'the events say an update raised it');
SELECT ok((SELECT reassessed_at = now() AND created_at = now() FROM prevent.alert WHERE source_key = 'J3'),
	'the time of the update is recorded');

------------------------------------------------------------------------------
-- an alert exists and the level rises
------------------------------------------------------------------------------
-- pending (low) -> high: issued now
INSERT INTO jq (jqbh, gxdw, bjnr) VALUES ('J4', 'A所', '邻居纠纷');
SELECT is(pg_temp.alert_of('J4'), 'low pending 12 A所', 'a dispute: pending review');
UPDATE jq SET cjqk = '到场发现对方持刀' WHERE jqbh = 'J4';
SELECT is(pg_temp.alert_of('J4'), 'high issued 77 A所', 'the level rises to high: the alert is issued');
SELECT is(pg_temp.orders_of('J4'), 'A所 high risk_level issued', 'one order, of the new level');
SELECT is(pg_temp.events_of('J4'), 'reassess pending>issued (level low -> high); issue ->issued', 'and the change is logged');
SELECT is((SELECT count(*) FROM prevent.alert WHERE source_key = 'J4'), 1::bigint, 'still one alert for the row');

-- issued (high, tier 1, order open) -> critical: the open order is raised, no new order
SELECT is(pg_temp.alert_of('J2'), 'high issued 77 A所', 'J2: high, its order open');
UPDATE prevent.work_order SET accept_due = issued_at + interval '1 hour' WHERE alert_id = (SELECT id FROM prevent.alert WHERE source_key = 'J2');
UPDATE jq SET cjqk = '民警到场，对方持刀扬言同归于尽' WHERE jqbh = 'J2';
SELECT is(pg_temp.orders_of('J2'), 'A所 critical risk_level issued', 'the open order is raised to critical, none added');
SELECT is(pg_temp.tiers_of('J2'), '1 risk_level, 2 risk_level, 3 risk_level', 'with the tiers of critical added');
SELECT ok((SELECT w.accept_due = w.issued_at + interval '30 minutes' AND w.next_escalation_due = '-infinity'
			 FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = 'J2'),
	'its deadline is no later than critical''s, and escalate_overdue() looks at it again');

-- issued, its order closed, -> rises to an auto-issue level: a new order
INSERT INTO jq (jqbh, gxdw, bjnr) VALUES ('J5', 'B所', '男子持刀在街上游荡');
SELECT prevent.close((prevent.feedback((prevent.accept(w.id)).id, '已出警')).id, true, '已处置')
  FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.source_key = 'J5';
UPDATE jq SET cjqk = '男子扬言要同归于尽' WHERE jqbh = 'J5';
SELECT is(pg_temp.orders_of('J5'), 'B所 high risk_level closed; B所 critical risk_level issued',
	'all orders closed and the level rises to critical: issued again');

------------------------------------------------------------------------------
-- the level falls, or the risk disappears: nothing deleted
------------------------------------------------------------------------------
UPDATE jq SET bjnr = '报警人称邻居纠纷', cjqk = '经核实系误会' WHERE jqbh = 'J2';
SELECT is(pg_temp.alert_of('J2'), 'low issued 12 A所', 'the alert records the new assessment');
SELECT is(pg_temp.orders_of('J2'), 'A所 critical risk_level issued', 'its open order is left to the humans');
SELECT is((SELECT note FROM prevent.event e JOIN prevent.alert a ON a.id = e.alert_id WHERE a.source_key = 'J2' ORDER BY e.id DESC LIMIT 1),
	'level critical -> low', 'and the fall is logged');
UPDATE jq SET bjnr = NULL, cjqk = NULL WHERE jqbh = 'J2';
SELECT is(pg_temp.alert_of('J2'), 'none issued 0 A所', 'narratives emptied: level none, the alert stays');

-- pending, falls below the alert level: stays pending, or dismissed with dismiss_on_update
INSERT INTO jq (jqbh, gxdw, bjnr) VALUES ('J6', 'A所', '对方扬言报复'), ('J7', 'A所', '对方扬言报复');
UPDATE jq SET bjnr = '求助开锁' WHERE jqbh = 'J6';
SELECT is(pg_temp.alert_of('J6'), 'none pending 0 A所', 'a pending alert whose risk is gone stays pending (dismiss_on_update off)');
UPDATE prevent.setting SET value = 'on' WHERE name = 'dismiss_on_update';
UPDATE jq SET bjnr = '求助开锁' WHERE jqbh = 'J7';
SELECT is(pg_temp.alert_of('J7'), 'none dismissed 0 A所', 'with dismiss_on_update on, it is dismissed');
SELECT is((SELECT review_note FROM prevent.alert WHERE source_key = 'J7'),
	'dismissed on update: below the alert level (setting dismiss_on_update)', 'the review note says why');
SELECT throws_ok($$UPDATE prevent.setting SET value = 'yes' WHERE name = 'dismiss_on_update'$$, '22023', NULL, 'dismiss_on_update is on or off');
UPDATE prevent.setting SET value = 'off' WHERE name = 'dismiss_on_update';

-- dismissed by a human, then the narrative rises: back to review, or issued
INSERT INTO jq (jqbh, gxdw, bjnr) VALUES ('J8', 'A所', '邻里纠纷'), ('J9', 'A所', '邻里纠纷');
SELECT prevent.review(id, false, '误报') FROM prevent.alert WHERE source_key IN ('J8', 'J9');
UPDATE jq SET cjqk = '对方扬言报复' WHERE jqbh = 'J8';
SELECT is(pg_temp.alert_of('J8'), 'medium pending 47 A所', 'dismissed at low, risen to medium: pending again');
UPDATE jq SET cjqk = '对方持刀' WHERE jqbh = 'J9';
SELECT is(pg_temp.alert_of('J9'), 'high issued 77 A所', 'dismissed at low, risen to high: issued');
UPDATE jq SET cjqk = '对方扬言' WHERE jqbh = 'J8';
SELECT is(pg_temp.events_of('J8'), 'review pending>dismissed (误报); reassess dismissed>pending (level low -> medium)',
	'a change of score within the level logs nothing');

------------------------------------------------------------------------------
-- unit, parties and time
------------------------------------------------------------------------------
UPDATE jq SET gxdw = 'B所' WHERE jqbh = 'J4';
SELECT is(pg_temp.alert_of('J4'), 'high issued 77 B所', 'a new unit: the alert moves, its order stays');
SELECT is(pg_temp.orders_of('J4'), 'A所 high risk_level issued', 'with the unit it was issued to');
SELECT is((SELECT p.unit FROM prevent.party_incident p JOIN prevent.alert a ON a.id = p.alert_id WHERE a.source_key = 'J3'),
	'A所', 'J3''s party is counted in A所');
-- a party added to a row with an alert: a repeat of J3's caller
INSERT INTO jq (jqbh, gxdw, bjnr) VALUES ('J10', 'C所', '对方扬言报复');
UPDATE jq SET bjrdh = '138 0000 0003' WHERE jqbh = 'J10';
SELECT ok((SELECT repeat FROM prevent.alert WHERE source_key = 'J10'), 'a party added by an update makes a repeat');
SELECT is(pg_temp.orders_of('J10'), 'C所 medium repeat issued; A所 medium cross_jurisdiction issued',
	'and issues the repeat to both units');
SELECT is((SELECT incidents FROM prevent.repeat_party WHERE party = '13800000003' AND unit = 'C所'), 1::bigint,
	'the repeat party is counted');
UPDATE jq SET bjrdh = '13900000010' WHERE jqbh = 'J10';
SELECT is((SELECT string_agg(party, ',' ORDER BY party) FROM prevent.party_incident p JOIN prevent.alert a ON a.id = p.alert_id
			WHERE a.source_key = 'J10'), '13900000010', 'a party replaced: the old one no longer counts for it');
SELECT is((SELECT count(*) FROM prevent.repeat_party WHERE party = '13800000003' AND unit = 'C所'), 0::bigint,
	'nor in the repeat counts');
UPDATE jq SET bjsj = '2026-01-01 08:00+08' WHERE jqbh = 'J10';
SELECT is((SELECT occurred_at FROM prevent.alert WHERE source_key = 'J10'), '2026-01-01 08:00+08'::timestamptz, 'a corrected time is followed');
-- a row fallen below the alert level as it becomes a repeat: flagged, not issued (no order of level none)
INSERT INTO jq (jqbh, gxdw, bjrdh, bjnr) VALUES ('J11', 'D所', '13900000011', '对方扬言报复'),
	('J13', 'D所', '13900000013', '对方扬言报复');
SELECT prevent.review(id, false, '误报') FROM prevent.alert WHERE source_key IN ('J11', 'J13');
UPDATE jq SET bjnr = '求助开锁', bjrdh = '13900000011' WHERE jqbh = 'J13';
SELECT is((SELECT level || ' ' || status || ' ' || repeat FROM prevent.alert WHERE source_key = 'J13'), 'none dismissed true',
	'a dismissed alert that falls to none as it becomes a repeat is flagged, and stays dismissed');
SELECT is((SELECT count(*) FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id
			WHERE a.source_key IN ('J11', 'J13')), 0::bigint, 'and gets no order');
-- a table without an occurred column: its alert keeps the time it was raised at
CREATE TABLE nt (id int PRIMARY KEY, body text);
SELECT prevent.watch('nt', 'body');
INSERT INTO nt VALUES (1, '对方持刀');
UPDATE prevent.alert SET occurred_at = '2026-02-01 08:00+08' WHERE source = 'nt'::regclass;
UPDATE nt SET body = '对方持刀扬言同归于尽' WHERE id = 1;
SELECT is((SELECT level || ' ' || occurred_at FROM prevent.alert WHERE source = 'nt'::regclass),
	'critical ' || '2026-02-01 08:00+08'::timestamptz, 'with no occurred column an update keeps the alert''s time');

------------------------------------------------------------------------------
-- what costs nothing, multi-row, rollback
------------------------------------------------------------------------------
SET LOCAL track_functions = 'all';
CREATE TEMP TABLE calls AS SELECT coalesce(pg_stat_get_xact_function_calls('prevent.watch_trigger'::regproc), 0) AS n;
UPDATE jq SET note = '已回访';
UPDATE jq SET bjnr = bjnr;
SELECT is(coalesce(pg_stat_get_xact_function_calls('prevent.watch_trigger'::regproc), 0) - (SELECT n FROM calls), 0::bigint,
	'an UPDATE of no watched column, or setting one to its own value, does not run the trigger');
UPDATE jq SET cjqk = coalesce(cjqk, '') || '。' WHERE jqbh IN ('J1', 'J3');
SELECT is(coalesce(pg_stat_get_xact_function_calls('prevent.watch_trigger'::regproc), 0) - (SELECT n FROM calls), 2::bigint,
	'a changed narrative runs it once per row');

SAVEPOINT s;
UPDATE jq SET cjqk = '对方持刀扬言同归于尽' WHERE jqbh IN ('J1', 'J6', 'J7');
SELECT is((SELECT string_agg(a.source_key || ' ' || a.level || ' ' || a.status, ', ' ORDER BY a.source_key) FROM prevent.alert a
			WHERE a.source_key IN ('J1', 'J6', 'J7')), 'J1 critical issued, J6 critical issued, J7 critical issued',
	'a multi-row UPDATE raises and re-assesses each row');
ROLLBACK TO SAVEPOINT s;
SELECT is((SELECT string_agg(a.source_key || ' ' || a.level || ' ' || a.status, ', ' ORDER BY a.source_key) FROM prevent.alert a
			WHERE a.source_key IN ('J1', 'J6', 'J7')), 'J6 none pending, J7 none dismissed', 'rolled back: nothing of it stays');

-- memory: the queued rows go with each flush, so a large UPDATE holds no more than a batch of
-- them (20,000 updated rows held 8.6 MB until the end of the transaction before)
CREATE TABLE mq (id int PRIMARY KEY, body text);
SELECT prevent.watch('mq', 'body');
INSERT INTO mq SELECT g, '报警人称邻居噪音' || g FROM generate_series(1, 20000) g;
CREATE TEMP TABLE mem0 AS SELECT sum(total_bytes) AS b FROM pg_backend_memory_contexts
 WHERE name = 'TopTransactionContext' OR parent = 'TopTransactionContext';
UPDATE mq SET body = body || '，民警已到场';
SELECT cmp_ok((SELECT sum(total_bytes) FROM pg_backend_memory_contexts
				WHERE name = 'TopTransactionContext' OR parent = 'TopTransactionContext') - (SELECT b FROM mem0),
	'<', 2000000::numeric, 'an UPDATE of 20,000 rows leaves less than 2 MB in the transaction''s memory');

------------------------------------------------------------------------------
-- an application role granted UPDATE and nothing else
------------------------------------------------------------------------------
CREATE ROLE prevent_test_updater;
GRANT UPDATE (cjqk) ON jq TO prevent_test_updater;
GRANT SELECT (jqbh) ON jq TO prevent_test_updater;
SET ROLE prevent_test_updater;
SELECT lives_ok($$UPDATE jq SET cjqk = '对方持刀' WHERE jqbh = 'J1'$$, 'a role with UPDATE on the column only updates a narrative');
SELECT throws_ok($$SELECT count(*) FROM prevent.alert$$, '42501', NULL, 'it cannot read alerts');
RESET ROLE;
SELECT is(pg_temp.alert_of('J1'), 'high issued 65 A所', 'its update raised the alert');

------------------------------------------------------------------------------
-- ALTER COLUMN TYPE of a watched column
------------------------------------------------------------------------------
SELECT lives_ok($$ALTER TABLE jq ALTER COLUMN cjqk TYPE text$$, 'a watched narrative column changes to another text type');
SELECT lives_ok($$ALTER TABLE jq ALTER COLUMN bjrdh TYPE varchar(40)$$, 'so does a party column');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 'jq'::regclass AND tgname LIKE 'prevent_watch_update%'), 2::bigint,
	'the update triggers are made again');
SELECT throws_ok($$ALTER TABLE jq ALTER COLUMN cjqk TYPE int USING 0$$, '42804',
	'text column "cjqk" of public.jq is watched by prevent and cannot become type integer', 'a narrative column cannot become int');
UPDATE jq SET cjqk = '经查无异常' WHERE jqbh = 'J1';
SELECT is(pg_temp.alert_of('J1'), 'none issued 0 A所', 'and the table is re-assessed on UPDATE as before');

------------------------------------------------------------------------------
-- a partitioned table: a row an UPDATE moves to another partition
------------------------------------------------------------------------------
CREATE TABLE pjq (jqbh text, gxdw text, bjnr text, PRIMARY KEY (jqbh, gxdw)) PARTITION BY LIST (gxdw);
CREATE TABLE pjq_a PARTITION OF pjq FOR VALUES IN ('A所');
CREATE TABLE pjq_b PARTITION OF pjq FOR VALUES IN ('B所');
SELECT prevent.watch('pjq', 'bjnr', key_column => 'jqbh', unit_column => 'gxdw');
INSERT INTO pjq VALUES ('P1', 'A所', '对方扬言报复');
UPDATE pjq SET bjnr = '对方持刀' WHERE jqbh = 'P1';
UPDATE pjq SET gxdw = 'B所' WHERE jqbh = 'P1';
SELECT is((SELECT string_agg(a.level || ' ' || a.status || ' ' || a.unit, '; ') FROM prevent.alert a WHERE a.source = 'pjq'::regclass),
	'high issued B所', 'moved to another partition: the one alert follows it');

SELECT * FROM finish();
ROLLBACK;
