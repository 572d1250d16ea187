#!/usr/bin/env bash
# Runs every test: unit and @QuarkusTest tests of each service against the real PostgreSQL, then the
# end-to-end journey across the packaged services started as separate processes (deploy/e2e).
# Extra arguments go to Maven, e.g. `deploy/local/test.sh -pl intake-service`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

"$here/db-setup.sh" --test-superuser
cd "$root"
mvn -B -ntp verify "$@"
