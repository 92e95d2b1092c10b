-- demo_data.sql — a deterministic sample of a police department's 110 incident table.
--
-- Fills jq_110(jjbh, gxdw, bjrdh, jyaq, bjsj) — which must exist; scripts/demo.sql watches it
-- afterwards and back-fills it with CALL prevent.backfill() — with the calls of the 60 days
-- before today (yesterday back), in one INSERT in the order of their call time, the history a
-- department's table holds on the day it switches prevent on:
--   * 3,000 generated calls (setseed + arrays of phrases, so every run writes the same text,
--     phones and units; only the dates move with today):
--       - about 84 % routine calls (traffic, theft, noise, lost property, disputes over a bill);
--       - about 4 % innocent look-alikes and ruled-out risks (杀虫剂, 跳楼价, 砍价, 杀鸡, a cook
--         cut by a 菜刀, 未发现自杀倾向, 否认有人持刀);
--       - about 11 % risky calls (threats, knives, suicide, domestic violence, unpaid wages,
--         neighbour feuds, a psychotic relative), some with evasion noise (杀 了 你, 跳.楼,
--         zero-width spaces) and some in Traditional characters;
--       - about 1 % children missing at night (20:00-01:59);
--     about 4 % of all calls are written in Traditional characters;
--   * 12 scripted calls of a few people, with fixed phones and days: callers who call again
--     within 30 days at another police station, a threatening ex-boyfriend whose number two
--     different callers give, a man with schizophrenia off his medication (known by his resident
--     ID number at two stations), and a caller whose two calls are 43 days apart (no repeat).
-- scripts/demo.sql then adds today's calls with COPY.
--
-- Units (gxdw): 城关派出所, 东城派出所, 西城派出所, 南湖派出所.  Times are cut in Asia/Shanghai.

SET max_parallel_workers_per_gather = 0;   -- one serial plan: random() is drawn in row order
SELECT setseed(0.110) \g /dev/null

CREATE TEMP TABLE demo_draw AS
SELECT i,
	   random() AS r_kind, random() AS r_unit, random() AS r_phrase, random() AS r_addr,
	   random() AS r_tail, random() AS r_day, random() AS r_time, random() AS r_phone,
	   random() AS r_trad, random() AS r_minor
  FROM generate_series(1, 3000) AS i;

