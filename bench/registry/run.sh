#!/usr/bin/env bash
# Registry benchmark through the gateway: 100,000 participants loaded, directory search latency,
# sustained registrations. Uses the test PostgreSQL/RabbitMQ (deploy/local/infra.sh env test), a
# database of its own (agora_registry_bench), Release builds of the registry and the gateway.
# Usage: bash bench/registry/run.sh   (from the repository root, after building both in Release)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd); cd "$root"
bash deploy/local/infra.sh start test
eval "$(bash deploy/local/infra.sh env test)"
pg_host=127.0.0.1; pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$AGORA_TEST_POSTGRES")
db=agora_registry_bench
psql() { command psql -h $pg_host -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
work=$(mktemp -d)
export ConnectionStrings__registrydb="Host=$pg_host;Port=$pg_port;Database=$db;Username=postgres"
export ConnectionStrings__rabbitmq="$AGORA_TEST_RABBITMQ"
export Agora__RestPort=5191 Agora__GrpcPort=5192
export Registry__Privacy__KeyFile=$work/privacy.key Registry__Identity__SigningKeyFile=$work/s.pem Registry__Identity__EncryptionKeyFile=$work/e.pem
export Registry__RateLimits__RegistrationPerMinute=1000000 Registry__RateLimits__SignInPerMinute=1000000
export Logging__LogLevel__Default=Warning
reg=services/Registry/Agora.Registry/bin/Release/net10.0
(cd $reg && dotnet Agora.Registry.dll --migrate >/dev/null)
psql -d $db -f bench/registry/load.sql
(cd $reg && exec dotnet Agora.Registry.dll) >$work/registry.log 2>&1 & reg_pid=$!
gw=gateway/Agora.Gateway/bin/Release/net10.0
(cd $gw && Agora__RestPort=5190 Agora__GrpcPort=5193 Gateway__RateLimitPermits=100000000 \
  ReverseProxy__Clusters__registry__Destinations__primary__Address=http://127.0.0.1:5191/ \
  exec dotnet Agora.Gateway.dll) >$work/gateway.log 2>&1 & gw_pid=$!
trap 'kill $reg_pid $gw_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for i in $(seq 1 60); do curl -fsS -o /dev/null http://127.0.0.1:5190/api/registry/themes && break; sleep 1; done
echo "participants: $(psql -d $db -tA -c 'select count(*) from participants')"
wrk -t2 -c8 -d5s -s bench/registry/search.lua http://127.0.0.1:5190 >/dev/null # warm-up
echo "== directory search through the gateway (wrk -t2 -c8 -d30s)"
wrk -t2 -c8 -d30s -s bench/registry/search.lua http://127.0.0.1:5190 | tail -1
echo "== registrations through the gateway (wrk -t2 -c16 -d30s)"
wrk -t2 -c16 -d30s -s bench/registry/register.lua http://127.0.0.1:5190 | tail -1
echo "registered in the run: $(psql -d $db -tA -c "select count(*) from participants where search_text like '%participant%'")"
kill $reg_pid $gw_pid 2>/dev/null || true; wait $reg_pid $gw_pid 2>/dev/null || true
psql -d postgres -c "DROP DATABASE IF EXISTS $db" || true
