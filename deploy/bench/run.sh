#!/usr/bin/env bash
# The load benchmark (issue 7): starts PostgreSQL if needed, the three services and the demo partner from
# their packaged jars (the services with deploy/jvm.options, as run.sh and the image start them,
# the partner receiver -Xms256m; on ports 18081-18090 so a running demo is not disturbed), measures
# the ceilings P (pgbench replaying intake's transaction) and J (authenticated JSON without database) in the
# same run, drives intake closed-loop (I, with wrk) and open-loop at 50 % and 80 % of I (HdrHistogram, from
# the intended send time) with tokens minted by openssl (deploy/local/token.sh), samples intake's CPU at 80 % of I
# with async-profiler (JWT's share of it), and prints the table (also in deploy/bench/target/results/). Uses the
# *_bench databases, cleaned at start.
# Where a JDK 25 or later is installed, each service's first start is also timed on it with Leyden's AOT cache.
#   deploy/bench/run.sh [--no-build]      BENCH_JVM="-XX:..."
#   BENCH_OPTS="-Dbench.seconds=20 -Dbench.concurrency=8 -Dbench.warmOpenSeconds=60 -Dbench.settleSeconds=20" (the defaults)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

"$root/deploy/local/db-setup.sh"
# wrk (closed-loop load, C) and pgbench (the database ceiling, shipped with PostgreSQL) come from Debian
die() { echo "bench: $*" >&2; exit 1; }
# shellcheck source=../local/as-root.sh
. "$root/deploy/local/as-root.sh"
apt_install_missing wrk:wrk
"$root/deploy/local/keys.sh" >/dev/null
# A JDK 25 or later (BENCH_AOT_JAVA, or one under /usr/lib/jvm) also gets each service's first start timed with
# Leyden's AOT cache; the services stay built for Java 17, a second time as Quarkus's aot-jar (target/quarkus-aot).
aot_java=${BENCH_AOT_JAVA:-}
if [[ -z "$aot_java" ]]; then
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x "$candidate" ]] || continue
    major=$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 25 )); then aot_java=$candidate; break; fi
  done
fi
if [[ "${1:-}" != "--no-build" ]]; then
  echo "bench: building (mvn -B -q package -DskipTests)"
  (cd "$root" && mvn -B -q -ntp package -DskipTests)
  if [[ -n "$aot_java" ]]; then
    echo "bench: building the services again as aot-jar, for $aot_java"
    (cd "$root" && mvn -B -q -ntp package -DskipTests -pl intake-service,sharing-service,audit-service \
      -Dquarkus.package.jar.type=aot-jar -Dquarkus.package.jar.appcds.enabled=false \
      -Dquarkus.package.output-directory=quarkus-aot)
  fi
fi
java_opts=()
[[ -z "$aot_java" ]] || java_opts=(-Dbench.aotJava="$aot_java")
# BENCH_JVM="-XX:... -XX:...": options added to every service's JVM and the partner receiver's, for trying them out
# (BENCH_JVM="-Xlog:gc:file=/tmp/gc-%p.log" logs each one's collections)
[[ -z "${BENCH_JVM:-}" ]] || java_opts+=(-Dbench.jvm="$BENCH_JVM")
# The bench's own JVM shares the two cores with what it measures: C1 only and the serial collector keep it to about a
# tenth of a core in the open-loop phases (a fifth with the JVM's defaults, G1 and C2 compiling its load generator).
# shellcheck disable=SC2086
exec java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dbench.root="$root" "${java_opts[@]}" ${BENCH_OPTS:-} \
  -cp "$here/target/cnx-bench.jar:$here/target/lib/*" org.cnx.bench.Bench
