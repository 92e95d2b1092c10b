/* ------------------------------------------------------------------------
 * Signal classes: what a term is evidence of beside its category, so that
 * prevent.combination can say "a child's age and a child gone missing" or
 * "a means of suicide and a farewell" without listing every pair of terms.
 *   minor_age   a child or a pupil (12岁, 初二, 小学生, 孩子)
 *   missing     gone, unreachable (离家出走, 至今未归, 失联, 关机)
 *   means       a means of suicide or poisoning (农药, 百草枯, 安眠药, 木炭, 煤气)
 *   farewell    last words, settling affairs (遗书, 后事, 别找我, 不拖累)
 *   intent_self wanting to die (不想活, 活着没意思, 一了百了)
 *   high_place  where people jump from (天台, 楼顶, 桥上, 塔吊, 江边)
 * Context words alone stay weak (they occur in routine reports); together
 * they make a severe case.
 * ------------------------------------------------------------------------ */

-- context words the lexicon lacked (weights below the low level: evidence, not risk); not
-- 学生, 女儿, 儿子: university students and grown-up children are as common in narratives
INSERT INTO prevent.keyword (term, category, weight, note, builtin)
SELECT v.term, v.category, v.weight, v.note, true
  FROM (VALUES
	('小学生', 'minor', 3, 'minor_age'), ('初中生', 'minor', 3, 'minor_age'), ('中学生', 'minor', 3, 'minor_age'),
	('高中生', 'minor', 2, 'minor_age'), ('初一', 'minor', 2, 'minor_age'), ('初二', 'minor', 2, 'minor_age'),
	('初三', 'minor', 2, 'minor_age'), ('幼儿园', 'minor', 2, 'minor_age'), ('孩子', 'minor', 1, 'minor_age'),
	('娃儿', 'minor', 1, 'minor_age'), ('小孩', 'minor', 2, 'minor_age'),
	('无法接通', 'minor', 4, 'missing'), ('没消息', 'minor', 4, 'missing'), ('没有消息', 'minor', 4, 'missing'),
	('找不到', 'minor', 4, 'missing'), ('没找到', 'minor', 4, 'missing'), ('未找到', 'minor', 4, 'missing'),
	('木炭', 'suicide', 5, 'means'), ('炭盆', 'suicide', 8, 'means'), ('燃气', 'suicide', 3, 'means'),
	('煤气', 'suicide', 4, 'means'), ('药片', 'suicide', 3, 'means'), ('一瓶药', 'suicide', 5, 'means'),
	('后事', 'suicide', 8, 'farewell'), ('不拖累', 'suicide', 8, 'farewell'), ('最后一次', 'suicide', 3, 'farewell'),
	('最后一场', 'suicide', 3, 'farewell'), ('不用找我', 'suicide', 8, 'farewell'), ('密码', 'suicide', 2, 'farewell'),
	('存折', 'suicide', 2, 'farewell'), ('来世', 'suicide', 8, 'farewell'),
	('活着没劲', 'suicide', 30, 'intent_self'), ('没意思透了', 'suicide', 20, 'intent_self'),
	('护栏外', 'suicide', 8, 'high_place'), ('窗台', 'suicide', 3, 'high_place'), ('桥上', 'suicide', 3, 'high_place'),
	('大桥', 'suicide', 2, 'high_place'), ('河边', 'suicide', 2, 'high_place'), ('楼顶上', 'suicide', 3, 'high_place')
  ) v(term, category, weight, note)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

UPDATE prevent.keyword k SET signal = s.signal
  FROM (VALUES
	('minor_age', ARRAY['10岁', '11岁', '12岁', '13岁', '14岁', '15岁', '16岁', '17岁', '未成年', '年级', '初中',
		'小学生', '初中生', '中学生', '高中生', '初一', '初二', '初三', '幼儿园', '孩子', '娃儿', '小孩']),
	('missing', ARRAY['离家出走', '未归', '至今未归', '没回家', '未回家', '没有回家', '失联', '联系不上', '关机',
		'不知去向', '下落不明', '去向不明', '找不到人', '人找不到', '失踪', '没回来', '打不通', '电话不接', '不接电话',
		'夜不归宿', '不见踪影', '至今联系不上', '至今未找到', '仍未找到', '无法接通', '没消息', '没有消息', '找不到',
		'没找到', '未找到']),
	('means', ARRAY['农药', '百草枯', '敌敌畏', '安眠药', '除草剂', '老鼠药', '农药瓶', '木炭', '炭盆', '燃气', '煤气',
		'药片', '一瓶药', '整瓶', '煤气阀', '开煤气']),
	('farewell', ARRAY['遗书', '遗言', '后事', '不拖累', '拖累', '连累', '别找我', '不要找我', '不用找我', '最后一次',
		'最后一场', '对不起爸妈', '对不起你们', '对不起大家', '对不起所有人', '下辈子', '来世', '照顾好自己', '永别',
		'密码', '存折', '交给你了', '我先走了', '一封信', '永别']),
	('intent_self', ARRAY['不想活', '活着没意思', '死了算了', '活不下去', '一了百了', '不想再活', '活着好累',
		'活着太累', '想死', '撑不下去', '走了干净', '人间不值得', '过够了', '活着没劲', '没意思透了', '想不开']),
	('high_place', ARRAY['天台', '楼顶', '楼顶上', '桥上', '大桥', '桥墩', '塔吊', '江边', '河边', '河堤', '护栏外',
		'窗台', '边缘', '外侧'])
  ) s(signal, terms)
 WHERE k.builtin AND k.kind = 'match' AND k.term = ANY (s.terms);

INSERT INTO prevent.combination (categories, min_weight, level, note, builtin) VALUES
	('{minor_age,missing}', 1, 'high', 'a child gone missing', true),
	('{means,farewell}', 1, 'high', 'a means of suicide and a farewell', true),
	('{means,intent_self}', 1, 'high', 'a means of suicide and the wish to die', true),
	('{farewell,intent_self}', 8, 'high', 'a farewell and the wish to die', true),
	('{high_place,intent_self}', 1, 'high', 'a high place and the wish to die', true),
	('{high_place,farewell}', 3, 'high', 'a high place and a farewell', true);
