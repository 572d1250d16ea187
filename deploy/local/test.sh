#!/usr/bin/env bash
# Runs every test: unit and @QuarkusTest tests of each service against the real PostgreSQL, then the
# end-to-end journey across the packaged services started as separate processes (deploy/e2e).
# Extra arguments go to Maven, e.g. `deploy/local/test.sh -pl intake-service`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

# the end-to-end tests mint tokens with token.sh, which signs with openssl: from Debian if missing, as run.sh does
die() { echo "test: $*" >&2; exit 1; }
# shellcheck source=as-root.sh
. "$here/as-root.sh"
if ! command -v openssl >/dev/null; then
  echo "test: installing openssl with apt-get" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y openssl
fi
"$here/db-setup.sh" --test-superuser
cd "$root"
mvn -B -ntp verify "$@"
