#!/usr/bin/env bash
# Makes PostgreSQL on localhost:5432 ready for cnx, idempotently (re-running is harmless):
#   - installs PostgreSQL from Debian packages if it is missing, starts the cluster(s) if not running;
#   - creates the login roles intake, sharing, audit and the databases
#     intake, sharing, audit (dev/run), intake_test, sharing_test, audit_test (tests) and *_bench (deploy/bench),
#     each owned by the role of its service -- except audit's: the exchange log must be append-only, so
#     audit_owner owns audit and audit_test (and runs their migrations) while the app role audit may only
#     INSERT and SELECT the log (DESIGN §4). Objects an older set-up left owned by audit are handed over.
#   --test-superuser: also the superuser role cnx_test_superuser, with which audit's tests play an attacker with full
#   database access (deploy/local/test.sh passes it): a fresh Debian PostgreSQL asks postgres for a password on TCP.
#   Its password is random, kept in deploy/local/.keys/cnx_test_superuser.password (git-ignored, readable by its
#   owner alone): a superuser may run programs as the postgres OS user.
# DEV ONLY: each service role's password equals its name. Never use this script against a shared or
# production server; there the passwords come from a secret store (QUARKUS_DATASOURCE_PASSWORD).
set -euo pipefail

test_superuser=false
for arg in "$@"; do
  case "$arg" in
    --test-superuser) test_superuser=true ;;
    *) echo "usage: $(basename "$0") [--test-superuser]" >&2; exit 2 ;;
  esac
done

pg_host=localhost
pg_port=5432
services=(intake sharing audit)
# service -> the role that owns its databases and schema, when it is not the service's own login role
declare -A schema_owners=([audit]=audit_owner)

log() { echo "db-setup: $*"; }
die() { echo "db-setup: $*" >&2; exit 1; }

# shellcheck source=as-root.sh
. "$(dirname "${BASH_SOURCE[0]}")/as-root.sh"

ready() { pg_isready -q -h "$pg_host" -p "$pg_port" >/dev/null 2>&1; }

