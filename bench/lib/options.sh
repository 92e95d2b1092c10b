# bench/lib/options.sh — the command line and the settings of bench/watch.sh, load.sh and
# escalation.sh, handled alike.  Sourced by the script after `set -euo pipefail`.
#   usage                       prints the script's header comment (up to `set -euo`)
#   bench_keep_option "$@"      --keep sets keep=1 (default 0), -h/--help prints the usage;
#                               anything else is refused (exit 2)
#   bench_whole_numbers VAR...  each named variable must hold a positive whole number (exit 2)
bench_name=$(basename "$0")
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
bench_keep_option() {
	keep=0
	while [ $# -gt 0 ]; do
		case $1 in
			--keep) keep=1 ;;
			-h | --help) usage; exit 0 ;;
			*) echo "$bench_name: unknown option '$1' (see --help)" >&2; exit 2 ;;
		esac
		shift
	done
}
bench_whole_numbers() {
	local v
	for v in "$@"; do
		if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
			echo "$bench_name: $v must be a positive whole number, not '${!v}'" >&2
			exit 2
		fi
	done
}
