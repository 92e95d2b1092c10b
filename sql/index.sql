-- Index support: the operators &~ and &~| and the GIN operator class
-- prevent.gin_ops.  Every search below is run twice, through the index and
-- by a sequential scan, and the two row sets are compared.  (JIT is off:
-- disabled scan types inflate costs, and JIT would compile every query
-- prevent.terms() runs inside.)
SET search_path = public, prevent;
SET jit = off;

SELECT amvalidate(c.oid) AS opclass_valid
  FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace
 WHERE n.nspname = 'prevent' AND c.opcname = 'gin_ops';

-- semantics on literals: the normalized term is a substring of the normalized text
SELECT '他揚言要殺 了 她' &~ '杀了' AS traditional_and_noise,
       '在ＫＴＶ门口' &~ 'ktv' AS full_width,
       '跳.楼' &~ '跳樓' AS both_sides_normalized,
       '要杀。人' &~ '杀人' AS across_break,
       '要杀，人' &~ '杀人' AS across_comma,
       '他说杀人！' &~ '杀人!' AS break_in_term,
       '他说杀人了' &~ '杀人。' AS break_in_term_absent,
       '' &~ '刀' AS empty_text,
       NULL::text &~ '刀' AS null_text,
       '刀' &~ NULL::text AS null_term;
SELECT '菜刀' &~| ARRAY['枪', '刀'] AS any_of_two,
       '菜刀' &~| ARRAY[NULL, '槍'] AS null_element_ignored,
       '菜刀' &~| ARRAY[NULL]::text[] AS only_nulls,
       '菜刀' &~| '{}'::text[] AS empty_array,
       '菜刀' &~| NULL::text[] AS null_array,
       '菜刀' OPERATOR(prevent.&~|) ARRAY['刀'] AS qualified_operator;
-- a term longer than a keyword may be (64 characters) works too
SELECT repeat('报警人称', 20) || '。' &~ repeat('报警人称', 20) AS long_term,
       repeat('报警人称', 20) &~| ARRAY['无关', repeat('人称报警', 19)] AS long_term_in_array;
-- a term that normalizes to nothing would be contained in every text
SELECT '他说' &~ ' ，';
SELECT '他说' &~| ARRAY['刀', '😀'];

-- a few thousand deterministic narratives: NULLs, empty strings,
-- punctuation-only texts, and every 17th row with a risk phrase written in
-- Traditional characters, full-width letters or with noise inside
CREATE TABLE incident (id int PRIMARY KEY, narrative text, extra text);
INSERT INTO incident (id, narrative, extra)
SELECT i,
       CASE WHEN i % 211 = 0 THEN NULL
            WHEN i % 199 = 0 THEN ''
            WHEN i % 193 = 0 THEN '，。！　'
            ELSE (ARRAY['报警人张某称', '110接报', '群众来电反映', '网格员报告', '巡逻发现',
                        '报警人李某称', '社区走访发现', '接警员记录', '居民王某反映', '派出所接到',
                        '匿名电话称'])[1 + i % 11]
              || (ARRAY['在某小区', '在城东菜市场', '在家中', '在出租屋内', '在KTV包厢',
                        '在学校门口', '在工地上', '在网吧', '在停车场', '在村委会', '在医院',
                        '在河边', '在商场'])[1 + (i / 11) % 13]
              || (ARRAY['与邻居因停车发生争吵', '与丈夫因家务发生口角', '因欠薪与老板发生纠纷',
                        '因噪音问题与楼上住户争执', '酒后情绪激动', '与前妻因抚养费发生纠纷',
                        '因土地边界与村民争执', '手机被盗', '电动车被盗'])[1 + (i / 7) % 9]
              || '，'
              || CASE WHEN i % 17 = 0
                      THEN (ARRAY['并扬言要杀人', '並揚言要殺人', '说要杀 了 你', '扬言要跳.楼',
                                  '手持菜刀', '称要与对方同归于尽', '在ＫＴＶ门口持刀威胁',
                                  '称杀。人都不怕', '扬言要报复社会', '多次说想自杀'])[1 + (i / 17) % 10]
                         || '。'
                      ELSE '' END
              || (ARRAY['民警到场后进行调解', '民警已告知双方', '民警现场处置完毕',
                        '民警登记后离开', '民警已移交社区处理'])[1 + i % 5]
              || CASE WHEN i % 500 = 0 THEN '。' || repeat('报警人称', 20) ELSE '' END
       END,
       CASE WHEN i % 4 = 0 THEN NULL ELSE (ARRAY['城东所', '城西所', '河口所'])[1 + i % 3] || '：' END
  FROM generate_series(1, 4000) AS i;
