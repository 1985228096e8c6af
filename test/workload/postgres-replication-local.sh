#!/usr/bin/env bash
# Runs the PostgreSQL replication scripts (lib/workload/postgres-scripts.ts) against real PostgreSQL binaries on
# loopback, without Kubernetes: a primary and replicas as local servers on 127.0.0.2-4 (one port), each "pod" a
# data directory driven through init.sh (the init container), then run.sh (the main container) with an
# entrypoint that follows the official image's contract (the node suite's stand-in, e2e/images/postgres).
#
#   sudo bash test/workload/postgres-replication-local.sh [ENTRYPOINT]
#
# Needs: root (it runs the servers as uid 10001 without a passwd entry, like the pods), Debian's postgresql-15 and
# libnss-wrapper (apt-get install postgresql-15 libnss-wrapper),
# a docker-entrypoint.sh (default: the node suite's stand-in beside this repo, or pass its path). Everything lives
# in one mktemp directory, removed on exit; every server is stopped by pg_ctl on its data directory.
# Checks: async replication (a row on the primary is on both replicas), a write on a replica is refused, a deleted
# replica comes back caught up, a new replica clones from an empty directory, a restarted primary keeps its data,
# a primary whose volume is lost restores itself from the most advanced replica, a promoted replica refuses to
# start again as a replica, and synchronous replication blocks a commit until a replica confirms it.
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
entry=${1:-}
if [[ -z $entry ]]; then
  for c in "$repo/e2e/images/postgres/docker-entrypoint.sh" "$repo/../wt-node/e2e/images/postgres/docker-entrypoint.sh"; do
    [[ -f $c ]] && entry=$c && break
  done
fi
[[ -f $entry ]] || { echo "no docker-entrypoint.sh: pass its path" >&2; exit 2; }
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[[ -x $PGBIN/postgres ]] || { echo "no PostgreSQL in $PGBIN: apt-get install postgresql-15" >&2; exit 2; }
PORT=${PORT:-25432}

