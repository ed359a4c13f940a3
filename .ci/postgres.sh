#!/usr/bin/env bash
# Ensures a throwaway PostgreSQL server for the real-server specs (tests/*.realpg.spec.ts):
# Debian's `postgresql` package (15 on Debian 12), a cluster of its own, "clickpipes_test",
# listening on 127.0.0.1 only, with password (scram-sha-256) login over TCP. Run as root, by CI and
# by developers; no systemd is assumed: the cluster is made with pg_createcluster and started with
# pg_ctl as the postgres user (pg_ctlcluster would do, but it polls in half seconds: +2 s).
# Idempotent: returns in a few tens of milliseconds when the server already answers as expected.
#
# What it sets up, as on RDS:
#   - an admin login role that is NOT a superuser but has CREATEROLE and CREATEDB (the RDS master
#     user is `LOGIN NOSUPERUSER CREATEDB CREATEROLE`, plus membership in rds_superuser);
#   - NOLOGIN stand-ins for RDS's `rds_iam` and `rds_replication`. The admin can grant them: on
#     PostgreSQL 15 and older CREATEROLE alone allows granting any non-superuser role, and the admin
#     is deliberately NOT given them WITH ADMIN OPTION, because that would make it a member of
#     rds_iam, which on RDS means it could no longer log in with its password. PostgreSQL 16 and
#     later need ADMIN OPTION to grant a role; there it is granted with INHERIT FALSE, SET FALSE.
#   - wal_level = logical (RDS: rds.logical_replication = 1), so CREATE PUBLICATION does not warn.
#   - a password for the superuser, for the few checks only a superuser can make (SET ROLE to
#     a role without a password, FOR ALL TABLES publications).
#   - TLS on (RDS offers it on every instance), with a test CA of its own and a server certificate
#     for 127.0.0.1/localhost signed by it, plus an unrelated other-ca.pem beside it, so that the
#     specs can check that the admin connection verifies the server (and refuses the wrong CA).
#     Plain-text connections are still accepted, as on RDS without rds.force_ssl.
# The cluster is a test fixture: fsync and synchronous_commit are off. Port 5433, not 5432, so
# that it never collides with Debian's default cluster or a developer's own server.
#
# Settings (the same variables tests/support/postgres.ts reads):
#   PG_TEST_PORT                default 5433 (the host is always 127.0.0.1; PG_TEST_HOST is for the tests)
#   PG_TEST_USER                default clickpipes_admin   the non-superuser admin
#   PG_TEST_PASSWORD            default clickpipes-test
#   PG_TEST_DATABASE            default postgres           the database the admin connects to first
#   PG_TEST_SUPERUSER           default postgres
#   PG_TEST_SUPERUSER_PASSWORD  default clickpipes-test-superuser
#   PG_TEST_CA                  default /etc/postgresql/clickpipes-test-ssl/ca.pem (written here,
#                               with the server certificate and other-ca.pem beside it)
set -euo pipefail
# shellcheck source=test-certs.sh
. "$(dirname "$0")/test-certs.sh"

PORT="${PG_TEST_PORT:-5433}"
ADMIN_USER="${PG_TEST_USER:-clickpipes_admin}"
ADMIN_PASSWORD="${PG_TEST_PASSWORD:-clickpipes-test}"
DATABASE="${PG_TEST_DATABASE:-postgres}"
SUPERUSER="${PG_TEST_SUPERUSER:-postgres}"
SUPERUSER_PASSWORD="${PG_TEST_SUPERUSER_PASSWORD:-clickpipes-test-superuser}"
CA="${PG_TEST_CA:-/etc/postgresql/clickpipes-test-ssl/ca.pem}"
SSL_DIR="$(dirname "$CA")"
CLUSTER=clickpipes_test
START="$EPOCHREALTIME"

