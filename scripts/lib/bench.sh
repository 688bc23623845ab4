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
