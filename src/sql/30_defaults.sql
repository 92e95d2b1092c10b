/* ------------------------------------------------------------------------
 * Default categories, thresholds and settings.
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.category (name, label, description, builtin) VALUES
	('threat',    '扬言威胁', '扬言伤害、杀人、报复他人', true),
	('weapon',    '持械凶器', '持刀、枪、爆炸物、汽油等凶器', true),
	('suicide',   '自杀轻生', '自杀、自伤、轻生', true),
	('extreme',   '极端行为', '同归于尽、报复社会、纵火、爆炸等极端行为', true),
	('domestic',  '家庭婚恋', '家庭暴力、婚恋纠纷', true),
	('debt',      '债务经济', '债务、欠薪、经济纠纷', true),
	('neighbour', '邻里纠纷', '邻里、土地、宅基地纠纷', true),
	('mental',    '精神障碍', '精神病人停药、发病、肇事肇祸', true),
	('minor',     '未成年人', '未成年人离家出走、失联、辍学、被侵害', true);

INSERT INTO prevent.risk_threshold (level, min_score, builtin) VALUES
	('low', 10, true), ('medium', 30, true), ('high', 60, true), ('critical', 90, true);

/*
 * Settings: every one with its default, here and nowhere else.
 *
 * Negation scope: 'category'.  Police narratives state the suspicion first
 * and rule it out later ("担心其有轻生念头 ... 未发现自杀倾向", "怀疑家长虐待孩子
 * ... 不存在虐待情况"); with 'occurrence' only the denied mention is
 * cancelled and the earlier one still raises an alert.  On the eval corpus
 * (bench/eval.sh) 'category' brings false alerts on ruled-out reports from
 * 18 of 22 down to 0 without losing a true alert: only the denied category
 * is dropped, the other categories of the text still count ("此次没有动手,
 * 但 ... 扬言离婚就不会放过你" keeps its threat).
 */
INSERT INTO prevent.setting (name, value, description, builtin) VALUES
	('negation_scope', 'category',
	 'occurrence: a negation cue cancels the match it precedes; category: it also cancels every match of that category in the text', true),
	('repeat_tier', '3', 'Tier that follows a repeat incident''s work orders (1 command center, 2 specialist unit, 3 base-control center)', true),
	('watch_mode', 'batch', 'batch: the alerts of one INSERT or COPY are written together at its end; row: each at once (for tables distributed by unit). Read by prevent.watch()', true),
	('cross_jurisdiction_tier', '1', 'Tier that follows work orders pushed to several units for one repeat incident', true),
	('report_time_zone', 'Asia/Shanghai', 'Time zone in which the views cut months and days', true);
