#!/usr/bin/env bash
# A throwaway PostgreSQL cluster, for tests: nothing listens on TCP, the socket lives in the
# cluster's own folder, and the folder goes away with `stop`.
#   scripts/pg.sh start DIR   # prints a DATABASE_URL for the database `stormwall` in it
#   scripts/pg.sh stop DIR
set -euo pipefail
cmd=${1:?start or stop}; dir=${2:?a folder for the cluster}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z "$bin" ]]; then
  echo "PostgreSQL server binaries not found (scripts/setup.sh --postgres installs them)" >&2
  exit 1
fi
# initdb refuses to run as root: the cluster then belongs to the `postgres` user.
as_owner() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port=55432
case "$cmd" in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log"
    # Durability is not what these tests measure on a throwaway cluster; speed is.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-k $dir -c listen_addresses='' -p $port -c fsync=off -c max_connections=200" start >/dev/null
    "$bin/psql" -h "$dir" -p "$port" -U postgres -q -c 'CREATE DATABASE stormwall' >/dev/null
    echo "postgres://postgres@localhost/stormwall?host=$dir&port=$port"
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
