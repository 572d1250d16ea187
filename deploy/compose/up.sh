#!/usr/bin/env bash
# Starts cnx with Docker Compose (compose.yaml): makes the dev keys if they are missing, packages the apps unless
# --no-build, then builds the images and starts PostgreSQL, the three services and the demo partner.
#   deploy/compose/up.sh [--no-build]
#   then: CNX_UID=$(id -u) docker compose -f deploy/compose/compose.yaml logs -f | down
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

command -v docker >/dev/null || { echo "up: docker is not installed (deploy/local/run.sh runs cnx without it)" >&2; exit 1; }
"$root/deploy/local/keys.sh" >/dev/null
if [[ "${1:-}" != "--no-build" ]]; then
  echo "up: packaging the apps (mvn -B -q package -DskipTests)"
  (cd "$root" && mvn -B -q -ntp package -DskipTests)
fi
# the dev keys are readable by their owner only: the containers run as the user who made them
export CNX_UID CNX_GID
CNX_UID=$(id -u)
CNX_GID=$(id -g)
docker compose -f "$here/compose.yaml" up --build --detach --wait
echo "up: cnx is running: intake :8081, sharing :8082, audit :8083, demo partner :8090 (tokens: deploy/local/token.sh)"
