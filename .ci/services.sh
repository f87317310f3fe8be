#!/usr/bin/env bash
# Install (if missing) and start what the tests need besides Python packages, then print the
# environment the tests read (KEY=VALUE lines): a PostgreSQL server on 127.0.0.1 and Debian's
# chromium. Idempotent: a second run finds both running and only prints.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
log() { echo "services: $*" >&2; }

need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -q >&2
  apt-get install -y -q "${need[@]}" >&2
fi
# the web benchmark's native load client (`make bench`; no test needs it, and the benchmark
# falls back to curl's parallel mode without it): best effort, never a reason to fail
if ! command -v wrk >/dev/null 2>&1; then
  apt-get install -y -q wrk >&2 || log "wrk not installed: make bench falls back to curl"
fi

ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$ver main"; then
  pg_createcluster "$ver" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -qx online; then
  pg_ctlcluster "$ver" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 1; done
psql_su() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
if [ "$(psql_su "SELECT 1 FROM pg_roles WHERE rolname='loopledger'")" != "1" ]; then
  psql_su "CREATE ROLE loopledger LOGIN SUPERUSER PASSWORD 'loopledger'" >&2
fi
if [ "$(psql_su "SELECT 1 FROM pg_database WHERE datname='loopledger_test'")" != "1" ]; then
  psql_su "CREATE DATABASE loopledger_test OWNER loopledger" >&2
fi
echo "LOOPLEDGER_TEST_PG=postgresql://loopledger:loopledger@127.0.0.1:$port/loopledger_test"
echo "LOOPLEDGER_CHROMIUM=$(command -v chromium)"
