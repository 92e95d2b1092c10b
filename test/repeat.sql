-- pgTAP: repeat incidents — the same party again within the window, in another unit:
-- the repeat flag, an order to each unit (cross-jurisdiction), their escalations, the
-- repeat views kept by the alert writer; and the parties themselves, from party columns
-- and from the narrative (phone and resident ID numbers).
\ir fixtures/pgtap.sql

BEGIN;
SELECT plan(17);

\ir fixtures/lexicon.sql
\ir fixtures/incident_watched.sql
\ir fixtures/incident_rows.sql

-- repeat incidents: the same caller again, in another unit, within the window
INSERT INTO incident (station, caller_phone, narrative, reported_at)
	VALUES ('E所', '+86 138-0000-1111', '又是该报警人，称邻居扬言报复', '2026-03-10 10:00+08');
SELECT results_eq($$SELECT level::text, repeat, status FROM prevent.alert WHERE unit = 'E所'$$,
	$$VALUES ('medium', true, 'issued')$$, 'a repeat is flagged and issued even below the auto-issue level');
SELECT results_eq($$SELECT w.unit, w.reason FROM prevent.work_order w JOIN prevent.alert a ON a.id = w.alert_id WHERE a.unit = 'E所' ORDER BY w.unit$$,
	$$VALUES ('A所', 'cross_jurisdiction'), ('E所', 'repeat')$$, 'each unit of the party''s incidents gets its own order');
SELECT results_eq($$SELECT w.unit, e.tier, e.reason FROM prevent.escalation e JOIN prevent.work_order w ON w.id = e.work_order_id
					 JOIN prevent.alert a ON a.id = w.alert_id WHERE a.unit = 'E所' ORDER BY w.unit, e.tier$$,
	$$VALUES ('A所', 1::smallint, 'cross_jurisdiction'), ('A所', 3::smallint, 'repeat'),
			 ('E所', 1::smallint, 'cross_jurisdiction'), ('E所', 3::smallint, 'repeat')$$,
	'repeat and cross-jurisdiction escalations');
INSERT INTO incident (station, caller_phone, narrative, reported_at)
	VALUES ('E所', '13800001111', '该报警人再次称邻居扬言报复', '2026-06-10 10:00+08');
SELECT is((SELECT repeat FROM prevent.alert WHERE occurred_at = '2026-06-10 10:00+08'), false, 'outside the window it is no repeat');
SELECT results_eq($$SELECT party, incidents, units FROM prevent.repeat_incidents$$,
	$$VALUES ('13800001111', 3::bigint, '{A所,E所}'::text[])$$, 'prevent.repeat_incidents: the party, its alerted incidents and their units');
SELECT results_eq($$SELECT party, unit, incidents FROM prevent.repeat_party ORDER BY unit$$,
	$$VALUES ('13800001111', 'A所', 1::bigint), ('13800001111', 'E所', 2::bigint)$$,
	'the alert writer filled the party''s earlier alerts in at its first repeat and counted on');
CREATE TEMP TABLE repeat_kept AS SELECT * FROM prevent.repeat_party;
SELECT lives_ok($$SELECT prevent.refresh_stats()$$, 'prevent.refresh_stats()');
SELECT set_eq($$SELECT * FROM prevent.repeat_party$$, $$SELECT * FROM repeat_kept$$,
	'prevent.repeat_party kept by the alert writer equals the one rebuilt from the alerts');

-- parties: from columns and from the narrative
SELECT is(prevent.parties('报警人电话138 1234 5678，对方电话+86-139-8765-4321', '{}'), '{13812345678,13987654321}', 'phone numbers in the narrative');
SELECT is(prevent.parties('当事人身份证号11010519491231002X，另一号码110105194912310021', '{}'), '{11010519491231002X}',
	'resident ID numbers with a valid checksum only');
SELECT is(prevent.parties('订单号1381234567890123无关', '{}'), '{}', 'digits inside a longer number are no phone');
SELECT is(prevent.parties(NULL, '{" 0086 13812345678", 张三, NULL, ""}'), '{13812345678,张三}', 'party columns, normalized');
SELECT is(prevent.parties('电话１３８１２３４５６７８', '{}'), '{13812345678}', 'full-width digits');
SELECT is(prevent.parties('报警人13800001111，13900002222称；又报13700003333 13600004444、13500005555/13400006666', '{}'),
	'{13400006666,13500005555,13600004444,13700003333,13800001111,13900002222}',
	'numbers separated by ，, a space, 、 or / are each a party');
SELECT is(prevent.parties('号码13800001111，身份证11010519491231002X；身份证110105194912310021，13800002222', '{}'),
	'{11010519491231002X,13800001111}', 'a list divides only into valid numbers');
SELECT is(prevent.parties('卡号6222021234567890123456，订单1380000111113900002222333', '{}'), '{}',
	'a run of digits that does not divide into numbers gives none');
INSERT INTO incident (station, narrative, reported_at) VALUES ('F所', '当事人身份证11010519491231002x扬言报复', '2026-03-11 10:00+08');
SELECT is((SELECT parties FROM prevent.alert WHERE unit = 'F所'), '{11010519491231002X}', 'ID numbers in the narrative are parties of the alert');

SELECT * FROM finish();
ROLLBACK;
