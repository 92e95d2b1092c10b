# bench/lib/incident.sh — bench.incident(id, content), the synthetic narratives of
# bench/lib/generate.sql, generated or reused; shared by bench/assess.sh and bench/backfill.sh.
# Sourced after bench/lib/bench_schema.sql has run and bench.gen_terms holds the terms to plant.
#   bench_incident ROWS REBUILD [SHAPE]
#                                 reuses bench.incident while it has ROWS rows and was generated
#                                 by the same generate.sql from the same terms (bench.meta),
#                                 else (or when REBUILD is 1) generates it; prints what it did
#                                 on lines starting "data:"; sets n_gen_terms (the terms
#                                 planted), tbl_size, avg_chars and avg_bytes.  SHAPE dense:
#                                 the same for bench.incident_dense (~600 characters, every
#                                 other clause carrying a term; meta names prefixed dense_)
# Needs from the caller: PSQL (the psql command, an array) and sql (psql -c, unaligned).
bench_incident() {
	local rows=$1 rebuild=$2 shape=${3:-ordinary} lib terms_fp gen_fp reason='' have_rows meta_terms meta_gen t0
	local tbl=bench.incident mp=''
	if [ "$shape" = dense ]; then
		tbl=bench.incident_dense
		mp=dense_
	fi
	lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	terms_fp=$(sql "SELECT count(*) || ':' || coalesce(md5(string_agg(term, E'\n' ORDER BY term)), '-') FROM bench.gen_terms")
	n_gen_terms=${terms_fp%%:*}
	gen_fp=$(md5sum <"$lib/generate.sql" | cut -c1-32)
	if [ "$rebuild" = 1 ]; then
		reason="--rebuild"
	elif [ "$(sql "SELECT to_regclass('$tbl') IS NOT NULL")" != t ]; then
		reason="$tbl does not exist"
	else
		have_rows=$(sql "SELECT count(*) FROM $tbl")
		meta_terms=$(sql "SELECT value FROM bench.meta WHERE name = '${mp}terms'")
		meta_gen=$(sql "SELECT value FROM bench.meta WHERE name = '${mp}generator'")
		if [ "$have_rows" != "$rows" ]; then
			reason="$tbl has $have_rows rows, not $rows"
		elif [ "$meta_terms" != "$terms_fp" ]; then
			reason="the terms changed since $tbl was generated"
		elif [ "$meta_gen" != "$gen_fp" ]; then
			reason="bench/lib/generate.sql changed since $tbl was generated"
		fi
	fi
	if [ -n "$reason" ]; then
		echo "data:       generating $tbl ($rows rows; $reason) ..."
		t0=$(date +%s%N)
		"${PSQL[@]}" -v rows="$rows" -v shape="$shape" -f "$lib/generate.sql"
		sql "VACUUM ANALYZE $tbl" >/dev/null
		"${PSQL[@]}" <<-SQL
			INSERT INTO bench.meta VALUES ('${mp}rows', '$rows'), ('${mp}terms', '$terms_fp'),
				('${mp}generator', '$gen_fp'), ('${mp}generated_at', now()::text)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value;
		SQL
		echo "            generated in $(awk -v ns=$(( $(date +%s%N) - t0 )) 'BEGIN { printf "%.1f", ns / 1e9 }') s"
	else
		echo "data:       reusing $tbl (generated $(sql "SELECT value::timestamptz(0) FROM bench.meta WHERE name = '${mp}generated_at'"); --rebuild to regenerate)"
	fi
	read -r tbl_size avg_chars avg_bytes <<<"$(sql "SELECT replace(pg_size_pretty(pg_table_size('$tbl')), ' ', ''),
		round(avg(length(content))), round(avg(octet_length(content))) FROM $tbl" | tr '|' ' ')"
	echo "            $rows rows, avg $avg_chars characters ($avg_bytes bytes), table $tbl_size"
}
