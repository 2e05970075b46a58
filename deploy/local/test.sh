#!/usr/bin/env bash
# `make test`: start PostgreSQL and RabbitMQ (profile "test"), build, run every test project, then
# verify the Helm chart. Starts the test infrastructure afresh (its data from an earlier run is removed) and stops
# it when done.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

command -v dotnet >/dev/null || { echo "The .NET SDK 10 is required (https://dot.net)." >&2; exit 1; }
# Every run starts on empty infrastructure: each test class makes a database and a vhost of its own, and
# keeping them from run to run grew .local/test to gigabytes and hundreds of vhosts, which RabbitMQ then
# spends minutes of CPU recovering at each start.
bash deploy/local/infra.sh stop test
rm -rf "${AGORA_INFRA_DIR:-.local/test}"
bash deploy/local/infra.sh start test
trap 'bash deploy/local/infra.sh stop test; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT
eval "$(bash deploy/local/infra.sh env test)"

dotnet tool restore >/dev/null
dotnet build Platform.sln -c Release -warnaserror -nologo -v q
# One test project at a time keeps the 2-core machines responsive; each project runs its classes in parallel.
dotnet test Platform.sln -c Release --no-build --nologo -v q -m:1 --logger "console;verbosity=normal" \
  --results-directory .local/test-results "$@"
bash deploy/helm/verify.sh
