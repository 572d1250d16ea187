#!/usr/bin/env bash
# Starts the whole cnx system on this machine, also on a fresh Debian one:
#   PostgreSQL + roles + databases (db-setup.sh), dev keys (keys.sh), a build (unless --no-build),
#   then audit-service :8083, sharing-service :8082, intake-service :8081 and the demo partner :8090
#   as background processes, each waited for until ready; then demo-data.sh if it exists.
# Logs and pid files: deploy/local/.run/. Stop everything with deploy/local/stop.sh.
#
# Usage: deploy/local/run.sh [--no-build]
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
keys_dir="$script_dir/.keys"
run_dir="$script_dir/.run"
ready_timeout=60

# name | module directory | port | database password (dev only, see db-setup.sh; empty = no database)
services=(
  "audit-service|audit-service|8083|audit"
  "sharing-service|sharing-service|8082|sharing"
  "intake-service|intake-service|8081|intake"
  "demo-partner|deploy/demo-partner|8090|"
)

log() { echo "run: $*"; }
die() { echo "run: $*" >&2; exit 1; }

usage() {
  echo "usage: $(basename "$0") [--no-build]" >&2
  exit 2
}

build=true
for arg in "$@"; do
  case "$arg" in
    --no-build) build=false ;;
    -h|--help) usage ;;
    *) echo "run: unknown argument $arg" >&2; usage ;;
  esac
done

# shellcheck source=as-root.sh
. "$script_dir/as-root.sh"

# Java 17+, Maven (only to build), curl (readiness checks) and openssl (keys.sh, token.sh) from Debian, if missing.
ensure_tools() {
  local tools=(java:default-jdk-headless curl:curl openssl:openssl)
  if $build; then
    tools+=(javac:default-jdk-headless mvn:maven)
  fi
  apt_install_missing "${tools[@]}"
  require_java17
}

