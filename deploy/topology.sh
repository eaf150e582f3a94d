#!/usr/bin/env bash
# The whole deployment on this machine, for a trial, on loopback addresses only:
#   nginx (TLS, self-signed certificate made here) -> two gunicorn application servers -> PostgreSQL (a cluster of
#   its own, on 127.0.0.1:15433, so that restarting it touches nothing else), one `manage.py db_worker`, one
#   redis-server (the shared plan cache).
#
#   deploy/topology.sh start     # starts every part (PostgreSQL too, if it is down), waits until it answers
#   deploy/topology.sh stop      # stops every part
#   deploy/topology.sh resume    # starts whatever part is not running (after a fault), without migrating again
#   deploy/topology.sh status
#   deploy/topology.sh env       # prints the environment the parts run with (source it for manage.py commands)
#
# Everything it makes (certificate, keys, logs, pid files, the nginx configuration) goes to var/topology/, which
# git ignores (the PostgreSQL cluster's files too: var/topology/pg). The database, TOPOLOGY_DATABASE
# (cptracker_topology), holds the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN=${TOPOLOGY_DIR:-$ROOT/var/topology}
HTTPS_PORT=${TOPOLOGY_HTTPS_PORT:-18443}
HTTP_PORT=${TOPOLOGY_HTTP_PORT:-18080}
APP_PORTS=(${TOPOLOGY_APP_PORTS:-18101 18102})
REDIS_PORT=${TOPOLOGY_REDIS_PORT:-16390}
DATABASE=${TOPOLOGY_DATABASE:-cptracker_topology}
PG_PORT=${TOPOLOGY_PG_PORT:-15433}
PG=postgres://postgres@127.0.0.1:$PG_PORT
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PY=$ROOT/.venv/bin/python

