#!/usr/bin/env bash
# Creates what deploy/k8s expects but git must never hold, in namespace cnx, idempotently (existing ones are kept; keys that
# differ from KEYS_DIR's stop it):
#   - cnx-public-keys (ConfigMap): the public keys the services verify tokens with;
#   - cnx-<service>-signing-key (Secret): each service's own private key, mounted in its pods only;
#   - cnx-db-<role> (basic-auth Secrets): the database roles' passwords, random, which CloudNativePG sets and the
#     services read.
# The keys come from KEYS_DIR: keys from your key store, with your identity provider's public key as idp-public.pem.
# A cluster to try cnx in may take the dev keys of deploy/local/keys.sh instead, with --dev: anyone holding the dev
# IdP's private key (on the machine that made it) can then mint any person's token the cluster accepts.
#   KEYS_DIR=/path/to/keys deploy/k8s/secrets.sh     (kubectl's current context; then: kubectl apply -k deploy/k8s)
#   deploy/k8s/secrets.sh --dev                       (a trial cluster, with the dev keys)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
namespace=cnx
keys_dir=${KEYS_DIR:-}
if [[ "${1:-}" == --dev ]]; then
  [[ -z "$keys_dir" ]] || { echo "secrets: --dev uses the dev keys; unset KEYS_DIR" >&2; exit 2; }
  "$here/../local/keys.sh" >/dev/null
  keys_dir="$here/../local/.keys"
elif [[ -z "$keys_dir" || $# -gt 0 ]]; then
  echo "usage: KEYS_DIR=/path/to/keys $0    or, for a trial cluster with the dev keys: $0 --dev" >&2
  exit 2
elif [[ -e "$keys_dir/idp-private.pem" ]]; then
  # the identity provider's private key has no place beside the cluster's keys: these are the dev ones
  echo "secrets: $keys_dir holds idp-private.pem, the dev identity provider's; give your IdP's public key alone" >&2
  exit 2
fi

exists() { kubectl -n "$namespace" get "$1" "$2" >/dev/null 2>&1; }
create() { # kind name args...: created when missing, never overwritten (a secret is a generic one)
  local kind=$1 name=$2 subtype=()
  shift 2
  [[ $kind != secret ]] || subtype=(generic)
  if exists "$kind" "$name"; then
    echo "secrets: $kind/$name exists; kept"
  else
    kubectl -n "$namespace" create "$kind" "${subtype[@]}" "$name" "$@" >/dev/null
    echo "secrets: created $kind/$name"
  fi
}

kubectl get namespace "$namespace" >/dev/null 2>&1 || kubectl create namespace "$namespace" >/dev/null
# keys are never overwritten: a cluster the earlier secrets.sh gave the dev keys (it did when KEYS_DIR was unset)
# would keep trusting the dev IdP, and signing with the dev keys, whatever KEYS_DIR says now
public_keys=(idp-public.pem intake-public.pem sharing-public.pem) # what the services verify tokens with
services=(intake sharing audit)                                   # each signs with its own <service>-private.pem
for file in "${public_keys[@]}" "${services[@]/%/-private.pem}"; do
  [[ -r "$keys_dir/$file" ]] || { echo "secrets: $keys_dir/$file is missing" >&2; exit 2; }
done
stale=()
if exists configmap cnx-public-keys; then
  for file in "${public_keys[@]}"; do
    held=$(kubectl -n "$namespace" get configmap cnx-public-keys -o go-template="{{index .data \"$file\"}}")
    [[ "$held" == "$(cat "$keys_dir/$file")" ]] || stale+=("configmap/cnx-public-keys ($file)")
  done
fi
for service in "${services[@]}"; do
  file=$service-private.pem
  if exists secret "cnx-$service-signing-key"; then
    held=$(kubectl -n "$namespace" get secret "cnx-$service-signing-key" \
      -o go-template="{{index .data \"$file\" | base64decode}}")
    [[ "$held" == "$(cat "$keys_dir/$file")" ]] || stale+=("secret/cnx-$service-signing-key")
  fi
done
if [[ ${#stale[@]} -gt 0 ]]; then
  echo "secrets: the cluster holds other keys than $keys_dir (the dev ones, if an earlier secrets.sh ran without" >&2
  echo "secrets: KEYS_DIR): ${stale[*]}. Replace them on purpose: kubectl -n $namespace delete each of them," >&2
  echo "secrets: then run this again and restart the pods." >&2
  exit 1
fi
create configmap cnx-public-keys "${public_keys[@]/#/--from-file=$keys_dir/}"
for service in "${services[@]}"; do
  create secret "cnx-$service-signing-key" --from-file="$keys_dir/$service-private.pem"
done
# each password from a file only this user reads, not on kubectl's command line, where ps showed it to every user
secret_dir=$(mktemp -d)
trap 'rm -rf "$secret_dir"' EXIT
for role in intake sharing audit audit_owner; do
  (umask 077 && openssl rand -hex 24 | tr -d '\n' >"$secret_dir/password")
  create secret "cnx-db-${role//_/-}" --type=kubernetes.io/basic-auth \
    --from-literal=username="$role" --from-file=password="$secret_dir/password"
  rm -f "$secret_dir/password"
done
