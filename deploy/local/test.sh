#!/usr/bin/env bash
# Runs every test: unit and @QuarkusTest tests of each service against the real PostgreSQL, then the
# end-to-end journey across the packaged services started as separate processes (deploy/e2e).
# Extra arguments go to Maven, e.g. `deploy/local/test.sh -pl intake-service`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

# Java 17+ and Maven to build and test, openssl for token.sh and keys.sh (the end-to-end tests mint tokens and make
# keys with them): from Debian if missing, as run.sh does
die() { echo "test: $*" >&2; exit 1; }
# shellcheck source=as-root.sh
. "$here/as-root.sh"
apt_install_missing java:default-jdk-headless javac:default-jdk-headless mvn:maven openssl:openssl
require_java17
"$here/db-setup.sh" --test-superuser
cd "$root"
mvn -B -ntp verify "$@"
