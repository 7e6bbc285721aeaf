#!/usr/bin/env bash
# The production topology on this one machine, on loopback: two gunicorn instances, two Celery
# workers and Celery beat, on PostgreSQL and Redis. Each role is started by the same command a
# multi-host set-up runs on its own host (docs/deployment.md); this script only
# runs them side by side, keeping pid files and logs under $PROD_DIR.
#
#   scripts/prod.sh start     set up (database, migrations, static files), start everything, wait until ready
#   scripts/prod.sh stop      stop everything (SIGTERM, then SIGKILL after $STOP_TIMEOUT seconds)
#   scripts/prod.sh status    what is running
#   scripts/prod.sh setup | web PORT | worker NAME | beat     one step or role, in the foreground
#
# Settings come from the environment. The fallbacks below are for this machine only (local
# PostgreSQL, a Redis database of its own, plain HTTP on loopback); settings.py has none of them.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT_DIR=$PWD

PROD_DIR=$(mkdir -p "${PROD_DIR:-.prod}" && cd "${PROD_DIR:-.prod}" && pwd)
BIN=${VENV_BIN:-$PROJECT_DIR/.venv/bin}
WEB_PORTS=${WEB_PORTS:-8001 8002}
WORKERS=${WORKERS:-worker1 worker2}
WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-2}
STOP_TIMEOUT=${STOP_TIMEOUT:-30}
READY_TIMEOUT=${READY_TIMEOUT:-60}

# A secret made once for this machine and kept (mode 600), never a value written in the code.
secret_file() {
  local file="$PROD_DIR/$1"
  if [[ ! -s $file ]]; then
    (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$file")
  fi
  cat "$file"
}

export DJANGO_DEBUG=false
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dvdtracker_prod}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/3}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/4}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1}
# Plain HTTP on loopback: no TLS terminator in front here (nginx is, on real hosts).
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-false}
export LOG_FORMAT=${LOG_FORMAT:-json}
export DJANGO_STATIC_ROOT=${DJANGO_STATIC_ROOT:-$PROJECT_DIR/staticfiles}
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-$PROD_DIR/metrics}
DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$(secret_file secret_key)}
METRICS_TOKEN=${METRICS_TOKEN:-$(secret_file metrics_token)}
export DJANGO_SECRET_KEY METRICS_TOKEN

mkdir -p "$PROD_DIR/run" "$PROD_DIR/logs" "$PROMETHEUS_MULTIPROC_DIR"

say() { printf '%s\n' "$*" >&2; }
run() { say "+ $*"; "$@"; }

# --- the commands of each role, as a host runs them -------------------------------------------

setup() {
  run "$BIN/python" manage.py ensure_database
  run "$BIN/python" manage.py check --deploy
  run "$BIN/python" manage.py migrate --noinput
  run "$BIN/python" manage.py collectstatic --noinput --verbosity 0
}

web() {
  exec "$BIN/gunicorn" -c deploy/gunicorn.conf.py --bind "127.0.0.1:$1"
}

worker() {
  exec "$BIN/celery" --quiet -A dvdtracker worker --hostname "$1@%h" --concurrency "$WORKER_CONCURRENCY" --loglevel INFO
}

beat() {
  exec "$BIN/celery" --quiet -A dvdtracker beat --schedule "$PROD_DIR/run/celerybeat-schedule" --loglevel INFO
}

# --- running them side by side -----------------------------------------------------------------

pid_of() { [[ -s $PROD_DIR/run/$1.pid ]] && cat "$PROD_DIR/run/$1.pid"; }
alive() { local pid; pid=$(pid_of "$1") && kill -0 "$pid" 2>/dev/null; }
names() {
  local port name
  for port in $WEB_PORTS; do echo "web-$port"; done
  for name in $WORKERS; do echo "$name"; done
  echo beat
}

# Each process leads its own session (setsid), so it and its children stop together.
spawn() {
  local name=$1
  shift
  say "+ $* > $PROD_DIR/logs/$name.log"
  setsid bash "$0" "$@" >>"$PROD_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$PROD_DIR/run/$name.pid"
}

wait_ready() {
  local port deadline=$((SECONDS + READY_TIMEOUT))
  for port in $WEB_PORTS; do
    until "$BIN/python" - "$port" <<'EOF'
import sys
import urllib.request

try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/readyz", timeout=5) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except OSError:
    sys.exit(1)
EOF
    do
      if ((SECONDS > deadline)); then
        say "http://127.0.0.1:$port/readyz did not answer 200 within ${READY_TIMEOUT}s; see $PROD_DIR/logs/"
        return 1
      fi
      sleep 0.5
    done
  done
}

start() {
  local name port
  for name in $(names); do
    if alive "$name"; then
      say "$name is already running (pid $(pid_of "$name")); run 'scripts/prod.sh stop' first."
      return 1
    fi
  done
  setup
  # Metric files of processes that are gone would be added up with the new ones' forever.
  find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete
  for port in $WEB_PORTS; do spawn "web-$port" web "$port"; done
  for name in $WORKERS; do spawn "$name" worker "$name"; done
  spawn beat beat
  wait_ready
  for port in $WEB_PORTS; do say "Ready: http://127.0.0.1:$port/"; done
  say "Logs: $PROD_DIR/logs/   Metrics: curl -H \"Authorization: Bearer \$(cat $PROD_DIR/metrics_token)\" http://127.0.0.1:${WEB_PORTS%% *}/metrics"
}

stop_one() {
  local name=$1 pid
  pid=$(pid_of "$name") || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  fi
  rm -f "$PROD_DIR/run/$name.pid"
  echo "$pid"
}

stop() {
  local name pid pids=() deadline=$((SECONDS + STOP_TIMEOUT))
  # Beat first (no new batch), then the web, then the workers, which finish their tasks.
  for name in beat $(names | grep -v '^beat$'); do
    pid=$(stop_one "$name") && [[ -n $pid ]] && pids+=("$pid") && say "stopping $name (pid $pid)"
  done
  for pid in "${pids[@]}"; do
    while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 -- "-$pid" 2>/dev/null; then
      say "pid $pid did not stop within ${STOP_TIMEOUT}s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done
}

status() {
  local name
  for name in $(names); do
    if alive "$name"; then say "$name: running (pid $(pid_of "$name"))"; else say "$name: stopped"; fi
  done
}

case ${1:-} in
  start | stop | status | setup) "$1" ;;
  web | worker) "$1" "${2:?usage: $0 $1 PORT|NAME}" ;;
  beat) beat ;;
  *)
    say "usage: $0 start|stop|status|setup|web PORT|worker NAME|beat"
    exit 2
    ;;
esac
