# Sourced by .ci/mariadb.sh and .ci/postgres.sh: the test certificate authorities of the
# real-server specs. Not run on its own.

# write_test_certs CA NAME: a CA at CA (key beside it) and, in the same folder, a server
# certificate for 127.0.0.1/localhost signed by it (server-cert.pem, server-key.pem), so that the
# specs can check "TLS verified against a CA". The keys are readable by root only.
write_test_certs() {
  local ca="$1" name="$2" dir
  dir="$(dirname "$ca")"
  install -d -m 0755 "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$name" \
    -keyout "$dir/ca-key.pem" -out "$ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$dir/server-key.pem" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$ca" -CAkey "$dir/ca-key.pem" \
    -CAcreateserial -days 3650 -extfile "$dir/server.ext" -out "$dir/server-cert.pem" 2>/dev/null
  chmod 0600 "$dir/server-key.pem" "$dir/ca-key.pem"
}

# write_other_ca DIR NAME: an unrelated CA (other-ca.pem): the specs check that verification
# against it is refused.
write_other_ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$2" \
    -keyout "$1/other-ca-key.pem" -out "$1/other-ca.pem" 2>/dev/null
  chmod 0600 "$1/other-ca-key.pem"
}