CREATE TEMP TABLE demo_call AS
WITH demo_pool AS (
	SELECT
		ARRAY['城关派出所', '东城派出所', '西城派出所', '南湖派出所'] AS units,
		-- addresses, four per unit (index = (unit - 1) * 4 + k)
		ARRAY['城关镇解放路', '城关镇和平街', '县前街农贸市场', '老城区鼓楼巷',
			  '东城区建设路', '东城区幸福小区', '东城万达广场', '火车站广场',
			  '西城区人民路', '西城区锦绣花园', '西城汽车站', '西城区中山路',
			  '南湖街道滨湖花园', '南湖公园', '湖滨路美食街', '南湖新村'] AS addrs,
		ARRAY[
			'两车发生剐蹭，无人员受伤，双方对责任认定有争议，请求民警到场处理。',
			'停放在楼下的电动自行车被盗，蓝色雅迪，价值约三千元。',
			'楼上住户装修噪音很大，多次沟通无果，要求民警出面协调。',
			'其钱包在公交车上遗失，内有身份证和银行卡，请求帮助查找。',
			'有一名男子醉酒躺在路边，疑似身体不适，请求民警到场查看。',
			'一辆白色轿车堵住小区出口，联系不上车主，请求挪车。',
			'其在网上购物被骗，对方以退款为由骗走两千元，请求报案。',
			'家中钥匙丢失进不了门，请求联系开锁。',
			'其在饭店就餐时与店家因账单发生口角，要求民警调解。',
			'捡到一个装有现金的手提包，请求民警联系失主。',
			'一只大型犬在小区内游荡，居民担心伤人，请求处置。',
			'有人在小区门口乱摆摊，占用消防通道。',
			'其停在路边的车辆车窗被砸，车内物品被盗。',
			'一名老人在路边迷路，说不清家庭住址，请求帮助。',
			'快递被人冒领，要求调取监控。',
			'网约车司机与乘客因车费发生纠纷，双方各执一词。',
			'小区业主与物业因停车费问题发生争执，要求民警到场。',
			'有人在KTV门口大声喧哗，影响周边居民休息。',
			'其手机在商场被盗，请求帮助。',
			'租客退房时与房东因押金发生纠纷。',
			'路口红绿灯故障，车辆拥堵，请求疏导交通。',
			'外卖员与顾客因送餐超时发生口角，已自行离开。',
			'其在路边发现一辆无牌摩托车，怀疑是被盗车辆。',
			'家中老人忘带钥匙被锁在门外，请求帮助。',
			'楼道内有烟味，担心发生火灾，请求查看。',
			'有人冒充客服打电话让其转账，未造成损失，咨询如何处理。',
			'工地夜间施工噪音扰民，请求处理。',
			'其女儿的自行车在学校门口被人骑走。',
			'超市门口有人发小广告，与保安发生争执。',
			'其在银行ATM机取款时银行卡被吞，请求帮助。'] AS routine,
		-- innocent look-alikes and risks ruled out on the spot: no alert expected
		ARRAY[
			'其在超市购买的杀虫剂有质量问题，与商家协商退货未果。',
			'商场搞跳楼价促销，顾客拥挤排队发生争执，要求民警维持秩序。',
			'其在菜市场砍价时与摊主发生口角，双方已自行离开。',
			'邻居家在阳台上杀鸡，血水流到楼下，双方发生口角。',
			'饭店后厨师傅切菜时不慎被菜刀割伤手指，请求120。',
			'其丈夫与家人因琐事争吵后离家散心，经民警现场核实，未发现其有自杀倾向，已安全回家。',
			'邻居吵架，民警到场后双方否认有人持刀，系误会。',
			'剧本杀店内顾客因退款与店员争执。'] AS innocent,
		-- severe risks: most reach high or critical (evasion noise and Traditional characters included)
		ARRAY[
			'被丈夫殴打，丈夫扬言离婚就杀了她全家。',
			'前男友多次打电话骚扰，扬言要让她见不到明天的太阳。',
			'与邻居因宅基地纠纷发生推搡，对方拿着菜刀追砍，已被劝开。',
			'一男子在网吧门口持刀与人对峙，情绪激动。',
			'其朋友在微信朋友圈发遗书，称活着没意思，要跳楼轻生。',
			'一女子站在南湖大桥护栏外侧，情绪激动，随时可能跳下。',
			'工友被拖欠工资三个月，扬言带汽油去老板家讨说法。',
			'债主天天上门催债，扬言不还钱就弄死你，还在门上泼油漆。',
			'其儿子有精神分裂病史，近半个月擅自停药，在家砸东西，扬言要砍人。',
			'对方在微信上说要杀 了 你，还发了刀的照片。',
			'有人在群里扬言要跳.楼，称被网贷逼得走投无路。',
			E'对方发短信称要杀\u200b了\u200b你全家，报警人很害怕。',
			'男子称要报复社会，要与所有人同归于尽。',
			'其妻子吃了整瓶安眠药，现已送医抢救。',
			'男子在楼顶徘徊，扬言要跳下去。',
			'其前夫拿着刀在小区门口堵她，扬言要同归于尽。',
			'一名男子持砍刀在街上追砍他人，已有人受伤。',
			'與鄰居因宅基地糾紛發生衝突，對方揚言要殺了他。',
			'其丈夫酒後持刀威脅，揚言要同歸於盡。',
			'女子稱想不開，要跳樓輕生，已在樓頂。',
			'丈夫经常家暴，这次用皮带抽打她。',
			'一名男子在超市内偷东西被发现后持刀威胁店员。',
			'有人在微信群里扬言要弄.死你。'] AS severe,
		-- moderate risks: most reach low or medium and wait for a second judgement
		ARRAY[
			'与邻居因宅基地纠纷发生口角。',
			'被人欠钱三万元一直不还，要求民警帮忙讨要。',
			'其父亲有精神病史，最近不肯吃药，在家大喊大叫。',
			'儿子沉迷网络，经常逃学泡网吧，说不想读书了。',
			'前妻多次到单位吵闹骚扰。',
			'欠薪工人聚集在工地门口讨薪。',
			'楼上邻居往楼下泼粪，双方多次发生冲突。',
			'丈夫酒后对其动手，脸部有轻微擦伤。',
			'在学校被同学欺凌，被索要钱财。',
			'邻居家天天吵闹，楼上男子扬言再吵就打死他们。',
			'男友提出分手后情绪低落，说活着没意思。',
			'对方催债时威胁要把其照片发到网上。',
			'两名男子因琐事发生打架，一人头部受伤流血。',
			'其丈夫酒后砸东西，掐她脖子，孩子吓得直哭。',
			'邻居因漏水纠纷多次上门辱骂，扬言要让他好看。',
			'其母亲有精神病史，近期拒绝服药，整夜不睡觉，说有人要害她。',
			'有人在网上出售仿真枪，疑似可发射。',
			'其女儿（16岁）离家出走，留下纸条说别找我。'] AS moderate,
		ARRAY['', '', '', '民警已到场处置。', '已指派民警前往。'] AS tails,
		-- weights of the hours of the day: few calls at night, most in the day and evening
		ARRAY[0, 1, 2, 6, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18,
			  18, 19, 19, 19, 20, 20, 20, 21, 21, 21, 22, 22, 23, 23] AS hours,
		-- Simplified -> Traditional, character for character (prevent.normalize() maps them back)
		'报称说车门钱丢这发时们请处话电对为杀扬楼伤儿离药机动区东关镇场与后没经现带纠纷邻寻联骚扰胁险绪员网买卖价双书过还让给头问题坏跃轻盗窃损协调赔偿灯饭馆厅梯单账财产宝贵继续鸡难责务业进阳台几园广边银帮达执议认辆烟灾担锁钥内监领递哗响摆轿骗购两医抢枪闹纸别学读约见顶债泼吓气实归于尽许'::text AS simp,
		'報稱說車門錢丟這發時們請處話電對為殺揚樓傷兒離藥機動區東關鎮場與後沒經現帶糾紛鄰尋聯騷擾脅險緒員網買賣價雙書過還讓給頭問題壞躍輕盜竊損協調賠償燈飯館廳梯單賬財產寶貴繼續雞難責務業進陽臺幾園廣邊銀幫達執議認輛煙災擔鎖鑰內監領遞嘩響擺轎騙購兩醫搶槍鬧紙別學讀約見頂債潑嚇氣實歸於盡許'::text AS trad
), g AS (
	SELECT d.*,
		   1 + floor(d.r_unit * 4)::int AS unit_no,
		   CASE WHEN d.r_kind < 0.87 THEN 'routine'
				WHEN d.r_kind < 0.91 THEN 'innocent'
				WHEN d.r_kind < 0.955 THEN 'moderate'
				WHEN d.r_kind < 0.99 THEN 'severe'
				ELSE 'minor_night' END AS kind,
		   1 + floor(d.r_day * 60)::int AS days_ago
	  FROM demo_draw d
), t AS (
	SELECT g.*, p.*,
		   -- call time: local midnight days_ago days back, plus an hour by weight (children
		   -- missing at night: 20:00-01:59) and a minute
		   ((date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') - g.days_ago * interval '1 day'
			 + CASE WHEN g.kind = 'minor_night' THEN (20 + floor(g.r_time * 6)::int) * interval '1 hour'
					ELSE p.hours[1 + floor(g.r_time * cardinality(p.hours))::int] * interval '1 hour' END
			 + floor(g.r_phrase * 997 + g.r_time * 6007)::int % 60 * interval '1 minute')
			AT TIME ZONE 'Asia/Shanghai') AS bjsj
	  FROM g CROSS JOIN demo_pool AS p
)
SELECT t.bjsj,
	   t.units[t.unit_no] AS gxdw,
	   (ARRAY['13', '15', '18', '17', '19'])[1 + floor(t.r_phone * 5)::int]
		   || lpad((floor(t.r_phone * 1e10)::bigint % 1000000000)::text, 9, '0') AS bjrdh,
	   CASE WHEN t.r_trad < 0.04 THEN translate(n.doc, t.simp, t.trad) ELSE n.doc END AS jyaq
  FROM t
 CROSS JOIN LATERAL (SELECT
		extract(hour FROM t.bjsj AT TIME ZONE 'Asia/Shanghai') || '时'
		|| lpad(extract(minute FROM t.bjsj AT TIME ZONE 'Asia/Shanghai')::text, 2, '0') || '分许，'
		|| CASE t.kind
			WHEN 'routine' THEN '报警人称在' || t.addrs[(t.unit_no - 1) * 4 + 1 + floor(t.r_addr * 4)::int] || '，'
								|| t.routine[1 + floor(t.r_phrase * cardinality(t.routine))::int]
								|| t.tails[1 + floor(t.r_tail * cardinality(t.tails))::int]
			WHEN 'innocent' THEN '报警人称在' || t.addrs[(t.unit_no - 1) * 4 + 1 + floor(t.r_addr * 4)::int] || '，'
								|| t.innocent[1 + floor(t.r_phrase * cardinality(t.innocent))::int]
			WHEN 'severe' THEN '报警人称' || t.severe[1 + floor(t.r_phrase * cardinality(t.severe))::int]
			WHEN 'moderate' THEN '报警人称' || t.moderate[1 + floor(t.r_phrase * cardinality(t.moderate))::int]
			ELSE '报警人称其' || (ARRAY['女儿', '儿子'])[1 + floor(t.r_minor * 2)::int]
				 || '（' || (11 + floor(t.r_addr * 6)::int) || '岁）'
				 || (ARRAY['晚上放学后一直未回家，电话手表关机，同学家都找遍了。',
						   '晚饭后出门玩耍至今未归，手机打不通，寻找未果。',
						   '与网友约见面后失联，至今联系不上。',
						   '晚上九点多还没回家，电话手表定位显示在' || t.addrs[(t.unit_no - 1) * 4 + 1 + floor(t.r_tail * 4)::int] || '附近，打电话一直关机。'])
					[1 + floor(t.r_phrase * 4)::int]
		   END AS doc) n
