#!/usr/bin/env bash
# The notifications benchmark in one command: an announcement to N recipients (default 100,000)
# delivered into a local SMTP sink. Uses the shared test PostgreSQL and RabbitMQ.
#   bash bench/notifications/run.sh [recipients=100000] [delivery lanes=4]
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(bash deploy/local/infra.sh env test)"
dotnet build -c Release bench/notifications -v q -nologo
echo "load average before: $(cat /proc/loadavg)  date: $(date -u +%FT%TZ)"
dotnet run -c Release --no-build --project bench/notifications -- "${1:-100000}" "${2:-4}"
