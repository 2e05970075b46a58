#!/usr/bin/env bash
# 2,000 concurrent registrations spread over 20 sessions of 50 seats, through the gateway, against the
# workshops service (Release), real PostgreSQL and RabbitMQ (the test profile's). Writes bench/results/workshops.md.
#   bash bench/workshops/run.sh [registrations] [sessions] [capacity]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# The test profile's PostgreSQL and RabbitMQ: started when nothing listens on their ports yet.
bash deploy/local/infra.sh up test >/dev/null
eval "$(bash deploy/local/infra.sh env test)"
for p in services/Workshops/Agora.Workshops gateway/Agora.Gateway bench/workshops/Agora.Bench.Workshops; do
  dotnet build "$p" -c Release -nologo -v q >/dev/null
done
dotnet build-server shutdown >/dev/null 2>&1 || true
args=("${1:-2000}" "${2:-20}" "${3:-50}")
cmd="bash bench/workshops/run.sh ${args[*]}"
# Hand-written notes kept from the previous results file: everything from "## Earlier runs" on.
earlier=""
if [ -f bench/results/workshops.md ]; then
  earlier=$(sed -n '/^## Earlier runs/,$p' bench/results/workshops.md)
fi
rc=0
table=$(dotnet bench/workshops/Agora.Bench.Workshops/bin/Release/net10.0/Agora.Bench.Workshops.dll \
  "$root/services/Workshops/Agora.Workshops/bin/Release/net10.0" "$root/gateway/Agora.Gateway/bin/Release/net10.0" \
  "${args[@]}") || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "the bench failed (exit $rc); bench/results/workshops.md left as it was" >&2
  exit "$rc"
fi
{
  echo "# Workshops: concurrent registrations through the gateway"
  echo
  echo "Command: \`$cmd\` ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD))."
  echo
  echo "Machine: a 2-core Debian box (the load average below says how busy it was); load generator, gateway,"
  echo "workshops service, PostgreSQL and RabbitMQ all on the same cores over loopback."
  echo "Read the latencies as an upper bound on this box, not as the service's figures on real hardware."
  echo "Every registration is released at once (a closed burst, not a rate): latency includes queueing"
  echo "behind the session's row lock and the connection pool. The registry is stood in for (OIDC/JWKS"
  echo "and gRPC eligibility answering \"active\") by the bench program itself. Each participant registers"
  echo "once, so the service's eligibility cache never hits here: every registration costs one gRPC call."
  echo "Judge a change by the CPU time per registration below and by the error count, not by wall-clock"
  echo "latency on this box."
  echo
  echo "Load average of the box when the run ended (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "$table"
  if [ -n "$earlier" ]; then
    echo
    echo "$earlier"
  fi
} > bench/results/workshops.md.new
mv bench/results/workshops.md.new bench/results/workshops.md
cat bench/results/workshops.md
exit $rc
