#!/usr/bin/env bash
# The load benchmark (issue 7): starts PostgreSQL if needed, the three services and the demo partner from
# their packaged jars (-Xms64m -Xmx256m each, as run.sh, on ports 18081-18090 so a running demo is not disturbed), measures
# the ceilings P (pgbench replaying intake's transaction) and J (authenticated JSON without database) in the
# same run, drives intake closed-loop (I, with wrk) and open-loop at 50 % and 80 % of I (HdrHistogram, from
# the intended send time) with tokens minted by openssl (deploy/local/token.sh),
# and prints the table (also in deploy/bench/target/results/). Uses the *_bench databases, cleaned at start.
#   deploy/bench/run.sh [--no-build]      BENCH_OPTS="-Dbench.seconds=20 -Dbench.concurrency=8"
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

"$root/deploy/local/db-setup.sh"
# wrk (closed-loop load, C) and pgbench (the database ceiling, shipped with PostgreSQL) come from Debian
if ! command -v wrk >/dev/null; then
  echo "bench: installing wrk with apt-get"
  sudo_cmd=(); [[ $EUID -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
"$root/deploy/local/keys.sh" >/dev/null
if [[ "${1:-}" != "--no-build" ]]; then
  echo "bench: building (mvn -B -q package -DskipTests)"
  (cd "$root" && mvn -B -q -ntp package -DskipTests)
fi
# shellcheck disable=SC2086
exec java -Xmx512m -Dbench.root="$root" ${BENCH_OPTS:-} -cp "$here/target/cnx-bench.jar:$here/target/lib/*" org.cnx.bench.Bench
