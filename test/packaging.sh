#!/usr/bin/env bash
# TAP: what a release is made of.  META.json (PGXN) is valid and names the version that
# prevent.control installs and the Makefile builds; `make dist` makes the archive PGXN takes,
# from git, with the control file, the install script's pieces, the C sources, the license
# and the changelog under one prefix directory.  Needs git and python3; no server.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "1..3"
meta=$(python3 - <<'PY'
import json
m = json.load(open('META.json'))
need = ['name', 'abstract', 'version', 'maintainer', 'license', 'provides', 'meta-spec']
missing = [k for k in need if k not in m]
print('missing:' + ','.join(missing) if missing else m['version'] + ' ' + m['provides']['prevent']['version'])
PY
)
if [[ $meta != missing:* ]]; then echo "ok 1 - META.json is valid JSON with the keys PGXN needs"
else echo "not ok 1 - META.json is valid JSON with the keys PGXN needs"; echo "#   $meta"; fi

control=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" prevent.control)
make_version=$(sed -n 's/^EXTVERSION = //p' Makefile)
if [ "$meta" = "$control $control" ] && [ "$make_version" = "$control" ]; then
	echo "ok 2 - META.json, prevent.control and the Makefile name one version ($control)"
else
	echo "not ok 2 - META.json, prevent.control and the Makefile name one version"
	echo "#   META.json: $meta; prevent.control: $control; Makefile: $make_version"
fi

if git rev-parse --git-dir >/dev/null 2>&1 && make -s dist DIST="$work/dist.zip" >/dev/null 2>&1; then
	missing=$(python3 - "$work/dist.zip" "prevent-$control/" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
prefix = sys.argv[2]
want = ['prevent.control', 'META.json', 'LICENSE', 'CHANGELOG.md', 'README.md', 'Makefile',
        'src/sql/00_schema.sql', 'src/watch/alert_batch.sql', 'src/core/normtable.h']
print(' '.join(w for w in want if prefix + w not in names))
PY
)
	if [ -z "$missing" ]; then echo "ok 3 - make dist makes prevent-$control.zip with the sources under prevent-$control/"
	else echo "not ok 3 - make dist makes prevent-$control.zip with the sources under prevent-$control/"; echo "#   missing: $missing"; fi
else
	echo "ok 3 # skip not a git checkout, or make dist failed"
fi