installed_versions() {
  local d
  for d in /etc/postgresql/*/; do
    [[ -d "$d" ]] && basename "$d"
  done
  return 0
}

ensure_running() {
  if command -v pg_isready >/dev/null && ready; then
    return
  fi

  if [[ -z "$(installed_versions)" ]]; then
    log "PostgreSQL is not installed; installing it with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    # a locale the machine lacks (one an ssh client forwards) failed the cluster's creation inside the install
    as_root env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 LANG=C.UTF-8 apt-get install -y postgresql
    [[ -n "$(installed_versions)" ]] || die "apt-get install postgresql did not create a cluster under /etc/postgresql"
  fi

  local version
  for version in $(installed_versions); do
    if [[ ! -d "/etc/postgresql/$version/main" ]]; then
      log "creating cluster $version/main"
      as_root env LC_ALL=C.UTF-8 LANG=C.UTF-8 pg_createcluster "$version" main
    fi
    log "starting cluster $version/main"
    # "already running" (exit 2) is fine: it may just not be accepting connections yet.
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done

  local waited=0
  until ready; do
    (( waited < 30 )) || die "PostgreSQL is still not accepting connections on $pg_host:$pg_port after 30 s (is the cluster on another port? see pg_lsclusters)"
    sleep 1
    waited=$((waited + 1))
  done
  log "PostgreSQL is accepting connections on $pg_host:$pg_port"
}

# Chooses how to run SQL as a superuser: TCP as postgres if that works without a password
# (-w never prompts), else the postgres OS user over the local socket (peer auth, Debian default).
psql_cmd=()
choose_superuser() {
  if psql -X -w -h "$pg_host" -p "$pg_port" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
    psql_cmd=(psql -h "$pg_host" -p "$pg_port" -U postgres -w)
  elif [[ $EUID -eq 0 ]]; then
    psql_cmd=(runuser -u postgres -- psql -p "$pg_port")
  elif command -v sudo >/dev/null; then
    psql_cmd=(sudo -u postgres psql -p "$pg_port")
  else
    die "cannot connect as superuser postgres (no passwordless TCP login, not root, no sudo)"
  fi
}

# sql <<'SQL' ... : runs a script against the postgres database; prints tuples unaligned.
sql() { "${psql_cmd[@]}" -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"; }

# audit's log needs PostgreSQL 14 or later (bit_count in its Merkle tree): an older server failed its migration
ensure_version() {
  local version
  version="$(sql <<<"SHOW server_version_num")"
  (( version >= 140000 )) || die "PostgreSQL on $pg_host:$pg_port is version $(sql <<<"SHOW server_version"); cnx needs 14 or later"
}

ensure_role() {
  local role="$1"
  if [[ -n "$(sql -v name="$role" <<<"SELECT 1 FROM pg_roles WHERE rolname = :'name'")" ]]; then
    return
  fi
  # Dev-only password = role name (see the header). WHERE NOT EXISTS keeps a concurrent run harmless.
  sql -v name="$role" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'name')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name')
\gexec
SQL
  echo "created role $role (login, dev password '$role')"
}

# The tests' superuser, its password random and kept in a file only its owner reads (set again on every run: the
# file of another clone may have set it before). The password goes to psql on its input, never on a command line
# (ps, sudo's log); it is hex digits, so it is quoted as it is. A concurrent run writes its own file aside and keeps
# whichever landed first.
ensure_test_superuser() {
  local keys_dir file password fresh
  keys_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.keys"
  file="$keys_dir/cnx_test_superuser.password"
  if [[ ! -s "$file" ]]; then
    mkdir -p "$keys_dir"
    fresh="$(mktemp "$keys_dir/.cnx_test_superuser.XXXXXX")"
    head -c 24 /dev/urandom | od -An -v -tx1 | tr -d ' \n' > "$fresh"
    mv -n "$fresh" "$file" || true # a run that wrote one first keeps it
    rm -f "$fresh"
  fi
  password="$(<"$file")"
  [[ "$password" =~ ^[0-9a-f]+$ ]] || die "$file holds no password of hex digits; delete it and run again"
  sql <<SQL
DO \$\$ BEGIN CREATE ROLE cnx_test_superuser; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;
ALTER ROLE cnx_test_superuser LOGIN SUPERUSER PASSWORD '$password';
SQL
  log "superuser cnx_test_superuser for the tests, its password in $file"
}

ensure_database() {
  local db="$1" owner="$2" current
  current="$(sql -v name="$db" <<<"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'name'")"
  if [[ -z "$current" ]]; then
    # CREATE DATABASE cannot run inside a DO block, hence \gexec.
    sql -v name="$db" -v owner="$owner" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'name', :'owner', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')
\gexec
SQL
    echo "created database $db (owner $owner)"
  elif [[ "$current" != "$owner" ]]; then
    sql -v name="$db" -v owner="$owner" <<'SQL'
SELECT format('ALTER DATABASE %I OWNER TO %I', :'name', :'owner')
\gexec
SQL
    echo "changed owner of database $db from $current to $owner"
  fi
}

# Makes role $2 own schema public of database $1 (by default the database owner's), and takes CREATE on it from
# PUBLIC (PostgreSQL 14 still grants it to every role): the app role then only has USAGE there and cannot create
# objects next to the log.
ensure_schema_owned() {
  local db="$1" owner="$2" current
  "${psql_cmd[@]}" -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<<"REVOKE CREATE ON SCHEMA public FROM PUBLIC"
  current="$("${psql_cmd[@]}" -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<<"SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'")"
  if [[ "$current" != "$owner" ]]; then
    "${psql_cmd[@]}" -X -q -At -v ON_ERROR_STOP=1 -d "$db" -v owner="$owner" <<'SQL'
SELECT format('ALTER SCHEMA public OWNER TO %I', :'owner')
\gexec
SQL
    echo "changed owner of schema public in $db from $current to $owner"
  fi
}

# Hands the objects that role $2 owns in database $1 (e.g. tables an older set-up migrated as the app role)
# to role $3. A no-op when there are none.
ensure_objects_owned() {
  local db="$1" from="$2" to="$3" count
  count="$("${psql_cmd[@]}" -X -q -At -v ON_ERROR_STOP=1 -d "$db" -v role="$from" <<'SQL'
SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = :'role')
SQL
)"
  if [[ "$count" != 0 ]]; then
    "${psql_cmd[@]}" -X -q -At -v ON_ERROR_STOP=1 -d "$db" -v from="$from" -v to="$to" <<'SQL'
SELECT format('REASSIGN OWNED BY %I TO %I', :'from', :'to')
\gexec
SQL
    echo "handed $count object(s) in $db from $from to $to"
  fi
}

ensure_running
choose_superuser
ensure_version
for service in "${services[@]}"; do
  ensure_role "$service"
  [[ -z "${schema_owners[$service]:-}" ]] || ensure_role "${schema_owners[$service]}"
done
if $test_superuser; then
  ensure_test_superuser
fi
for service in "${services[@]}"; do
  owner="${schema_owners[$service]:-$service}"
  # dev/run, tests, and the benchmark (deploy/bench), so that a benchmark and a test run never share data
  for db in "$service" "${service}_test" "${service}_bench"; do
    ensure_database "$db" "$owner"
    if [[ "$owner" != "$service" ]]; then
      ensure_schema_owned "$db" "$owner"
      ensure_objects_owned "$db" "$service" "$owner"
    fi
  done
done
log "ready: roles ${services[*]} ${schema_owners[*]}; databases ${services[*]} and their *_test and *_bench twins on $pg_host:$pg_port"
