# bench/lib/options.sh — the command line and the settings of bench/watch.sh, load.sh and
# escalation.sh, handled alike.  Sourced by the script after `set -euo pipefail`.
#   usage                       prints the script's header comment (up to `set -euo`)
#   bench_keep_option "$@"      --keep sets keep=1 (default 0), -h/--help prints the usage;
#                               anything else is refused (exit 2)
#   bench_whole_numbers VAR...  each named variable must hold a positive whole number (exit 2)
#   bench_number NAME VALUE     VALUE must be a number (NAME is the setting, for the message)
#   bench_tools TOOL...         each tool must be on PATH (exit 2)
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
bench_number() {
	if ! [[ $2 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
		echo "$bench_name: $1 must be a number, not '$2'" >&2
		exit 2
	fi
}
bench_tools() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "$bench_name: $tool is not on PATH" >&2; exit 2; }
	done
}
