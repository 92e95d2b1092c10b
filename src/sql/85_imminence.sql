/* ------------------------------------------------------------------------
 * Imminence: when a risk already stated has a time set or the means ready.
 *
 * "扬言报复" is a threat (medium), "扬言报复，说明天就去他家" one with a date
 * (high); "不想活了" is a wish to die, "药已经买好，今晚就走" one with a plan; "要砍他"
 * a threat, "刀都磨好了" one with the means ready.  A duty officer issues the
 * second of each pair at once.  The words that make the
 * difference (今晚, 明天, 马上, 买好了, 磨亮, 在路上) are everywhere in routine
 * reports (今晚八时许报警, 明天再来调解), so they are no risk and add nothing
 * to the score: they are terms of kind signal, evidence of the class
 * imminent only, which prevent.combination pairs with a risk already
 * present with real weight (a threat, a wish to die, an extreme act, a
 * weapon, a means of suicide).
 *
 * The lists were written before measuring and not changed after: on three
 * labelled sets never tuned on (bench/corpus: blind-dispatch,
 * blind-hotline, blind-online-followup) severe records reaching high went
 * from 74 to 83 of 120, alert precision and recall unchanged
 * (bench/eval.sh; README, Detection quality).
 * ------------------------------------------------------------------------ */

-- a time set, or the means ready (weight: the class's weight for prevent.combination; never a score)
INSERT INTO prevent.keyword (term, kind, signal, weight, note, builtin)
SELECT v.term, 'signal', 'imminent', 30, v.note, true
  FROM (VALUES
	('今晚', 'a time set'), ('今天晚上', 'a time set'), ('今夜', 'a time set'), ('明天', 'a time set'),
	('明早', 'a time set'), ('明晚', 'a time set'), ('明日', 'a time set'), ('这周', 'a time set'),
	('周末', 'a time set'), ('下礼拜', 'a time set'), ('下周', 'a time set'), ('今天就', 'a time set'),
	('马上', 'at once'), ('现在就', 'at once'), ('一会儿就', 'at once'), ('待会', 'at once'), ('等会', 'at once'),
	('立刻', 'at once'), ('在路上', 'on the way'),
	('买好', 'the means ready'), ('准备好', 'the means ready'), ('备好', 'the means ready'), ('备齐', 'the means ready'),
	('磨好', 'the means ready'), ('磨亮', 'the means ready'), ('挂好', 'the means ready'), ('藏好', 'the means ready'),
	('揣着', 'the means ready'), ('带在身上', 'the means ready'), ('写好', 'the means ready'),
	('摸清', 'the target watched'), ('打听好', 'the target watched'), ('踩点', 'the target watched')
  ) v(term, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

INSERT INTO prevent.combination (categories, min_weight, level, note, builtin) VALUES
	('{threat,imminent}', 30, 'high', 'a threat with a time set or the means ready', true),
	('{suicide,imminent}', 30, 'high', 'a wish to die with a time set or the means ready', true),
	('{extreme,imminent}', 20, 'high', 'an extreme act with a time set or the means ready', true),
	('{weapon,imminent}', 20, 'high', 'a weapon with a time set or at hand', true),
	('{means,imminent}', 5, 'high', 'a means of suicide with a time set or ready', true);
