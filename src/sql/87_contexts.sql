/* ------------------------------------------------------------------------
 * Harmless contexts (keyword kind context): words that say the risky words
 * around them are not meant as risk, because they are part of a film, a
 * play, a game, a sport, an advertisement, a toy or a tool.  "看抗战剧，男主角
 * 抱着炸药包跟敌人同归于尽" is a drama; "报警人称听到枪声。到场系孩子玩摔炮" is a
 * toy.  A context rules out the terms of its sentence (between 。！？；!?;
 * and line breaks) and, as a disposition does, those written before it: an
 * explanation comes in the sentence of the word or after it.  A context
 * with a category rules out that category only (灭鼠 makes 老鼠药 harmless,
 * not a threat beside it).
 *
 * Only words whose presence makes a literal risk unlikely are listed: not
 * 游戏 or 电视 (children who play games do run away), only the jargon of
 * playing (开黑, 上号) and the genres of fiction (抗战剧, 课本剧).  An
 * exclusion (kind exclude) is better where the harmless phrase contains
 * the term (射钉枪, 煤气表, 磨刀石); not 煤气灶, the stove a gas suicide opens.
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin)
SELECT v.term, v.category, 1, 'context', v.note, true
  FROM (VALUES
	-- fiction and the stage
	('抗战剧', NULL, 'a war drama'), ('电视剧', NULL, 'a TV series'), ('连续剧', NULL, 'a TV series'),
	('热播剧', NULL, 'a TV series'), ('影视剧', NULL, 'a film or series'), ('网剧', NULL, 'a web series'),
	('剧情', NULL, 'a plot'), ('编剧', NULL, 'a screenwriter'), ('课本剧', NULL, 'a school play'),
	('话剧', NULL, 'a play'), ('小品', NULL, 'a sketch'), ('纪录片', NULL, 'a documentary'),
	('小说里', NULL, 'in a novel'), ('排练', NULL, 'a rehearsal'), ('彩排', NULL, 'a rehearsal'),
	('道具', NULL, 'a prop'), ('表演器材', NULL, 'stage equipment'),
	-- publicity and sales
	('宣传展板', NULL, 'a poster board'), ('展板', NULL, 'a poster board'), ('宣传栏', NULL, 'a notice board'),
	('宣传标语', NULL, 'a slogan'), ('海报', NULL, 'a poster'), ('弹窗', NULL, 'a pop-up advertisement'),
	('广告语', NULL, 'an advertisement'), ('促销', NULL, 'a sale'),
	-- toys, fireworks and tools
	('摔炮', NULL, 'a toy firecracker'), ('放鞭炮', NULL, 'firecrackers'), ('放烟花', NULL, 'fireworks'),
	('激光枪', NULL, 'a laser tag gun'), ('真人CS', NULL, 'laser tag'), ('射钉枪', NULL, 'a nail gun'),
	('收割机', NULL, 'a harvester'), ('电视声', NULL, 'the sound of a television'),
	-- sport and fitness
	('练腿', NULL, 'leg day'), ('深蹲', NULL, 'squats'), ('健身房', NULL, 'a gym'), ('私教', NULL, 'a personal trainer'),
	('任意球', NULL, 'a free kick'), ('绝杀', NULL, 'a last-second win'), ('球赛', NULL, 'a match'),
	-- the jargon of playing a video game
	('开黑', NULL, 'playing a game in a team'), ('上号', NULL, 'logging in to a game'), ('打野', NULL, 'a game role'),
	('送人头', NULL, 'a game blunder'), ('操作角色', NULL, 'playing a character'),
	-- pests and selling blades
	('闹耗子', 'suicide', 'rats in the house'), ('灭鼠', 'suicide', 'pest control'), ('粘鼠板', 'suicide', 'pest control'),
	('实名登记', 'weapon', 'a shop''s register'), ('刀具店', 'weapon', 'a knife shop'), ('五金店', 'weapon', 'a hardware shop')
  ) v(term, category, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

-- harmless phrases that contain a term
INSERT INTO prevent.keyword (term, kind, weight, note, builtin)
SELECT v.term, 'exclude', 1, v.note, true
  FROM (VALUES
	('煤气表', 'a meter'), ('燃气表', 'a meter'),
	('磨刀石', 'a whetstone'), ('磨镰刀', 'farm work'), ('收割机刀片', 'a machine'), ('焊枪', 'a tool'),
	('喷枪', 'a tool'), ('胶枪', 'a tool'), ('钉枪', 'a tool'), ('油枪', 'a petrol pump'), ('枪术', 'martial arts')
  ) v(term, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));