UNION ALL
-- the scripted people: (days ago, local time, unit, caller phone, narrative)
SELECT ((date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') - s.days_ago * interval '1 day' + s.tod)
		AT TIME ZONE 'Asia/Shanghai'),
	   s.gxdw, s.bjrdh,
	   extract(hour FROM s.tod) || '时' || lpad(extract(minute FROM s.tod)::text, 2, '0') || '分许，' || s.jyaq
  FROM (VALUES
	-- 李女士: beaten at home (东城), then threatened at her mother's (城关); she calls again today
	(26, interval '21:40', '东城派出所', '13905710001', '报警人称被丈夫殴打，丈夫扬言离婚就杀了她全家，现已躲到邻居家。'),
	(9,  interval '22:15', '城关派出所', '13905710001', '报警人称其丈夫追到娘家（城关镇和平街），拿着菜刀在门口叫骂，扬言要同归于尽。'),
	-- a worker owed wages: 西城, then on a tower crane in 南湖
	(20, interval '10:05', '西城派出所', '13588820002', '报警人称老板拖欠工资三个月，工友扬言带汽油去老板家讨说法。'),
	(3,  interval '09:30', '南湖派出所', '13588820002', '报警人称讨薪未果，其工友爬上南湖新村工地塔吊，扬言不给钱就跳下来。'),
	-- a homestead feud: 南湖, then 城关
	(33, interval '16:20', '南湖派出所', '18657430003', '报警人称与邻居因宅基地纠纷发生推搡，对方扬言要让他好看。'),
	(15, interval '07:45', '城关派出所', '18657430003', '报警人称宅基地纠纷再起，对方拿着锄头上门威胁，扬言要打断他的腿。'),
	-- an ex-boyfriend, named by his number by two different callers at two stations
	(18, interval '23:10', '东城派出所', '13600000011', '报警人称前男友（电话15057180004）多次打电话骚扰，扬言要让她见不到明天的太阳。'),
	(5,  interval '20:35', '西城派出所', '13600000012', '报警人称其闺蜜被前男友（手机号150-5718-0004）跟踪，对方扬言要泼硫酸。'),
	-- 王某, schizophrenia, off his medication: his mother calls (南湖), a neighbour at his
	-- sister's calls (西城); both give his resident ID number. His mother calls again today.
	(29, interval '14:50', '南湖派出所', '13757120005', '报警人称其儿子王某（身份证号330102198809174613）有精神分裂病史，近半个月擅自停药，整夜不睡觉，自言自语。'),
	(7,  interval '19:25', '西城派出所', '13800000013', '报警人称邻居家男子王某（身份证号330102198809174613）精神不正常，拿着菜刀在楼道里乱晃，说有人要害他。'),
	-- two threats against one caller 43 days apart: outside the 30-day window, no repeat
	(55, interval '11:00', '城关派出所', '13967150006', '报警人称因欠钱不还，对方扬言再催就让他好看。'),
	(12, interval '15:30', '城关派出所', '13967150006', '报警人称讨债时对方持刀威胁，扬言要弄死他。')
  ) AS s(days_ago, tod, gxdw, bjrdh, jyaq);

-- the numbers follow the call time, as a call center numbers its calls
INSERT INTO jq_110 (jjbh, gxdw, bjrdh, jyaq, bjsj)
SELECT 'JQ' || lpad(row_number() OVER (ORDER BY c.bjsj, c.bjrdh, c.jyaq)::text, 7, '0'), c.gxdw, c.bjrdh, c.jyaq, c.bjsj
  FROM demo_call c
 ORDER BY c.bjsj, c.bjrdh, c.jyaq;

RESET max_parallel_workers_per_gather;
DROP TABLE demo_call, demo_draw;
