#!/usr/bin/env bash
# Coverage-guided fuzzing on demand (README "Security notes"): runs each Jazzer fuzz test of the
# readers of untrusted bytes in fuzzing mode for SECONDS (default 300), under the same small heap
# as in `mvn test`. A crash is saved by Jazzer as a new input beside the committed corpus
# (agent/src/test/resources/io/seedbootstrap/**/<Test>Inputs/<method>/crash-*): fix the reader,
# keep the file (every later `mvn test` replays it), commit both. The corpus Jazzer grows while it
# searches stays in agent/.cifuzz-corpus/ (not committed).
#   bash scripts/fuzz.sh [SECONDS] [Class#method ...]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(InventoryFuzzTest#seedYaml AnsibleFuzzTest#ini AnsibleFuzzTest#yaml BomFuzzTest#bom
           BundleManifestFuzzTest#signedManifest BundleManifestFuzzTest#signatureFile
           DrArchiveFuzzTest#sealedFile DrArchiveFuzzTest#innerTar KnownHostsFuzzTest#knownHosts)
fi
mvn -B -q test-compile -pl agent || exit 1
failed=()
for target in "${targets[@]}"; do
  echo "== fuzzing $target for ${seconds}s"
  log=$(mktemp -t "fuzz-${target//#/-}.XXXX.log")
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" mvn -B surefire:test@fuzz -pl agent -Dtest="$target" >"$log" 2>&1; then
    grep -a -E '^Done [0-9]+ runs' "$log" | tail -1
  else
    failed+=("$target")
    grep -a -E 'Done [0-9]+ runs|crash-|Test unit written|==[0-9]+== ERROR|Exception|Error' "$log" | head -20
    echo "   full output: $log"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "findings in: ${failed[*]} (new inputs under agent/src/test/resources/io/seedbootstrap/)"
  exit 1
fi
echo "no findings in ${#targets[@]} target(s)"
