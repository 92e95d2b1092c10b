-- The severity model and prevent.explain(): min_level, combinations,
-- dispositions, and the rows that say why a narrative gets its level, over
-- a small known lexicon (the default one is set aside in this transaction).
\set ON_ERROR_ROLLBACK on
BEGIN;
UPDATE prevent.setting SET value = 'occurrence' WHERE name = 'negation_scope';
DO $$ BEGIN DELETE FROM prevent.combination; DELETE FROM prevent.proximity; DELETE FROM prevent.negation; DELETE FROM prevent.keyword; END $$;
INSERT INTO prevent.keyword (term, category, weight, min_level) VALUES
	('扬言', 'threat', 15, NULL), ('炸药', 'weapon', 30, 'high'), ('刀', 'weapon', 15, NULL),
	('烧炭', 'suicide', 40, 'high'), ('自杀', 'suicide', 45, NULL), ('孩子', 'minor', 5, NULL),
	('未归', 'minor', 20, NULL);
INSERT INTO prevent.keyword (term, kind) VALUES ('杀虫剂', 'exclude');
INSERT INTO prevent.keyword (term, category, kind) VALUES
	('系误会', NULL, 'disposition'), ('已找回', 'minor', 'disposition');
INSERT INTO prevent.negation (cue, "window") VALUES ('未发现', 6);
INSERT INTO prevent.proximity (term_a, term_b, within, category, weight, min_level)
	VALUES ('扬言', '炸', 8, 'extreme', 20, 'critical'), ('拿着', '幼儿园', 15, 'extreme', 30, 'high');
INSERT INTO prevent.combination (categories, min_weight, level) VALUES ('{threat,weapon}', 10, 'high');

-- one strong signal alone: score 30 is low, the term's min_level makes it high
SELECT (prevent.assess('他说家里藏着炸药')).*;
SELECT * FROM prevent.explain('他说家里藏着炸药');
-- two weak signals of different categories together: a combination
SELECT (prevent.assess('他扬言要拿刀')).*;
SELECT * FROM prevent.explain('他扬言要拿刀');
-- intent next to means: a proximity rule with its own level
SELECT (prevent.assess('他扬言要炸了工厂')).level;
-- excluded and negated occurrences, and a term counted once
SELECT signal, detail, "position", weight, effect FROM prevent.explain('买了杀虫剂，未发现自杀倾向，后来又说自杀，自杀');
-- a disposition rules out the terms before it, of every category...
SELECT (prevent.assess('网传有人扬言带刀，经核实系误会')).*;
SELECT signal, detail, weight, level, effect FROM prevent.explain('网传有人扬言带刀，经核实系误会');
-- ...but not those after it
SELECT (prevent.assess('经核实系误会，但其随后又扬言带刀')).level;
-- a disposition of one category leaves the others
SELECT (prevent.assess('孩子扬言要烧炭，已找回')).*;
-- a term written again after the finding counts again; a finding written twice counts once
SELECT (prevent.assess('网传有人扬言带刀，经核实系误会。凌晨其又扬言带刀')).level;
SELECT (prevent.assess('扬言带刀，系误会，后又称系误会')).level;
-- a category's finding leaves the rules of other categories
SELECT (prevent.assess('孩子在幼儿园门口被人拿着东西尾随，孩子已找回')).*;
-- under negation_scope = category a denied finding denies nothing else of its category
UPDATE prevent.setting SET value = 'category' WHERE name = 'negation_scope';
SELECT (prevent.assess('孩子昨晚未归，未发现已找回')).*;
SELECT signal, detail, effect FROM prevent.explain('孩子昨晚未归，未发现已找回');
UPDATE prevent.setting SET value = 'occurrence' WHERE name = 'negation_scope';
-- a work's title names no risk; the same words outside one do
SELECT (prevent.assess('她在读《自杀俱乐部》这本书')).*;
SELECT (prevent.assess('她在读《自杀俱乐部》，又说想自杀')).*;
SELECT signal, detail, effect FROM prevent.explain('她在读《自杀俱乐部》，又说想自杀');
SELECT (prevent.assess('他说《这个世界太难了，我要自杀，然后……')).level AS unclosed_title;
-- nothing found
SELECT * FROM prevent.explain('今日无事');
SELECT count(*) FROM prevent.explain('');

