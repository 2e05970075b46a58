#!/usr/bin/env bash
# `make run`: PostgreSQL and RabbitMQ as local processes (data under .local/run), migrations, the
# four services and the gateway, a demo conference; prints the URLs. Ctrl-C stops everything.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
logs="$root/.local/run/logs"
mkdir -p "$logs"
services=(Registry Workshops Charter Notifications)
pids=()

stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping Agora..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash deploy/local/infra.sh stop run
  exit 0
}
trap stop INT TERM EXIT

command -v dotnet >/dev/null || { echo "The .NET SDK 10 is required (https://dot.net)." >&2; exit 1; }
bash deploy/local/infra.sh start run
echo "Building (Release)..."
dotnet build Platform.sln -c Release -nologo -v q
dotnet build-server shutdown >/dev/null 2>&1 || true

dll() { # path of a project's built assembly
  local dir=$1 name; name=$(basename "$dir")
  echo "$root/$dir/bin/Release/net10.0/$name.dll"
}

# A local run is a development environment: development OIDC clients and secrets, key files
# generated under ~/.local/share/agora on first run.
export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
export Agora__Auth__Issuer=http://127.0.0.1:8080/

# A local SMTP server with a web inbox, so the mail Agora sends can be read (notifications sends to :2525).
smtp4dev="$root/.local/tools/smtp4dev/smtp4dev"
if [ ! -x "$smtp4dev" ]; then
  echo "Installing smtp4dev (local SMTP server with a web inbox)..."
  dotnet tool install --tool-path "$root/.local/tools/smtp4dev" Rnwood.Smtp4dev --version 3.15.0 >/dev/null
fi
"$smtp4dev" --urls=http://127.0.0.1:5080 --smtpport=2525 --imapport="" --pop3port="" --db="" --hostname=localhost >"$logs/smtp4dev.log" 2>&1 &
pids+=($!)

for s in "${services[@]}"; do
  echo "Migrating $s..."
  (cd "$(dirname "$(dll services/$s/Agora.$s)")" && dotnet "Agora.$s.dll" --migrate >>"$logs/${s,,}.log" 2>&1) \
    || { echo "Migration of $s failed; see $logs/${s,,}.log" >&2; exit 1; }
done

start() { # start a built project in the background, logging to .local/run/logs
  local project=$1 log=$2 path; path=$(dll "$project")
  (cd "$(dirname "$path")" && exec dotnet "$(basename "$path")") >>"$logs/$log.log" 2>&1 &
  pids+=($!)
}
for s in "${services[@]}"; do start "services/$s/Agora.$s" "${s,,}"; done
start gateway/Agora.Gateway gateway

echo -n "Waiting for the platform to be ready"
for i in $(seq 1 120); do
  if curl -fs -o /dev/null http://127.0.0.1:8080/health/ready; then break; fi
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo; echo "A process exited; see $logs" >&2; exit 1; }; done
  [ "$i" = 120 ] && { echo; echo "Not ready after 120 s; see $logs and http://127.0.0.1:8080/health/ready" >&2; exit 1; }
  echo -n "."; sleep 1
done
echo

bash deploy/local/seed.sh http://127.0.0.1:8080 || echo "Seeding the demo conference failed (see above); the platform is up anyway." >&2
(cd "$(dirname "$(dll services/Registry/Agora.Registry)")" && dotnet Agora.Registry.dll --grant-role steering steering@agora.example >>"$logs/registry.log" 2>&1) \
  || echo "Could not grant the demo steering role; see $logs/registry.log" >&2

cat <<MSG

Agora is up.
  Gateway (REST):  http://127.0.0.1:8080      e.g. curl http://127.0.0.1:8080/health/ready
  Gateway (gRPC):  http://127.0.0.1:8081      (HTTP/2, plain text)
  Mail (smtp4dev): http://127.0.0.1:5080      every email Agora sends lands here
  Sign-in (OIDC):  http://127.0.0.1:8080/.well-known/openid-configuration
  RabbitMQ UI:     http://127.0.0.1:55673     (guest / guest)
  PostgreSQL:      127.0.0.1:55432            (user postgres)
  Demo steering:   steering@agora.example / agora-demo-steering  (sign in through the OIDC endpoints)
  Logs:            $logs
Press Ctrl-C to stop everything.
MSG
wait -n "${pids[@]}" || true
echo "A process stopped unexpectedly; see $logs" >&2
