-- prevent.match / assess / score / highlight / level / terms over a small,
-- known lexicon (the default lexicon is set aside inside this transaction).
BEGIN;
UPDATE prevent.setting SET value = 'occurrence' WHERE name = 'negation_scope';
DO $$ BEGIN DELETE FROM prevent.proximity; DELETE FROM prevent.negation; DELETE FROM prevent.keyword; END $$;
INSERT INTO prevent.keyword (id, term, category, weight) OVERRIDING SYSTEM VALUE VALUES
	(1, '杀人', 'threat', 40), (2, '扬言', 'threat', 20), (3, '杀了', 'threat', 40),
	(4, '汽油', 'weapon', 30), (5, '持刀', 'weapon', 60), (6, '同归于尽', 'extreme', 90),
	(7, '自杀', 'suicide', 60), (8, '跳楼', 'suicide', 60), (9, '刀', 'weapon', 5),
	(10, 'KTV', 'minor', 10), (11, '离家出走', 'minor', 40), (12, '家暴', 'domestic', 30),
	(13, '老婆', 'domestic', 1);
INSERT INTO prevent.keyword (id, term, kind) OVERRIDING SYSTEM VALUE VALUES
	(101, '杀虫剂', 'exclude'), (102, '跳楼价', 'exclude'), (103, '刀削面', 'exclude');
INSERT INTO prevent.negation (cue, "window") VALUES ('未发现', 4), ('否认', 4), ('不存在', 2);
INSERT INTO prevent.proximity (term_a, term_b, within, category, weight)
	VALUES ('刀', '老婆', 10, 'domestic', 50);

-- Traditional characters and noise inside a phrase; positions are in
-- characters of the original text, so substr() gives back what matched
SELECT m.*, substr(d, m.position, m.length) AS original
  FROM (VALUES ('他在微信里揚言要殺 了 她全家，还说要去买汽油')) v(d), prevent.match(d) m;
SELECT (prevent.assess('报警人称其丈夫持刀威胁要同归于尽')).*;
-- full-width letters
SELECT * FROM prevent.match('孩子昨晚在ＫＴＶ未归');
-- emoji and zero-width characters as noise
SELECT m.*, substr(d, m.position, m.length) AS original
  FROM (VALUES (E'我要跳😭楼，自\u200B杀')) v(d), prevent.match(d) m;
-- a clause break stops a match; a comma does not
SELECT prevent.score('他说要杀。人都跑了') AS across_break, prevent.score('要杀，人') AS across_comma;
-- exclusions suppress matches inside their span only
SELECT prevent.highlight('邻居家在用杀虫剂，味道很大');
SELECT * FROM prevent.match('店铺跳楼价甩卖，楼上有人要跳楼');
SELECT prevent.highlight('中午吃了刀削面，下午他拿刀');
-- negation: the cue cancels a match within its window in the same clause
SELECT (prevent.assess('经走访未发现自杀倾向')).*;
SELECT (prevent.assess('未发现其有任何自杀倾向')).* AS beyond_window;
SELECT (prevent.assess('未发现异常，自杀')).* AS comma_ends_scope;
SELECT (prevent.assess('经核实不存在家暴情况')).*;
-- negation_scope = category: a denied category is denied throughout the text
SELECT (prevent.assess('担心她会自杀。经核实未发现自杀倾向')).* AS occurrence_scope;
UPDATE prevent.setting SET value = 'category' WHERE name = 'negation_scope';
SELECT (prevent.assess('担心她会自杀。经核实未发现自杀倾向')).* AS category_scope;
UPDATE prevent.setting SET value = 'occurrence' WHERE name = 'negation_scope';
-- proximity: 刀 near 老婆 in one clause, either order
SELECT (prevent.assess('他拿着刀追着老婆打')).*;
SELECT (prevent.assess('老婆说他手里有把刀')).*;
SELECT (prevent.assess('他拿着刀。老婆在外面')).* AS not_across_break;
SELECT (prevent.assess('他拿着刀在外面转了很久很久很久很久才看到老婆')).* AS too_far;
-- one-character terms, overlapping terms, repeated terms counted once
SELECT * FROM prevent.match('刀刀刀');
SELECT prevent.score('杀人杀人杀人') AS repeated, prevent.score('扬言杀人') AS two_terms;
-- score is capped at 100; levels follow prevent.risk_threshold
SELECT (prevent.assess('扬言持刀同归于尽跳楼')).*;
SELECT s, prevent.level(s) FROM unnest(ARRAY[0, 9, 10, 29, 30, 59, 60, 89, 90, 100]) s;
UPDATE prevent.risk_threshold SET min_score = 5 WHERE level = 'low';
SELECT prevent.level(5), (prevent.assess('刀')).level;
-- highlight with custom markers and overlapping occurrences merged
SELECT prevent.highlight('他扬言要杀了人', '<b>', '</b>');
SELECT prevent.highlight('他扬言要杀了人', '', '');
-- characters outside the BMP before a match keep positions right
SELECT m.term, m.position, substr(d, m.position, m.length)
  FROM (VALUES ('𠀀😀𠀁跳 楼')) v(d), prevent.match(d) m;
-- NULL is no risk, empty text has no match
SELECT prevent.assess(NULL) IS NULL AS assess_null, prevent.score(NULL) IS NULL AS score_null,
       (SELECT count(*) FROM prevent.match(NULL)) AS match_null,
       prevent.score('') AS score_empty, prevent.highlight('') AS highlight_empty;
-- a 5 MB text
SELECT count(*) AS hits, min(position), max(position)
  FROM prevent.match(repeat('报警人称邻居扬言要杀人。', 400000));
SELECT (prevent.assess(repeat('报警人称邻居扬言要杀人。', 400000))).score;
-- terms
SELECT prevent.terms('weapon'), prevent.terms('neighbour'), cardinality(prevent.terms()) AS all_terms;
ROLLBACK;
