#!/usr/bin/env bash
# Regenerates domain/data/communes.tsv, the official list of communes (INSEE's code officiel
# géographique as Etalab publishes it, MIT licence) from the npm package
# @etalab/decoupage-administratif. Not part of CI: run it when a new list is published, then
# check the counts in domain/src/commune.rs's tests. Usage: .ci/communes.sh [version]
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-6.0.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@etalab/decoupage-administratif@$version" >/dev/null && tar xzf ./*.tgz)
python3 - "$work/package/data/communes.json" "$version" > domain/data/communes.tsv <<'PY'
import json, sys
communes = sorted((c for c in json.load(open(sys.argv[1])) if c.get("type") == "commune-actuelle"),
                  key=lambda c: c["code"])
print("# Les communes de France (code officiel géographique de l'INSEE), une par ligne : code INSEE, nom, département.")
print(f"# Source : @etalab/decoupage-administratif {sys.argv[2]} (data/communes.json, type commune-actuelle), licence MIT, Etalab.")
print("# Régénérer : .ci/communes.sh (npm pack, puis ce tri).")
for c in communes:
    print(f"{c['code']}\t{c['nom']}\t{c['departement']}")
PY
wc -l domain/data/communes.tsv