SELECT count(*) AS all_rows, count(*) FILTER (WHERE narrative IS NULL) AS null_rows,
       count(*) FILTER (WHERE narrative = '') AS empty_rows,
       count(*) FILTER (WHERE prevent.normalize(narrative) ~ '^[。!]+$') AS breaks_only_rows
  FROM incident;

CREATE INDEX incident_narrative_gin ON incident USING gin (narrative prevent.gin_ops);
CREATE INDEX incident_expr_gin ON incident USING gin ((coalesce(extra, '') || narrative) prevent.gin_ops);
ANALYZE incident;

-- plans with the index
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM incident WHERE narrative &~ '杀人';
EXPLAIN (COSTS OFF) SELECT id FROM incident WHERE narrative &~| ARRAY['汽油', '刀'];
EXPLAIN (COSTS OFF) SELECT id FROM incident WHERE narrative LIKE '%菜刀%';
EXPLAIN (COSTS OFF) SELECT id FROM incident WHERE coalesce(extra, '') || narrative &~ '城东所110接报';
RESET enable_seqscan;

-- index_vs_seq(condition): runs the query through the GIN index and by a
-- sequential scan; via_index says whether the first plan used the index,
-- differ counts the ids found by one and not the other
CREATE FUNCTION index_vs_seq(cond text,
	OUT via_index boolean, OUT index_rows int, OUT seq_rows int, OUT differ int)
LANGUAGE plpgsql
SET enable_seqscan = on SET enable_bitmapscan = on
SET enable_indexscan = on SET enable_indexonlyscan = on
AS $$
DECLARE
	q text := 'SELECT coalesce(array_agg(id ORDER BY id), ''{}'') FROM incident WHERE ' || cond;
	line text;
	a int[];
	b int[];
BEGIN
	SET LOCAL enable_seqscan = off;
	SET LOCAL enable_indexscan = off;
	SET LOCAL enable_indexonlyscan = off;
	via_index := false;
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		via_index := via_index OR line LIKE '%Bitmap Index Scan on incident_%';
	END LOOP;
	EXECUTE q INTO a;
	SET LOCAL enable_seqscan = on;
	SET LOCAL enable_bitmapscan = off;
	EXECUTE q INTO b;
	index_rows := cardinality(a);
	seq_rows := cardinality(b);
	SELECT count(*) INTO differ
	  FROM ((SELECT unnest(a) EXCEPT SELECT unnest(b)) UNION ALL (SELECT unnest(b) EXCEPT SELECT unnest(a))) AS x;
END
$$;

CREATE TABLE search_term (term text PRIMARY KEY, what text);
INSERT INTO search_term VALUES
	('杀人', 'two characters'),
	('殺人', 'Traditional'),
	('揚言要殺人', 'Traditional'),
	('ＫＴＶ', 'full-width'),
	('ktv', 'lower case'),
	('杀了你', 'noisy in the text'),
	('杀 了 你', 'noisy term'),
	('跳.樓', 'noisy Traditional term'),
	('刀', 'one character'),
	('盗', 'one character'),
	('尽', 'one character, last of a clause'),
	('尽。', 'one character and a clause break'),
	('6', 'one digit, in no text'),
	('同归于尽', 'rare'),
	('扬言要报复社会。民警', 'across a clause break'),
	('杀。人', 'clause break inside'),
	('。', 'clause break only'),
	('！！', 'clause breaks only'),
	(repeat('报警人称', 20), 'long (80 characters)'),
	(repeat('报警人称', 21), 'long, in no text'),
	('民警', 'in nearly every text'),
	('飞机', 'in no text');

-- one term at a time; by_definition counts the same thing without the operator
SELECT left(s.term, 12) AS term, s.what, r.*,
       (SELECT count(*) FROM incident
         WHERE strpos(prevent.normalize(narrative), prevent.normalize(s.term)) > 0) AS by_definition
  FROM search_term s, index_vs_seq(format('narrative &~ %L', s.term)) r
 ORDER BY s.what, s.term;

