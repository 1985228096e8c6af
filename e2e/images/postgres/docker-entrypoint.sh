#!/usr/bin/env bash
# kubecraft's postgres stand-in entrypoint (written for this project; follows the documented contract of the
# official postgres image's docker-entrypoint.sh, not its code):
#  - `postgres` (or args starting with '-') runs the server; anything else is exec'd as is
#  - POSTGRES_PASSWORD / POSTGRES_USER (default postgres) / POSTGRES_DB (default: the user) / POSTGRES_INITDB_ARGS /
#    POSTGRES_HOST_AUTH_METHOD (default scram-sha-256), each also as <VAR>_FILE (read from that file)
#  - PGDATA (default /var/lib/postgresql/data): initdb when it holds no PG_VERSION, then a temporary server on the
#    unix socket only runs /docker-entrypoint-initdb.d/*.sh (executable: run; else sourced), *.sql, *.sql.gz (psql)
#  - pg_hba: `host all all all <method>` so clients on pod IPs log in with the password
#  - any non-root uid: without a passwd entry initdb gets one through nss_wrapper (files in /tmp)
set -Eeuo pipefail

file_env() { # file_env VAR [DEFAULT]: VAR or the content of the file named by VAR_FILE
  local var=$1 fvar="${1}_FILE" def=${2:-} val
  if [[ -n ${!var:-} && -n ${!fvar:-} ]]; then echo "error: both $var and $fvar are set" >&2; exit 1; fi
  val=$def
  if [[ -n ${!var:-} ]]; then val=${!var}; elif [[ -n ${!fvar:-} ]]; then val=$(<"${!fvar}"); fi
  export "$var"="$val"; unset "$fvar"
}

if [[ ${1:-} == -* ]]; then set -- postgres "$@"; fi
if [[ ${1:-} != postgres ]]; then exec "$@"; fi
for a in "$@"; do case $a in -'?'|--help|--describe-config|-V|--version) exec "$@" ;; esac; done

export PGDATA=${PGDATA:-/var/lib/postgresql/data}
file_env POSTGRES_PASSWORD
file_env POSTGRES_USER postgres
file_env POSTGRES_DB "$POSTGRES_USER"
file_env POSTGRES_INITDB_ARGS
POSTGRES_HOST_AUTH_METHOD=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}

mkdir -p "$PGDATA" && chmod 700 "$PGDATA" 2>/dev/null || true
mkdir -p /var/run/postgresql 2>/dev/null || true

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  if [[ -z $POSTGRES_PASSWORD && $POSTGRES_HOST_AUTH_METHOD != trust ]]; then
    echo "error: the database is uninitialized and no password is set: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" >&2
    exit 1
  fi
  if ! getent passwd "$(id -u)" >/dev/null 2>&1; then # initdb needs a user name for the running uid
    NSS_WRAPPER_PASSWD=$(mktemp /tmp/nss-passwd.XXXXXX) NSS_WRAPPER_GROUP=$(mktemp /tmp/nss-group.XXXXXX)
    echo "postgres:x:$(id -u):$(id -g):PostgreSQL:$PGDATA:/bin/false" >"$NSS_WRAPPER_PASSWD"
    echo "postgres:x:$(id -g):" >"$NSS_WRAPPER_GROUP"
    export NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libnss_wrapper.so
  fi
  pwfile=$(mktemp /tmp/pwfile.XXXXXX)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words by contract
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" $POSTGRES_INITDB_ARGS
  rm -f "$pwfile"
  unset LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -p 5432" start
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc -h /var/run/postgresql)
  if [[ $POSTGRES_DB != postgres ]]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<"CREATE DATABASE :\"db\";"
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e $f ]] || continue
    case $f in
      *.sh) if [[ -x $f ]]; then echo "running $f"; "$f"; else echo "sourcing $f"; . "$f"; fi ;;
      *.sql) echo "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) echo "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
fi
unset POSTGRES_PASSWORD
exec "$@"
