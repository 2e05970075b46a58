#!/usr/bin/env bash
# Registry benchmark through the gateway: 100,000 participants loaded, directory search latency,
# sustained registrations; CPU time per request of the registry and the gateway processes.
# Directory search: the capacity (wrk's closed loop, 8 connections), then the latency at half of the
# capacity measured through the gateway (open loop, bench/Shared/open-loop.lua: latency counted from
# when each search was due). Registrations: closed loop, with the outbox backlog when wrk stops.
# Uses the test PostgreSQL/RabbitMQ (deploy/local/infra.sh env test), a database of its own
# (agora_registry_bench), Release builds of the registry and the gateway (built here).
# Usage: bash bench/registry/run.sh   (from anywhere; BENCH_SECONDS=30 per scenario by default,
#        BENCH_BUILD=0 to skip the Release builds, BENCH_SCENARIOS="search register" to pick scenarios)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd); cd "$root"
seconds=${BENCH_SECONDS:-30}
eval "$(bash deploy/local/infra.sh env test)"
pg_host=127.0.0.1; pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$AGORA_TEST_POSTGRES")
# Start the test infrastructure only when it is not already up (it is shared; never stopped here).
bash deploy/local/infra.sh up test
if [ "${BENCH_BUILD:-1}" = 1 ]; then
  dotnet build services/Registry/Agora.Registry -c Release -v q -nologo >/dev/null
  dotnet build gateway/Agora.Gateway -c Release -v q -nologo >/dev/null
