#!/usr/bin/env bash
# The main job, end to end on this machine (README "Demo"): build the jar, start three local test
# machines, build and sign an offline bundle, create the PKI, and `install` the cluster on them
# (bootstrap server, then two agents), ending with the summary table and a kubeconfig.
#
# What gets installed is the RKE2 CONTRACT DOUBLE (test-vms/rke2-double), NOT RKE2: real RKE2
# artifacts need a bundle built where there is internet (bundles/rke2-v1.35.yaml, airgap/README.md).
# Everything seed-bootstrap does here is what it does on a real site; only the artifacts differ.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== building seed-bootstrap.jar" >&2
mvn -B -q package -DskipTests
JAR="$PWD/agent/target/seed-bootstrap.jar"
echo "== starting the Docker engine and 3 test machines" >&2
bash test-vms/start-docker.sh
bash test-vms/build-image.sh
bash test-vms/up.sh 3 --replace
RUN=test-vms/.run
DEMO="$RUN/demo"
export SEED_SUDO_PASSWORD="$(cat "$RUN/sudo_password" 2>/dev/null || true)"

echo "== building a signed bundle from the RKE2 contract double's artifacts (a test double, not RKE2)" >&2
rm -rf "$DEMO" && mkdir -p "$DEMO"
bash test-vms/rke2-double/make-artifacts.sh "$DEMO/mirror" >/dev/null
bash test-vms/rke2-double/make-demo-charts.sh "$DEMO/mirror"   # stand-in charts for the seed-app phases
FINGERPRINT="$(java -jar "$JAR" bundle keygen --out "$DEMO/signing-key" 2>/dev/null | head -n1)"
java -jar "$JAR" bundle create --bom test-vms/rke2-double/bom.yaml --mirror "$DEMO/mirror" \
  --signing-key "$DEMO/signing-key/bundle-signing.key" --out "$DEMO/bundle"
# pin the signing key and the bundle in the inventory up.sh wrote, and turn on the seed apps the
# demo can show: cert-manager with the site CA issuer, ArgoCD with a site certificate. Rancher stays
# off: air-gapped, it needs a site registry (bundle push), which the demo does not run.
printf 'bundle:\n  path: ./demo/bundle\n  signingKeyFingerprint: "%s"\n' "$FINGERPRINT" >> "$RUN/inventory.yaml"
python3 - "$RUN/inventory.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"apps:\n(  .*\n)+", "apps:\n  certManager: {enabled: true}\n  rancher: {enabled: false}\n"
           "  argocd: {enabled: true, hostname: argocd.demo.example.internal}\n", s)
open(p, "w").write(s)
PY

echo "== seed-bootstrap inventory validate $RUN/inventory.yaml" >&2
java -jar "$JAR" inventory validate "$RUN/inventory.yaml"
echo "== seed-bootstrap pki init $RUN/inventory.yaml (cluster + site CAs, join tokens)" >&2
java -jar "$JAR" pki init "$RUN/inventory.yaml"
echo "== seed-bootstrap install $RUN/inventory.yaml --dry-run" >&2
java -jar "$JAR" install "$RUN/inventory.yaml" --dry-run
echo "== seed-bootstrap install $RUN/inventory.yaml" >&2
java -jar "$JAR" install "$RUN/inventory.yaml"
echo "== again: a converged cluster is left alone" >&2
java -jar "$JAR" install "$RUN/inventory.yaml" | tail -n 2
echo "== done. The test machines stay up (bash test-vms/down.sh stops them). Remember: this was the RKE2" >&2
echo "   contract double, not RKE2; a real site runs the same commands with a bundle built from bundles/rke2-v1.35.yaml." >&2
