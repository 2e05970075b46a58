#!/usr/bin/env bash
# Votes through the gateway, stored durably (committed to make run's PostgreSQL, fsync on, before the 201):
# Release builds of the charter service and the gateway as real processes, wrk with many participants' tokens.
# Writes the table into bench/results/charter.md (section 3).
# Two runs: the capacity (closed loop) and the latency at an offered rate (open loop, latency from when each vote was due).
#   bash bench/charter-gateway/run.sh [connections=64] [seconds=30] [participants=2000] [statements=200] [rate=2000] [open-connections=256]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
command -v wrk >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
mkdir -p .local
# make run's PostgreSQL (fsync on) and RabbitMQ: reuse them when something already listens on their ports.
bash deploy/local/infra.sh up run >/dev/null
eval "$(bash deploy/local/infra.sh env run)"
for p in services/Charter/Agora.Charter gateway/Agora.Gateway bench/charter-gateway; do
  dotnet build "$p" -c Release -nologo -v q >/dev/null
done
dotnet build-server shutdown >/dev/null 2>&1 || true
args=("${1:-64}" "${2:-30}" "${3:-2000}" "${4:-200}" "${5:-2000}" "${6:-256}")
cmd="bash bench/charter-gateway/run.sh ${args[*]}"
rc=0
table=$(dotnet bench/charter-gateway/bin/Release/net10.0/Agora.Charter.GatewayBench.dll \
  "$root/services/Charter/Agora.Charter/bin/Release/net10.0" "$root/gateway/Agora.Gateway/bin/Release/net10.0" \
  "$AGORA_TEST_POSTGRES" "$AGORA_TEST_RABBITMQ" "${args[@]}" 2>.local/charter-votes-bench.log) || rc=$?
section=$(cat <<MD
## 3. Votes through the gateway, stored durably (target ≥ 2,000 votes/s sustained, p99 ≤ 50 ms)

Command: \`$cmd\` ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD), $(nproc) cores).
Real processes over loopback: wrk, the gateway (rate limits lifted), the charter service (Release), PostgreSQL of
\`make run\` (fsync on: a 201 means committed and flushed) and RabbitMQ, all on the same cores. The registry is stood in
for by the bench program (OIDC discovery + JWKS signing the participants' tokens). Each request: a random participant's
token, a random accepted statement, a random agree/disagree/pass. Every 2xx is checked against the rows stored.
The capacity run is wrk's closed loop (each connection sends its next vote when it has the answer to the last); the
offered-rate run is open loop (\`bench/Shared/open-loop.lua\`: votes sent on a fixed schedule over many connections,
each to whichever connection is free, latency counted from when each vote was due, so a stall counts against every vote
it delayed; the gateway's echo of X-Correlation-Id matches each answer to its vote). The load average printed shows how
busy the machine was besides.

$table
MD
)
python3 - "$section" <<'PY'
import re, sys
path = "bench/results/charter.md"
text = open(path, encoding="utf-8").read()
section = sys.argv[1].rstrip() + "\n"
start = text.find("## 3. Votes through the gateway")
if start < 0:
    text = text.rstrip() + "\n\n" + section
else:
    nxt = text.find("\n## ", start + 1)
    text = text[:start] + section + ("" if nxt < 0 else "\n" + text[nxt + 1:])
open(path, "w", encoding="utf-8").write(text)
PY
echo "$section"
exit $rc
