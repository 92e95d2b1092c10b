-- demo.sql — prevent's main job, shown on a few Chinese incident narratives with the default
-- lexicon: how the text is normalized, which risk terms match where, the resulting score and
-- level, and the narrative with its matches marked.  Run by scripts/demo.sh on a throwaway
-- cluster; works in any UTF8 database where you may CREATE EXTENSION prevent.
\set ON_ERROR_STOP on
\set QUIET on
\pset null '∅'
SET client_min_messages = warning;

CREATE EXTENSION IF NOT EXISTS prevent;

CREATE TEMP TABLE demo_narrative (id int PRIMARY KEY, doc text NOT NULL);
INSERT INTO demo_narrative (id, doc) VALUES
	(1, '他在微信里揚言要殺 了 她全家，还说要去买汽油'),   -- Traditional characters, spaces inside a phrase
	(2, '报警人称其丈夫持刀威胁要同归于尽'),
	(3, '邻居家在用杀虫剂，味道很大'),                     -- innocent: 杀虫剂 is insecticide
	(4, '经民警核实，未发现该男子有自杀倾向。'),           -- the risk is ruled out
	(5, '女儿（１４岁）放学后离家出走，手机关机已失联两天');  -- full-width digits

\echo
\echo '== The default lexicon: match terms and exclusions per category'
SELECT c.name AS category, c.label,
       count(k.id) FILTER (WHERE k.kind = 'match' AND k.enabled) AS terms,
       count(k.id) FILTER (WHERE k.kind = 'exclude') AS exclusions
  FROM prevent.category c
  LEFT JOIN prevent.keyword k ON k.category = c.name
 GROUP BY c.name, c.label
 ORDER BY c.name;

\echo '== The narratives, and how prevent.normalize() sees them'
\echo '   (Traditional -> Simplified, full-width -> ASCII, noise dropped, clause breaks kept)'
SELECT id, doc, prevent.normalize(doc) AS normalized
  FROM demo_narrative
 ORDER BY id;

\echo '== prevent.match(): one row per risk term found; substr(doc, position, length) is the original text'
SELECT n.id, m.term, m.category, m.weight, m.position, m.length,
       substr(n.doc, m.position, m.length) AS original
  FROM demo_narrative n
 CROSS JOIN LATERAL prevent.match(n.doc) m
 ORDER BY n.id, m.position;

\echo '== prevent.assess(): score (sum of distinct term weights, at most 100) and risk level'
SELECT n.id, a.score, a.level, a.categories, a.terms
  FROM demo_narrative n
 CROSS JOIN LATERAL prevent.assess(n.doc) a
 ORDER BY n.id;

\echo '== prevent.highlight(): the narrative with every match marked'
SELECT id, prevent.highlight(doc) AS highlighted
  FROM demo_narrative
 ORDER BY id;
