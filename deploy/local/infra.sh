#!/usr/bin/env bash
# Starts and stops the platform's infrastructure as local processes, data under .local/<profile>/.
#   infra.sh start run|test   install what is missing, start PostgreSQL and RabbitMQ, print nothing on success
#   infra.sh up    run|test   start, unless both already answer on the profile's ports (another checkout's, say)
#   infra.sh stop  run|test   stop both
#   infra.sh env   run|test   print the connection settings as `export` lines
# Profiles use separate ports and data, so `make test` works while `make run` is up.
set -euo pipefail

cmd=${1:?usage: infra.sh start|up|stop|env run|test}
profile=${2:-run}
root=$(cd "$(dirname "$0")/../.." && pwd)
case "$profile" in
  run)  pg_port=55432; amqp_port=55672 ;;
  test) pg_port=56432; amqp_port=56672 ;;
  # A throwaway pair for the test fixture: it chooses the folder and the ports.
  custom) pg_port=${AGORA_PG_PORT:?}; amqp_port=${AGORA_AMQP_PORT:?} ;;
  *) echo "unknown profile '$profile' (run|test|custom)" >&2; exit 2 ;;
esac
# Ports can be moved, e.g. to run a second checkout's tests beside this one's.
pg_port=${AGORA_PG_PORT:-$pg_port}; amqp_port=${AGORA_AMQP_PORT:-$amqp_port}
mgmt_port=$((amqp_port + 1)); dist_port=$((amqp_port + 2))
dir=${AGORA_INFRA_DIR:-"$root/.local/$profile"}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
rmq_bin=/usr/lib/rabbitmq/bin
node="agora-$profile${AGORA_AMQP_PORT:+-$AGORA_AMQP_PORT}@localhost"

log() { echo "[infra:$profile] $*" >&2; }

as_pg() { # initdb and postgres refuse to run as root: use the postgres account then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_missing() {
  local missing=()
  [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || missing+=(postgresql)
  [ -x "$rmq_bin/rabbitmq-server" ] || missing+=(rabbitmq-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "Missing: ${missing[*]}. Install them (e.g. sudo apt-get install -y ${missing[*]}) and run again." >&2
    exit 1
  fi
  log "installing ${missing[*]} from apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian starts the packaged services; Agora runs its own instances.
  for s in postgresql rabbitmq-server; do (service "$s" stop || true) >/dev/null 2>&1; done
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
}

start_postgres() {
  local data="$dir/pg/data"
  mkdir -p "$dir/pg/sock"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir/pg"
    as_pg "$pg_bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  fi
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir/pg"
  if as_pg "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "PostgreSQL already running on $pg_port"; return 0
  fi
  local opts="-p $pg_port -k $dir/pg/sock -c listen_addresses=127.0.0.1 -c max_connections=400"
  # Tests may trade durability for speed; `make run` keeps PostgreSQL's defaults.
  [ "$profile" != run ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_pg "$pg_bin/pg_ctl" -D "$data" -l "$dir/pg/log" -w -t 60 -o "$opts" start >/dev/null
  log "PostgreSQL on 127.0.0.1:$pg_port"
}

rmq_env() {
  export HOME="$dir/rabbitmq" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_PORT="$amqp_port" \
    RABBITMQ_DIST_PORT="$dist_port" RABBITMQ_MNESIA_BASE="$dir/rabbitmq/mnesia" \
    RABBITMQ_LOG_BASE="$dir/rabbitmq/log" RABBITMQ_CONFIG_FILE="$dir/rabbitmq/rabbitmq.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/rabbitmq/enabled_plugins" RABBITMQ_PID_FILE="$dir/rabbitmq/pid"
}

start_rabbitmq() {
  local d="$dir/rabbitmq"
  mkdir -p "$d/mnesia" "$d/log"
  echo "[rabbitmq_management]." > "$d/enabled_plugins"
  printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\nmanagement.tcp.port = %s\nmanagement.tcp.ip = 127.0.0.1\n' \
    "$amqp_port" "$mgmt_port" > "$d/rabbitmq.conf"
  (
    rmq_env
    if "$rmq_bin/rabbitmqctl" -q -n "$node" ping >/dev/null 2>&1; then
      echo "[infra:$profile] RabbitMQ already running on $amqp_port" >&2; exit 0
    fi
    "$rmq_bin/rabbitmq-server" -detached >/dev/null 2>&1
    for _ in $(seq 1 30); do [ -s "$d/pid" ] && break; sleep 0.5; done
    "$rmq_bin/rabbitmqctl" -q -n "$node" wait "$d/pid" --timeout 90 >/dev/null
    # The management API (used by tests to make a vhost per test class) comes up just after the node.
    for _ in $(seq 1 60); do curl -fsS -o /dev/null -u guest:guest "http://127.0.0.1:$mgmt_port/api/overview" && break; sleep 0.5; done
    echo "[infra:$profile] RabbitMQ on 127.0.0.1:$amqp_port (management on $mgmt_port)" >&2
  )
}

stop_all() {
  if [ -n "$pg_bin" ] && [ -f "$dir/pg/data/PG_VERSION" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" stop -m fast >/dev/null 2>&1 || true
  fi
  if [ -x "$rmq_bin/rabbitmqctl" ] && [ -d "$dir/rabbitmq" ]; then
    (rmq_env; "$rmq_bin/rabbitmqctl" -q -n "$node" stop >/dev/null 2>&1 || true)
  fi
  log "stopped"
}

case "$cmd" in
  start)
    install_missing
    command -v curl >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }
    start_postgres
    start_rabbitmq
    ;;
  up)
    listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
    if ! listening "$pg_port" || ! listening "$amqp_port"; then
      exec bash "$0" start "$profile"
    fi
    ;;
  stop) stop_all ;;
  env)
    echo "export AGORA_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=postgres;Include Error Detail=false'"
    echo "export AGORA_TEST_RABBITMQ='amqp://guest:guest@127.0.0.1:$amqp_port/'"
    echo "export AGORA_TEST_RABBITMQ_MANAGEMENT='http://guest:guest@127.0.0.1:$mgmt_port/'"
    ;;
  *) echo "usage: infra.sh start|up|stop|env run|test" >&2; exit 2 ;;
esac