-- the same terms through the expression index
SELECT count(*) AS terms, count(*) FILTER (WHERE via_index) AS via_index, sum(differ) AS differ
  FROM search_term s, index_vs_seq(format('coalesce(extra, '''') || narrative &~ %L', s.term)) r;
SELECT r.* FROM index_vs_seq('coalesce(extra, '''') || narrative &~ ''所报警人''') r;

-- any of several terms
SELECT a.what, r.*
  FROM (VALUES ('all test terms', (SELECT array_agg(term ORDER BY term) FROM search_term WHERE term NOT IN ('。', '！！'))),
               ('Traditional and full-width', ARRAY['殺人', 'ＫＴＶ']),
               ('one-character terms', ARRAY['刀', '盗']),
               ('with NULL elements', ARRAY[NULL, '同归于尽', NULL]),
               ('long and short', ARRAY[repeat('报警人称', 20), '飞机']),
               ('a break-only term: whole index', ARRAY['飞机', '。']),
               ('no term', ARRAY[NULL]::text[])) AS a(what, terms),
       index_vs_seq(format('narrative &~| %L', a.terms)) r
 ORDER BY a.what;

-- LIKE on the raw text is served by the same index, exactly
SELECT p.pattern, r.*
  FROM (VALUES ('%殺人%'), ('%杀人%'), ('%ＫＴＶ%'), ('%KTV%'), ('%杀 了%'), ('%刀%'),
               ('%民警_告知%'), ('报警人%'), ('%\%%'), ('%，%'), ('%')) AS p(pattern),
       index_vs_seq(format('narrative LIKE %L', p.pattern)) r
 ORDER BY p.pattern;

-- bad terms give the operator's error, through the index too
SET enable_seqscan = off;
SELECT count(*) FROM incident WHERE narrative &~ '';
SELECT count(*) FROM incident WHERE narrative &~| ARRAY['刀', '，'];
RESET enable_seqscan;

-- the lexicon's terms, through prevent.terms(): a known lexicon inside a
-- transaction that is rolled back
BEGIN;
DO $$ BEGIN DELETE FROM prevent.proximity; DELETE FROM prevent.negation; DELETE FROM prevent.keyword; END $$;
INSERT INTO prevent.keyword (term, category, weight) VALUES
	('杀人', 'threat', 40), ('杀了你', 'threat', 40), ('报复社会', 'extreme', 60),
	('同归于尽', 'extreme', 90), ('刀', 'weapon', 5), ('跳楼', 'suicide', 60),
	('自杀', 'suicide', 60);
SET LOCAL enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM incident WHERE narrative &~| prevent.terms();
EXPLAIN (COSTS OFF) SELECT id FROM incident WHERE narrative &~| prevent.terms('suicide');
SELECT c.category, r.*
  FROM (VALUES ('all'), ('suicide'), ('extreme')) AS c(category),
       index_vs_seq(format('narrative &~| prevent.terms(%L)', nullif(c.category, 'all'))) r
 ORDER BY c.category;
ROLLBACK;

-- the planner: a term in nearly every row is read sequentially, a rare one
-- through the index
EXPLAIN (COSTS OFF) SELECT id FROM incident WHERE narrative &~ '民警';
EXPLAIN (COSTS OFF) SELECT id FROM incident WHERE narrative &~ '同归于尽';
EXPLAIN (COSTS OFF) SELECT id FROM incident WHERE narrative &~| ARRAY['同归于尽', '报复社会'];

-- maintenance: rows added to the pending list (fastupdate is on by default),
-- VACUUM, CREATE INDEX CONCURRENTLY with fastupdate off, REINDEX
CREATE VIEW all_terms_agree AS
SELECT count(*) AS terms, count(*) FILTER (WHERE via_index) AS via_index,
       sum(index_rows) AS rows_found, sum(differ) AS differ
  FROM search_term s, index_vs_seq(format('narrative &~ %L', s.term)) r;
INSERT INTO incident (id, narrative)
SELECT 4000 + id, narrative || '又称杀人' FROM incident WHERE id <= 300 AND narrative IS NOT NULL;
SELECT * FROM all_terms_agree;
DELETE FROM incident WHERE id % 4 = 0;
VACUUM incident;
SELECT * FROM all_terms_agree;
DROP INDEX incident_narrative_gin;
CREATE INDEX CONCURRENTLY incident_narrative_gin ON incident USING gin (narrative prevent.gin_ops)
	WITH (fastupdate = off);
INSERT INTO incident (id, narrative) VALUES (9001, '她說要跳 樓'), (9002, NULL), (9003, '');
SELECT * FROM all_terms_agree;
REINDEX INDEX incident_narrative_gin;
SELECT * FROM all_terms_agree;
REINDEX INDEX CONCURRENTLY incident_narrative_gin;
ALTER INDEX incident_narrative_gin SET (fastupdate = on);
INSERT INTO incident (id, narrative) VALUES (9004, '手持菜刀'), (9005, '称要同归于尽');
SELECT gin_clean_pending_list('incident_narrative_gin') >= 0 AS pending_list_cleaned;
SELECT * FROM all_terms_agree;

DROP VIEW all_terms_agree;
DROP TABLE incident, search_term;
DROP FUNCTION index_vs_seq(text);
