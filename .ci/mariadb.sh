#!/usr/bin/env bash
# Ensures a throwaway MariaDB server for the real-server specs (tests/*.realdb.spec.ts):
# installed from Debian, listening on loopback only, TLS on (a test CA of its own), binary logging
# on as ClickPipes CDC needs it (ROW, FULL row image, FULL row metadata), and an admin user that
# logs in with a password over TCP. Run as root, by CI and by developers; no systemd
# is assumed: the server is started directly, in the background, in its own session.
# Idempotent: returns in a few milliseconds when the server already answers as expected.
# A server found running without TLS or without binary logging is restarted with them (this script
# owns the test server); one whose dynamic binlog settings were changed (say, by a spec that died
# before restoring them) gets them set back with SET GLOBAL, without a restart.
#
# Settings (the same variables tests/support/mariadb.ts reads):
#   MARIADB_TEST_PORT      default 3306 (the host is always 127.0.0.1)
#   MARIADB_TEST_USER      default root
#   MARIADB_TEST_PASSWORD  default clickpipes-test
#   MARIADB_TEST_CA        default /etc/mysql/clickpipes-test-ssl/ca.pem (written here, with an
#                          unrelated other-ca.pem beside it for the negative TLS check)
set -euo pipefail
# shellcheck source=test-certs.sh
. "$(dirname "$0")/test-certs.sh"

PORT="${MARIADB_TEST_PORT:-3306}"
ADMIN_USER="${MARIADB_TEST_USER:-root}"
ADMIN_PASSWORD="${MARIADB_TEST_PASSWORD:-clickpipes-test}"
CA="${MARIADB_TEST_CA:-/etc/mysql/clickpipes-test-ssl/ca.pem}"
SSL_DIR="$(dirname "$CA")"
DATADIR=/var/lib/mysql
RUNDIR=/run/mysqld
SOCKET="$RUNDIR/mysqld.sock"
LOG=/var/log/mysql/clickpipes-test-mariadb.log

log() { echo "mariadb.sh: $*" >&2; }

# One query over TCP as the admin (mariadb-admin ping succeeds even on "access denied").
admin_query() {
  MYSQL_PWD="$ADMIN_PASSWORD" mariadb --protocol=tcp -h 127.0.0.1 -P "$PORT" -u "$ADMIN_USER" \
    --connect-timeout=2 -N -B -e "$1" 2>/dev/null
}
# The server answers on its socket (as the OS root, by unix_socket authentication).
socket_ok() { mariadb --protocol=socket -S "$SOCKET" -u root --connect-timeout=2 -N -e "SELECT 1" >/dev/null 2>&1; }
# TLS, binary logging and the binlog settings ClickPipes CDC needs, as one line.
STATE_SQL="SELECT CONCAT_WS('|', @@have_ssl, @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata)"
WANT_STATE="YES|ON|ROW|FULL|FULL"
ready() { [ "$(admin_query "$STATE_SQL")" = "$WANT_STATE" ]; }

if command -v mariadb >/dev/null 2>&1 && [ -f "$CA" ] && [ -f "$SSL_DIR/other-ca.pem" ] && ready; then
  log "already running on 127.0.0.1:$PORT ($(admin_query 'SELECT VERSION()'), TLS on, binlog ROW/FULL/FULL)"
  exit 0
fi

if ! command -v mariadbd >/dev/null 2>&1; then
  log "installing mariadb-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client openssl >/dev/null
fi

install -d -o mysql -g mysql -m 0755 "$RUNDIR"
install -d -o mysql -g adm -m 2750 "$(dirname "$LOG")"
if [ ! -d "$DATADIR/mysql" ]; then
  log "initialising $DATADIR"
  mariadb-install-db --user=mysql --datadir="$DATADIR" --auth-root-authentication-method=socket \
    --skip-test-db >/dev/null
fi

# A test CA and a server certificate for 127.0.0.1/localhost signed by it, so that the specs can
# check both "TLS without verification" (the RDS default here) and "TLS verified against a CA".
if [ ! -f "$CA" ] || [ ! -f "$SSL_DIR/server-key.pem" ]; then
  log "writing a test CA and server certificate to $SSL_DIR"
  write_test_certs "$CA" clickpipes-test-ca
  chown mysql:mysql "$SSL_DIR/server-key.pem"
