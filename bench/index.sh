#!/usr/bin/env bash
# bench/index.sh — prevent.gin_ops against a sequential scan, pg_trgm, and (when they are
# installed) pg_bigm and PGroonga, the extensions Chinese PostgreSQL users pick for this.
#
# Over one table of BENCH_ROWS (default 1,000,000) synthetic 110 incident narratives
# (bench_index.narrative: ~145 characters each, built from everyday narrative clauses; ~5 % of
# the rows carry a lexicon term, one in five of those with a space or a dot inside it, the way
# people dodge keyword filters; with BENCH_SHAPE=dense, ~75 characters each, the first 30 and
# 40 more of such a narrative, two rows in three with a lexicon term between the two, as in
# issue 18's data), one run prints:
#   - build time and size of each index on the same column (maintenance_work_mem = 256MB):
#     prevent.gin_ops, pg_trgm's gin_trgm_ops, pg_bigm's gin_bigm_ops, PGroonga's default
#     operator class (on the expression narrative || '', so that it cannot serve the LIKE
#     queries meant for the others; its size is that of its Groonga files, read with
#     pg_ls_dir, so shown only to a superuser);
#   - for (1) the lexicon's first one-character term, (2) its first two-character term,
#     (3) a rare term, (4) all lexicon terms, the rows found and the median time of
#        prevent's index      narrative &~ 't'  /  narrative &~| '{...}'   (Bitmap Index Scan)
#        a sequential scan    the same operators
#        pg_trgm's index      narrative LIKE '%t%'  /  narrative ~ '(t1|t2|...)'
#        pg_bigm's index      narrative LIKE '%t%'  /  narrative LIKE '%t1%' OR ... (BitmapOr)
#        PGroonga's index     narrative || '' &@ 't'  /  narrative || '' &@| '{...}'
#     (LIKE, ~ and &@ do not see Traditional characters or noise inside a term, so their row
#     counts are lower), the ratios to prevent's index, plus (4) written as
#     narrative &~| prevent.terms();
#   - the targets of issue 18, PASS or MISS: (4) through prevent's index no slower than
#     PGroonga's &@|, (1) to (3) within 1.5x of pg_bigm's time, prevent's index at most 1.5x the
#     size of pg_trgm's, and exactly the rows of the sequential scan for every search.
#
# Plans are forced with enable_* settings (each method's plan is printed next to its time);
# pg_trgm and pg_bigm are timed in a transaction that drops the other LIKE-capable indexes and
# rolls back.  Timing is server-side, clock_timestamp() around EXECUTE in a plpgsql function,
# the median of BENCH_RUNS (5) runs in one session (the first run reads what the later ones
# find in shared buffers); a query whose first run takes longer than BENCH_SLOW_MS (5000) ms is
# run once, and one still running after BENCH_CAP_S (30) seconds is cancelled and reported as
# such.  Next to it, the mean CPU time of the backend per run after the first (the first
# alone if it was the only one), from its /proc/self/schedstat, which the kernel brings up to
# date at scheduler ticks: a query that took less than 1 s in all is run again until it has,
# for this figure only (shown when the role may read server files).  The wall clock of a
# shared host moves by 2x and more with other work, CPU time much less, and the targets print
# both ratios.  Sessions run with max_parallel_workers_per_gather = 0 and jit = off, so every
# method is one serial scan.  The load average is printed with the figures: on a shared host,
# re-run when it is high.
#
# The terms: the installed lexicon (prevent.terms()), or, while it has fewer than 100 terms,
# the match terms of bench/lib/standin_lexicon.tsv.  (1) and (2) are the lexicon's first one-
# and two-character terms, (3) its last term of four or more characters (terms are drawn with a
# bias towards the start of the lexicon, so the last ones are rare).
#
# The table is generated once, deterministically (setseed and random(), serially), and reused
# with its indexes and their recorded build times while its size, generator and terms are
# unchanged (an index that is missing, e.g. after DROP EXTENSION prevent CASCADE, is built
# again); --rebuild makes a new table, --reindex rebuilds only the indexes.  On 2 busy cores a
# run took ~3 minutes with the table and indexes in place, ~12 minutes with --reindex (each
# index 1 to 2.5 minutes), and ~20 seconds more to generate the table.
#
# pg_bigm and PGroonga are never part of the project: build them from their sources into the
# PostgreSQL you benchmark (PG_CONFIG) to include them, e.g. pg_bigm with
# `make USE_PGXS=1 PG_CONFIG=... install`, PGroonga 3.0.9 against Debian's libgroonga-dev with
# `make -f pgroonga.mk HAVE_XXHASH=1 PG_CONFIG=... install`.
#
# Usage:       bench/index.sh [--rebuild] [--reindex]
# Connection:  the standard libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE, ...).  The
#              database needs the extensions prevent and pg_trgm (created here if missing, which
#              takes a superuser; so do pg_bigm and pgroonga, created when available) and a role
#              that may create the schema bench_index.
# Environment: BENCH_ROWS (1000000), BENCH_RUNS (5), BENCH_SLOW_MS (5000), BENCH_CAP_S (30),
#              BENCH_SHAPE (sparse, or dense; a change of shape makes a new table).
set -euo pipefail
. "$(dirname "$0")/../scripts/pg-config.sh"   # psql, pgbench of PG_CONFIG's PostgreSQL

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

