#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server on loopback:
#   scripts/with-postgres.sh [--durable] COMMAND...
# It exports DATABASE_URL for the command and removes the server afterwards. --durable keeps fsync on (benchmarks).
set -euo pipefail
durable=0
if [ "${1:-}" = "--durable" ]; then durable=1; shift; fi
initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1 || true)
[ -n "$initdb" ] || { echo "PostgreSQL server binaries not found: apt-get install -y postgresql" >&2; exit 1; }
bindir=$(dirname "$(readlink -f "$initdb")")
port=${PGPORT_TEST:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
pgd=$(mktemp -d /tmp/vigil-pg.XXXXXX)
chmod 755 "$pgd"
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pgd"; as_pg=(runuser -u postgres --); fi
opts="-c listen_addresses=127.0.0.1 -p $port -k $pgd -c max_connections=200"
[ $durable = 1 ] || opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
cleanup() { "${as_pg[@]}" "$bindir/pg_ctl" -D "$pgd/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgd"; }
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$pgd/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$pgd/data" -l "$pgd/server.log" -w -o "$opts" start >/dev/null
"${as_pg[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres vigil
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/vigil"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
