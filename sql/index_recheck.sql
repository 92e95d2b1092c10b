-- prevent.gin_ops skips the recheck of a row only where the row's index
-- keys prove the match (a term of at most three normalized characters,
-- none but the last a clause break), and gives large &~| arrays as groups
-- of keys.  Both must leave the rows found exactly those of a sequential
-- scan: here over texts made to trip them (noise between characters,
-- clause breaks, Traditional and full-width forms, expansions such as ㍿,
-- trigrams that occur apart) and over a few thousand generated noisy texts,
-- with terms generated the same way, through the index built at once and
-- through rows still in its pending list.
SET search_path = public, prevent;
SET jit = off;

CREATE TABLE noisy (id int PRIMARY KEY, doc text) WITH (autovacuum_enabled = off);
INSERT INTO noisy VALUES
	(1, '杀人'), (2, '杀 人'), (3, '殺.人'), (4, '杀。人'), (5, '杀，人'), (6, E'杀\n人'),
	(7, '要杀 了 你'), (8, '杀了。你'), (9, '株式会社'), (10, '㍿'), (11, '甲乙丙，乙丙丁'),
	(12, '甲乙丙丁'), (13, 'ＫＴＶ门口'), (14, '同归于尽。'), (15, '同归于尽'), (16, '尽！'),
	(17, ''), (18, NULL), (19, '。！'), (20, '扬言要杀人'), (21, '揚 言'), (22, '社株'),
	(23, '甲乙，乙丙'), (24, '言要。要杀');

-- generated texts: up to 24 pieces each, characters more often than noise and breaks
SELECT setseed(0.18);
CREATE TABLE piece (n int PRIMARY KEY, p text);
INSERT INTO piece
SELECT n, p FROM unnest(ARRAY['杀', '殺', '人', '了', '你', '刀', '扬', '揚', '言', '要', '甲', '乙', '丙', '丁',
							  '株', '式', '会', '社', '㍿', 'k', 'Ｋ', 'T', 'v',
							  ' ', '.', '😀', E'\u200b', '，', '：', '。', '！', E'\n'])
	WITH ORDINALITY AS x(p, n);
CREATE FUNCTION noisy_text(pieces int) RETURNS text LANGUAGE sql VOLATILE AS $$
	SELECT coalesce(string_agg(p.p, '' ORDER BY g.i), '')
	  FROM generate_series(1, pieces) AS g(i)
	  JOIN LATERAL (SELECT CASE WHEN random() < 0.75 THEN 1 + floor(random() * 23)::int
								ELSE 1 + floor(random() * 32)::int END AS n, g.i AS i) AS r ON true
	  JOIN piece p ON p.n = r.n
$$;
INSERT INTO noisy SELECT 100 + g, noisy_text(floor(random() * 25)::int) FROM generate_series(1, 3000) AS g;

CREATE INDEX noisy_doc_gin ON noisy USING gin (doc prevent.gin_ops) WITH (fastupdate = off);
ANALYZE noisy;

-- index_vs_seq(cond): the rows of noisy that satisfy cond through the index
-- and by a sequential scan; via_index says whether the first plan used the
-- index, differ counts the ids found by one and not the other
CREATE FUNCTION index_vs_seq(cond text,
	OUT via_index boolean, OUT index_rows int, OUT seq_rows int, OUT differ int)
LANGUAGE plpgsql
SET enable_seqscan = on SET enable_bitmapscan = on
SET enable_indexscan = on SET enable_indexonlyscan = on
AS $$
DECLARE
	q text := 'SELECT coalesce(array_agg(id ORDER BY id), ''{}'') FROM noisy WHERE ' || cond;
	line text;
	a int[];
	b int[];
BEGIN
	SET LOCAL enable_seqscan = off;
	SET LOCAL enable_indexscan = off;
	SET LOCAL enable_indexonlyscan = off;
	via_index := false;
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		via_index := via_index OR line LIKE '%Bitmap Index Scan on noisy_doc_gin%';
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

-- the hand-made texts, term by term: the first three characters of a
-- term prove it only when no break comes before its end (甲乙丙 is a key
-- of rows 11 and 12, not of row 23, which has both of its bigrams)
SELECT t.term, r.*
  FROM (VALUES ('杀人'), ('殺 人'), ('杀了你'), ('杀了'), ('式会'), ('社株'), ('㍿'), ('甲乙丙丁'),
			   ('乙丙'), ('ktv'), ('尽。'), ('尽！'), ('尽'), ('同归于尽'), ('杀。人'), ('。人'),
			   ('扬言'), ('言要杀'), ('甲乙丙'), ('要。'), ('。要')) AS t(term),
	   index_vs_seq(format('doc &~ %L', t.term)) r
 ORDER BY t.term;