rows=${BENCH_ROWS:-1000000}
runs=${BENCH_RUNS:-5}
slow_ms=${BENCH_SLOW_MS:-5000}
cap_s=${BENCH_CAP_S:-30}
shape=${BENCH_SHAPE:-sparse}
rebuild=0
reindex=0
while [ $# -gt 0 ]; do
	case $1 in
		--rebuild) rebuild=1 ;;
		--reindex) reindex=1 ;;
		-h | --help) usage; exit 0 ;;
		*) echo "index.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
case $shape in
	sparse | dense) ;;
	*) echo "index.sh: BENCH_SHAPE must be sparse or dense, not '$shape'" >&2; exit 2 ;;
esac
for v in rows runs slow_ms cap_s; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "index.sh: $v must be a positive whole number, not '${!v}'" >&2
		exit 2
	fi
done

export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c max_parallel_workers_per_gather=0 -c jit=off -c statement_timeout=0 -c client_min_messages=warning"
export PGAPPNAME=bench/index.sh
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
sql() { "${PSQL[@]}" -A -t -c "$1"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# bump when the generator below changes, so old tables are not reused
generator=3

# --------------------------------------------------------------- set-up
"${PSQL[@]}" <<'SQL'
CREATE EXTENSION IF NOT EXISTS prevent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SELECT format('CREATE EXTENSION IF NOT EXISTS %I', name) FROM pg_available_extensions
 WHERE name IN ('pg_bigm', 'pgroonga') \gexec
CREATE SCHEMA IF NOT EXISTS bench_index;
CREATE TABLE IF NOT EXISTS bench_index.meta (key text PRIMARY KEY, value text NOT NULL);

/*
 * median of runs executions of q, which returns one bigint, and the plan's first scan node; a
 * first run slower than slow_ms is not repeated, one cancelled by statement_timeout gives
 * median_ms NULL
 */
/* CPU time of this backend so far, in ns (NULL when /proc/self/schedstat cannot be read) */
CREATE OR REPLACE FUNCTION bench_index.backend_cpu_ns() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
	RETURN split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint;
EXCEPTION WHEN OTHERS THEN
	RETURN NULL;
END
$$;

DROP FUNCTION IF EXISTS bench_index.time_query(text, int, numeric);
CREATE FUNCTION bench_index.time_query(q text, runs int, slow_ms numeric,
	OUT median_ms numeric, OUT n bigint, OUT done int, OUT plan text, OUT cpu_ms numeric)
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	c0 bigint;
	ms numeric;
	times numeric[] := '{}';
	cpu_ns bigint := 0;
	first_ns bigint;
	cpu_runs int;
	t_all timestamptz;
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		IF plan IS NULL AND line ~ '(Seq Scan|Index Scan|Index Only Scan) (using \S+ )?on' THEN
			plan := regexp_replace(btrim(line), '^->\s+', '');
		END IF;
	END LOOP;
	done := 0;
	BEGIN
		t_all := clock_timestamp();
		FOR i IN 1..runs LOOP
			c0 := bench_index.backend_cpu_ns();
			t0 := clock_timestamp();
			EXECUTE q INTO n;
			ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
			times := times || ms;
			IF i = 1 THEN		/* it reads what the others find in shared buffers */
				first_ns := bench_index.backend_cpu_ns() - c0;
			ELSE
				cpu_ns := cpu_ns + bench_index.backend_cpu_ns() - c0;
			END IF;
			done := done + 1;
			EXIT WHEN ms > slow_ms;
		END LOOP;
		SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) INTO median_ms FROM unnest(times) t;
		/* more runs of a fast query, for a CPU time above the scheduler's resolution */
		cpu_runs := done - 1;
		WHILE clock_timestamp() - t_all < interval '1 second' AND cpu_runs < 10000 LOOP
			c0 := bench_index.backend_cpu_ns();
			EXECUTE q INTO n;
			cpu_ns := cpu_ns + bench_index.backend_cpu_ns() - c0;
			cpu_runs := cpu_runs + 1;
		END LOOP;
		cpu_ms := CASE WHEN cpu_runs > 0 THEN cpu_ns / 1e6 / cpu_runs ELSE first_ns / 1e6 END;
	EXCEPTION WHEN query_canceled THEN
		n := NULL;
	END;