fi
# An unrelated CA: the specs check that verification against it is refused.
if [ ! -f "$SSL_DIR/other-ca.pem" ]; then write_other_ca "$SSL_DIR" clickpipes-test-other-ca; fi

socket_query() { mariadb --protocol=socket -S "$SOCKET" -u root -N -B -e "$1"; }
# TLS and log_bin are startup options: a server without them is restarted. The binlog format,
# row image and row metadata are dynamic: set back in place, for new sessions.
if socket_ok && [ "$(socket_query "SELECT CONCAT_WS('|', @@have_ssl, @@log_bin)")" != "YES|ON" ]; then
  log "restarting the running server with TLS and binary logging on"
  mariadb-admin --protocol=socket -S "$SOCKET" -u root shutdown
  # shutdown returns once the server has been told; wait until the socket stops answering.
  for _ in $(seq 1 120); do
    socket_ok || break
    sleep 0.25
  done
elif socket_ok && [ "$(socket_query "$STATE_SQL")" != "$WANT_STATE" ]; then
  log "setting binlog_format, binlog_row_image and binlog_row_metadata back to ROW, FULL, FULL"
  socket_query "SET GLOBAL binlog_format = 'ROW', GLOBAL binlog_row_image = 'FULL', GLOBAL binlog_row_metadata = 'FULL'"
fi

if ! socket_ok; then
  log "starting mariadbd on 127.0.0.1:$PORT"
  # setsid + closed stdio: the server outlives this script and does not hold its caller's pipes.
  setsid mariadbd --user=mysql --datadir="$DATADIR" --socket="$SOCKET" \
    --pid-file="$RUNDIR/mysqld.pid" --bind-address=127.0.0.1 --port="$PORT" \
    --ssl-ca="$CA" --ssl-cert="$SSL_DIR/server-cert.pem" --ssl-key="$SSL_DIR/server-key.pem" \
    --log-bin=mysql-bin --server-id=1 --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL \
    --log-error="$LOG" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    socket_ok && break
    sleep 0.25
  done
  if ! socket_ok; then
    log "mariadbd did not answer within 30 s; last lines of $LOG:"
    tail -n 30 "$LOG" >&2 || true
    exit 1
  fi
fi

# The admin user for TCP password login, under both host forms: a TCP login from 127.0.0.1 is
# matched as 'localhost' or as '127.0.0.1' depending on name resolution. For root@localhost the
# password is an alternative to unix_socket, so socket login as the OS root keeps working.
log "creating admin user '$ADMIN_USER' for TCP login"
SQL_PW="${ADMIN_PASSWORD//\'/\'\'}"
SQL_USER="${ADMIN_USER//\'/\'\'}"
if [ "$ADMIN_USER" = "root" ]; then
  LOCAL_AUTH="IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('$SQL_PW')"
else
  LOCAL_AUTH="IDENTIFIED BY '$SQL_PW'"
fi
mariadb --protocol=socket -S "$SOCKET" -u root <<SQL
CREATE USER IF NOT EXISTS '$SQL_USER'@'localhost';
ALTER USER '$SQL_USER'@'localhost' $LOCAL_AUTH;
GRANT ALL PRIVILEGES ON *.* TO '$SQL_USER'@'localhost' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS '$SQL_USER'@'127.0.0.1';
ALTER USER '$SQL_USER'@'127.0.0.1' IDENTIFIED BY '$SQL_PW';
GRANT ALL PRIVILEGES ON *.* TO '$SQL_USER'@'127.0.0.1' WITH GRANT OPTION;
SQL

if ! ready; then
  log "the server runs but '$ADMIN_USER' cannot log in over TCP on 127.0.0.1:$PORT, or TLS or binary logging is off ($(admin_query "$STATE_SQL"))"
  exit 1
fi
log "ready on 127.0.0.1:$PORT ($(admin_query 'SELECT VERSION()'), TLS on, binlog ROW/FULL/FULL)"
