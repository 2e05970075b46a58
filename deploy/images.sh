#!/usr/bin/env bash
# Builds the five container images (make images). Needs a container runtime: when `docker info`
# fails (as on the build machines, which have no Docker daemon) it says so and exits 0.
#
#   deploy/images.sh                    # tags agora/<component>:<version>
#   IMAGE_REGISTRY=registry.example.org IMAGE_TAG=1.2.3 PUSH=1 deploy/images.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKER="${DOCKER:-docker}"

declare -A PROJECTS=(
  [registry]=services/Registry/Agora.Registry
  [workshops]=services/Workshops/Agora.Workshops
  [charter]=services/Charter/Agora.Charter
  [notifications]=services/Notifications/Agora.Notifications
  [gateway]=gateway/Agora.Gateway
)

if ! command -v "$DOCKER" >/dev/null 2>&1 || ! "$DOCKER" info >/dev/null 2>&1; then
  echo "images.sh: no container runtime available ('$DOCKER info' failed): images NOT built."
  echo "images.sh: nothing was built or run; build them on a machine with Docker:"
  echo "           deploy/images.sh   (or docker build -f deploy/docker/Dockerfile --build-arg PROJECT=<dir> .)"
  exit 0
fi

chart_version="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$ROOT/deploy/helm/agora/Chart.yaml")"
TAG="${IMAGE_TAG:-$chart_version}"
PREFIX="${IMAGE_REGISTRY:+${IMAGE_REGISTRY%/}/}agora"

for component in registry workshops charter notifications gateway; do
  project="${PROJECTS[$component]}"
  [[ -d "$ROOT/$project" ]] || { echo "images.sh: $project not found" >&2; exit 1; }
  image="$PREFIX/$component:$TAG"
  echo "==> $image ($project)"
  "$DOCKER" build -f "$ROOT/deploy/docker/Dockerfile" --build-arg "PROJECT=$project" -t "$image" "$ROOT"
  if [[ "${PUSH:-0}" == 1 ]]; then "$DOCKER" push "$image"; fi
done
echo "images.sh: built ${#PROJECTS[@]} images tagged $TAG"