fi
db=agora_registry_bench
psql() { command psql -h $pg_host -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
work=$(mktemp -d)
export ConnectionStrings__registrydb="Host=$pg_host;Port=$pg_port;Database=$db;Username=postgres"
# A vhost of its own, removed at the end: the broker is shared, and queues left in its default vhost by
# other runs (with no consumer) would store every event this one publishes.
vhost=agora_registry_bench
curl -fsS -o /dev/null -X DELETE "${AGORA_TEST_RABBITMQ_MANAGEMENT}api/vhosts/$vhost" 2>/dev/null || true
curl -fsS -X PUT "${AGORA_TEST_RABBITMQ_MANAGEMENT}api/vhosts/$vhost"
curl -fsS -X PUT -H 'content-type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
  "${AGORA_TEST_RABBITMQ_MANAGEMENT}api/permissions/$vhost/guest"
export ConnectionStrings__rabbitmq="${AGORA_TEST_RABBITMQ%/}/$vhost"
export Agora__RestPort=5191 Agora__GrpcPort=5192
export Registry__Privacy__KeyFile=$work/privacy.key Registry__Identity__SigningKeyFile=$work/s.pem Registry__Identity__EncryptionKeyFile=$work/e.pem
export Registry__RateLimits__RegistrationPerMinute=1000000 Registry__RateLimits__SignInPerMinute=1000000
export Logging__LogLevel__Default=Warning
reg=services/Registry/Agora.Registry/bin/Release/net10.0
(cd $reg && dotnet Agora.Registry.dll --migrate >/dev/null)
psql -d $db -f bench/registry/load.sql
# The steady state of a table that autovacuum has visited (visibility map set, statistics fresh).
psql -d $db -c "VACUUM ANALYZE participants"
(cd $reg; exec dotnet Agora.Registry.dll) >$work/registry.log 2>&1 & reg_pid=$!
gw=gateway/Agora.Gateway/bin/Release/net10.0
(cd $gw; Agora__RestPort=5190 Agora__GrpcPort=5193 Gateway__RateLimitPermits=100000000 \
  ReverseProxy__Clusters__registry__Destinations__primary__Address=http://127.0.0.1:5192/ \
  exec dotnet Agora.Gateway.dll) >$work/gateway.log 2>&1 & gw_pid=$!
trap 'kill $reg_pid $gw_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"
  curl -fsS -o /dev/null -X DELETE "${AGORA_TEST_RABBITMQ_MANAGEMENT}api/vhosts/$vhost" || true' EXIT
for i in $(seq 1 90); do curl -fsS -o /dev/null http://127.0.0.1:5190/api/registry/themes 2>/dev/null && break; sleep 1; done
echo "participants: $(psql -d $db -tA -c 'select count(*) from participants')"

# The dotnet process itself (should the subshell not have been replaced by exec).
dotnet_pid() { if [ "$(cat /proc/$1/comm)" = dotnet ]; then echo $1; else pgrep -P $1 -x dotnet | head -1; fi; }
reg_pid=$(dotnet_pid $reg_pid); gw_pid=$(dotnet_pid $gw_pid)
# CPU time (user + system, clock ticks) a process has used so far.
ticks() { awk '{ print $14 + $15 }' /proc/$1/stat; }
hz=$(getconf CLK_TCK)
unsent() { psql -d $db -tA -c 'select count(*) from outbox_messages where sent_at is null'; }
# run <title> <script> <connections> <base url> [rate]: wrk for $seconds, then CPU ms per request of each
# process. Without a rate wrk's closed loop (2 threads); with one, <script> is an open-loop script
# (bench/Shared/open-loop.lua) sending <rate>/s on one connection per thread, measured after a 2 s lead.
run() {
  local title=$1 script=$2 conns=$3 url=$4 rate=${5:-} r0 g0 r1 g1 out n args
  if [ -n "$rate" ]; then args="-t$conns -c$conns -d$((seconds + 2))s"; else args="-t2 -c$conns -d${seconds}s"; fi
  r0=$(ticks $reg_pid); g0=$(ticks $gw_pid)
  if [ -n "$rate" ]; then
    out=$(wrk $args -s "bench/registry/$script" "$url" -- "$rate" "$conns" | grep '^open-loop: offered')
    n=$(sed -E 's/.*answered ([0-9]+).*/\1/' <<<"$out")
  else
    out=$(wrk $args -s "bench/registry/$script" "$url" | tail -1)
    n=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
    last_rps=$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$out")
  fi
  r1=$(ticks $reg_pid); g1=$(ticks $gw_pid)
  echo "== $title (wrk $args -s $script${rate:+ -- $rate $conns}), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "   $out"
  awk -v n="$n" -v r=$((r1 - r0)) -v g=$((g1 - g0)) -v hz="$hz" \
    'BEGIN { printf "   cpu per request: registry %.2f ms, gateway %.2f ms\n", 1000 * r / hz / n, 1000 * g / hz / n }'
  if [[ $script == register* ]]; then # the outbox relay publishes after the requests: count its CPU too
    outbox_drain
    awk -v n="$n" -v r=$(($(ticks $reg_pid) - r0)) -v hz="$hz" -v u="$(unsent)" \
      'BEGIN { printf "   registry cpu per registration incl. publishing its events: %.2f ms (unsent left: %d)\n", 1000 * r / hz / n, u }'
  fi
}
# After registrations: the events still in the outbox when wrk stopped, and how long they took to go.
outbox_drain() {
  local backlog t0 i
  backlog=$(unsent); t0=$(date +%s.%N)
  for i in $(seq 1 600); do [ "$(unsent)" = 0 ] && break; sleep 0.2; done
  echo "   outbox: $backlog events not yet published when wrk stopped (3 per registration); drained $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s later"
}
wrk -t2 -c8 -d5s -s bench/registry/search.lua http://127.0.0.1:5190 >/dev/null # warm-up
wrk -t2 -c8 -d10s -s bench/registry/register.lua http://127.0.0.1:5190 >/dev/null
for i in $(seq 1 300); do [ "$(unsent)" = 0 ] && break; sleep 0.2; done # the warm-up's events published
sleep 5
r0=$(ticks $reg_pid); g0=$(ticks $gw_pid); sleep 10; r1=$(ticks $reg_pid); g1=$(ticks $gw_pid)
echo "idle cpu (10 s, no requests): registry $(( (r1 - r0) * 1000 / hz / 10 )) ms/s, gateway $(( (g1 - g0) * 1000 / hz / 10 )) ms/s"
scenarios=${BENCH_SCENARIOS:-search register}
if [[ " $scenarios " == *" search "* ]]; then
  run "directory search through the gateway" search.lua 8 http://127.0.0.1:5190
  half=$((last_rps / 2))
  run "directory search straight to the registry" search.lua 8 http://127.0.0.1:5191
  run "directory search through the gateway at half its capacity, open loop" search-open.lua 16 http://127.0.0.1:5190 "$half"
  run "directory search straight to the registry at the same rate, open loop" search-open.lua 16 http://127.0.0.1:5191 "$half"
fi
if [[ " $scenarios " == *" register "* ]]; then
  run "registrations through the gateway" register.lua 16 http://127.0.0.1:5190
  run "registrations straight to the registry" register.lua 16 http://127.0.0.1:5191
  run "registrations through the gateway at ${BENCH_REGISTRATION_RATE:-500}/s, open loop" register-open.lua 32 http://127.0.0.1:5190 "${BENCH_REGISTRATION_RATE:-500}"
fi
echo "registered in the run: $(psql -d $db -tA -c "select count(*) from participants where search_text like '%participant%'")"
kill $reg_pid $gw_pid 2>/dev/null || true; wait $reg_pid $gw_pid 2>/dev/null || true
psql -d postgres -c "DROP DATABASE IF EXISTS $db" || true