write_env() {
  mkdir -p "$RUN"
  [ -s "$RUN/secret_key" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >"$RUN/secret_key"
  chmod 600 "$RUN/secret_key"
  cat >"$RUN/env" <<ENV
SECRET_KEY=$(cat "$RUN/secret_key")
DATABASE_URL=$PG/$DATABASE
CACHE_URL=redis://127.0.0.1:$REDIS_PORT/0
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=https://127.0.0.1:$HTTPS_PORT,https://localhost:$HTTPS_PORT
SITE_URL=https://127.0.0.1:$HTTPS_PORT
BEHIND_HTTPS_PROXY=1
TRUSTED_PROXY_COUNT=1
SECURE_COOKIES=1
PDF_RENDER_TIMEOUT=${PDF_RENDER_TIMEOUT:-120}
GUNICORN_WORKERS=${GUNICORN_WORKERS:-3}
ENV
}

load_env() { set -a; . "$RUN/env"; set +a; }

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {  # wait_for <what> <command...>: up to 30 s
  local what=$1; shift
  for _ in $(seq 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "$what did not start: see $RUN/*.log" >&2; return 1
}

pg() { runuser -u postgres -- "$PG_BIN/$1" "${@:2}"; }

start_postgresql() {  # a cluster of its own, so that its faults touch nothing else on the machine
  if [ ! -s "$RUN/pg/PG_VERSION" ]; then
    mkdir -p "$RUN/pg" && chown postgres: "$RUN/pg" && chmod 700 "$RUN/pg"
    pg initdb -D "$RUN/pg" -U postgres --auth=trust >"$RUN/initdb.log"
  fi
  if ! pg_isready -h 127.0.0.1 -p "$PG_PORT" -q; then
    echo "PostgreSQL: starting on 127.0.0.1:$PG_PORT"
    touch "$RUN/postgresql.log" && chown postgres: "$RUN/postgresql.log"
    pg pg_ctl -D "$RUN/pg" -l "$RUN/postgresql.log" -w \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=100" start >/dev/null
  fi
  psql "$PG/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1 \
    || createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DATABASE"
}

prepare_release() {
  "$PY" manage.py migrate --noinput >"$RUN/migrate.log"
  "$PY" manage.py load_recommendations >>"$RUN/migrate.log"
  if [ ! -e "$RUN/demo-loaded" ]; then  # the demo commands run only with DEBUG on; the servers never do
    DEBUG=1 "$PY" manage.py create_demo_users --address "https://127.0.0.1:$HTTPS_PORT" >>"$RUN/migrate.log"
    DEBUG=1 "$PY" manage.py create_demo_partnership --address "https://127.0.0.1:$HTTPS_PORT" >>"$RUN/migrate.log"
    touch "$RUN/demo-loaded"
  fi
  "$PY" manage.py collectstatic --noinput >"$RUN/collectstatic.log"
  "$PY" manage.py check --deploy >"$RUN/check.log" 2>&1 || true
}

start_redis() {
  alive "$RUN/redis.pid" && return 0
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes --save "" --appendonly no \
    --maxmemory 256mb --maxmemory-policy allkeys-lru --dir "$RUN" \
    --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log"
  wait_for redis redis-cli -p "$REDIS_PORT" ping
}

start_app() {  # start_app <port>
  local port=$1
  alive "$RUN/app-$port.pid" && return 0
  GUNICORN_BIND=127.0.0.1:$port "$ROOT/.venv/bin/gunicorn" -c deploy/gunicorn.conf.py config.wsgi \
    --pid "$RUN/app-$port.pid" --daemon --error-logfile "$RUN/app-$port.error.log" \
    --capture-output --log-file "$RUN/app-$port.error.log"
  wait_for "app server $port" curl -fsS "http://127.0.0.1:$port/healthz"
}

start_worker() {
  alive "$RUN/worker.pid" && return 0
  "$PY" manage.py recover_pdf_renders --worker-id topology-worker >>"$RUN/worker.log" 2>&1
  nohup "$PY" manage.py db_worker --worker-id topology-worker >>"$RUN/worker.log" 2>&1 &
  echo $! >"$RUN/worker.pid"
}

make_certificate() {
  [ -s "$RUN/tls.pem" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$RUN/tls.key" -out "$RUN/tls.pem" 2>/dev/null
  chmod 600 "$RUN/tls.key"
}

write_nginx_conf() {
  local servers=""
  for port in "${APP_PORTS[@]}"; do servers+="    server 127.0.0.1:$port max_fails=1 fail_timeout=10s;\n"; done
  mkdir -p "$RUN/nginx"
  # The production site file with only its "trial:" lines changed.
  awk -v servers="$servers" -v run="$RUN" -v https="$HTTPS_PORT" -v http="$HTTP_PORT" -v static="$ROOT/staticfiles/" '
    /# trial: the application servers/ { printf "%s", servers; skip = 1; next }
    skip && /^\s*server / { next }
    { skip = 0 }
    /# trial: plain HTTP/ { print "    listen 127.0.0.1:" http ";"; next }
    /# trial: HTTPS/ { print "    listen 127.0.0.1:" https " ssl http2;"; next }
    /# trial: server name/ { print "    server_name 127.0.0.1 localhost;"; next }
    /# trial: certificate/ { print "    ssl_certificate " run "/tls.pem;"; next }
    /# trial: key/ { print "    ssl_certificate_key " run "/tls.key;"; next }
    /# trial: static root/ { print "        alias " static ";"; next }
    /# trial: access log/ { print "    access_log " run "/nginx-access.log combined_with_id;"; next }
    { print }
  ' deploy/nginx/cptracker.conf | sed "s|return 301 https://\$host\$request_uri;|return 301 https://\$host:$HTTPS_PORT\$request_uri;|" \
    >"$RUN/nginx/cptracker.conf"
  cat >"$RUN/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $RUN/nginx/body;
    proxy_temp_path $RUN/nginx/proxy;
    fastcgi_temp_path $RUN/nginx/fastcgi;
    uwsgi_temp_path $RUN/nginx/uwsgi;
    scgi_temp_path $RUN/nginx/scgi;
    sendfile on;
    server_tokens off;
    include $RUN/nginx/cptracker.conf;
}
NGINX
}

start_nginx() {
  make_certificate
  write_nginx_conf
  nginx -t -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx" 2>"$RUN/nginx-test.log" || { cat "$RUN/nginx-test.log"; exit 1; }
  if alive "$RUN/nginx.pid"; then
    nginx -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx" -s reload
  else
    nginx -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx"
  fi
  wait_for nginx curl -fsS --cacert "$RUN/tls.pem" "https://127.0.0.1:$HTTPS_PORT/healthz"
}

stop_pid() {  # stop_pid <name> <pidfile>
  if alive "$2"; then
    local pid
    pid=$(cat "$2")
    kill "$pid" && echo "$1: stopped"
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$2"
}

status() {
  for name in nginx redis worker; do
    if alive "$RUN/$name.pid"; then echo "$name: running (pid $(cat "$RUN/$name.pid"))"; else echo "$name: stopped"; fi
  done
  for port in "${APP_PORTS[@]}"; do
    if alive "$RUN/app-$port.pid"; then echo "app $port: running"; else echo "app $port: stopped"; fi
  done
  pg_isready -h 127.0.0.1 -p "$PG_PORT" || true
}

case "${1:-}" in
  start)
    write_env
    start_postgresql
    load_env
    prepare_release
    start_redis
    for port in "${APP_PORTS[@]}"; do start_app "$port"; done
    start_worker
    start_nginx
    echo "Started: https://127.0.0.1:$HTTPS_PORT/ (certificate $RUN/tls.pem); parts:"
    status
    ;;
  resume)  # start whatever part is not running (after a fault), without preparing the release again
    write_env
    start_postgresql
    load_env
    start_redis
    for port in "${APP_PORTS[@]}"; do start_app "$port"; done
    start_worker
    start_nginx
    status
    ;;
  stop)
    [ -s "$RUN/nginx.pid" ] && alive "$RUN/nginx.pid" && nginx -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx" -s quit \
      && echo "nginx: stopped"
    sleep 0.5; rm -f "$RUN/nginx.pid"
    stop_pid worker "$RUN/worker.pid"
    for port in "${APP_PORTS[@]}"; do stop_pid "app $port" "$RUN/app-$port.pid"; done
    stop_pid redis "$RUN/redis.pid"
    if pg_isready -h 127.0.0.1 -p "$PG_PORT" -q; then
      pg pg_ctl -D "$RUN/pg" -m fast -w stop >/dev/null && echo "PostgreSQL: stopped"
    fi
    ;;
  postgresql-stop) pg pg_ctl -D "$RUN/pg" -m fast -w stop ;;
  postgresql-start) start_postgresql ;;
  status) status ;;
  env) write_env; cat "$RUN/env" ;;
  *) echo "usage: $0 start|resume|stop|status|env" >&2; exit 2 ;;
esac