-- a signal term (kind signal): evidence of its class for a combination, no score, no category,
-- not a term of match(), highlight(), terms() or assess()'s terms
INSERT INTO prevent.keyword (term, kind, signal, weight) VALUES ('明天', 'signal', 'imminent', 30);
INSERT INTO prevent.combination (categories, min_weight, level) VALUES ('{threat,imminent}', 15, 'high');
SELECT signal, detail, category, weight, level, effect FROM prevent.explain('男子扬言报复，说明天就去他家');
SELECT level, score, categories, terms FROM prevent.assess('男子扬言报复，说明天就去他家');
SELECT level, score FROM prevent.assess('男子扬言报复');
SELECT level, score FROM prevent.assess('报警人称明天再来调解');
SELECT count(*) FROM prevent.match('男子扬言报复，说明天就去他家');
SELECT prevent.highlight('男子扬言报复，说明天就去他家');
SELECT '明天' = ANY (prevent.terms()) AS signal_in_terms;

-- a harmless context (kind context) rules out the terms of its sentence, before or after it, and
-- those written before it, as a disposition does; not those of a later sentence
INSERT INTO prevent.keyword (term, category, kind) VALUES ('抗战剧', NULL, 'context'), ('灭鼠', 'suicide', 'context');
SELECT signal, detail, weight, effect FROM prevent.explain('她在看抗战剧，男主角抱着炸药冲进炮楼');
SELECT signal, detail, weight, effect FROM prevent.explain('隔壁传出像炸药爆炸的声音。到场系老人看抗战剧');
SELECT level, score, terms FROM prevent.assess('他看完抗战剧睡了。凌晨又扬言拿刀');
-- a context of one category leaves the others in its sentence
SELECT level, score, categories, terms FROM prevent.assess('为灭鼠买了自杀用的药，扬言拿刀');
-- the line break between two narrative columns ends a sentence too
SELECT level, terms FROM prevent.assess(ARRAY['男子拿着炸药', '抗战剧的片段']);
SELECT level, terms FROM prevent.assess(ARRAY['抗战剧的片段', '男子拿着炸药']);
-- a context is no term of match(), highlight() or terms()
SELECT count(*) FROM prevent.match('她在看抗战剧');
SELECT prevent.highlight('她在看抗战剧，炸药');
SELECT '抗战剧' = ANY (prevent.terms()) AS context_in_terms;

-- bad input
\set VERBOSITY terse
INSERT INTO prevent.keyword (term, kind) VALUES ('某时间词', 'signal');
INSERT INTO prevent.keyword (term, kind, signal, category) VALUES ('某时间词', 'signal', 'imminent', 'threat');
INSERT INTO prevent.keyword (term, category, kind, min_level) VALUES ('无害词', NULL, 'exclude', 'high');
INSERT INTO prevent.keyword (term, category, weight, min_level) VALUES ('某词', 'threat', 10, 'none');
INSERT INTO prevent.combination (categories, level) VALUES ('{threat}', 'high');
INSERT INTO prevent.combination (categories, level) VALUES ('{threat,threat}', 'high');
INSERT INTO prevent.combination (categories, level) VALUES ('{threat,"No Such"}', 'high');
INSERT INTO prevent.keyword (term, category, weight, signal) VALUES ('某信号词', 'threat', 5, 'weapon');
INSERT INTO prevent.keyword (term, kind, signal) VALUES ('某排除词', 'exclude', 'missing');
INSERT INTO prevent.combination (categories, level, min_weight) VALUES ('{threat,weapon}', 'high', 0);
INSERT INTO prevent.keyword (term, kind) VALUES ('另一个', 'other');
INSERT INTO prevent.keyword (term, kind, min_level) VALUES ('某剧', 'context', 'high');
INSERT INTO prevent.keyword (term, kind, signal) VALUES ('某剧', 'context', 'imminent');
INSERT INTO prevent.keyword (term, kind, category) VALUES ('某剧', 'context', 'No Such');
ROLLBACK;
