#!/usr/bin/env bash
# bench/outputs.sh — every output of prevent.assess(), score(), explain() and match() over a
# fixed set of texts, one line each, for comparing two builds of the extension (a change meant
# only to make the scan faster must leave this file byte for byte the same):
#
#   bench/outputs.sh >before.txt     (the old build installed)
#   bench/outputs.sh >after.txt      (the new build installed)
#   cmp before.txt after.txt
#
# The texts: the labelled corpora given as arguments (JSON lines with a "text" field; default
# ../shared/eval/*.jsonl and bench/corpus/*.jsonl when present), each also joined four at a
# time into long texts, and BENCH_NOISY (2000) generated texts dense with the installed
# lexicon's terms of every kind (match, exclude, disposition, context, signal), negation cues
# and proximity parts, mixed with titles in 《》 and 〈〉, sentence ends, half-width punctuation,
# spaces, Latin letters and characters outside the BMP, deterministically (setseed).
# Uses the installed lexicon; connection: the standard libpq variables.
set -euo pipefail
. "$(dirname "$0")/../scripts/pg-config.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
noisy=${BENCH_NOISY:-2000}
if [ $# -eq 0 ]; then
	set -- $(ls "$here"/../../shared/eval/*.jsonl "$here"/corpus/*.jsonl 2>/dev/null || true)
fi
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c client_min_messages=warning"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
tmp=$(mktemp -d /tmp/prevent-outputs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# the corpora's texts, one CSV field each
for f in "$@"; do
	python3 -c '
import csv, json, sys
w = csv.writer(sys.stdout)
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if line:
        w.writerow([sys.argv[1].rsplit("/", 1)[-1], json.loads(line)["text"]])
' "$f"
done >"$tmp/corpus.csv"

"${PSQL[@]}" <<-EOF
	CREATE TEMP TABLE src (file text, doc text);
	\\copy src FROM '$tmp/corpus.csv' WITH (FORMAT csv)
	CREATE TEMP TABLE docs AS
	SELECT row_number() OVER (ORDER BY file, doc) AS id, doc FROM src;
	-- four at a time: long texts whose sentences and scopes interact
	INSERT INTO docs
	SELECT 100000 + g, string_agg(doc, '' ORDER BY id)
	FROM (SELECT id, doc, (id - 1) / 4 AS g FROM docs) s GROUP BY g;
	-- dense noisy texts from the lexicon
	SELECT setseed(0.42) \\g /dev/null
	CREATE TEMP TABLE parts AS
	SELECT row_number() OVER () AS n, p FROM (
		SELECT term AS p FROM prevent.keyword WHERE enabled
		UNION ALL SELECT unnest(ARRAY['《', '》', '〈', '〉', '。', '，', '！', '？', '；', '!', '?', ';', ',', ':',
			'：', ' ', E'\n', '“', '”', '「', '」', '、', 'abc', 'ZS', 'zs', '１２', '7', '😀', '𠀀', 'é', 'ﬁ',
			'报警人称', '经查', '系误会', '不是', '没有', '未', '已调解', '我不是开玩笑', '某小区',
			'《王者荣耀》', '〈杀手〉', '游戏里', '双方'])
	) s ORDER BY p;
	CREATE TEMP TABLE noisy AS
	SELECT 200000 + i AS id,
		(SELECT string_agg(parts.p, '' ORDER BY x.j) FROM (
			SELECT j, 1 + floor(random() * (SELECT count(*) FROM parts))::int + i * 0 AS k
			FROM generate_series(1, 2 + (i % 97)) j) x JOIN parts ON parts.n = x.k) AS doc
	FROM generate_series(1, $noisy) i;
	INSERT INTO docs SELECT id, doc FROM noisy WHERE doc IS NOT NULL;
	\\copy (SELECT id, 'A', (prevent.assess(doc))::text FROM docs ORDER BY id) TO '$tmp/a.csv' WITH (FORMAT csv)
	\\copy (SELECT id, 'S', prevent.score(doc) FROM docs ORDER BY id) TO '$tmp/s.csv' WITH (FORMAT csv)
	\\copy (SELECT d.id, 'E', e::text FROM docs d, LATERAL prevent.explain(d.doc) WITH ORDINALITY e ORDER BY d.id, e.ordinality) TO '$tmp/e.csv' WITH (FORMAT csv)
	\\copy (SELECT d.id, 'M', m::text FROM docs d, LATERAL prevent.match(d.doc) WITH ORDINALITY m ORDER BY d.id, m.ordinality) TO '$tmp/m.csv' WITH (FORMAT csv)
	\\copy (SELECT d.id, 'AA', (prevent.assess(ARRAY[d.doc, e.doc]))::text, prevent.score(ARRAY[d.doc, e.doc]) FROM docs d JOIN docs e ON e.id = d.id + 1 ORDER BY d.id) TO '$tmp/aa.csv' WITH (FORMAT csv)
	\\copy (SELECT d.id, 'EA', x::text FROM docs d JOIN docs e ON e.id = d.id + 1, LATERAL prevent.explain(ARRAY[d.doc, e.doc]) WITH ORDINALITY x WHERE d.id % 7 = 0 ORDER BY d.id, x.ordinality) TO '$tmp/ea.csv' WITH (FORMAT csv)
	\\copy (SELECT id, 'D', md5(doc) FROM docs ORDER BY id) TO '$tmp/d.csv' WITH (FORMAT csv)
EOF
cat "$tmp"/d.csv "$tmp"/a.csv "$tmp"/s.csv "$tmp"/e.csv "$tmp"/m.csv "$tmp"/aa.csv "$tmp"/ea.csv
