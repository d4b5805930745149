#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1 for the store's PostgreSQL tests and print
# its URL. Installs Debian's postgresql when missing. The server runs as the 'postgres' user
# (it refuses root) from a temporary folder, and stops when the CI machine is discarded.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
data=$(mktemp -d /tmp/rota-ci-pg.XXXXXX)
chown postgres "$data"
port=${ROTA_CI_PG_PORT:-55432}
su postgres -s /bin/sh -c "$bin/initdb -D '$data/db' -U rota --auth=trust -E UTF8 >/dev/null"
su postgres -s /bin/sh -c "$bin/pg_ctl -D '$data/db' -o '-p $port -k $data -c listen_addresses=127.0.0.1' -l '$data/log' -w start >/dev/null"
su postgres -s /bin/sh -c "$bin/createdb -h 127.0.0.1 -p $port -U rota rota_test"
echo "postgresql+psycopg://rota@127.0.0.1:$port/rota_test"