log() { echo "postgres.sh: $*" >&2; }
elapsed() { awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f s", b - a }'; }
# Newest installed server major version (empty when no server is installed).
installed_version() {
  find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null | cut -d/ -f5 | sort -V | tail -n 1
}

# One query over TCP with a password, unaligned, no psqlrc; empty output when it cannot log in.
# The version's own psql: Debian's /usr/bin/psql is a Perl wrapper that costs ~0.1 s a call.
tcp_query() {
  PGPASSWORD="$3" PGCONNECT_TIMEOUT=2 "/usr/lib/postgresql/$VERSION/bin/psql" -X -A -t -q -h 127.0.0.1 -p "$PORT" -U "$2" -d "$DATABASE" \
    -c "$1" 2>/dev/null || true
}
admin_query() { tcp_query "$1" "$ADMIN_USER" "$ADMIN_PASSWORD"; }

# The admin's attributes, the stand-in roles, wal_level and TLS, as one line; then the server version.
STATE_SQL="SELECT concat_ws('|', r.rolsuper, r.rolcreaterole, r.rolcreatedb,
  (SELECT count(*) FROM pg_roles WHERE rolname IN ('rds_iam', 'rds_replication') AND NOT rolcanlogin),
  current_setting('wal_level'), current_setting('ssl'), version()) FROM pg_roles r WHERE r.rolname = current_user"
WANT_STATE="f|t|t|2|logical|on"
SERVER=""

# The configuration this script owns, in the cluster's conf.d (read after postgresql.conf).
conf_file() { echo "/etc/postgresql/$1/$CLUSTER/conf.d/clickpipes-test.conf"; }
CONF="listen_addresses = '127.0.0.1'
port = $PORT
ssl = on
ssl_cert_file = '$SSL_DIR/server-cert.pem'
ssl_key_file = '$SSL_DIR/server-key.pem'
wal_level = logical
fsync = off
synchronous_commit = off
full_page_writes = off"

ready() {
  local state
  state="$(admin_query "$STATE_SQL")"
  SERVER="${state#"$WANT_STATE|"}"
  [ "$SERVER" != "$state" ] &&
    [ "$(tcp_query "SELECT rolsuper FROM pg_roles WHERE rolname = current_user" "$SUPERUSER" "$SUPERUSER_PASSWORD")" = "t" ]
}

# The server's TLS files exist (the configuration names them; the server does not start without them).
tls_files() { [ -f "$CA" ] && [ -f "$SSL_DIR/other-ca.pem" ] && [ -f "$SSL_DIR/server-cert.pem" ] && [ -f "$SSL_DIR/server-key.pem" ]; }

VERSION="$(installed_version)"
if [ -n "$VERSION" ] && tls_files && [ "$(cat "$(conf_file "$VERSION")" 2>/dev/null)" = "$CONF" ] && ready; then
  log "already running on 127.0.0.1:$PORT (${SERVER%% on *}, cluster $VERSION/$CLUSTER); checked in $(elapsed)"
  exit 0
fi

