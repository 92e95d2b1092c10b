/*
 * bench/lib/generate.sql — builds bench.incident(id, content): :rows synthetic 110 incident
 * narratives of about 150 characters, deterministically (bench.rnd hashes the row number, so
 * the same rows and terms give the same table on every machine and run).  With the psql
 * variable shape set to dense, builds bench.incident_dense instead: narratives of about 600
 * characters in which every other clause, at random, is a risky one carrying a lexicon term
 * (the same carrier phrases; long texts dense with hits).
 *
 * Input: psql variable rows, and table bench.gen_terms(term) — the lexicon terms; about 5 % of
 * the rows carry one of them, picked at random, in a neutral carrier phrase.  Rows are built
 * from everyday narrative clauses; the clauses containing a lexicon term (推搡, 辱骂, ... in a
 * given lexicon) are left out, so the other 95 % of the rows contain no term (save the odd one
 * formed across two clauses) and every alternative must read them to the end.  Full-width digits and punctuation throughout; one row in ten written
 * with half-width commas and colons, a few with ！ or ？.
 *
 * Builds bench.incident_new, then swaps it in, so an interrupted run leaves the old table.
 */
\set ON_ERROR_STOP 1
\if :{?shape}
\else
\set shape ordinary
\endif
SELECT :'shape' = 'dense' AS dense,
	CASE :'shape' WHEN 'dense' THEN 'incident_dense' WHEN 'ordinary' THEN 'incident' END AS tbl \gset

DROP TABLE IF EXISTS bench.incident_new;

