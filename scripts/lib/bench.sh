# Shared by scripts/bench-create.sh and scripts/bench-verify.sh (sourced, not run).
# bench_prepare_fixture WHAT: defines seed(), fills $dir with a mirror of ~$size_mib MiB in
# $files image files plus bom.yaml (WHAT only names the fixture in the progress line).
# Uses the caller's $repo, $jar, $dir, $keep, $size_mib, $files.
bench_prepare_fixture() {
    seed() { java -jar "$jar" "$@"; }

    rm -rf "$dir"
    mkdir -p "$dir/mirror/images"
    [ "$keep" = 1 ] || trap 'rm -rf "$dir"' EXIT

    echo "== preparing a $1 of ~${size_mib} MiB in $dir" >&2
    bash "$repo/test-vms/rke2-double/make-artifacts.sh" "$dir/mirror" >/dev/null
    per_file=$(( size_mib / files ))
    images=""
    for i in $(seq 1 "$files"); do
        ref="registry.example.internal/bench/image-$i:v1"
        name=$(python3 -c 'import hashlib,re,sys; r=sys.argv[1]; s=re.sub(r"[^A-Za-z0-9._-]","_",r)[:100]; print(s+"-"+hashlib.sha256(r.encode()).hexdigest()[:8]+".tar")' "$ref")
        # random (incompressible) content, fast: AES-CTR keystream
        (openssl enc -aes-128-ctr -nosalt -pass "pass:bench-$i" -in /dev/zero 2>/dev/null || true) | head -c "$(( per_file * 1024 * 1024 ))" > "$dir/mirror/images/$name"
        images="$images      - ref: $ref"$'\n'
    done
    mkdir -p "$dir/chart/rancher"
    printf 'apiVersion: v2\nname: rancher\nversion: 2.14.3\nappVersion: v2.14.3\nkubeVersion: "< 1.36.0-0"\n' > "$dir/chart/rancher/Chart.yaml"
    tar -czf "$dir/mirror/rancher-2.14.3.tgz" -C "$dir/chart" rancher
    u=https://example.test
    cat > "$dir/bom.yaml" <<EOF
apiVersion: seed-bootstrap/bom-v1
name: bench
rke2:
  version: v1.35.7+rke2r1
  arch: amd64
  artifacts:
    - {file: rke2.linux-amd64.tar.gz, kind: tarball, url: $u/rke2.linux-amd64.tar.gz}
    - {file: sha256sum-amd64.txt, kind: checksums, url: $u/sha256sum-amd64.txt}
    - {file: install.sh, kind: install-script, url: $u/install.sh}
    - {file: rke2-images-core.linux-amd64.tar.zst, kind: images, url: $u/rke2-images-core.linux-amd64.tar.zst}
    - {file: rke2-images-canal.linux-amd64.tar.zst, kind: images, cni: canal, url: $u/rke2-images-canal.linux-amd64.tar.zst}
charts:
  - name: rancher
    version: 2.14.3
    kubeVersion: "< 1.36.0-0"
    file: rancher-2.14.3.tgz
    url: $u/rancher-2.14.3.tgz
    images:
$images
EOF
}

# bench_median: the median of the numbers on stdin (space or newline separated).
bench_median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# bench_double_bundle DIR SIZE_MIB: a signed bundle of the RKE2 contract double (a test double,
# not RKE2) in DIR/bundle, its core image archive padded with SIZE_MIB MiB of random data so file
# bytes, not command text, dominate (as with real multi-GiB image archives). Needs seed() and zstd.
# Sets BUNDLE_FP (the signing key's fingerprint) and BUNDLE_BYTES. Used by bench-install.sh and
# bench-scale.sh.
bench_double_bundle() {
  local dir=$1 size_mib=$2 core=rke2-images-core.linux-amd64.tar.zst sum
  bash test-vms/rke2-double/make-artifacts.sh "$dir/mirror" >/dev/null
  bash test-vms/rke2-double/make-demo-charts.sh "$dir/mirror"
  zstd -q -d -c "$dir/mirror/$core" > "$dir/core.tar"
  openssl enc -aes-128-ctr -nosalt -pass pass:bench -in /dev/zero 2>/dev/null | head -c $((size_mib << 20)) > "$dir/filler-layer.bin" || true
  tar -C "$dir" -rf "$dir/core.tar" filler-layer.bin
  zstd -q -1 -f "$dir/core.tar" -o "$dir/mirror/$core"
  sum=$(sha256sum < "$dir/mirror/$core" | cut -c1-64)
  sed -i "s/^[0-9a-f]\{64\}  $core\$/$sum  $core/" "$dir/mirror/sha256sum-amd64.txt"
  rm -f "$dir/core.tar" "$dir/filler-layer.bin"
  BUNDLE_FP=$(seed bundle keygen --out "$dir/key" 2>/dev/null | head -n1)
  seed bundle create --bom test-vms/rke2-double/bom.yaml --mirror "$dir/mirror" --signing-key "$dir/key/bundle-signing.key" \
    --out "$dir/bundle" >/dev/null 2>&1
  BUNDLE_BYTES=$(find "$dir/bundle" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
}

# bench_json FILE EXPR: EXPR evaluated in Python over the JSON document FILE, as d.
bench_json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$@"; }

# bench_jar_and_image: builds this checkout's jar (sets JAR, defines seed()), starts the Docker
# engine and sets IMAGE to the test machine image (the one there, else built). Used by
# bench-scale.sh and bench-upload-install.sh.
bench_jar_and_image() {
  mvn -B -q -o package -DskipTests 2>/dev/null || mvn -B -q package -DskipTests
  JAR=$PWD/agent/target/seed-bootstrap.jar
  seed() { java -jar "$JAR" "$@"; }
  bash test-vms/start-docker.sh
  IMAGE=${SEED_TESTVM_IMAGE:-seed-bootstrap-testvm:latest}
  docker image inspect "$IMAGE" >/dev/null 2>&1 || IMAGE=$(bash test-vms/build-image.sh)
}
