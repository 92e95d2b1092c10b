# bench/lib/incident.sh — bench.incident(id, content), the synthetic narratives of
# bench/lib/generate.sql, generated or reused; shared by bench/assess.sh and bench/backfill.sh.
# Sourced after bench/lib/bench_schema.sql has run and bench.gen_terms holds the terms to plant.
#   bench_incident ROWS REBUILD   reuses bench.incident while it has ROWS rows and was generated
#                                 by the same generate.sql from the same terms (bench.meta),
#                                 else (or when REBUILD is 1) generates it; prints what it did
#                                 on lines starting "data:"; sets n_gen_terms (the terms
#                                 planted), tbl_size, avg_chars and avg_bytes
# Needs from the caller: PSQL (the psql command, an array) and sql (psql -c, unaligned).
bench_incident() {
	local rows=$1 rebuild=$2 lib terms_fp gen_fp reason='' have_rows meta_terms meta_gen t0
	lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	terms_fp=$(sql "SELECT count(*) || ':' || coalesce(md5(string_agg(term, E'\n' ORDER BY term)), '-') FROM bench.gen_terms")
	n_gen_terms=${terms_fp%%:*}
	gen_fp=$(md5sum <"$lib/generate.sql" | cut -c1-32)
	if [ "$rebuild" = 1 ]; then
		reason="--rebuild"
	elif [ "$(sql "SELECT to_regclass('bench.incident') IS NOT NULL")" != t ]; then
		reason="bench.incident does not exist"
	else
		have_rows=$(sql 'SELECT count(*) FROM bench.incident')
		meta_terms=$(sql "SELECT value FROM bench.meta WHERE name = 'terms'")
		meta_gen=$(sql "SELECT value FROM bench.meta WHERE name = 'generator'")
		if [ "$have_rows" != "$rows" ]; then
			reason="bench.incident has $have_rows rows, BENCH_ROWS is $rows"
		elif [ "$meta_terms" != "$terms_fp" ]; then
			reason="the terms changed since bench.incident was generated"
		elif [ "$meta_gen" != "$gen_fp" ]; then
			reason="bench/lib/generate.sql changed since bench.incident was generated"
		fi
	fi
	if [ -n "$reason" ]; then
		echo "data:       generating bench.incident ($rows rows; $reason) ..."
		t0=$(date +%s%N)
		"${PSQL[@]}" -v rows="$rows" -f "$lib/generate.sql"
		sql 'VACUUM ANALYZE bench.incident' >/dev/null
		"${PSQL[@]}" <<-SQL
			INSERT INTO bench.meta VALUES ('rows', '$rows'), ('terms', '$terms_fp'), ('generator', '$gen_fp'),
				('generated_at', now()::text)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value;
		SQL
		echo "            generated in $(awk -v ns=$(( $(date +%s%N) - t0 )) 'BEGIN { printf "%.1f", ns / 1e9 }') s"
	else
		echo "data:       reusing bench.incident (generated $(sql "SELECT value::timestamptz(0) FROM bench.meta WHERE name = 'generated_at'"); --rebuild to regenerate)"
	fi
	read -r tbl_size avg_chars avg_bytes <<<"$(sql "SELECT replace(pg_size_pretty(pg_table_size('bench.incident')), ' ', ''),
		round(avg(length(content))), round(avg(octet_length(content))) FROM bench.incident" | tr '|' ' ')"
	echo "            $rows rows, avg $avg_chars characters ($avg_bytes bytes), table $tbl_size"
}
