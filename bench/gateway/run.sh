#!/usr/bin/env bash
# Gateway vs direct (and nginx, and YARP with nothing of ours, as reverse proxies) on the same cheap GET, Release
# build, HTTP/1.1 keep-alive, on loopback, in one run. Writes bench/results/gateway.md.
#   bash bench/gateway/run.sh            (root installs wrk and nginx from apt when missing)
#   PROCESS_ENV="OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1" \
#     RESULTS=bench/results/gateway-sampled.md bash bench/gateway/run.sh
#                                        (extra environment for the registry and the gateway alike)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out="$root/.local/bench"; mkdir -p "$out"
duration=${DURATION:-15}; connections=${CONNECTIONS:-32}
process_env=${PROCESS_ENV:-}; results=${RESULTS:-bench/results/gateway.md}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$out/nginx.pid" ] && kill "$(cat "$out/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null; }
done
# make run's PostgreSQL and RabbitMQ: reuse them when something already listens on their ports.
bash deploy/local/infra.sh up run
dotnet build Platform.sln -c Release -nologo -v q >/dev/null
dotnet build-server shutdown >/dev/null 2>&1 || true
reg="services/Registry/Agora.Registry/bin/Release/net10.0"
gw="gateway/Agora.Gateway/bin/Release/net10.0"
bare="bench/gateway/BareYarp/bin/Release/net10.0"

(cd "$reg" && dotnet Agora.Registry.dll --migrate >"$out/registry.log" 2>&1)
(cd "$reg" && exec env Logging__LogLevel__Default=Warning $process_env dotnet Agora.Registry.dll >>"$out/registry.log" 2>&1) & pids+=($!)
(cd "$gw" && exec env Gateway__RateLimitPermits=100000000 Logging__LogLevel__Default=Warning $process_env dotnet Agora.Gateway.dll >"$out/gateway.log" 2>&1) & pids+=($!)
(cd "$bare" && exec env $process_env dotnet Agora.Bench.BareYarp.dll 8095 http://127.0.0.1:5101 >"$out/bare-yarp.log" 2>&1) & pids+=($!)
cat > "$out/nginx.conf" <<NGINX
worker_processes 1;
pid $out/nginx.pid;
error_log $out/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream registry { server 127.0.0.1:5101; keepalive 64; }
  server {
    listen 127.0.0.1:8090;
    location / { proxy_pass http://registry; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$out/nginx.conf"

direct=http://127.0.0.1:5101/api/registry/about
gateway=http://127.0.0.1:8080/api/registry/about
viangx=http://127.0.0.1:8090/api/registry/about
viabare=http://127.0.0.1:8095/api/registry/about
for u in $direct $gateway $viangx $viabare; do
  for _ in $(seq 1 60); do curl -fsS -o /dev/null "$u" && break; sleep 1; done
done
# Warm every path up before measuring any: the runtime's tiered JIT takes longer than a few seconds of load here to
# compile the hot code fully, and the registry is on every path (measured first and barely warmed, the direct rate came
# out ≈ 30 % low, which flattered every ratio).
warmup=${WARMUP:-20}
for u in $direct $gateway $viangx $viabare; do wrk -t1 -c"$connections" -d"${warmup}s" "$u" >/dev/null; done

max() { # url -> "rps p50 p99" from wrk
  wrk -t1 -c"$connections" -d3s "$1" >/dev/null  # warm-up
  wrk -t1 -c"$connections" -d"${duration}s" --latency "$1" > "$out/wrk.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$out/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$out/wrk.txt")
  echo "$rps $p50 $p99"
}
read -r d_rps d_p50 d_p99 < <(max $direct)
read -r g_rps g_p50 g_p99 < <(max $gateway)
read -r n_rps n_p50 n_p99 < <(max $viangx)
read -r b_rps b_p50 b_p99 < <(max $viabare)
half=$(awk -v r="$d_rps" 'BEGIN { printf "%d", r / 2 }')
# At half the direct maximum: wrk paced by bench/gateway/paced.lua (each of paced_conns connections
# pauses pace ms between requests), the same pacing for every path; wrk is light enough to leave
# the proxies their share of the two cores, which an open-loop .NET generator was not.
paced_conns=64
pace=$(awk -v r="$half" -v c="$paced_conns" 'BEGIN { p = int(c * 1000 / r + 0.5); print (p < 1 ? 1 : p) }')
at_half() { # url -> "rps p50 p90 p99 max errors"
  PACE_MS=$pace wrk -t1 -c"$paced_conns" -d3s -s bench/gateway/paced.lua "$1" >/dev/null  # warm-up
  PACE_MS=$pace wrk -t1 -c"$paced_conns" -d"${duration}s" --latency -s bench/gateway/paced.lua "$1" > "$out/wrk-paced.txt"
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; return v * 1000 }
    /Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = ms($2) } $1 == "90%" { p90 = ms($2) } $1 == "99%" { p99 = ms($2) }
    $1 == "Latency" && NF >= 4 { max = ms($4) }
    /Socket errors:/ { err += $4 + $6 + $8 + $10 } /Non-2xx or 3xx responses:/ { err += $5 }
    END { printf "%s %.3f %.3f %.3f %.3f %d\n", rps, p50, p90, p99, max, err }' "$out/wrk-paced.txt"
}
read -r dh_rps dh_p50 dh_p90 dh_p99 dh_max dh_err < <(at_half $direct)
read -r gh_rps gh_p50 gh_p90 gh_p99 gh_max gh_err < <(at_half $gateway)
read -r nh_rps nh_p50 nh_p90 nh_p99 nh_max nh_err < <(at_half $viangx)
read -r bh_rps bh_p50 bh_p90 bh_p99 bh_max bh_err < <(at_half $viabare)

ratio=$(awk -v g="$g_rps" -v d="$d_rps" 'BEGIN { printf "%.2f", g / d }')
nratio=$(awk -v g="$n_rps" -v d="$d_rps" 'BEGIN { printf "%.2f", g / d }')
bratio=$(awk -v g="$b_rps" -v d="$d_rps" 'BEGIN { printf "%.2f", g / d }')
added=$(awk -v g="$gh_p99" -v d="$dh_p99" 'BEGIN { printf "%.3f", g - d }')
nadded=$(awk -v g="$nh_p99" -v d="$dh_p99" 'BEGIN { printf "%.3f", g - d }')
badded=$(awk -v g="$bh_p99" -v d="$dh_p99" 'BEGIN { printf "%.3f", g - d }')
# Notes written by hand under "## Readings" in the results file are kept; the rest is this run's.
readings=$( [ -f "$results" ] && sed -n '/^## Readings/,$p' "$results" || true)
cat > "$results" <<MD
# Gateway benchmark

Run on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -sr), load average at the end $(cut -d" " -f1-3 /proc/loadavg). **A noisy shared machine**: load generator,
proxies and the registry all share the same cores, so only the ratios measured in this one run
mean anything, not the absolute numbers.