UID_POD=10001
as_pod() { setpriv --reuid=$UID_POD --regid=$UID_POD --clear-groups -- "$@"; }
T=$(mktemp -d /tmp/kubecraft-pg-local.XXXXXX)
chmod 755 "$T"
started=()
cleanup() {
  local d
  for d in "${started[@]}"; do [[ -s $d/postmaster.pid ]] && as_pod "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true; done
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

# the scripts, from the TypeScript source
mkdir -p "$T/scripts" "$T/bin" "$T/secret"
(cd "$repo" && node -e "
  require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
  const s = require('./lib/workload/postgres-scripts');
  const fs = require('fs');
  const mode = process.argv[1];
  const files = s.replicationScripts({ primaryHost: '127.0.0.2', peersHost: process.argv[2], port: Number(process.argv[3]), user: 'replicator',
    passwordFile: process.argv[4] + '/password', synchronousStandbyNames: '', synchronousCommit: '', walKeepSize: '64MB', maxWalSenders: 16 });
  for (const [k, v] of Object.entries(files)) fs.writeFileSync(process.argv[5] + '/' + k, v);
" async 127.0.0.3 "$PORT" "$T/secret" "$T/scripts")
printf 's3cr:et\\p'"'"'w\n' >"$T/secret/password"   # a password with : \ and ' (escaping in pgpass and SQL)
chmod 440 "$T/secret/password" && chgrp $UID_POD "$T/secret/password"
# the entrypoint, with its fixed paths moved into $T
sed -e "s#/docker-entrypoint-initdb.d#$T/initdb.d#g" -e "s#/var/run/postgresql#\$KC_TEST_SOCKET#g" \
    -e "s#-c listen_addresses='' -p 5432#-c listen_addresses='' -c unix_socket_directories=\$KC_TEST_SOCKET -p $PORT#" \
    "$entry" >"$T/bin/docker-entrypoint.sh"
chmod 755 "$T/bin/docker-entrypoint.sh"
mkdir -p "$T/initdb.d" && cp "$T/scripts/initdb-replication.sh" "$T/initdb.d/50-kubecraft-replication.sh" && chmod 755 "$T/initdb.d"/*
chmod -R a+rX "$T/scripts" "$T/bin" "$T/initdb.d" && chown $UID_POD "$T"

# one "pod": pod NAME ROLE IP -> init.sh then run.sh (in the background) as the postgres user
pod() {
  local name=$1 role=$2 ip=$3 d="$T/$1"
  mkdir -p "$d/tmp" "$d/sock" "$d/volume" && chown -R $UID_POD "$d"
  local envs=(PATH="$T/bin:$PGBIN:/usr/bin:/bin" KUBECRAFT_POSTGRES_DIR="$T/scripts" KUBECRAFT_REPLICATION_ROLE="$role"
    KUBECRAFT_POD_NAME="$name" KUBECRAFT_POD_IP="$ip" PGDATA="$d/volume/pgdata" TMPDIR="$d/tmp" KC_TEST_SOCKET="$d/sock"
    PGHOST="$d/sock" PGPORT="$PORT" POSTGRES_USER=shop POSTGRES_DB=shop POSTGRES_PASSWORD=superpw)
  as_pod env -i "${envs[@]}" bash "$T/scripts/init.sh" -c max_connections=50 >>"$d/init.log" 2>&1 || { echo "--- init.sh of $name failed:"; cat "$d/init.log"; return 1; }
  as_pod env -i "${envs[@]}" bash "$T/scripts/run.sh" -c max_connections=50 -c "listen_addresses=$ip" -c "port=$PORT" -c "unix_socket_directories=$d/sock" >>"$d/server.log" 2>&1 &
  started+=("$d/volume/pgdata")
  for _ in $(seq 1 120); do "$PGBIN/pg_isready" -q -h "$ip" -p "$PORT" && return 0; sleep 0.5; done
  echo "--- $name never became ready:"; cat "$d/init.log" "$d/server.log"; return 1
}
stop() { as_pod "$PGBIN/pg_ctl" -D "$T/$1/volume/pgdata" -m fast -w stop >/dev/null; }
sql() { local ip=$1; shift; PGPASSWORD=superpw "$PGBIN/psql" -X -A -t -v ON_ERROR_STOP=1 -h "$ip" -p "$PORT" -U shop -d shop -c "$*"; }
ok() { printf 'ok   %s\n' "$*"; }
no() { printf 'FAIL %s\n' "$*"; failed=1; }
eventually() { local what=$1; shift; for _ in $(seq 1 40); do "$@" >/dev/null 2>&1 && { ok "$what"; return 0; }; sleep 0.25; done; no "$what"; }
failed=0
t0=$(date +%s)

pod db-0 primary 127.0.0.2
pod db-replica-0 replica 127.0.0.3
pod db-replica-1 replica 127.0.0.4
sql 127.0.0.2 "CREATE TABLE t (id serial primary key, v text); INSERT INTO t (v) VALUES ('one')"
has() { [[ $(sql "$1" "SELECT count(*) FROM t WHERE v = '$2'") == 1 ]]; }
eventually "a row written on the primary is read on replica 0" has 127.0.0.3 one
eventually "... and on replica 1" has 127.0.0.4 one
if sql 127.0.0.3 "INSERT INTO t (v) VALUES ('nope')" 2>"$T/err"; then no "a write on a replica is refused"; else grep -q 'read-only transaction' "$T/err" && ok "a write on a replica is refused ($(head -n1 "$T/err"))" || no "refused for another reason: $(cat "$T/err")"; fi
[[ $(sql 127.0.0.2 "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 2 ]] && ok "the primary streams to 2 replicas" || no "streaming replicas: $(sql 127.0.0.2 'SELECT application_name, state FROM pg_stat_replication')"

stop db-replica-0
sql 127.0.0.2 "INSERT INTO t (v) VALUES ('while-replica-0-down')"
pod db-replica-0 replica 127.0.0.3
eventually "a restarted replica catches up" has 127.0.0.3 while-replica-0-down

pod db-replica-2 replica 127.0.0.5
eventually "a new replica clones from an empty directory and has every row" has 127.0.0.5 while-replica-0-down
stop db-replica-2

stop db-0
sql 127.0.0.3 "SELECT count(*) FROM t" >/dev/null && ok "replicas serve reads while the primary is down"
pod db-0 primary 127.0.0.2
[[ $(sql 127.0.0.2 "SELECT pg_is_in_recovery()") == f ]] && has 127.0.0.2 while-replica-0-down && ok "a restarted primary is the primary with its data" || no "restarted primary"
sql 127.0.0.2 "INSERT INTO t (v) VALUES ('after-primary-restart')"
eventually "replicas reconnect to the restarted primary" has 127.0.0.4 after-primary-restart

# the primary's volume is lost: it restores itself from the most advanced replica (peers: 127.0.0.3)
stop db-0
rm -rf "$T/db-0/volume/pgdata"
pod db-0 primary 127.0.0.2
grep -q 'restoring the primary from it' "$T/db-0/init.log" && ok "an empty primary restores itself from a replica" || no "no restore: $(cat "$T/db-0/init.log")"
has 127.0.0.2 after-primary-restart && ok "the restored primary has the replicated rows" || no "restored primary lacks rows"
[[ $(sql 127.0.0.2 "SELECT pg_is_in_recovery()") == f ]] && ok "... and is writable (promoted)" || no "restored primary still in recovery"
sql 127.0.0.2 "INSERT INTO t (v) VALUES ('after-restore')"
eventually "replica 0 follows the restored primary's new timeline" has 127.0.0.3 after-restore
eventually "replica 1 follows it too" has 127.0.0.4 after-restore

# a promoted replica never starts again as a replica (no second primary)
as_pod "$PGBIN/pg_ctl" -D "$T/db-replica-1/volume/pgdata" -w promote >/dev/null
stop db-replica-1
if pod db-replica-1 replica 127.0.0.4 >/dev/null 2>&1; then no "a promoted replica started again"; else grep -q 'refusing to start a second primary' "$T/db-replica-1/init.log" && ok "a promoted replica refuses to start as a replica" || no "$(cat "$T/db-replica-1/init.log")"; fi

# synchronous: a commit waits until a replica confirms it
sed -i "s/^KC_SYNCHRONOUS_STANDBY_NAMES=.*/KC_SYNCHRONOUS_STANDBY_NAMES='ANY 1 (*)'/; s/^KC_SYNCHRONOUS_COMMIT=.*/KC_SYNCHRONOUS_COMMIT='on'/" "$T/scripts/config.sh"
stop db-0
pod db-0 primary 127.0.0.2
[[ $(sql 127.0.0.2 "SHOW synchronous_standby_names") == 'ANY 1 (*)' ]] && ok "synchronous_standby_names = ANY 1 (*) after the primary's restart" || no "sync setting: $(sql 127.0.0.2 'SHOW synchronous_standby_names')"
eventually "replica 0 is a synchronous standby candidate" bash -c "[[ \$(PGPASSWORD=superpw $PGBIN/psql -X -A -t -h 127.0.0.2 -p $PORT -U shop -d shop -c \"SELECT sync_state FROM pg_stat_replication WHERE application_name = 'db-replica-0'\") == quorum ]]"
stop db-replica-0
if timeout 3 bash -c "PGPASSWORD=superpw $PGBIN/psql -X -h 127.0.0.2 -p $PORT -U shop -d shop -c \"INSERT INTO t (v) VALUES ('sync')\"" >/dev/null 2>&1; then no "a synchronous commit returned without a replica"; else ok "a synchronous commit waits while no replica is connected"; fi
pod db-replica-0 replica 127.0.0.3
eventually "the waiting commit is on the replica once it is back" has 127.0.0.3 sync

echo "took $(( $(date +%s) - t0 ))s"
[[ $failed == 0 ]] && echo "all passed" || { echo "--- logs"; tail -n 20 "$T"/*/init.log "$T"/*/server.log; exit 1; }