if [ -z "$VERSION" ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql openssl >/dev/null
  VERSION="$(installed_version)"
  log "installed PostgreSQL $VERSION ($(elapsed))"
fi

if [ ! -f "/etc/postgresql/$VERSION/$CLUSTER/postgresql.conf" ] || [ ! -f "/var/lib/postgresql/$VERSION/$CLUSTER/PG_VERSION" ]; then
  log "creating cluster $VERSION/$CLUSTER"
  # pg_dropcluster leaves our conf.d file behind, and pg_createcluster refuses an existing directory.
  rm -f "$(conf_file "$VERSION")"
  rmdir "/etc/postgresql/$VERSION/$CLUSTER/conf.d" "/etc/postgresql/$VERSION/$CLUSTER" 2>/dev/null || true
  # UTF8 whatever the environment's locale: the specs use non-ASCII identifiers.
  # start.conf manual: /etc/init.d/postgresql leaves it alone; this script starts it.
  pg_createcluster "$VERSION" "$CLUSTER" --port "$PORT" --locale C.UTF-8 --encoding UTF8 \
    --start-conf manual >/dev/null
  log "cluster created ($(elapsed))"
fi

# A test CA and a server certificate for 127.0.0.1/localhost signed by it; an unrelated CA beside.
if ! tls_files; then
  log "writing a test CA and server certificate to $SSL_DIR"
  write_test_certs "$CA" clickpipes-test-pg-ca
  write_other_ca "$SSL_DIR" clickpipes-test-pg-other-ca
  # PostgreSQL refuses a key file others can read.
  chown postgres:postgres "$SSL_DIR/server-key.pem"
  # New certificate files: a running server reloads them only on restart (or reload).
  FORCE_RESTART=1
fi

BIN="/usr/lib/postgresql/$VERSION/bin"
DATADIR="/var/lib/postgresql/$VERSION/$CLUSTER"
LOG="/var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
as_postgres() { runuser -u postgres -- "$@"; }
running() { as_postgres "$BIN/pg_ctl" status -D "$DATADIR" >/dev/null 2>&1; }

if [ "$(cat "$(conf_file "$VERSION")" 2>/dev/null)" != "$CONF" ] || [ -n "${FORCE_RESTART:-}" ]; then
  printf '%s\n' "$CONF" >"$(conf_file "$VERSION")"
  if running; then
    log "configuration changed: restarting"
    as_postgres "$BIN/pg_ctl" stop -D "$DATADIR" -m fast -w >/dev/null
  fi
fi

if ! running; then
  log "starting cluster $VERSION/$CLUSTER on 127.0.0.1:$PORT"
  # The socket directory is on tmpfs: gone after a reboot, and only pg_ctlcluster would recreate it.
  install -d -o postgres -g postgres -m 2775 /run/postgresql
  # -l and closed stdio: the server outlives this script and does not hold its caller's pipes.
  as_postgres "$BIN/pg_ctl" start -D "$DATADIR" -w -t 30 -l "$LOG" \
    -o "-c config_file=/etc/postgresql/$VERSION/$CLUSTER/postgresql.conf" </dev/null >/dev/null 2>&1 || {
    log "pg_ctl start failed; last lines of $LOG:"
    tail -n 30 "$LOG" >&2 || true
    exit 1
  }
fi
for _ in $(seq 1 120); do
  "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.25
done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" || { log "the server did not accept connections within 30 s"; exit 1; }
log "server up ($(elapsed))"

# Roles, through the local socket as the postgres OS user (peer authentication). Names and
# passwords go in as psql variables, quoted by format(%I/%L), never spliced into the SQL text.
as_postgres "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d postgres \
  -v admin="$ADMIN_USER" -v admin_pw="$ADMIN_PASSWORD" -v su="$SUPERUSER" -v su_pw="$SUPERUSER_PASSWORD" \
  -v db="$DATABASE" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I', :'admin') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'admin') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER CREATEROLE CREATEDB NOREPLICATION NOBYPASSRLS INHERIT PASSWORD %L',
  :'admin', :'admin_pw') \gexec
SELECT format('CREATE ROLE %I SUPERUSER', :'su') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'su') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'su', :'su_pw') \gexec
SELECT 'CREATE ROLE rds_iam NOLOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') \gexec
SELECT 'CREATE ROLE rds_replication NOLOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_replication') \gexec
SELECT format('GRANT rds_iam, rds_replication TO %I WITH ADMIN OPTION, INHERIT FALSE, SET FALSE', :'admin')
  WHERE current_setting('server_version_num')::int >= 160000 \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'admin') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL

if ! ready; then
  log "the server runs but '$ADMIN_USER' or '$SUPERUSER' cannot log in over TCP on 127.0.0.1:$PORT, or the roles are not as expected"
  exit 1
fi
log "ready on 127.0.0.1:$PORT (${SERVER%% on *}, cluster $VERSION/$CLUSTER, admin '$ADMIN_USER'); took $(elapsed)"
