#!/usr/bin/env bash
# Mints a dev token from the dev identity provider (DESIGN §3): RS256, signed with idp-private.pem.
# Needs only bash, openssl and coreutils (no jq), so it works on a fresh machine.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
issuer="https://idp.cnx.local"
audience="cnx"
max_ttl=3600

usage() {
  cat >&2 <<EOF
usage: $(basename "$0") ROLE AGENCY [COUNTRY] [--sub SUB] [--ttl SECONDS] [--keys DIR]

  ROLE     one of: partner, liaison-officer, auditor, exchange-admin
  AGENCY   agency code, e.g. US-CBP, CN-GACC
  COUNTRY  ISO 3166-1 alpha-2, two upper-case letters, e.g. US, CN
           (default: the agency's prefix when it is one, as US in US-CBP)
  --sub    subject (default: dev-<role>-<agency lower-case>: one person per role and agency;
           give --sub for a second officer of the same agency, e.g. a two-approver release)
  --ttl    lifetime in seconds, 1..$max_ttl (default: $max_ttl)
  --keys   key directory holding idp-private.pem (default: $script_dir/.keys)

example: TOKEN=\$($0 partner US-CBP US)
EOF
  exit 2
}

fail() {
  echo "token.sh: $*" >&2
  usage
}

positional=()
sub=""
ttl="$max_ttl"
keys_dir="$script_dir/.keys"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sub)  [[ $# -ge 2 ]] || fail "--sub needs a value";  sub="$2"; shift 2 ;;
    --ttl)  [[ $# -ge 2 ]] || fail "--ttl needs a value";  ttl="$2"; shift 2 ;;
    --keys) [[ $# -ge 2 ]] || fail "--keys needs a value"; keys_dir="$2"; shift 2 ;;
    -h|--help) usage ;;
    --*) fail "unknown option $1" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[[ ${#positional[@]} -eq 2 || ${#positional[@]} -eq 3 ]] || fail "expected ROLE AGENCY [COUNTRY]"
role="${positional[0]}"
agency="${positional[1]}"
if [[ ${#positional[@]} -eq 3 ]]; then
  country="${positional[2]}"
elif [[ "$agency" =~ ^([A-Z]{2})- ]]; then
  country="${BASH_REMATCH[1]}" # DESIGN §3: a token for a role + agency
else
  fail "agency '$agency' has no country prefix (XX-...): give the COUNTRY"
fi

case "$role" in
  partner|liaison-officer|auditor|exchange-admin) ;;
  *) fail "role '$role' is not a human/partner role (service tokens are minted by the services themselves)" ;;
esac
# the services refuse an agency past 32 characters or a sub past 255 (a 401 that says nothing): refused here, said
[[ "$agency" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$ ]] \
  || fail "agency '$agency' must be 1 to 32 letters, digits, '-', '_' or '.'"
[[ "$country" =~ ^[A-Z]{2}$ ]] || fail "country '$country' must be two upper-case letters"
# shellcheck disable=SC2015 # fail when either test fails
[[ "$ttl" =~ ^[0-9]{1,9}$ ]] && (( 10#$ttl >= 1 && 10#$ttl <= max_ttl )) || fail "ttl '$ttl' must be 1..$max_ttl seconds"
ttl=$((10#$ttl))
[[ -n "$sub" ]] || sub="dev-$role-${agency,,}"
[[ "$sub" != *[[:cntrl:]]* ]] || fail "sub must not contain control characters"
(( ${#sub} <= 255 )) || fail "sub must be at most 255 characters"

private_key="$keys_dir/idp-private.pem"
[[ -r "$private_key" ]] || { echo "token.sh: $private_key not found; run deploy/local/keys.sh first" >&2; exit 1; }

# JSON string escaping for the values we interpolate (control characters were refused above).
json_string() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

now="$(date +%s)"
jti="$(cat /proc/sys/kernel/random/uuid)"

header='{"alg":"RS256","typ":"JWT"}'
payload="{\"iss\":$(json_string "$issuer"),\"sub\":$(json_string "$sub"),\"aud\":$(json_string "$audience"),"
payload+="\"iat\":$now,\"exp\":$((now + ttl)),\"jti\":$(json_string "$jti"),"
payload+="\"groups\":[$(json_string "$role")],\"agency\":$(json_string "$agency"),\"country\":$(json_string "$country")}"

signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$payload" | b64url)"
signature="$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$private_key" -binary | b64url)"
printf '%s.%s\n' "$signing_input" "$signature"
