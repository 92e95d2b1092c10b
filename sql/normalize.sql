-- prevent.normalize(): NFKC + case folding, Traditional -> Simplified,
-- noise dropped, clause breaks kept.
SELECT prevent.normalize('ＫＴＶ１１０');
SELECT prevent.normalize('ABC Def ＡＢＣ');
SELECT prevent.normalize('殺人 揚言 跳樓 報復 槍支');
SELECT prevent.normalize('杀 了 你'), prevent.normalize('砍*死'), prevent.normalize('跳.楼'),
       prevent.normalize('同-归-于-尽'), prevent.normalize('自　杀');
-- zero-width space, word joiner, soft hyphen, BOM
SELECT prevent.normalize(E'杀\u200B人\u2060了\u00AD你\uFEFF');
-- emoji, including ZWJ sequences, skin tones and keycaps
SELECT prevent.normalize('跳😀楼👨‍👩‍👧👍🏽1️⃣');
-- clause breaks stay (full-width forms become their NFKC form), commas and colons go
SELECT prevent.normalize('第一句。第二句！第三句？第四句；五!六?七;八');
SELECT prevent.normalize(E'一行\r\n二行\n三行') = E'一行\n\n二行\n三行' AS line_breaks_kept;
SELECT prevent.normalize('报警人称：甲，乙、丙');
-- expansions and compatibility characters
SELECT prevent.normalize('㍿ ① ⑴ ㎏ ﬁ Ⅻ');
-- combining marks are dropped (pinyin tones, accents)
SELECT prevent.normalize('shā rén café');
-- characters outside the BMP are kept (CJK Extension B)
SELECT prevent.normalize('𠀀𠀁 杀');
-- empty, punctuation only, NULL
SELECT prevent.normalize('') = '' AS empty, prevent.normalize('，。！？ *** …… ') AS punct,
       prevent.normalize(NULL) IS NULL AS null_in_null_out;
-- idempotent
SELECT count(*) AS not_idempotent
  FROM (VALUES ('ＫＴＶ１１０ 殺 人'), ('㍿⑴'), ('跳😀楼。'), (E'a\u0301b')) v(t)
 WHERE prevent.normalize(prevent.normalize(t)) <> prevent.normalize(t);
-- a 5 MB text
SELECT length(prevent.normalize(repeat('殺 人，', 800000))) AS normalized_chars;
-- volatility as the spec fixes it
SELECT p.proname, array_to_string(p.proargtypes::regtype[], ', ') AS arguments, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'prevent'
   AND p.proname IN ('normalize', 'match', 'assess', 'score', 'highlight', 'terms', 'level')
 ORDER BY p.proname, array_to_string(p.proargtypes::regtype[], ', ') COLLATE "C";
