#!/usr/bin/env bash
# Creates the dev RSA-2048 key pairs (DESIGN §3) idempotently: existing files are kept.
#   idp-*      the dev identity provider (issuer https://idp.cnx.local), used by token.sh
#   intake-*   service key of intake-service  (issuer cnx-intake)
#   sharing-*  service key of sharing-service (issuer cnx-sharing; also signs partner deliveries)
#   audit-*    service key of audit-service   (issuer cnx-audit)
# Private keys: PKCS#8 PEM, mode 600. Public keys: X.509 SubjectPublicKeyInfo PEM.
# Dev only: the directory is git-ignored and no private key is ever committed.
#
# Usage: deploy/local/keys.sh [DIR]   (default: deploy/local/.keys next to this script)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
keys_dir="${1:-$script_dir/.keys}"

command -v openssl >/dev/null || { echo "keys.sh: openssl is required" >&2; exit 1; }

mkdir -p "$keys_dir"
chmod 700 "$keys_dir"

for name in idp intake sharing audit; do
  private="$keys_dir/$name-private.pem"
  public="$keys_dir/$name-public.pem"

  if [[ -s "$private" ]]; then
    echo "kept    $private"
  else
    # Write to a temp file first so an interrupted run never leaves a half-written key behind.
    tmp="$(mktemp "$keys_dir/.$name-private.XXXXXX")"
    (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp" 2>/dev/null)
    chmod 600 "$tmp"
    mv "$tmp" "$private"
    rm -f "$public" # a public key from an older private key would no longer match
    echo "created $private"
  fi
  chmod 600 "$private"

  if [[ -s "$public" ]]; then
    echo "kept    $public"
  else
    openssl pkey -in "$private" -pubout -out "$public"
    chmod 644 "$public"
    echo "created $public"
  fi
done
