#!/usr/bin/env bash
# Benchmark of audit-service's whole-log verification (GET /api/v1/log/verification):
#   1. a scratch database audit_bench (created idempotently as the postgres superuser, owned by audit_owner,
#      emptied by Flyway at the service's start);
#   2. the packaged audit-service on a free port against it;
#   3. EVENTS events (default 100,000) appended through POST /internal/v1/events in batches of 1,000, with an
#      intake service token minted here from the dev keys;
#   4. the verification run RUNS times (default 5); prints each run's time and events/s, and the median.
# Exits non-zero if any verification does not report the log valid. Not a test: the figure depends on the machine.
#
# Usage: deploy/bench/audit-verify.sh [--events N] [--runs N] [--build]
#   --build   package audit-service first (mvn -q -pl audit-service package -DskipTests); done anyway if no jar
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
local_dir="$repo_root/deploy/local"
keys_dir="$local_dir/.keys"
jar="$repo_root/audit-service/target/quarkus-app/quarkus-run.jar"
work_dir="$repo_root/audit-service/target/bench"
db=audit_bench
batch_size=1000
ready_timeout=90

events=100000
runs=5
build=false

log() { echo "audit-verify: $*"; }
die() { echo "audit-verify: $*" >&2; exit 1; }
usage() { echo "usage: $(basename "$0") [--events N] [--runs N] [--build]" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || usage; events="$2"; shift 2 ;;
    --runs)   [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || usage; runs="$2"; shift 2 ;;
    --build)  build=true; shift ;;
    *) usage ;;
  esac
done

# Roles (audit, audit_owner) and dev keys, as for running the system.
"$local_dir/db-setup.sh" >/dev/null
"$local_dir/keys.sh" >/dev/null

if psql -X -w -h localhost -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
  psql_cmd=(psql -X -q -At -v ON_ERROR_STOP=1 -h localhost -U postgres -w)
elif [[ $EUID -eq 0 ]]; then
  psql_cmd=(runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1)
else
  psql_cmd=(sudo -u postgres psql -X -q -At -v ON_ERROR_STOP=1)
fi
"${psql_cmd[@]}" -d postgres -v name="$db" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER audit_owner ENCODING %L TEMPLATE template0', :'name', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')
\gexec
SQL
"${psql_cmd[@]}" -d "$db" -c 'ALTER SCHEMA public OWNER TO audit_owner'

if $build || [[ ! -f "$jar" ]]; then
  log "packaging audit-service"
  (cd "$repo_root" && mvn -B -q -pl audit-service package -DskipTests)
fi

mkdir -p "$work_dir"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo 18083)"
base="http://localhost:$port"
service_log="$work_dir/audit-service.log"
log "starting audit-service on :$port against $db (log $service_log)"
env QUARKUS_HTTP_PORT="$port" \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:5432/$db" \
  QUARKUS_DATASOURCE_PASSWORD=audit \
  QUARKUS_FLYWAY_PASSWORD=audit_owner \
  QUARKUS_FLYWAY_CLEAN_AT_START=true QUARKUS_FLYWAY_CLEAN_DISABLED=false \
  CNX_LOG_CHECKPOINT_PERIOD=1h \
  CNX_KEYS_DIR="$keys_dir" \
  bash -c 'cd "$1" && exec java "@$2" -jar quarkus-run.jar' _ "$(dirname "$jar")" "$repo_root/deploy/jvm.options" \
  >"$service_log" 2>&1 &
service_pid=$!
trap 'kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true' EXIT

deadline=$((SECONDS + ready_timeout))
until curl -fsS -o /dev/null -m 2 "$base/q/health/ready" 2>/dev/null; do
  kill -0 "$service_pid" 2>/dev/null || { tail -n 30 "$service_log" >&2; die "audit-service exited"; }
  (( SECONDS < deadline )) || die "audit-service not ready after ${ready_timeout}s; see $service_log"
  sleep 1