-- generated terms of one to five pieces (those that normalize to something)
CREATE TABLE term AS
SELECT DISTINCT noisy_text(1 + (g % 5)) AS term FROM generate_series(1, 400) AS g;
DELETE FROM term WHERE prevent.normalize(term) = '';
SELECT count(*) > 250 AS enough_terms,
	   count(*) FILTER (WHERE length(prevent.normalize(term)) >= 4) > 50 AS some_long,
	   count(*) FILTER (WHERE prevent.normalize(term) ~ '[。!\n]') > 20 AS some_with_breaks
  FROM term;

-- all_agree: every generated term alone, and sets of them with &~| in both
-- plans (up to 64 terms each key an entry, above that groups of keys)
CREATE TABLE term_set (id int PRIMARY KEY, terms text[]);
INSERT INTO term_set
SELECT s, (SELECT array_agg(term ORDER BY md5(term || s)) FROM (SELECT term FROM term ORDER BY md5(term || s)
																LIMIT CASE WHEN s <= 20 THEN 5 ELSE 150 END) x)
  FROM generate_series(1, 30) AS s;
-- a set without one-character terms, so that many are kept and grouped:
-- every pair of ten characters (100 two-character terms) and the longer
-- generated terms none of those is part of
INSERT INTO term_set
SELECT 100, array_agg(a || b) FROM unnest('{杀,人,了,你,刀,扬,言,要,甲,乙}'::text[]) a,
								   unnest('{杀,人,了,你,刀,扬,言,要,甲,乙}'::text[]) b;
UPDATE term_set SET terms = terms || (SELECT array_agg(term) FROM term t
									   WHERE length(prevent.normalize(t.term)) >= 3
										 AND NOT t.term &~| (SELECT terms FROM term_set WHERE id = 100))
 WHERE id = 100;
CREATE VIEW all_agree AS
SELECT 'one term' AS search, count(*) AS searches, count(*) FILTER (WHERE r.via_index) AS via_index,
	   sum(r.index_rows) AS rows_found, sum(r.differ) AS differ
  FROM term t, index_vs_seq(format('doc &~ %L', t.term)) r
UNION ALL
SELECT 'any of a few terms', count(*), count(*) FILTER (WHERE r.via_index), sum(r.index_rows), sum(r.differ)
  FROM term_set s, index_vs_seq(format('doc &~| %L', s.terms)) r WHERE s.id <= 20
UNION ALL
SELECT 'any of many terms', count(*), count(*) FILTER (WHERE r.via_index), sum(r.index_rows), sum(r.differ)
  FROM term_set s, index_vs_seq(format('doc &~| %L', s.terms)) r WHERE s.id > 20
UNION ALL
SELECT 'the default lexicon', count(*), count(*) FILTER (WHERE r.via_index), sum(r.index_rows), sum(r.differ)
  FROM index_vs_seq('doc &~| prevent.terms()') r;
SELECT id, cardinality(terms) FROM term_set WHERE id = 100;
SELECT * FROM all_agree;
-- and the operator itself against its definition (its shortcuts included)
SELECT count(*) AS pairs,
	   count(*) FILTER (WHERE (n.doc &~ t.term) <> (strpos(prevent.normalize(n.doc), prevent.normalize(t.term)) > 0))
	   AS operator_differs
  FROM noisy n, term t WHERE n.doc IS NOT NULL AND n.id % 7 = 0;

-- the same with rows in the pending list (fastupdate), matched there by the
-- same keys and groups, then after the list is cleaned
ALTER INDEX noisy_doc_gin SET (fastupdate = on);
INSERT INTO noisy SELECT 5000 + g, noisy_text(floor(random() * 25)::int) FROM generate_series(1, 500) AS g;
INSERT INTO noisy SELECT 6000 + id, doc FROM noisy WHERE id < 100;
SELECT * FROM all_agree;
SELECT gin_clean_pending_list('noisy_doc_gin') > 0 AS pending_list_cleaned;
SELECT * FROM all_agree;

-- the operator keeps what it built from the last array of a call site: a
-- PL/pgSQL expression is evaluated again with its variables' new values
CREATE FUNCTION contains_each(doc text, sets text[]) RETURNS boolean[]
LANGUAGE plpgsql AS $$
DECLARE
	found boolean[] := '{}';
	t text[];
BEGIN
	FOREACH t SLICE 1 IN ARRAY sets LOOP
		found := found || (doc &~| t);
	END LOOP;
	RETURN found;
END
$$;
SELECT contains_each('他揚言要殺人', ARRAY[['刀', '枪'], ['杀人', '枪'], ['火', '水'], ['扬 言', '水']]);

DROP FUNCTION contains_each(text, text[]);
DROP VIEW all_agree;
DROP TABLE noisy, piece, term, term_set;
DROP FUNCTION index_vs_seq(text), noisy_text(int);
