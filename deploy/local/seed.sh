#!/usr/bin/env bash
# Seeds a small demo conference through the gateway. Safe to run again (duplicates answer 409).
set -euo pipefail
gw=${1:-http://127.0.0.1:8080}
post() { # path json
  local code; code=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$2" "$gw$1")
  case "$code" in 201|200|409) ;; *) echo "POST $1 answered $code" >&2; return 1 ;; esac
}
post /api/registry/participants '{"kind":"organization","displayName":"الرابطة التونسية للدفاع عن حقوق الإنسان (démo)","preferredLanguage":"ar","email":"demo-ltdh@agora.example"}'
post /api/registry/participants '{"kind":"movement","displayName":"Mouvement des diplômés chômeurs (démo)","preferredLanguage":"fr","email":"demo-udc@agora.example"}'
post /api/registry/participants '{"kind":"individual","displayName":"Demo Researcher","preferredLanguage":"en","email":"demo-researcher@agora.example"}'
# A demo steering member (the role itself is granted by run.sh with the registry's --grant-role command).
post /api/registry/participants '{"kind":"individual","displayName":"Demo Steering","preferredLanguage":"fr","email":"steering@agora.example","password":"agora-demo-steering"}'
echo "Demo conference seeded."
