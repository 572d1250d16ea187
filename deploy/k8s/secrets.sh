#!/usr/bin/env bash
# Creates what deploy/k8s expects but git must never hold, in namespace cnx, idempotently (existing ones are kept):
#   - cnx-public-keys (ConfigMap): the public keys the services verify tokens with;
#   - cnx-<service>-signing-key (Secret): each service's own private key, mounted in its pods only;
#   - cnx-db-<role> (basic-auth Secrets): the database roles' passwords, random, which CloudNativePG sets and the
#     services read.
# The keys come from KEYS_DIR (default: the dev keys of deploy/local/keys.sh, made if missing). For production,
# point KEYS_DIR at keys from your key store, and the IdP's public key at your identity provider's.
#   deploy/k8s/secrets.sh        (kubectl's current context; then: kubectl apply -k deploy/k8s)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
namespace=cnx
keys_dir=${KEYS_DIR:-}
if [[ -z "$keys_dir" ]]; then
  "$here/../local/keys.sh" >/dev/null
  keys_dir="$here/../local/.keys"
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
create configmap cnx-public-keys --from-file="$keys_dir/idp-public.pem" \
  --from-file="$keys_dir/intake-public.pem" --from-file="$keys_dir/sharing-public.pem"
for service in intake sharing audit; do
  create secret "cnx-$service-signing-key" --from-file="$keys_dir/$service-private.pem"
done
for role in intake sharing audit audit_owner; do
  create secret "cnx-db-${role//_/-}" --type=kubernetes.io/basic-auth \
    --from-literal=username="$role" --from-literal=password="$(openssl rand -hex 24)"
done
