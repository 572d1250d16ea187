#!/usr/bin/env bash
# Seeds the running local system with demo reports, posted as partner systems would post them:
#   1. CN-GACC: the founding case, 25 kg ANPP bound CN -> MX through US, TLP:AMBER, originator control,
#      naming a person -> reaches US-CBP only after two CN liaison officers approve, without the person
#      (sharing's initial policy); US-DEA is denied by default;
#   2. US-CBP: a TLP:GREEN seizure releasable to CN-NNCC -> delivered at once, signed.
# Idempotent: the reports carry fixed external references, so a second run (run.sh runs this each time) is answered
# with the reports the first filed (intake's 200 for the same reference and content), not a second founding case.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
intake=${CNX_INTAKE_URL:-http://localhost:8081}

post() { # agency country body
  local token
  token=$("$here/token.sh" partner "$1" "$2")
  curl -fsS -X POST "$intake/api/v1/reports" -H "Authorization: Bearer $token" \
       -H 'Content-Type: application/json' --data "$3"
  echo
}

echo "demo-data: CN-GACC reports the founding case (TLP:AMBER, originator control, a person named)"
post CN-GACC CN '{"externalRef":"GACC-DEMO-0001","type":"PRECURSOR_SHIPMENT",
  "title":"25 kg ANPP declared as industrial chemical","summary":"Container bound from CN to MX through US.",
  "occurredAt":"2026-11-20T08:00:00Z","tlp":"AMBER",
  "handling":{"releasableTo":["US-CBP","US-DEA"],"originatorControl":true},
  "substances":[{"name":"ANPP","casNumber":"21409-26-7","quantity":25,"unit":"kg"}],
  "subjects":[{"kind":"PERSON","name":"WANG Li","country":"CN","role":"consignor",
               "identifiers":[{"scheme":"PASSPORT","value":"E12345678"}]},
              {"kind":"COMPANY","name":"Hebei Example Chemical Co.","country":"CN","role":"shipper"}]}'

echo "demo-data: US-CBP reports a seizure (TLP:GREEN, releasable to CN-NNCC)"
post US-CBP US '{"externalRef":"CBP-DEMO-0001","type":"SEIZURE",
  "title":"4 kg fentanyl powder seized at the Nogales port of entry","occurredAt":"2026-11-21T15:30:00Z",
  "tlp":"GREEN","handling":{"releasableTo":["CN-NNCC"]},
  "substances":[{"name":"fentanyl","casNumber":"437-38-7","quantity":4,"unit":"kg"}]}'