END
$$;

/* LIKE pattern and regular expression that find a term in the raw text */
CREATE OR REPLACE FUNCTION bench_index.like_pattern(term text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT '%' || replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;
/* a term as people write it to dodge keyword filters: a space or a dot after its first character */
CREATE OR REPLACE FUNCTION bench_index.dodge(term text, dodge boolean, noise text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN dodge AND length(term) > 1 THEN left(term, 1) || noise || substr(term, 2) ELSE term END
$$;
CREATE OR REPLACE FUNCTION bench_index.regex_quote(term text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT regexp_replace(term, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g')
$$;
SQL

# ------------------------------------------------------------- the terms
nterms=$(sql "SELECT cardinality(prevent.terms())")
if [ "$nterms" -ge 100 ]; then
	lexicon_source="installed lexicon, prevent.terms()"
	sql "DROP TABLE IF EXISTS bench_index.lexicon_new;
		 CREATE TABLE bench_index.lexicon_new AS
		 SELECT t.term, t.ord::int AS ord FROM unnest(prevent.terms()) WITH ORDINALITY AS t(term, ord)" >/dev/null
else
	tsv=$here/lib/standin_lexicon.tsv
	if [ ! -r "$tsv" ]; then
		echo "index.sh: the installed lexicon has $nterms terms and $tsv is missing" >&2
		exit 1
	fi
	lexicon_source="stand-in lexicon, $tsv (installed one has $nterms terms)"
	"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS bench_index.lexicon_new;
CREATE TABLE bench_index.lexicon_new (term text, ord int);
CREATE TEMP TABLE tsv (kind text, category text, weight text, term text);
\copy tsv FROM program 'grep -v "^#" $tsv' WITH (FORMAT text)
INSERT INTO bench_index.lexicon_new
SELECT term, row_number() OVER () FROM tsv WHERE kind = 'match';
SQL
fi
fingerprint=$(sql "SELECT md5('$rows/$generator/$shape/' || string_agg(term, '|' ORDER BY ord)) FROM bench_index.lexicon_new")
old=$(sql "SELECT value FROM bench_index.meta WHERE key = 'fingerprint'")
have_table=$(sql "SELECT to_regclass('bench_index.narrative') IS NOT NULL")
if [ "$rebuild" = 1 ] || [ "$have_table" != t ] || [ "$old" != "$fingerprint" ]; then
	rebuild=1
fi

# ------------------------------------------------------------ the table
if [ "$rebuild" = 1 ]; then
	echo "generating $rows narratives ..." >&2
	t0=$(now_ms)
	"${PSQL[@]}" -v rows="$rows" -v dense="$([ "$shape" = dense ] && echo true || echo false)" <<'SQL'
SELECT setseed(0.2024);
DROP TABLE IF EXISTS bench_index.narrative;
DROP TABLE IF EXISTS bench_index.lexicon;
ALTER TABLE bench_index.lexicon_new RENAME TO lexicon;
DELETE FROM bench_index.meta;
CREATE TABLE bench_index.narrative (id bigint NOT NULL, narrative text NOT NULL);
/*
 * A narrative: who called and when, where, what happened, three or four details, in about one
 * row in twenty a lexicon term in a carrier phrase (drawn with random()^2, so early terms are
 * common and late ones rare; one in five with a space or a dot after its first character),
 * what the police did, the outcome, often a phone number.  No clause contains a term of the
 * default lexicon.
 */
INSERT INTO bench_index.narrative (id, narrative)
SELECT g.i,
	v.opening[1 + floor(random() * cardinality(v.opening))::int]
	|| (2018 + floor(random() * 7)::int) || '年' || (1 + floor(random() * 12)::int) || '月'
	|| (1 + floor(random() * 28)::int) || '日' || floor(random() * 24)::int || '时'
	|| floor(random() * 60)::int || '分许，'
	|| v.surname[1 + floor(random() * cardinality(v.surname))::int] || '某（'
	|| CASE WHEN random() < 0.5 THEN '男，' ELSE '女，' END
	|| (18 + floor(random() * 60)::int) || '岁）称其'
	|| v.place[1 + floor(random() * cardinality(v.place))::int]
	|| v.event[1 + floor(random() * cardinality(v.event))::int]
	|| v.detail[1 + floor(random() * cardinality(v.detail))::int]
	|| CASE WHEN random() < 0.05 THEN
			v.carrier[1 + floor(random() * cardinality(v.carrier))::int]
			|| bench_index.dodge(v.terms[1 + floor(power(random(), 2) * cardinality(v.terms))::int],
								 random() < 0.2, (ARRAY[' ', '.'])[1 + floor(random() * 2)::int])
			|| '，'
		ELSE '' END
	|| v.detail[1 + floor(random() * cardinality(v.detail))::int]
	|| v.background[1 + floor(random() * cardinality(v.background))::int]
	|| v.background[1 + floor(random() * cardinality(v.background))::int]
	|| v.detail[1 + floor(random() * cardinality(v.detail))::int]
	|| CASE WHEN random() < 0.5
			THEN v.detail[1 + floor(random() * cardinality(v.detail))::int]
			ELSE '' END
	|| v.action[1 + floor(random() * cardinality(v.action))::int]
	|| v.outcome[1 + floor(random() * cardinality(v.outcome))::int]
	|| CASE WHEN random() < 0.7
			THEN '报警人电话：1' || (30 + floor(random() * 60)::int)
				 || lpad(floor(random() * 100000000)::int::text, 8, '0') || '。'
			ELSE '' END
FROM generate_series(1, :rows) AS g(i),
	(SELECT
		ARRAY['报警人', '来电人', '群众', '报警人', '网格员', '居民', '事主', '当事人'] AS opening,
		ARRAY['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡',
			  '郭', '何', '林', '罗', '高'] AS surname,
		ARRAY['在城东区某小区', '在城西菜市场门口', '在家中', '在某出租屋内', '在某KTV包厢内',
			  '在某学校门口', '在某工地宿舍', '在某网吧', '在某商场停车场', '在某村委会',
			  '在某医院急诊科', '在河滨公园', '在某饭店', '在某超市收银台', '在火车站广场',
			  '在某公司办公室', '在某洗浴中心', '在某加油站', '在某物流园', '在某足浴店',
			  '在人民路与解放路交叉口', '在某小学附近', '在某银行网点', '在某快递驿站'] AS place,
		ARRAY['与邻居因停车问题发生纠纷，', '与其丈夫因家庭琐事发生争吵，', '因工资结算与老板发生争执，',
			  '因楼上噪音问题与住户发生口角，', '发现其电动车被盗，', '手机在公交车上被盗，',
			  '与亲戚因房屋买卖发生纠纷，', '因灌溉用水与同村村民发生争执，', '被人骗走现金两千余元，',
			  '与出租车司机因车费发生争执，', '因装修漏水与楼下住户发生纠纷，', '与顾客因退款问题发生争吵，',
			  '发现家中门锁被撬，', '与同事因工作分配发生矛盾，', '因借款未还与朋友发生纠纷，',
			  '与物业因收费问题发生争执，', '其母亲外出后迟迟没有消息，', '其儿子周末外出购物，',
			  '与网约车司机因路线问题发生争执，', '因交通事故赔偿问题与对方协商未果，',
			  '在聚餐时与他人发生口角，', '网购商品后被要求额外付款，', '其车辆在停车场被剐蹭，',
			  '店内一名顾客拒绝付款，'] AS event,
		ARRAY['双方情绪较为激动，', '对方态度蛮横，', '现场无人员受伤，', '双方互不相让，',
			  '现场围观群众较多，', '此事已持续一个多月，', '双方各执一词，', '对方拒绝沟通，',
			  '报警人要求民警到场处理，', '物业人员也在现场，', '社区网格员已到场协助，',
			  '报警人称对方多次上门吵闹，', '损失金额约三千元，', '经现场核实情况基本属实，',
			  '报警人情绪不稳，', '双方系同村村民，', '双方系朋友关系，', '对方已离开现场，',
			  '车辆停放约两小时，', '民警调取了周边监控，', '报警人称其受到惊吓，',
			  '双方对赔偿金额分歧较大，'] AS detail,
		ARRAY['经了解，双方此前曾因类似问题多次发生矛盾，', '据现场群众介绍，事发时周围人员较多，',
			  '报警人表示希望尽快得到解决，', '经询问，对方承认确有此事，',
			  '报警人称已向社区反映过多次但未解决，', '双方均同意由民警居中协调，',
			  '事发地点附近有监控设备，', '报警人称自己身体不适，', '民警到场时双方仍在争执，',
			  '经核实双方均为本地居民，', '报警人称对方曾多次借故滋事，',
			  '现场有一名目击者愿意作证，'] AS background,
		ARRAY['并称对方', '据邻居反映当事人曾说', '现场有人喊', '其微信消息中有', '报警人称对方说',
			  '聊天记录中出现'] AS carrier,
		ARRAY['民警到场后对双方进行了调解。', '民警对双方进行了批评教育。', '民警现场处置完毕。',
			  '民警已将双方带回所内处理。', '民警已开具受案回执。', '民警已告知其通过法律途径解决。',
			  '民警已联系其家属到场。', '民警已登记备案并将持续关注。', '民警协助双方达成和解。',
			  '民警已通知相关部门处理。'] AS action,
		ARRAY['双方表示不再追究。', '报警人对处理结果表示满意。', '后续由社区跟进回访。',
			  '案件已移交派出所办理。', '现场秩序恢复正常。', '报警人表示将自行协商。', ''] AS outcome,
		(SELECT array_agg(term ORDER BY ord) FROM bench_index.lexicon) AS terms
	) AS v;
\if :dense
/* ~75 characters: the first 30 and 40 more, two rows in three with a term between them */
CREATE TABLE bench_index.narrative_dense AS
SELECT n.id,
	   CASE WHEN r.with_term
			THEN left(n.narrative, 30) || bench_index.dodge(l.term, r.dodge, r.noise) || substr(n.narrative, 31, 40)
			ELSE left(n.narrative, 75) END AS narrative
  FROM bench_index.narrative n
  CROSS JOIN LATERAL (SELECT random() < 0.67 AS with_term, random() < 0.2 AS dodge,
							 (ARRAY[' ', '.'])[1 + floor(random() * 2)::int] AS noise,
							 1 + floor(power(random(), 2) * (SELECT count(*) FROM bench_index.lexicon))::int
							   + (n.id * 0)::int AS ord) AS r
  JOIN bench_index.lexicon l ON l.ord = r.ord;
DROP TABLE bench_index.narrative;
ALTER TABLE bench_index.narrative_dense RENAME TO narrative;
ALTER TABLE bench_index.narrative ALTER narrative SET NOT NULL;
\endif
ALTER TABLE bench_index.narrative ADD PRIMARY KEY (id);
VACUUM ANALYZE bench_index.narrative;
SQL
	sql "INSERT INTO bench_index.meta VALUES ('fingerprint', '$fingerprint'), ('generate_ms', '$(($(now_ms) - t0))')" >/dev/null
	reindex=1
else
	sql "DROP TABLE bench_index.lexicon_new" >/dev/null
fi

# ------------------------------------------------------------ the indexes
have_bigm=$(sql "SELECT count(*) > 0 FROM pg_extension WHERE extname = 'pg_bigm'")
have_pgroonga=$(sql "SELECT count(*) > 0 FROM pg_extension WHERE extname = 'pgroonga'")
indexes="prevent trgm"
[ "$have_bigm" = t ] && indexes="$indexes bigm"
[ "$have_pgroonga" = t ] && indexes="$indexes pgroonga"
built=0
for ix in $indexes; do
	case $ix in
		prevent) using="gin (narrative prevent.gin_ops)" ;;
		trgm) using="gin (narrative gin_trgm_ops)" ;;
		bigm) using="gin (narrative gin_bigm_ops)" ;;
		pgroonga) using="pgroonga ((narrative || ''))" ;;
	esac
	have=$(sql "SELECT to_regclass('bench_index.narrative_${ix}_idx') IS NOT NULL
					   AND EXISTS (SELECT 1 FROM bench_index.meta WHERE key = 'build_ms_$ix')")
	if [ "$reindex" = 1 ] || [ "$have" != t ]; then
		echo "building the $ix index: $using ..." >&2
		sql "DROP INDEX IF EXISTS bench_index.narrative_${ix}_idx;
			 DELETE FROM bench_index.meta WHERE key = 'build_ms_$ix'" >/dev/null
		t0=$(now_ms)
		sql "SET maintenance_work_mem = '256MB';
			 CREATE INDEX narrative_${ix}_idx ON bench_index.narrative USING $using" >/dev/null
		sql "INSERT INTO bench_index.meta VALUES ('build_ms_$ix', '$(($(now_ms) - t0))')" >/dev/null
		built=1
	fi
done
if [ "$built" = 1 ]; then
	sql "VACUUM ANALYZE bench_index.narrative" >/dev/null
fi

# ------------------------------------------------------------ the searches
one_ord=$(sql "SELECT min(ord) FROM bench_index.lexicon WHERE length(term) = 1")
two_ord=$(sql "SELECT min(ord) FROM bench_index.lexicon WHERE length(term) = 2")
rare_ord=$(sql "SELECT max(ord) FROM bench_index.lexicon WHERE length(term) >= 4")
term_of() { if [ -n "$1" ]; then sql "SELECT term FROM bench_index.lexicon WHERE ord = $1"; fi; }
one=$(term_of "$one_ord")
two=$(term_of "$two_ord")
rare=$(term_of "$rare_ord")

tmp=$(mktemp -d /tmp/prevent-bench-index.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# time METHOD SEARCH SETTINGS QUERY [INDEXES_TO_DROP]: appends a line to $tmp/results
time_it() {
	local method=$1 search=$2 settings=$3 query=$4 drop=${5:-} out ix
	out=$("${PSQL[@]}" -A -t -F '|' <<SQL
BEGIN;
$(for ix in $drop; do echo "DROP INDEX IF EXISTS bench_index.narrative_${ix}_idx;"; done)
$settings
SET LOCAL statement_timeout = '${cap_s}s';
SELECT round(median_ms, 1), n, done, plan, round(cpu_ms, 1) FROM bench_index.time_query(\$q\$$query\$q\$, $runs, $slow_ms);
ROLLBACK;
SQL
)
	echo "$search|$method|$out" >>"$tmp/results"
	echo "  $search, $method: $(cut -d'|' -f1 <<<"$out") ms, cpu $(cut -d'|' -f5 <<<"$out") ms" |
		sed 's/:  ms.*/: cancelled after '"$cap_s"' s/' >&2
}

index_only="SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off;"
seq_only="SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off;"
# PGroonga answers from its index alone (an index scan, no bitmap)
pgroonga_only="SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;"
from="SELECT count(*) FROM bench_index.narrative WHERE narrative"
# each LIKE method is timed with the other LIKE-capable GIN indexes dropped
not_trgm="prevent bigm"
not_bigm="prevent trgm"
pgroonga_schema=$(sql "SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
					   WHERE e.extname = 'pgroonga'")

# literal arrays and patterns, as an application would send them
all_array=$(sql "SELECT quote_literal(array_agg(term ORDER BY ord)) FROM bench_index.lexicon")
all_regex=$(sql "SELECT quote_literal('(' || string_agg(bench_index.regex_quote(term), '|' ORDER BY ord) || ')')
				 FROM bench_index.lexicon")
all_likes=$(sql "SELECT string_agg('narrative LIKE ' || quote_literal(bench_index.like_pattern(term)), ' OR ' ORDER BY ord)
				 FROM bench_index.lexicon")

echo "timing (median of $runs) ..." >&2
for s in one two rare; do
	ord_var=${s}_ord
	[ -n "${!ord_var}" ] || continue
	lit=$(sql "SELECT quote_literal(term) FROM bench_index.lexicon WHERE ord = ${!ord_var}")
	pattern=$(sql "SELECT quote_literal(bench_index.like_pattern(term)) FROM bench_index.lexicon WHERE ord = ${!ord_var}")
	time_it "prevent index" "$s" "$index_only" "$from OPERATOR(prevent.&~) $lit"
	time_it "sequential scan" "$s" "$seq_only" "$from OPERATOR(prevent.&~) $lit"
	time_it "pg_trgm index" "$s" "$index_only" "$from LIKE $pattern" "$not_trgm"
	if [ "$have_bigm" = t ]; then
		time_it "pg_bigm index" "$s" "$index_only" "$from LIKE $pattern" "$not_bigm"
	fi
	if [ "$have_pgroonga" = t ]; then
		time_it "PGroonga index" "$s" "$pgroonga_only" \
			"SELECT count(*) FROM bench_index.narrative WHERE (narrative || '') OPERATOR($pgroonga_schema.&@) $lit"
	fi
done
time_it "prevent index" all "$index_only" "$from OPERATOR(prevent.&~|) $all_array"
time_it "sequential scan" all "$seq_only" "$from OPERATOR(prevent.&~|) $all_array"
time_it "pg_trgm index" all "$index_only" "$from ~ $all_regex" "$not_trgm"
if [ "$have_bigm" = t ]; then
	time_it "pg_bigm index" all "$index_only" "SELECT count(*) FROM bench_index.narrative WHERE $all_likes" "$not_bigm"
fi
if [ "$have_pgroonga" = t ]; then
	time_it "PGroonga index" all "$pgroonga_only" \
		"SELECT count(*) FROM bench_index.narrative WHERE (narrative || '') OPERATOR($pgroonga_schema.&@|) $all_array"
fi
time_it "prevent index" terms "$index_only" "$from OPERATOR(prevent.&~|) prevent.terms()"

# ------------------------------------------------------------ the report
"${PSQL[@]}" -v one="$one" -v two="$two" -v rare="$rare" -v lexicon_source="$lexicon_source" \
	-v cap_s="$cap_s" -v runs="$runs" -v load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" \
	-v host="$(uname -srm), $(nproc 2>/dev/null) cores" <<SQL
CREATE TEMP TABLE result (search text, method text, ms numeric, n bigint, done int, plan text, cpu_ms numeric);
\copy result FROM '$tmp/results' WITH (FORMAT csv, DELIMITER '|')
\pset footer off
\echo
\echo 'prevent.gin_ops vs pg_trgm, pg_bigm and PGroonga, bench/index.sh'
WITH d AS (SELECT count(*) AS n, round(avg(length(narrative))) AS avg_len FROM bench_index.narrative)
SELECT format('%s rows, %s MB of narratives (avg %s characters); %s terms from the %s; %s %% of the rows contain one',
			  to_char(d.n, 'FM9,999,999'), pg_table_size('bench_index.narrative') / 1048576, d.avg_len,
			  (SELECT count(*) FROM bench_index.lexicon), :'lexicon_source',
			  (SELECT round(100.0 * r.n / d.n, 1) FROM result r WHERE r.search = 'all' AND r.method = 'prevent index'))
	   AS "data",
	   format('%s; load average %s at the end; %s', version(), :'load', :'host') AS "server"
  FROM d;

\echo
\echo 'Index build (maintenance_work_mem = 256MB)'
CREATE TEMP TABLE index_size AS
SELECT i.opclass, i.ix,
	   round((SELECT value::numeric FROM bench_index.meta WHERE key = 'build_ms_' || i.ix) / 1000, 1) AS build_s,
	   CASE WHEN i.ix <> 'pgroonga' THEN pg_relation_size(to_regclass('bench_index.narrative_' || i.ix || '_idx'))
			WHEN pg_has_role('pg_read_server_files', 'MEMBER')
			THEN (SELECT sum((pg_stat_file('base/' || db.oid || '/' || f, true)).size)
					FROM pg_database db, pg_ls_dir('base/' || db.oid) f
				   WHERE db.datname = current_database() AND f LIKE 'pgrn%')::bigint END AS bytes
  FROM (VALUES ('prevent.gin_ops', 'prevent'), ('pg_trgm gin_trgm_ops', 'trgm'),
			   ('pg_bigm gin_bigm_ops', 'bigm'), ('PGroonga (Groonga files)', 'pgroonga')) AS i(opclass, ix)
 WHERE to_regclass('bench_index.narrative_' || i.ix || '_idx') IS NOT NULL;
SELECT opclass AS "operator class", build_s AS "build s", bytes / 1048576 AS "size MB",
	   round(bytes::numeric / (SELECT bytes FROM index_size WHERE ix = 'prevent'), 2) AS "x prevent.gin_ops"
  FROM index_size;

\echo
\echo 'Searches (ms: median of the runs done by the clock; cpu ms: mean CPU time of the backend a run after the first)'
SELECT CASE r.search WHEN 'one' THEN '(1) one character: ' || :'one'
					 WHEN 'two' THEN '(2) two characters: ' || :'two'
					 WHEN 'rare' THEN '(3) rare term: ' || :'rare'
					 WHEN 'all' THEN '(4) all lexicon terms'
					 ELSE '(4) the same, &~| prevent.terms()' END AS search,
	   r.method, r.n AS "rows",
	   coalesce(r.ms::text, '> ' || :cap_s * 1000 || ' (cancelled)') AS ms, r.done AS runs,
	   CASE WHEN r.method = 'prevent index' THEN NULL
			WHEN r.ms IS NULL THEN '> ' || round(:cap_s * 1000 / nullif(p.ms, 0), 1)
			ELSE round(r.ms / nullif(p.ms, 0), 2)::text END AS "x prevent index",
	   r.cpu_ms AS "cpu ms",
	   CASE WHEN r.method <> 'prevent index' THEN round(r.cpu_ms / nullif(p.cpu_ms, 0), 2) END AS "x (cpu)",
	   r.plan
  FROM result r
  LEFT JOIN result p ON p.search = r.search AND p.method = 'prevent index'
 ORDER BY array_position(ARRAY['one', 'two', 'rare', 'all', 'terms'], r.search),
		  array_position(ARRAY['prevent index', 'sequential scan', 'pg_trgm index', 'pg_bigm index',
							   'PGroonga index'], r.method);

\echo
\echo 'Targets (issue 18)'
SELECT t.target, t.measured,
	   CASE WHEN t.ok IS NULL THEN 'not measured' WHEN t.ok THEN 'PASS' ELSE 'MISS' END AS result
  FROM (SELECT 'all lexicon terms: prevent index no slower than PGroonga &@|' AS target,
			   (SELECT p.ms || ' ms vs ' || coalesce(g.ms::text, '-') || ' ms (cpu '
					   || coalesce(p.cpu_ms::text, '-') || ' vs ' || coalesce(g.cpu_ms::text, '-') || ')' FROM result p
				  LEFT JOIN result g ON g.search = 'all' AND g.method = 'PGroonga index'
				 WHERE p.search = 'all' AND p.method = 'prevent index') AS measured,
			   (SELECT p.ms <= g.ms FROM result p JOIN result g ON g.search = p.search AND g.method = 'PGroonga index'
				 WHERE p.search = 'all' AND p.method = 'prevent index') AS ok
		UNION ALL
		SELECT 'single terms: prevent index within 1.5x of pg_bigm',
			   (SELECT string_agg(p.search || ' ' || round(p.ms / nullif(b.ms, 0), 2) || 'x (cpu '
								  || coalesce(round(p.cpu_ms / nullif(b.cpu_ms, 0), 2) || 'x', '-') || ')', ', '
								  ORDER BY array_position(ARRAY['one', 'two', 'rare'], p.search))
				  FROM result p JOIN result b ON b.search = p.search AND b.method = 'pg_bigm index'
				 WHERE p.method = 'prevent index'),
			   (SELECT bool_and(p.ms <= 1.5 * b.ms)
				  FROM result p JOIN result b ON b.search = p.search AND b.method = 'pg_bigm index'
				 WHERE p.method = 'prevent index')
		UNION ALL
		SELECT 'index size <= 1.5x pg_trgm''s',
			   round(p.bytes::numeric / t.bytes, 2) || 'x', p.bytes <= 1.5 * t.bytes
		  FROM index_size p, index_size t WHERE p.ix = 'prevent' AND t.ix = 'trgm'
		UNION ALL
		SELECT 'prevent index finds exactly the rows of the sequential scan',
			   string_agg(p.search || ': ' || p.n || CASE WHEN p.n = s.n THEN ' = ' ELSE ' <> ' END || s.n, ', '
						  ORDER BY array_position(ARRAY['one', 'two', 'rare', 'all'], p.search)),
			   bool_and(p.n = s.n)
		  FROM result p JOIN result s ON s.search = p.search AND s.method = 'sequential scan'
		 WHERE p.method = 'prevent index') AS t;
SQL
