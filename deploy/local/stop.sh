#!/usr/bin/env bash
# Stops what run.sh started (pid files in deploy/local/.run/): SIGTERM, up to 15 s for a graceful
# shutdown, then SIGKILL; removes the pid files. Harmless when nothing is running. A service's first stop
# after a build takes a few seconds more: it writes its AppCDS archive for the next start (run.sh).
#
# Usage: deploy/local/stop.sh [NAME...]   NAME: intake-service, sharing-service, audit-service, demo-partner
#   (default: all of them; one alone frees its port, e.g. for ./mvnw -pl intake-service quarkus:dev)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run_dir="$script_dir/.run"
grace_seconds=15
# reverse start order: the demo partner and the producers first, audit last
names=(demo-partner intake-service sharing-service audit-service)
if (( $# > 0 )); then
  for wanted in "$@"; do
    [[ " ${names[*]} " == *" $wanted "* ]] || { echo "stop: unknown name '$wanted' (one of: ${names[*]})" >&2; exit 2; }
  done
  chosen=()
  for name in "${names[@]}"; do
    [[ " $* " == *" $name "* ]] && chosen+=("$name")
  done
  names=("${chosen[@]}")
fi

# Only a live process that runs a Quarkus app counts: a stale pid may have been reused by anything.
ours() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'quarkus-run.jar'
}

stopped=0
for name in "${names[@]}"; do
  pid_file="$run_dir/$name.pid"
  [[ -f "$pid_file" ]] || continue
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  if [[ ! "$pid" =~ ^[0-9]+$ ]] || ! ours "$pid"; then
    echo "stop: $name was not running (stale pid file removed)"
    rm -f "$pid_file"
    continue
  fi

  echo "stop: stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  waited=0
  while ours "$pid" && (( waited < grace_seconds * 10 )); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if ours "$pid"; then
    echo "stop: $name did not stop within ${grace_seconds} s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in {1..50}; do ours "$pid" || break; sleep 0.1; done
  fi
  rm -f "$pid_file"
  stopped=$((stopped + 1))
done

if (( stopped == 0 )); then
  echo "stop: nothing was running"
else
  echo "stop: stopped $stopped process(es); logs are kept in $run_dir"
fi
