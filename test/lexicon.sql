-- pgTAP: lexicon validation (every bad input with its SQLSTATE), the
-- lexicon becoming visible to another session's next statement, pg_dump
-- configuration and privileges.
\ir fixtures/pgtap.sql
CREATE EXTENSION IF NOT EXISTS dblink;

BEGIN;
SELECT plan(45);

-- bad keyword input
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('', 'threat', 10)$$,
	'23514', 'keyword term "" is empty after normalization', 'empty term');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('，。 ！*** 😀', 'threat', 10)$$,
	'23514', NULL, 'punctuation-only term');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES (repeat('杀', 65), 'threat', 10)$$,
	'23514', NULL, 'term over 64 characters');
SELECT lives_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES (repeat('测', 64), 'threat', 10)$$,
	'a term of exactly 64 characters');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('㍿㍿㍿㍿㍿㍿㍿㍿㍿㍿㍿㍿㍿㍿㍿㍿㍿', 'threat', 10)$$,
	'23514', NULL, 'term over 64 characters after normalization');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('杀人。放火', 'threat', 10)$$,
	'23514', 'keyword term "杀人。放火" contains a clause break', 'term with a clause break');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('测试词甲', 'nosuch', 10)$$,
	'23503', 'unknown category "nosuch"', 'unknown category');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('测试词甲', 'threat', 0)$$,
	'23514', 'keyword weight 0 is out of range', 'weight 0');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('测试词甲', 'threat', 101)$$,
	'23514', 'keyword weight 101 is out of range', 'weight 101');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('测试词甲', 'threat', NULL)$$,
	'23514', NULL, 'weight NULL');
-- a duplicate: of the DBA's own row an error; of a built-in row, it replaces that row
INSERT INTO prevent.keyword (term, category, weight) VALUES ('测试词丙', 'threat', 10);
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('測試詞丙', 'threat', 20)$$,
	'23505', 'keyword "測試詞丙" duplicates keyword ' || (SELECT id FROM prevent.keyword WHERE term = '测试词丙') || ' "测试词丙"',
	'a term that normalizes like an existing one');
SELECT lives_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('扬言', 'threat', 20)$$,
	'a built-in term inserted again');
SELECT results_eq($$SELECT weight, builtin FROM prevent.keyword WHERE term_norm = prevent.normalize('扬言')$$,
	$$VALUES (20, false)$$, 'it replaced the built-in row: one row, the DBA''s');
SELECT throws_ok($$INSERT INTO prevent.negation (cue) VALUES ('未发现'), ('未发现')$$,
	'23505', 'negation cue "未发现" already exists', 'a negation cue twice (the first replaced the built-in one)');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, weight) VALUES ('测试词甲', 10)$$,
	'23502', 'keyword "测试词甲" has no category', 'match term without category');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, kind) VALUES ('测试词甲', 'threat', 'maybe')$$,
	'23514', 'invalid keyword kind "maybe"', 'unknown kind');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category) VALUES (NULL, 'threat')$$,
	'23502', NULL, 'NULL term');
SELECT lives_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('測試詞乙', 'threat', 10)$$,
	'a Traditional term is accepted');
SELECT throws_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('测 试 词 乙', 'weapon', 20)$$,
	'23505', NULL, 'a term equal after normalization is a duplicate');
SELECT is((SELECT term_norm FROM prevent.keyword WHERE term = '測試詞乙'), '测试词乙', 'term_norm is maintained');
SELECT throws_ok($$UPDATE prevent.keyword SET weight = 500 WHERE term = '測試詞乙'$$,
	'23514', NULL, 'updates are checked too');
SELECT lives_ok($$INSERT INTO prevent.keyword (term, kind) VALUES ('测试无害词', 'exclude')$$,
	'an exclusion needs no category');

-- bad negation cues, proximity rules, categories, thresholds, settings
SELECT throws_ok($$INSERT INTO prevent.negation (cue) VALUES ('  ')$$, '23514', NULL, 'empty cue');
SELECT throws_ok($$INSERT INTO prevent.negation (cue, "window") VALUES ('测试否定', 65)$$,
	'23514', 'negation window 65 is out of range', 'negation window out of range');