-- no compression (the dense shape's rows are near 2 kB): the floor, octet_length(), would
-- otherwise read a compressed value's size from its header and decompress nothing
CREATE UNLOGGED TABLE bench.incident_new WITH (toast_tuple_target = 8160) AS
WITH c AS (
	SELECT
		bench.neutral(ARRAY['报警人称：', '报警人张某某（男，４５岁）称：', '报警人李某（女，３２岁）来电称：',
			  '群众报警称：', '来电人称，', '１１０指令：', '接１１０指令，', '接群众报警，',
			  '民警巡逻时发现，', '报警人王某某电话报警称：', '某派出所接报：', '辖区群众到所报称：',
			  '报警人赵某（男，６１岁）称：', '报警人陈某某（女，２８岁）称：']) AS openings,
		bench.neutral(ARRAY['在某小区', '在某花园小区', '在某村', '在某社区', '在某公寓']) AS estates,
		bench.neutral(ARRAY['在某路与某街交叉口', '在某商场负一层', '在某饭店门口', '在某菜市场内', '在某公司宿舍',
			  '在某工地', '在某学校门口', '在某出租屋内', '在某超市收银台', '在某停车场',
			  '在某火车站进站口', '在某医院急诊科', '在某KTV包厢内', '在某洗浴中心']) AS places,
		bench.neutral(ARRAY['其与邻居因琐事发生口角，', '双方情绪较为激动，', '对方当众辱骂报警人，', '双方发生推搡，',
			  '现场无人员受伤，', '民警到场后对双方进行了劝解，', '经调解双方达成和解，',
			  '报警人要求民警到场处理，', '民警到场时对方已离开，', '民警调取了周边监控视频，',
			  '已告知其通过法律途径解决，', '报警人称其电动车在楼下被盗，', '车辆停放时间约为两小时，',
			  '其手机在公交车上丢失，', '联系电话１３９＊＊＊＊６６２１，', '双方为同村村民，',
			  '双方系朋友关系，', '双方系同事，平时关系一般，', '报警人称对方多次上门吵闹，',
			  '对方拒绝沟通，', '物业人员也在现场，', '社区网格员已到场协助，',
			  '民警对双方进行了法制教育，', '双方均表示不再追究，', '报警人对处理结果表示满意，',
			  '报警人情绪稳定，', '现场秩序正常，', '未造成财产损失，', '损失金额约２０００元，',
			  '涉案金额约为１．５万元，', '民警已将相关情况登记备案，', '并告知其注意人身财产安全，',
			  '建议其向社区反映，', '此事已持续一个多月，', '双方各执一词，', '报警人称对方态度恶劣，',
			  '对方称报警人先动手，', '经现场核实，', '报警人所述情况基本属实，', '民警已联系其家属到场，',
			  '家属表示会加强看护，', '报警人饮酒后情绪激动，', '出租车司机称乘客拒付车费，',
			  '车费为４６元，', '双方因停车问题争执，', '快递员称包裹被他人冒领，',
			  '外卖骑手与顾客发生争执，', '顾客称饭菜中有异物，', '商家同意退款，', '报警人称其钱包被盗，',
			  '内有现金约３００元及身份证，', '民警已开具受案回执，', '已移交刑侦部门处理，',
			  '医护人员已到场，', '报警人称楼道内有异味，', '经查系垃圾未及时清理，',
			  '报警人称有陌生人在小区内徘徊，', '经查该男子系走错单元，', '双方因工程款结算产生分歧，',
			  '报警人称其家中水管爆裂，', '已通知物业维修，', '报警人称其被困电梯，',
			  '消防救援人员已到场，', '被困人员已安全救出，', '报警人称有人在路边烧纸，',
			  '民警进行了安全提示，', '报警人称其车辆被剐蹭，', '对方车辆已驶离，',
			  '民警记录了车牌号码（某Ａ·１２３４５），', '双方就赔偿金额协商一致，',
			  '当事人刘某（男，３７岁，身份证号码４３０１＊＊＊＊＊＊＊＊＊＊＊＊１２），',
			  '报警人称其母亲（７８岁）外出未归，', '经民警沿途寻找，', '已将老人安全送回家中，',
			  '报警人称隔壁装修声音较大，', '施工方表示会调整施工时间，', '报警人称网购商品未收到，',
			  '已告知其联系平台客服，', '双方对事实经过无异议，', '现场围观群众已疏散，']) AS frags,
		bench.neutral(ARRAY['对方曾说“%s”，', '据邻居反映，当事人提到%s，', '现场有人喊%s，',
			  '报警人称事情涉及%s，', '其微信消息中有“%s”字样，', '聊天记录中出现%s，']) AS carriers,
		bench.neutral(ARRAY['民警已做好登记。', '现已处理完毕。', '后续由某派出所跟进回访。', '处警结束。',
			  '已按程序处理。', '请社区持续关注。', '民警已将双方带回所内进一步处理。']) AS closings,
		(SELECT array_agg(term ORDER BY term) FROM bench.gen_terms) AS terms
),
r AS (
	SELECT g.i,
		c.openings[bench.rnd(g.i, 1, cardinality(c.openings))]
		|| CASE bench.rnd(g.i, 2, 3)
			WHEN 1 THEN '今日' || bench.fw(bench.rnd(g.i, 3, 24) - 1) || '时' || bench.fw(bench.rnd(g.i, 4, 60) - 1) || '分许，'
			WHEN 2 THEN '昨晚' || bench.fw(bench.rnd(g.i, 3, 5) + 18) || '点左右，'
			ELSE '当日' || (bench.rnd(g.i, 3, 24) - 1) || ':' || lpad((bench.rnd(g.i, 4, 60) - 1)::text, 2, '0') || '许，'
		   END
		|| CASE WHEN bench.rnd(g.i, 5, 2) = 1
			THEN c.estates[bench.rnd(g.i, 6, cardinality(c.estates))] || bench.fw(bench.rnd(g.i, 7, 30)) || '栋'
				 || bench.fw(bench.rnd(g.i, 8, 6)) || '单元' || bench.fw(bench.rnd(g.i, 9, 33)) || '０' || bench.fw(bench.rnd(g.i, 10, 4)) || '室，'
			ELSE c.places[bench.rnd(g.i, 6, cardinality(c.places))] || '，'
		   END AS prefix,
		c.closings[bench.rnd(g.i, 11, cardinality(c.closings))] AS closing,
		/* about 5 % of the rows carry a lexicon term, in clause 1..3 of the body */
		CASE WHEN cardinality(c.terms) > 0 AND bench.rnd(g.i, 12, 1000) <= 50 AND NOT :'dense'::boolean
			THEN format(c.carriers[bench.rnd(g.i, 13, cardinality(c.carriers))],
						c.terms[bench.rnd(g.i, 14, cardinality(c.terms))])
		END AS carrier,
		bench.rnd(g.i, 15, 3) AS carrier_at,
		CASE WHEN :'dense'::boolean THEN 588 + bench.rnd(g.i, 16, 25) ELSE 132 + bench.rnd(g.i, 16, 25) END AS target_len
	FROM generate_series(1, :rows) g(i), c
)
SELECT r.i AS id,
	CASE WHEN bench.rnd(r.i, 20, 10) = 1 THEN translate(t.content, '，：', ',:')
		 WHEN bench.rnd(r.i, 20, 40) = 2 THEN regexp_replace(t.content, '，', '！')
		 WHEN bench.rnd(r.i, 20, 40) = 3 THEN regexp_replace(t.content, '，', '？')
		 ELSE t.content END AS content
FROM r
CROSS JOIN LATERAL (
	SELECT r.prefix || coalesce(string_agg(f.frag, '' ORDER BY f.n), '') || r.closing AS content
	FROM (
		SELECT s0.n, s.frag, sum(length(s.frag)) OVER (ORDER BY s0.n) - length(s.frag) AS before
		FROM (
			SELECT n,
				CASE WHEN n = r.carrier_at AND r.carrier IS NOT NULL THEN r.carrier
					 /* dense: every other clause, at random, carries a term */
					 WHEN :'dense'::boolean AND bench.rnd(r.i * 64 + n, 19, 2) = 1
						  AND (SELECT cardinality(c.terms) > 0 FROM c)
					 THEN (SELECT format(c.carriers[bench.rnd(r.i * 64 + n, 13, cardinality(c.carriers))],
										 c.terms[bench.rnd(r.i * 64 + n, 14, cardinality(c.terms))]) FROM c)
					 ELSE (SELECT c.frags[bench.rnd(r.i * 64 + n, 17, cardinality(c.frags))] FROM c)
				END AS frag0
			FROM generate_series(1, CASE WHEN :'dense'::boolean THEN 60 ELSE 16 END) n
		) s0
		CROSS JOIN LATERAL (
			/* one clause in four ends a sentence */
			SELECT CASE WHEN bench.rnd(r.i * 64 + s0.n, 18, 4) = 1 AND right(s0.frag0, 1) = '，'
						THEN left(s0.frag0, -1) || '。' ELSE s0.frag0 END AS frag
		) s
	) f
	WHERE f.before < r.target_len - length(r.prefix) - length(r.closing)
) t
ORDER BY r.i;

DROP TABLE IF EXISTS bench.:tbl;
ALTER TABLE bench.incident_new RENAME TO :tbl;
ALTER TABLE bench.:tbl ALTER COLUMN id SET NOT NULL;
COMMENT ON TABLE bench.:tbl IS 'Synthetic 110 incident narratives for bench/assess.sh (bench/lib/generate.sql)';