done

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# RS256 JWT signed with the key given as $1.
jwt() {
  local key="$1" payload="$2" input
  input="$(printf '%s' '{"alg":"RS256","typ":"JWT"}' | b64url).$(printf '%s' "$payload" | b64url)"
  printf '%s.%s' "$input" "$(printf '%s' "$input" | openssl dgst -sha256 -sign "$key" -binary | b64url)"
}
service_token() {
  local now; now="$(date +%s)"
  jwt "$keys_dir/intake-private.pem" "{\"iss\":\"cnx-intake\",\"sub\":\"cnx-intake\",\"aud\":\"cnx-audit\",\"iat\":$now,\"exp\":$((now + 300)),\"jti\":\"$(cat /proc/sys/kernel/random/uuid)\",\"groups\":[\"service\"]}"
}
auditor_token() {
  "$local_dir/token.sh" auditor US-DEA US --sub bench-auditor --ttl 3600
}

# A batch of intake events that look like real ones (~500 bytes of canonical JSON each), with unique ids.
run_id="$(cut -c1-8 /proc/sys/kernel/random/uuid)"
batch() {
  awk -v run="$run_id" -v b="$1" -v n="$2" 'BEGIN {
    printf "[";
    for (i = 0; i < n; i++) {
      if (i) printf ",";
      printf "{\"eventId\":\"%s-%04x-4%03x-8000-%012x\",\"occurredAt\":\"2026-03-01T12:%02d:%02d.%03dZ\",", run, b % 65536, i % 4096, b * 100000 + i, (i / 60) % 60, i % 60, i % 1000;
      printf "\"service\":\"intake\",\"action\":\"REPORT_RECEIVED\",\"outcome\":\"SUCCESS\",";
      printf "\"actor\":{\"sub\":\"cbp-system-%d\",\"agency\":\"US-CBP\",\"roles\":[\"partner\"]},", i % 7;
      printf "\"subject\":{\"reportId\":\"%s-0000-4000-8000-%012x\"},", run, b * 100000 + i;
      printf "\"payloadSha256\":\"%064x\",", b * 100000 + i;
      printf "\"details\":{\"type\":\"PRECURSOR_SHIPMENT\",\"tlp\":\"AMBER\",\"externalRef\":\"CBP-%d-%d\",\"watchlistHits\":[\"39742-60-4\"],\"substances\":1}}", b, i;
    }
    printf "]";
  }'
}

log "appending $events events in batches of $batch_size"
start_ns="$(date +%s%N)"
appended=0
b=0
token="$(service_token)"
while (( appended < events )); do
  n=$(( events - appended < batch_size ? events - appended : batch_size ))
  (( b % 50 == 0 )) && token="$(service_token)"
  result="$(batch "$b" "$n" | curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary @- "$base/internal/v1/events")" || die "append of batch $b failed; see $service_log"
  [[ "$result" == *"\"appended\":$n"* ]] || die "batch $b: unexpected response $result"
  appended=$((appended + n))
  b=$((b + 1))
done
append_s="$(awk -v ns="$(( $(date +%s%N) - start_ns ))" 'BEGIN { printf "%.2f", ns / 1e9 }')"
log "appended $appended events in ${append_s}s ($(awk -v n="$appended" -v s="$append_s" 'BEGIN { printf "%.0f", n / s }') events/s, HTTP batches incl.)"

auditor="$(auditor_token)"
rates=()
for run in $(seq 1 "$runs"); do
  out="$(curl -fsS -H "Authorization: Bearer $auditor" -w '\n%{time_total}' "$base/api/v1/log/verification")" \
    || die "verification failed; see $service_log"
  body="$(head -n 1 <<<"$out")"
  seconds="$(tail -n 1 <<<"$out")"
  size="$(grep -o '"size":[0-9]*' <<<"$body" | head -n 1 | cut -d: -f2)"
  [[ "$body" == *'"valid":true'* ]] || die "run $run: the log is not valid: $body"
  rate="$(awk -v n="$size" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')"
  rates+=("$rate")
  log "run $run: verified $size events, valid, in ${seconds}s = $rate events/s"
done
median="$(printf '%s\n' "${rates[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
log "median verification rate over $runs runs: $median events/s (whole HTTP request: head signing, one pass over the log, audit of the read)"