Command: \`${process_env:+PROCESS_ENV=\"$process_env\" }${RESULTS:+RESULTS=$results }bash bench/gateway/run.sh\` (DURATION=${duration}s per measurement, ${connections} keep-alive connections, HTTP/1.1;
every path warmed up for WARMUP=${warmup}s first).
Endpoint: \`GET /api/registry/about\` (anonymous, no database), Release build. Clients speak HTTP/1.1 to every path; the
gateway forwards over HTTP/2 without TLS to the registry's HTTP/2 port (:5102, its configuration), nginx and YARP alone
over HTTP/1.1 keep-alive to its REST port (:5101).
Maximum rate: \`wrk -t1 -c${connections} -d${duration}s --latency <url>\` after a 3 s warm-up.
Latency at half the direct maximum (${half}/s): \`PACE_MS=${pace} wrk -t1 -c${paced_conns} -d${duration}s --latency -s bench/gateway/paced.lua <url>\`
after a 3 s warm-up (each connection pauses ${pace} ms after every response: about ${half}/s in all; the rate
each path reached is in the table).

## Maximum rate (wrk)
| path | requests/s | ratio to direct | p50 | p99 |
|---|---|---|---|---|
| direct (registry :5101) | ${d_rps} | 1.00 | ${d_p50} | ${d_p99} |
| YARP gateway (:8080) | ${g_rps} | ${ratio} | ${g_p50} | ${g_p99} |
| nginx 1.22 reverse proxy (:8090) | ${n_rps} | ${nratio} | ${n_p50} | ${n_p99} |
| YARP alone (:8095, \`bench/gateway/BareYarp\`) | ${b_rps} | ${bratio} | ${b_p50} | ${b_p99} |

Target: gateway ≥ 0.6× direct → **${ratio}×** (YARP with nothing of ours: ${bratio}×).

## Latency at about ${half} requests/s (half the direct maximum), paced
| path | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | errors |
|---|---|---|---|---|---|---|
| direct | ${dh_rps} | ${dh_p50} | ${dh_p90} | ${dh_p99} | ${dh_max} | ${dh_err} |
| gateway | ${gh_rps} | ${gh_p50} | ${gh_p90} | ${gh_p99} | ${gh_max} | ${gh_err} |
| nginx | ${nh_rps} | ${nh_p50} | ${nh_p90} | ${nh_p99} | ${nh_max} | ${nh_err} |
| YARP alone | ${bh_rps} | ${bh_p50} | ${bh_p90} | ${bh_p99} | ${bh_max} | ${bh_err} |

Target: the gateway adds ≤ 1 ms at p99 → **${added} ms** added (nginx adds ${nadded} ms, YARP alone ${badded} ms).

YARP alone is \`bench/gateway/BareYarp\`: YARP 2.3.0 forwarding the same route with none of the gateway's telemetry,
logging, rate limiting, token check, correlation id or security headers — the floor for any gateway built on YARP here.
MD
[ -n "$readings" ] && printf '\n%s\n' "$readings" >> "$results"
cat "$results"