SELECT throws_ok($$INSERT INTO prevent.proximity (term_a, term_b, category, weight) VALUES ('刀', '', 'weapon', 10)$$,
	'23514', NULL, 'empty proximity term');
SELECT throws_ok($$INSERT INTO prevent.proximity (term_a, term_b, category, weight) VALUES ('刀', '妻', 'nosuch', 10)$$,
	'23503', NULL, 'proximity rule with unknown category');
SELECT throws_ok($$INSERT INTO prevent.proximity (term_a, term_b, within, category, weight) VALUES ('刀', '妻', 99, 'weapon', 10)$$,
	'23514', 'proximity distance 99 is out of range', 'proximity distance out of range');
SELECT throws_ok($$INSERT INTO prevent.proximity (term_a, term_b, category, weight) VALUES ('刀', '妻', 'weapon', -1)$$,
	'23514', 'proximity weight -1 is out of range', 'proximity weight out of range');
SELECT throws_ok($$INSERT INTO prevent.category (name, label) VALUES ('Bad Name', '坏')$$,
	'23514', 'invalid category name "Bad Name"', 'bad category name');
SELECT throws_ok($$INSERT INTO prevent.category (name, label) VALUES ('fraud', '')$$,
	'23502', NULL, 'category without label');
SELECT throws_ok($$UPDATE prevent.risk_threshold SET min_score = 95 WHERE level = 'high'$$,
	'23514', 'risk thresholds must rise with the level', 'thresholds out of order');
SELECT throws_ok($$UPDATE prevent.risk_threshold SET min_score = 0 WHERE level = 'low'$$,
	'23514', NULL, 'threshold out of range');
SELECT throws_ok($$INSERT INTO prevent.setting (name, value) VALUES ('no_such_setting', 'x')$$,
	'42704', 'unknown setting "no_such_setting"', 'unknown setting');
SELECT throws_ok($$UPDATE prevent.setting SET value = 'sometimes' WHERE name = 'negation_scope'$$,
	'22023', NULL, 'invalid setting value');
SELECT throws_ok($$SELECT prevent.terms('nosuch')$$, '22023', 'unknown category "nosuch"', 'terms() of an unknown category');

-- a new category and term work at once in this session
SELECT lives_ok($$INSERT INTO prevent.category (name, label) VALUES ('fraud', '诈骗')$$, 'add a category');
SELECT lives_ok($$INSERT INTO prevent.keyword (term, category, weight) VALUES ('刷单返利', 'fraud', 35)$$, 'add a term');
SELECT is((prevent.assess('对方让她刷 單 返 利')).categories, ARRAY['fraud'], 'the new term matches in the next statement');

-- visibility in another session: a keyword committed by one session is used
-- by another session's next statement, even inside its open transaction
SELECT is(prevent.score('测试跨会话专用词出现了'), 0, 'unknown term scores 0 before');
SELECT dblink_connect('other', pg_catalog.format('dbname=%s port=%s host=%s user=%s',
	current_database(), current_setting('port'),
	split_part(current_setting('unix_socket_directories'), ',', 1), current_user));
SELECT lives_ok($$SELECT dblink_exec('other', 'INSERT INTO prevent.keyword (term, category, weight) VALUES (''测试跨会话专用词'', ''threat'', 42)')$$,
	'another session adds a keyword and commits');
SELECT is(prevent.score('测试跨会话专用词出现了'), 42, 'this session sees it in its next statement');
SELECT lives_ok($$SELECT dblink_exec('other', 'UPDATE prevent.keyword SET enabled = false WHERE term = ''测试跨会话专用词''')$$,
	'another session disables it');
SELECT is(prevent.score('测试跨会话专用词出现了'), 0, 'this session stops matching it');
SELECT dblink_exec('other', 'DELETE FROM prevent.keyword WHERE term = ''测试跨会话专用词''');
SELECT dblink_disconnect('other');

-- privileges: PUBLIC may read the lexicon, not write it
SELECT ok(NOT has_table_privilege('public', 'prevent.keyword', 'INSERT,UPDATE,DELETE,TRUNCATE'),
	'PUBLIC cannot write prevent.keyword');
SELECT ok(has_table_privilege('public', 'prevent.keyword', 'SELECT'), 'PUBLIC can read prevent.keyword');

SELECT * FROM finish();
ROLLBACK;
