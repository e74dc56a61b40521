#!/usr/bin/env bash
# Installs PostgreSQL from Debian if needed and starts a private, throw-away cluster
# ${PGCLUSTER_NAME:-relaisci} on port ${PGPORT:-5433} with trust authentication on loopback
# (an existing cluster of that name is dropped first). Prints the base URL.
set -euo pipefail
port="${PGPORT:-5433}"
name="${PGCLUSTER_NAME:-relaisci}"
if ! command -v pg_createcluster >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if pg_lsclusters -h | awk '{print $2}' | grep -qx "$name"; then
  pg_dropcluster --stop "$version" "$name" >&2
fi
pg_createcluster "$version" "$name" --port "$port" --start -- --auth-local=trust --auth-host=trust >/dev/null
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
echo "postgres://postgres@127.0.0.1:$port"
