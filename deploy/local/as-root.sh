# Sourced by the scripts that install or start what a fresh Debian machine lacks (db-setup.sh, run.sh, test.sh,
# deploy/bench/run.sh); the script sourcing it defines die().
# shellcheck shell=bash

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}
