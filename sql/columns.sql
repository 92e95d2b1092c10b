-- Narrative columns assessed as one text: the text[] forms of explain,
-- highlight, assess and score.  The elements are joined with a line break,
-- a hard clause break: no term or proximity rule matches across two
-- columns and no negation cue reaches into the next, while a disposition
-- (the officer's finding) still rules out what was written before it.
-- Exact rows over a small known lexicon (the default one is set aside in
-- this transaction); then, over the default lexicon, every text[] form
-- checked against the text form of the joined string.
\set ON_ERROR_ROLLBACK on
BEGIN;
UPDATE prevent.setting SET value = 'occurrence' WHERE name = 'negation_scope';
DO $$ BEGIN DELETE FROM prevent.combination; DELETE FROM prevent.proximity; DELETE FROM prevent.negation; DELETE FROM prevent.keyword; END $$;
INSERT INTO prevent.keyword (term, category, weight, min_level) VALUES
	('持刀', 'weapon', 30, NULL), ('丈夫', 'domestic', 5, NULL), ('扬言', 'threat', 15, NULL),
	('要杀了', 'threat', 30, NULL), ('杀人', 'threat', 40, 'high'), ('自杀', 'suicide', 45, NULL);
INSERT INTO prevent.keyword (term, kind) VALUES ('杀虫剂', 'exclude');
INSERT INTO prevent.keyword (term, category, kind) VALUES ('系误会', NULL, 'disposition');
INSERT INTO prevent.negation (cue, "window") VALUES ('未发现', 6);
INSERT INTO prevent.proximity (term_a, term_b, within, category, weight) VALUES ('扬言', '杀', 8, 'extreme', 20);
INSERT INTO prevent.combination (categories, min_weight, level) VALUES ('{threat,weapon}', 10, 'high');

-- 报警内容 (the call-taker's) and 处警情况 (the officer's): positions within each column
SELECT * FROM prevent.explain(ARRAY['报警人称其丈夫持刀', '民警到场后，男子扬言要杀了她']);
SELECT (prevent.assess(ARRAY['报警人称其丈夫持刀', '民警到场后，男子扬言要杀了她'])).*;
SELECT prevent.score(ARRAY['报警人称其丈夫持刀', '民警到场后，男子扬言要杀了她']);
SELECT prevent.highlight(ARRAY['报警人称其丈夫持刀', '民警到场后，男子扬言要杀了她']);
SELECT prevent.highlight(ARRAY['报警人称其丈夫持刀', '民警到场后，男子扬言要杀了她'], '<b>', '</b>');
-- the level is the joined string's under the text form
SELECT (prevent.assess(ARRAY['报警人称其丈夫持刀', '民警到场后，男子扬言要杀了她'])).level AS columns_level,
	   (prevent.assess(E'报警人称其丈夫持刀\n民警到场后，男子扬言要杀了她')).level AS joined_level;

-- substr(docs[column_no], position, length) is the original text: Traditional characters and
-- noise in the second column, a line break of the first column's own before its term
SELECT e.signal, e.detail, e.column_no, e."position", e.length, substr(d[e.column_no], e."position", e.length) AS original
  FROM (VALUES (ARRAY[E'报警人称\n其丈夫持刀', '民警到场后，男子揚言要殺 了她'])) v(d), prevent.explain(d) e
 WHERE e."position" IS NOT NULL;

-- a term that only the break would complete does not match; written in one column it does
SELECT prevent.score(ARRAY['他说要杀', '人了']) AS across_columns, prevent.score(ARRAY['他说要杀人了']) AS in_one;
SELECT prevent.highlight(ARRAY['他说要杀', '人了']) AS across_columns, prevent.highlight('他说要杀人了') AS in_one;
SELECT count(*) FILTER (WHERE signal IN ('term', 'disposition')) AS occurrences FROM prevent.explain(ARRAY['他说要杀', '人了']);
-- nor does a proximity rule, or an exclusion
SELECT (prevent.assess(ARRAY['他扬言', '要杀了她'])).terms AS across_columns, (prevent.assess('他扬言要杀了她')).terms AS in_one;
SELECT prevent.highlight(ARRAY['邻居家在用杀虫', '剂杀人']) AS across_columns, prevent.highlight('邻居家在用杀虫剂杀人') AS in_one;
-- a negation cue reaches no further than its column...
SELECT signal, detail, column_no, "position", effect FROM prevent.explain(ARRAY['经走访未发现', '自杀倾向']) WHERE signal = 'term';
SELECT signal, detail, column_no, "position", effect FROM prevent.explain(ARRAY['经走访未发现自杀倾向', '']) WHERE signal = 'term';
-- ...but the officer's finding rules out what the call-taker wrote
SELECT signal, detail, column_no, "position", weight, level, effect FROM prevent.explain(ARRAY['网传有人扬言带刀', '经核实系误会']);
-- a term in both columns counts once, at its first occurrence
SELECT signal, detail, column_no, "position", weight, effect FROM prevent.explain(ARRAY['男子持刀', '该男子仍持刀']) WHERE signal = 'term';

-- NULL elements are empty columns, and stay NULL in highlight(); a NULL array is NULL
SELECT * FROM prevent.explain(ARRAY[NULL, '男子持刀', NULL, '扬言']) WHERE signal = 'term';
SELECT prevent.highlight(ARRAY[NULL, '男子持刀', NULL, '扬言', '']);
SELECT (prevent.assess(ARRAY[NULL, NULL]::text[])).*, prevent.highlight(ARRAY[NULL, NULL]::text[]);
SELECT prevent.assess(NULL::text[]) IS NULL AS assess, prevent.score(NULL::text[]) IS NULL AS score,
	   prevent.highlight(NULL::text[]) IS NULL AS highlight, (SELECT count(*) FROM prevent.explain(NULL::text[])) AS explain_rows;
-- an empty array is no text, as an empty string is; the result of highlight() is empty too
SELECT (prevent.assess('{}'::text[])).*, prevent.score('{}'::text[]), prevent.highlight('{}'::text[]);
SELECT signal, column_no, "position", level FROM prevent.explain('{}'::text[]);
-- column_no is the subscript in docs, whatever the array's lower bound; highlight() keeps the bounds
SELECT signal, detail, column_no, "position" FROM prevent.explain('[0:2]={扬言,NULL,持刀}'::text[]) WHERE signal = 'term';
SELECT prevent.highlight('[0:2]={扬言,NULL,持刀}'::text[]);
-- an untyped literal is taken as text, so the text form is called: say text[] for the columns
SELECT pg_typeof(prevent.highlight('{持刀,扬言}')) AS literal, pg_typeof(prevent.highlight('{持刀,扬言}'::text[])) AS columns,
	   prevent.score('{持刀,扬言}') AS literal_score, prevent.score('{持刀,扬言}'::text[]) AS columns_score;

-- a multi-dimensional array is refused (SQLSTATE 2202E), by every text[] form
SELECT prevent.assess(ARRAY[['持刀', '扬言'], ['要杀了', '她']]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT prevent.score(ARRAY[['持刀', '扬言'], ['要杀了', '她']]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT prevent.highlight(ARRAY[['持刀', '扬言'], ['要杀了', '她']]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM prevent.explain(ARRAY[['持刀', '扬言'], ['要杀了', '她']]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
ROLLBACK;

-- Over the default lexicon: every text[] form against the text form of the elements joined with
-- a line break (NULL as empty); true throughout
CREATE TEMP TABLE narratives (id int, docs text[]);
INSERT INTO narratives VALUES
	(1, ARRAY['报警人称其丈夫持刀', '民警到场后，男子扬言要杀了她']),
	(2, ARRAY['网传某小区有人持刀砍人', '经核实系谣言']),
	(3, ARRAY['经核实系谣言', '网传某小区有人持刀砍人']),
	(4, ARRAY['经走访未发现', '自杀倾向']),
	(5, ARRAY['他说要杀', '人了']),
	(6, ARRAY[NULL, '邻居家在用杀虫剂，味道很大', NULL]),
	(7, ARRAY['初二学生王某放学后至今未归', '电话关机', '其母称孩子曾说不想活了']),
	(8, ARRAY['她在读《自杀俱', '乐部》，又说想自杀']),
	(9, ARRAY['', '', '']),
	(10, ARRAY[repeat('报警人称其丈夫持刀，', 400), repeat('经核实系误会。男子又扬言要杀了她，', 400), '孩子已找回']);
CREATE TEMP VIEW joined AS SELECT id, docs, array_to_string(docs, E'\n', '') AS doc FROM narratives;
SELECT id,
	   prevent.assess(docs) = prevent.assess(doc) AS assess,
	   (prevent.assess(docs)).level = (prevent.assess(doc)).level AS level,
	   prevent.score(docs) = prevent.score(doc) AS score,
	   array_to_string(prevent.highlight(docs), E'\n', '') = prevent.highlight(doc) AS highlight,
	   array_positions(prevent.highlight(docs), NULL) = array_positions(docs, NULL) AS null_elements,
	   array_to_string(prevent.highlight(docs, '<', '>'), E'\n', '') = prevent.highlight(doc, '<', '>') AS highlight_markers
  FROM joined ORDER BY id;
-- explain(): the same rows, a position in the joined text being the column's start there plus
-- the position in the column; substr() of the column is what matched; no occurrence leaves its column
CREATE TEMP TABLE col_start AS
SELECT n.id, u.i AS column_no, u.col,
	   (sum(char_length(coalesce(u.col, '')) + 1) OVER w - char_length(coalesce(u.col, '')) - 1)::int AS start
  FROM narratives n, unnest(n.docs) WITH ORDINALITY u(col, i) WINDOW w AS (PARTITION BY n.id ORDER BY u.i);
CREATE TEMP TABLE explained AS
SELECT j.id, e.*, c.start + e."position" AS joined_position
  FROM joined j CROSS JOIN LATERAL prevent.explain(j.docs) e
  LEFT JOIN col_start c ON c.id = j.id AND c.column_no = e.column_no;
SELECT j.id,
	   (SELECT count(*) FROM prevent.explain(j.doc)) = (SELECT count(*) FROM explained x WHERE x.id = j.id) AS same_count,
	   NOT EXISTS (SELECT signal, detail, category, "position", length, weight, level, effect FROM prevent.explain(j.doc)
				   EXCEPT ALL
				   SELECT signal, detail, category, joined_position, length, weight, level, effect
					 FROM explained x WHERE x.id = j.id) AS same_rows,
	   NOT EXISTS (SELECT 1 FROM explained x JOIN col_start c USING (id, column_no)
					WHERE x.id = j.id
					  AND prevent.normalize(substr(c.col, x."position", x.length)) <> prevent.normalize(x.detail)) AS substr_is_term,
	   NOT EXISTS (SELECT 1 FROM explained x LEFT JOIN col_start c USING (id, column_no)
					WHERE x.id = j.id AND ((x."position" IS NULL) <> (x.column_no IS NULL)
					   OR x."position" + x.length - 1 > char_length(c.col))) AS within_column
  FROM joined j ORDER BY j.id;
