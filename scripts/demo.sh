#!/usr/bin/env bash
# demo.sh — set everything up and show prevent's main job on a throwaway local cluster.
#
# Installs missing Debian packages (scripts/setup-deps.sh), builds and installs the extension
# into the PostgreSQL 15 of PG_CONFIG, starts a private server (scripts/with-cluster.sh, port
# $PREVENT_TEST_PORT, default 54329, unix socket only), creates database prevent_demo and runs
# scripts/demo.sql there with psql, then stops and removes the server.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)

. scripts/pg-config.sh

if [ "${1:-}" = "--in-cluster" ]; then
	createdb prevent_demo
	exec psql -X -d prevent_demo -f scripts/demo.sql
fi

if [ "$(id -u)" -eq 0 ] || ! command -v sudo >/dev/null 2>&1; then
	as_root=()
else
	as_root=(sudo)
fi

echo "==> dependencies"
scripts/setup-deps.sh
echo "==> build"
make -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG"
echo "==> install"
"${as_root[@]}" make -s PG_CONFIG="$PG_CONFIG" install
echo "==> demo"
scripts/with-cluster.sh "$repo/scripts/demo.sh" --in-cluster