# True when pid file $1 names a live process running a Quarkus app (not some process that reused the pid).
running_pid() {
  local pid_file="$1" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'quarkus-run.jar' || return 1
  echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ready() { curl -fsS -o /dev/null -m 2 "http://localhost:$1/q/health/ready" 2>/dev/null; }

start() {
  local name="$1" module="$2" port="$3" db_password="$4"
  local jar="$repo_root/$module/target/quarkus-app/quarkus-run.jar"
  local log_file="$run_dir/$name.log" pid_file="$run_dir/$name.pid" pid

  if pid="$(running_pid "$pid_file")"; then
    log "$name is already running (pid $pid); not starting a second one"
    if [[ -f "$jar" && "$jar" -nt "$pid_file" ]]; then
      log "  it runs the build before $jar was made: deploy/local/stop.sh $name, then run.sh, to run the new one"
    fi
    return
  fi
  rm -f "$pid_file"
  [[ -f "$jar" ]] || die "$jar does not exist; run without --no-build (or build $module first)"
  if port_in_use "$port"; then
    die "port $port is already in use by a process this script did not start (or one whose pid file in $run_dir \
was removed: stop it by hand); cannot start $name"
  fi

  # on this machine only: the demo partner shows its inbox to whoever asks, and the dev keys mint any role
  local env_vars=("CNX_KEYS_DIR=$keys_dir" "QUARKUS_HTTP_HOST=${QUARKUS_HTTP_HOST:-127.0.0.1}")
  [[ -z "$db_password" ]] || env_vars+=("QUARKUS_DATASOURCE_PASSWORD=$db_password")
  # the demo partner listens on http://localhost: allowed (and the demo partners seeded) only on this machine
  [[ "$name" != sharing-service ]] || env_vars+=("CNX_PARTNERS_ALLOW_LOCAL_ENDPOINTS=true")
  # audit's migrations run as the owner of its schema; the app role may only append to the log (db-setup.sh)
  [[ "$name" != audit-service ]] || env_vars+=("QUARKUS_FLYWAY_PASSWORD=audit_owner")

  # New session (setsid): the service outlives this script and ignores a Ctrl-C typed into it.
  # The inner shell writes its own pid and then becomes java (exec), so the pid file names the JVM.
  log "starting $name on :$port (log $log_file)"
  # AppCDS: the archive of every class the service loaded, which its first start after a build writes as it
  # exits (stop.sh; a few seconds more to stop), is used by the later starts while the jar is the one it was trained
  # on (its time and size, noted at the training start: a build while the JVM ran gave it a newer archive of the old
  # jar, which the JVM then ignored, and no new one was ever written).
  # An archive matches only the class path it was made with: quarkus-run.jar, run from inside quarkus-app/.
  local app_dir stamp cds=()
  app_dir="$(dirname "$jar")"
  stamp="$(stat -c %Y:%s "$jar")"
  if [[ -f "$app_dir/app-cds-trained.jsa" && "$(cat "$app_dir/app-cds-trained.stamp" 2>/dev/null)" == "$stamp" ]]; then
    cds=(-XX:SharedArchiveFile=app-cds-trained.jsa)
  else
    rm -f "$app_dir/app-cds-trained.jsa"
    echo "$stamp" >"$app_dir/app-cds-trained.stamp"
    # -Xlog:cds=off: the dump warns about every class it skips
    cds=(-Xlog:cds=off -XX:ArchiveClassesAtExit=app-cds-trained.jsa)
  fi
  # The JVM options of the image, the end-to-end tests and the benchmark: heap, collector, the JIT at nice 19
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$1"; cd "$2"; shift 2; exec "$@"' _ "$pid_file" "$(dirname "$jar")" \
    env "${env_vars[@]}" java "@$repo_root/deploy/jvm.options" "${cds[@]}" -jar "$(basename "$jar")" \
    </dev/null >"$log_file" 2>&1 &
}

wait_ready() {
  local name="$1" port="$2"
  local log_file="$run_dir/$name.log" pid_file="$run_dir/$name.pid" deadline=$((SECONDS + ready_timeout))
  until ready "$port"; do
    if [[ -f "$pid_file" ]] && ! running_pid "$pid_file" >/dev/null; then
      echo "run: $name exited before it became ready; last lines of $log_file:" >&2
      tail -n 40 "$log_file" >&2 || true
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      echo "run: $name is not ready on http://localhost:$port/q/health/ready after ${ready_timeout} s; last lines of $log_file:" >&2
      tail -n 40 "$log_file" >&2 || true
      echo "run: it is still running; stop everything with $script_dir/stop.sh" >&2
      exit 1
    fi
    sleep 1
  done
  log "$name is ready on http://localhost:$port"
}

ensure_tools
"$script_dir/db-setup.sh"
"$script_dir/keys.sh"

if $build; then
  log "building all modules (mvn -B -q package -DskipTests) in $repo_root"
  (cd "$repo_root" && mvn -B -q package -DskipTests)
fi

mkdir -p "$run_dir"
chmod 700 "$run_dir" # its logs say what was delivered to whom: not for other users of the machine
for entry in "${services[@]}"; do
  IFS='|' read -r name module port db_password <<<"$entry"
  start "$name" "$module" "$port" "$db_password"
  wait_ready "$name" "$port"
done

if [[ -f "$script_dir/demo-data.sh" ]]; then
  log "loading demo data (demo-data.sh)"
  bash "$script_dir/demo-data.sh"
fi

rel="${script_dir#"$repo_root"/}"
cat <<EOF

cnx is running:
  intake-service   http://localhost:8081   (OpenAPI http://localhost:8081/q/openapi)
  sharing-service  http://localhost:8082   (delivery keys http://localhost:8082/.well-known/jwks.json)
  audit-service    http://localhost:8083   (OpenAPI http://localhost:8083/q/openapi)
  demo-partner     http://localhost:8090   (stands in for partner agencies' receiving systems)

Logs and pid files: $run_dir/<name>.log, <name>.pid

Try (from $repo_root):
  TOKEN=\$($rel/token.sh partner US-CBP US)
  curl -s -H "Authorization: Bearer \$TOKEN" http://localhost:8081/api/v1/reports
  curl -s http://localhost:8090/partners/CN-NNCC/deliveries    # what the demo partner received for CN-NNCC
  $rel/stop.sh
EOF
