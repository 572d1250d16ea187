# as_root, apt_install_missing and require_java17, sourced by the scripts that install or start what a fresh Debian
# machine lacks (db-setup.sh, run.sh, test.sh, deploy/bench/run.sh); the script sourcing it defines die().
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

# Installs from Debian packages, in one apt-get run, what is missing: each argument is command:package, the package
# installed when the command is not on the PATH.
apt_install_missing() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || [[ " ${missing[*]} " == *" ${pair#*:} "* ]] || missing+=("${pair#*:}")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "installing ${missing[*]} with apt-get" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  fi
}

# Dies unless the java on the PATH is 17 or newer.
require_java17() {
  local version
  # no java at all fails the pipeline, which under pipefail ended the script (127) without a word
  version="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' || true)"
  # shellcheck disable=SC2015 # die when either test fails
  [[ "${version%%.*}" =~ ^[0-9]+$ ]] && (( ${version%%.*} >= 17 )) || die "Java 17 or newer is needed (found '${version:-none}')"
}
