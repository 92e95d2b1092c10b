-- The default lexicon on the examples of the README and the issue.  This
-- output changes when the shipped lexicon is tuned; review such diffs.
SELECT count(*) FILTER (WHERE kind = 'match') > 300 AS about_400_terms,
       count(*) FILTER (WHERE kind = 'exclude') >= 50 AS exclusions,
       count(DISTINCT category) = 9 AS nine_categories
  FROM prevent.keyword WHERE builtin;
SELECT count(*) >= 20 AS negation_cues FROM prevent.negation WHERE builtin;
SELECT * FROM prevent.match('他在微信里揚言要殺 了 她全家，还说要去买汽油');
SELECT (prevent.assess('报警人称其丈夫持刀威胁要同归于尽')).*;
SELECT prevent.highlight('邻居家在用杀虫剂，味道很大');
SELECT (prevent.assess('邻居家在用杀虫剂，味道很大')).level AS insecticide;
SELECT (prevent.assess('经走访核实，未发现其有自杀倾向')).level AS negated;
SELECT (prevent.assess('店铺搞跳楼价促销，顾客砍价')).level AS bargain;
SELECT (prevent.assess('孩子（13岁）晚上离家出走至今未归，电话关机')).* ;
SELECT (prevent.assess('其子患有精神分裂症，近日自行停药，在家中摔砸物品')).*;
SELECT (prevent.assess('ＫＴＶ門口有人持刀鬥毆')).level AS fullwidth_traditional;
-- in parallel workers (each builds its own lexicon from the query's snapshot)
SET force_parallel_mode = regress;
SELECT prevent.score('报警人称其丈夫持刀威胁要同归于尽') AS parallel_score,
       (prevent.assess('经走访核实，未发现其有自杀倾向')).level AS parallel_level;
RESET force_parallel_mode;
-- the README's examples of the severity model, with the default lexicon
SELECT signal, detail, category, "position", weight, level, effect
  FROM prevent.explain('他扬言要拿刀，还说家里藏着炸药，未发现自杀倾向');
SELECT signal, detail, effect FROM prevent.explain('网传某小区有人持刀砍人，经核实系谣言');
SELECT (prevent.assess('初二学生王某放学后至今未归，电话关机')).*;
SELECT (prevent.assess('网传有人持刀砍人，经核实系谣言')).level AS ruled_out,
       (prevent.assess('经核实系误会，但其随后又扬言带刀')).level AS after_the_finding,
       (prevent.assess('他扬言要拿刀')).level AS threat_and_weapon;
