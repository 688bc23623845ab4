#!/usr/bin/env bash
# selftest.sh — end-to-end check of the RKE2 contract double (a test double, NOT RKE2) on
# machines started by test-vms/up.sh.
#
#   bash test-vms/up.sh 4 [--dir DIR]          # 4 machines (3 are enough: --machines 3 skips
#   bash test-vms/rke2-double/selftest.sh [--dir DIR] [--docker] [--machines 3|4] [--keep]
#
# Reads DIR/machines.json (default test-vms/.run). Talks to the machines over SSH with
# DIR/ssh_config as the sudo user (or with `docker exec` when --docker is given). Every
# script runs through stdin, so tokens never appear in any argv.
#
# Flow (contract sections in brackets):
#  1. generate artifacts; install by hand on m1/m2 (tar to /usr/local, images to
#     agent/images, daemon-reload) and with install.sh on m3/m4 (A.1, A.2 incl. split gotcha)
#  2. m1: custom CA files (B.1/B.2 layout) + full K10 token + agent-token; systemctl start
#     rke2-server: token/node-token/agent-token, rke2.yaml 0600, 6443 /readyz, node Ready (A.4, B.3)
#  3. m2: agent with the agent token joins; a wrong token is refused (A.10, B.3)
#  4. m3: second server joins as etcd learner, is promoted; join order recorded (A.10)
#  5. m4 (with --machines 4): join refused while another learner exists (A.10), then joins
#  6. manifests: HelmChart with chartContent -> job Complete and release deployed; values that are
#     not YAML -> the job's container keeps failing (no release); no chart -> no job; .skip ignored (D)
#  7. snapshot save; wrong-token restore refused; cluster-reset restore brings back an etcd key
#     and server/tls is recreated from the snapshot's bootstrap data (C)
#  8. rke2-uninstall.sh removes the install (A.4)
# Ends with "N passed, M failed"; exit code 1 when anything failed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=$HERE/../.run MODE=ssh MACHINES=4 KEEP=0
while (($#)); do
    case $1 in
        --dir) DIR=${2:?}; shift 2 ;;
        --docker) MODE=docker; shift ;;
        --machines) MACHINES=${2:?}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[[ -f $DIR/machines.json ]] || { echo "no $DIR/machines.json: run test-vms/up.sh first" >&2; exit 2; }
mapfile -t NAMES < <(python3 -c 'import json,sys; [print(m["name"]) for m in json.load(open(sys.argv[1]))["machines"]]' "$DIR/machines.json")
mapfile -t IPS < <(python3 -c 'import json,sys; [print(m["ip"]) for m in json.load(open(sys.argv[1]))["machines"]]' "$DIR/machines.json")
((${#NAMES[@]} >= MACHINES)) || { echo "need $MACHINES machines, $DIR has ${#NAMES[@]}" >&2; exit 2; }
M1=${NAMES[0]} M2=${NAMES[1]} M3=${NAMES[2]} M4=${NAMES[3]:-}
IP1=${IPS[0]} IP2=${IPS[1]} IP3=${IPS[2]} IP4=${IPS[3]:-}

PASS=0 FAIL=0
ok()   { PASS=$((PASS + 1)); printf 'ok    %s\n' "$*"; }
bad()  { FAIL=$((FAIL + 1)); printf 'FAIL  %s\n' "$*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
step() { printf '\n== %s\n' "$*"; }

# on HOST <<'EOF' ... EOF   — run a bash script as root on HOST, script from stdin
on() {
    local host=$1
    if [[ $MODE == docker ]]; then
        docker exec -i "$host" bash -s
    else
        ssh -F "$DIR/ssh_config" "$host" sudo -n bash -s
    fi
}
# put HOST DESTDIR < tar stream
put() {
    local host=$1 dest=$2
    if [[ $MODE == docker ]]; then
        docker exec -i "$host" sh -c "mkdir -p '$dest' && tar -C '$dest' -x"
    else
        ssh -F "$DIR/ssh_config" "$host" sudo -n sh -c "'mkdir -p $dest && tar -C $dest -x'"
    fi
}
# out HOST 'one-line script'  -> stdout
out() { printf '%s\n' "$2" | on "$1"; }
export -f on out put
export DIR MODE
KUBECTL="/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml"
ETCDCTL="ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:2379"

wait_for() {  # wait_for SECONDS HOST 'condition script'
    local t=$1 host=$2 cond=$3 i
    for ((i = 0; i < t; i++)); do
        if printf '%s\n' "$cond" | on "$host" >/dev/null 2>&1; then return 0; fi
        sleep 1
    done
    return 1
}

cleanup_hosts() {
    for h in "${NAMES[@]:0:MACHINES}"; do
        on "$h" <<'EOF' >/dev/null 2>&1
systemctl stop rke2-server rke2-agent 2>/dev/null
systemctl reset-failed rke2-server rke2-agent 2>/dev/null
[ -x /usr/local/bin/rke2-uninstall.sh ] && /usr/local/bin/rke2-uninstall.sh
rm -rf /root/rke2-artifacts /var/lib/rancher /etc/rancher
true
EOF
    done
}

step "0. clean machines, generate artifacts"
cleanup_hosts
ART=$(mktemp -d)
trap 'rm -rf "$ART"' EXIT
"$HERE/make-artifacts.sh" "$ART" >/dev/null || { echo "make-artifacts failed" >&2; exit 1; }
check "artifacts generated (A.1 names)" test -f "$ART/rke2.linux-amd64.tar.gz" -a -f "$ART/sha256sum-amd64.txt" \
    -a -f "$ART/rke2-images-core.linux-amd64.tar.zst" -a -f "$ART/install.sh"
check "sha256sum-amd64.txt verifies" bash -c "cd '$ART' && sha256sum -c --quiet sha256sum-amd64.txt"

step "1. install: by hand on $M1/$M2, install.sh on $M3${M4:+/$M4}"
for h in "${NAMES[@]:0:MACHINES}"; do tar -C "$ART" -c . | put "$h" /root/rke2-artifacts; done
for h in "$M1" "$M2"; do
    on "$h" <<'EOF'
set -e
cd /root/rke2-artifacts
sha256sum -c --quiet sha256sum-amd64.txt
tar xzf rke2.linux-amd64.tar.gz -C /usr/local
mkdir -p /var/lib/rancher/rke2/agent/images
cp rke2-images-core.linux-amd64.tar.zst rke2-images-canal.linux-amd64.tar.zst /var/lib/rancher/rke2/agent/images/
systemctl daemon-reload
EOF
    check "$h: installed by hand" test $? -eq 0
done
for h in "$M3" ${M4:+"$M4"}; do
    out "$h" 'INSTALL_RKE2_ARTIFACT_PATH=/root/rke2-artifacts sh /root/rke2-artifacts/install.sh' >/dev/null
    check "$h: install.sh (A.2 artifact-path mode)" test "$(out "$h" 'test -x /usr/local/bin/rke2 && systemctl cat rke2-server >/dev/null && echo y')" = y
    # A.2 gotcha: without the full rke2-images tarball install.sh copies no split archives
    check "$h: install.sh copied no split image archives (A.2 gotcha)" \
        test "$(out "$h" 'ls /var/lib/rancher/rke2/agent/images 2>/dev/null | wc -l')" = 0
done
check "$M1: rke2 --version says it is the double" bash -c "[[ \"\$(out $M1 '/usr/local/bin/rke2 --version')\" == *'not RKE2'* ]]"

step "2. first server $M1: custom CA (B.1), full token (B.3), systemd notify (A.4)"
on "$M1" <<EOF
set -e
T=/var/lib/rancher/rke2/server/tls
mkdir -p \$T/etcd && cd \$T
cat > /tmp/v3.cnf <<'CNF'
[req]
distinguished_name=dn
[dn]
[v3_ca]
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
basicConstraints=critical,CA:true
keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign
CNF
# B.2 layout: root -> intermediate -> five cluster CAs (EC P-256), chain files leaf+inter+root
openssl genrsa -out root-ca.key 2048 2>/dev/null
openssl req -x509 -new -key root-ca.key -sha256 -days 3650 -subj /CN=selftest-root-ca -config /tmp/v3.cnf -extensions v3_ca -out root-ca.pem
openssl genrsa -out intermediate-ca.key 2048 2>/dev/null
openssl req -new -key intermediate-ca.key -subj /CN=selftest-intermediate-ca | openssl x509 -req -CA root-ca.pem -CAkey root-ca.key -set_serial 2 -days 3650 -sha256 -extfile /tmp/v3.cnf -extensions v3_ca -out intermediate-ca.pem 2>/dev/null
for ca in server-ca client-ca request-header-ca etcd/peer-ca etcd/server-ca; do
  openssl ecparam -name prime256v1 -genkey -noout -out \$ca.key
  openssl req -new -key \$ca.key -subj "/CN=selftest-\${ca#etcd/}" | openssl x509 -req -CA intermediate-ca.pem -CAkey intermediate-ca.key -set_serial \$RANDOM -days 3650 -sha256 -extfile /tmp/v3.cnf -extensions v3_ca -out \$ca.pem 2>/dev/null
  cat \$ca.pem intermediate-ca.pem root-ca.pem > \$ca.crt
done
openssl genrsa -traditional -out service.key 2048 2>/dev/null
HASH=\$(openssl x509 -in root-ca.pem -outform DER | sha256sum | cut -d' ' -f1)
mkdir -p /etc/rancher/rke2
umask 077
printf 'K10%s::server:selftest-server-secret\n' "\$HASH" > /root/server-token
cat > /etc/rancher/rke2/config.yaml <<CFG
token-file: /root/server-token
agent-token: selftest-agent-secret
tls-san: [rke2.selftest.internal]
node-ip: $IP1
cni: cilium
CFG
mkdir -p /etc/rancher/rke2/config.yaml.d
printf 'tls-san+: [second.selftest.internal]\nnode-label: [selftest=yes]\nnot-a-real-key: 1\n' > /etc/rancher/rke2/config.yaml.d/50-selftest.yaml
EOF
check "$M1: custom CA files written" test $? -eq 0
out "$M1" 'systemctl start rke2-server'
check "$M1: systemctl start rke2-server returned after READY=1 (Type=notify)" test $? -eq 0
check "$M1: rke2-server active" test "$(out "$M1" 'systemctl is-active rke2-server')" = active
EXPECTED_TOKEN=$(out "$M1" 'cat /root/server-token')
check "$M1: server/token is the configured full token (DER hash of custom root, B.3)" \
    test "$(out "$M1" 'cat /var/lib/rancher/rke2/server/token')" = "$EXPECTED_TOKEN"
check "$M1: node-token has the same token" test "$(out "$M1" 'cat /var/lib/rancher/rke2/server/node-token')" = "$EXPECTED_TOKEN"
AGENT_TOKEN=$(out "$M1" 'cat /var/lib/rancher/rke2/server/agent-token')
check "$M1: agent-token is K10<hash>::node:<agent secret>" test "$AGENT_TOKEN" = "${EXPECTED_TOKEN%%::*}::node:selftest-agent-secret"
check "$M1: rke2.yaml mode 0600, server https://127.0.0.1:6443 (A.4)" \
    test "$(out "$M1" 'stat -c %a /etc/rancher/rke2/rke2.yaml; grep -c "server: https://127.0.0.1:6443" /etc/rancher/rke2/rke2.yaml' | paste -sd,)" = "600,1"
check "$M1: 6443 /readyz answers over TLS verified by the kubeconfig CA" \
    test "$(out "$M1" 'grep certificate-authority-data /etc/rancher/rke2/rke2.yaml | awk "{print \$2}" | base64 -d > /tmp/ca.pem; curl -s --cacert /tmp/ca.pem https://127.0.0.1:6443/readyz')" = ok
check "$M1: serving cert on 9345 has the tls-san from config.yaml.d (key+: append)" \
    bash -c "out $M1 'echo | openssl s_client -connect $IP1:9345 2>/dev/null | openssl x509 -noout -ext subjectAltName' | grep -q second.selftest.internal"
check "$M1: kubectl get nodes: $M1 Ready" wait_for 20 "$M1" "$KUBECTL get nodes | grep -E '^$M1 +Ready'"
check "$M1: node label from config" bash -c "out $M1 '$KUBECTL get nodes -l selftest=yes -o name' | grep -q node/$M1"
check "$M1: unknown config key recorded in etcd" bash -c "out $M1 '$ETCDCTL get /registry/double/config/$M1 --print-value-only' | grep -q not-a-real-key"
check "$M1: image archives in agent/images reported on the node (A.3)" \
    bash -c "out $M1 '$KUBECTL get node $M1 -o json' | grep -q hardened-flannel"
check "$M1: CA bootstrap data stored encrypted in etcd (C)" \
    bash -c "out $M1 '$ETCDCTL get --prefix /bootstrap/ --print-value-only' | grep -qv BEGIN"

step "3. agent $M2: agent token joins, wrong token refused"
on "$M2" <<EOF
mkdir -p /etc/rancher/rke2; umask 077
printf '%s\n' '$AGENT_TOKEN' > /root/agent-token
printf 'server: https://$IP1:9345\ntoken-file: /root/agent-token\nnode-ip: $IP2\n' > /etc/rancher/rke2/config.yaml
EOF
out "$M2" 'systemctl start rke2-agent'
check "$M2: systemctl start rke2-agent (notify)" test $? -eq 0
check "$M1: $M2 Ready in kubectl get nodes" wait_for 20 "$M1" "$KUBECTL get nodes | grep -E '^$M2 +Ready +<none>'"
check "$M2: ExecCondition refuses rke2-server while rke2-agent is active (A.4)" \
    bash -c "! out $M2 'systemctl start rke2-server 2>&1; systemctl is-active rke2-server' | grep -qx active"
out "$M2" 'systemctl stop rke2-agent'
out "$M2" "sed -i 's/selftest-agent-secret/wrong-secret/' /root/agent-token"
out "$M2" 'systemctl start rke2-agent 2>/dev/null'
check "$M2: wrong token: systemctl start fails" test $? -ne 0
check "$M2: wrong token: journal says 401 Unauthorized" \
    bash -c "out $M2 'journalctl -u rke2-agent --no-pager -n 50' | grep -q '401 Unauthorized'"
out "$M2" 'systemctl stop rke2-agent; systemctl reset-failed rke2-agent 2>/dev/null'
out "$M2" "printf '%s\n' 'K10$(printf %064d 0)::node:selftest-agent-secret' > /root/agent-token"
out "$M2" 'systemctl start rke2-agent 2>/dev/null'
check "$M2: wrong CA hash in token refused" \
    bash -c "out $M2 'journalctl -u rke2-agent --no-pager -n 50' | grep -q 'token CA hash does not match'"
out "$M2" 'systemctl stop rke2-agent; systemctl reset-failed rke2-agent 2>/dev/null'
out "$M2" "printf '%s\n' '$AGENT_TOKEN' > /root/agent-token; systemctl start rke2-agent"
check "$M2: agent back with the right token" test "$(out "$M2" 'systemctl is-active rke2-agent')" = active

step "4. second server $M3 joins as etcd learner and is promoted (A.10)"
on "$M3" <<EOF
mkdir -p /etc/rancher/rke2; umask 077
printf '%s\n' '$EXPECTED_TOKEN' > /root/server-token
printf 'server: https://$IP1:9345\ntoken-file: /root/server-token\nagent-token: selftest-agent-secret\nnode-ip: $IP3\ncni: cilium\n' > /etc/rancher/rke2/config.yaml
EOF
out "$M3" 'systemctl start rke2-server'
check "$M3: systemctl start rke2-server (join)" test $? -eq 0
check "$M3: etcd has 2 voting members" \
    test "$(out "$M1" "$ETCDCTL member list -w json" | python3 -c 'import json,sys; m=json.load(sys.stdin)["members"]; print(len(m), sum(1 for x in m if x.get("isLearner")))')" = "2 0"
check "$M3: join recorded as learner-added then promoted" \
    bash -c "out $M1 '$ETCDCTL get --prefix /registry/double/joins/ --print-value-only' | grep -o '\"result\": \"[a-z-]*\"' | paste -sd, | grep -q 'learner-added.*promoted'"
check "$M3: same CA files as $M1 (bootstrap data)" \
    test "$(out "$M3" 'sha256sum /var/lib/rancher/rke2/server/tls/server-ca.key | cut -c1-64')" = "$(out "$M1" 'sha256sum /var/lib/rancher/rke2/server/tls/server-ca.key | cut -c1-64')"
check "$M3: kubectl on $M3 sees 3 nodes" wait_for 20 "$M3" "test \$($KUBECTL get nodes --no-headers | grep -c ' Ready ') = 3"

if [[ -n $M4 && $MACHINES -ge 4 ]]; then
    step "5. $M4: join refused while another learner exists (A.10), then joins"
    # a learner that never starts (peer URL of the agent machine, where nothing listens on 2380);
    # etcd refuses reconfiguration for a few seconds after a promotion ("unhealthy cluster")
    check "another etcd learner is pending" \
        wait_for 30 "$M1" "$ETCDCTL member add pending-learner --learner --peer-urls=http://$IP2:2380"
    on "$M4" <<EOF
mkdir -p /etc/rancher/rke2; umask 077
printf '%s\n' '$EXPECTED_TOKEN' > /root/server-token
printf 'server: https://$IP1:9345\ntoken-file: /root/server-token\nagent-token: selftest-agent-secret\nnode-ip: $IP4\ncni: cilium\n' > /etc/rancher/rke2/config.yaml
EOF
    out "$M4" 'systemctl start rke2-server 2>/dev/null'
    check "$M4: join fails while another learner exists" test $? -ne 0
    check "$M4: journal says 'too many learner members in cluster'" \
        bash -c "out $M4 'journalctl -u rke2-server --no-pager -n 50' | grep -q 'too many learner members in cluster'"
    check "$M1: refused join recorded" \
        bash -c "out $M1 '$ETCDCTL get --prefix /registry/double/joins/ --print-value-only' | grep -q 'too many learner members'"
    out "$M1" "id=\$($ETCDCTL member list | awk -F', ' '/pending-learner|$IP2:2380/ {print \$1}'); $ETCDCTL member remove \$id" >/dev/null
    check "$M4: joins after the other learner is gone (systemd Restart=always)" \
        wait_for 60 "$M4" 'systemctl is-active rke2-server | grep -qx active'
    check "etcd has 3 voting members" \
        test "$(out "$M1" "$ETCDCTL member list -w json" | python3 -c 'import json,sys; m=json.load(sys.stdin)["members"]; print(len(m), sum(1 for x in m if x.get("isLearner")))')" = "3 0"
fi

step "5b. restart of a joined server keeps its membership (A.5: server ignored once etcd data exists)"
out "$M3" 'systemctl restart rke2-server'
check "$M3: restarted" test "$(out "$M3" 'systemctl is-active rke2-server')" = active
check "$M3: still one of the voting members, no learners" \
    test "$(out "$M1" "$ETCDCTL member list -w json" | python3 -c 'import json,sys; m=json.load(sys.stdin)["members"]; print(sum(1 for x in m if x.get("isLearner")), len(m) >= 2)')" = "0 True"

step "6. manifests -> AddOns, HelmChart jobs (D)"
on "$M1" <<'EOF'
set -e
M=/var/lib/rancher/rke2/server/manifests
d=$(mktemp -d); mkdir -p $d/demo
printf 'apiVersion: v2\nname: demo\nversion: 0.1.0\n' > $d/demo/Chart.yaml
tar -C $d -czf $d/demo.tgz demo
cat > $M/demo.yaml <<Y
apiVersion: helm.cattle.io/v1
kind: HelmChart
metadata: {name: demo, namespace: kube-system}
spec:
  targetNamespace: demo
  createNamespace: true
  chartContent: $(base64 -w0 $d/demo.tgz)
Y
printf 'apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata: {name: broken, namespace: kube-system}\nspec: {targetNamespace: x, chart: broken, valuesContent: "a: [b"}\n' > $M/broken.yaml
printf 'apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata: {name: nochart, namespace: kube-system}\nspec: {targetNamespace: x}\n' > $M/nochart.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: skipped, namespace: kube-system}\n' > $M/skipped.yaml
touch $M/skipped.yaml.skip
EOF
check "AddOn demo recorded" wait_for 20 "$M1" "$KUBECTL get addons -n kube-system demo"
check "job helm-install-demo Complete" wait_for 20 "$M1" "$KUBECTL get jobs -n kube-system helm-install-demo | grep -q Complete"
check "release demo deployed (Helm's secret driver)" wait_for 20 "$M1" "$KUBECTL -n demo get secret sh.helm.release.v1.demo.v1 -o jsonpath='{.metadata.labels.status}' | grep -qx deployed"
check "job helm-install-broken keeps failing: values not YAML" wait_for 20 "$M1" "$KUBECTL -n kube-system logs job/helm-install-broken | grep -q 'INSTALLATION FAILED: valuesContent is not valid YAML'"
check "job helm-install-broken Running (restartPolicy OnFailure, backoffLimit 1000)" bash -c "out $M1 '$KUBECTL get jobs -n kube-system helm-install-broken' | grep -q Running"
check "HelmChart without chart or chartContent: no job" bash -c "! out $M1 '$KUBECTL get jobs -n kube-system helm-install-nochart' 2>/dev/null | grep -q nochart"
check "skipped.yaml ignored (.skip)" bash -c "! out $M1 '$KUBECTL get addons -n kube-system skipped' 2>/dev/null | grep -q skipped"
check "packaged rke2-cilium HelmChart staged and Complete" wait_for 20 "$M1" "$KUBECTL get jobs -n kube-system helm-install-rke2-cilium | grep -q Complete"
check "kubectl get hc -A lists demo" bash -c "out $M1 '$KUBECTL get hc -A' | grep -q '^kube-system *demo'"
got=$(on "$M1" <<EOF
$KUBECTL create ns cattle-system >/dev/null
$KUBECTL -n cattle-system create secret generic tls-ca --from-literal=cacerts.pem=x >/dev/null
$KUBECTL -n cattle-system get secret tls-ca -o jsonpath='{.data.cacerts\.pem}'
EOF
)
check "kubectl create secret generic + get secret -o jsonpath" test "$got" = eA==

step "7. etcd snapshot and restore (C)"
out "$M1" "$ETCDCTL put /selftest/key before" >/dev/null
out "$M1" '/usr/local/bin/rke2 etcd-snapshot save --name selftest' >/dev/null 2>&1
check "snapshot file saved under server/db/snapshots" \
    bash -c "out $M1 'ls /var/lib/rancher/rke2/server/db/snapshots' | grep -q '^selftest-$M1-[0-9]*$'"
check "etcd-snapshot ls --output json lists it" \
    bash -c "out $M1 '/usr/local/bin/rke2 etcd-snapshot ls --output json 2>/dev/null' | grep -q '\"snapshotName\": \"selftest-$M1'"
SNAP=$(out "$M1" 'ls -1 /var/lib/rancher/rke2/server/db/snapshots/selftest-* | head -1')
out "$M1" "$ETCDCTL put /selftest/key after" >/dev/null
for h in "$M1" "$M3" ${M4:+"$M4"}; do out "$h" 'systemctl stop rke2-server'; done
out "$M1" "cp /root/server-token /root/server-token.good; printf 'wrong-token\n' > /root/server-token"
out "$M1" "/usr/local/bin/rke2 server --cluster-reset --cluster-reset-restore-path=$SNAP" > /tmp/selftest-reset.$$ 2>&1
check "restore with the wrong token refused (non-zero)" test $? -ne 0
check "restore with the wrong token: clear message" grep -q "refusing to restore" /tmp/selftest-reset.$$
out "$M1" "cp /root/server-token.good /root/server-token; rm -f /var/lib/rancher/rke2/server/tls/server-ca.key"
out "$M1" "/usr/local/bin/rke2 server --cluster-reset --cluster-reset-restore-path=$SNAP" > /tmp/selftest-reset.$$ 2>&1
check "cluster-reset restore succeeds" test $? -eq 0
check "prints 'Managed etcd cluster membership has been reset...'" \
    grep -q "Managed etcd cluster membership has been reset, restart without --cluster-reset flag now." /tmp/selftest-reset.$$
check "reset-flag created" test "$(out "$M1" 'test -f /var/lib/rancher/rke2/server/db/reset-flag && echo y')" = y
rm -f /tmp/selftest-reset.$$
out "$M1" 'systemctl start rke2-server'
check "$M1: starts after reset" test "$(out "$M1" 'systemctl is-active rke2-server')" = active
check "etcd key from before the snapshot is back" test "$(out "$M1" "$ETCDCTL get /selftest/key --print-value-only")" = before
check "server/tls/server-ca.key recreated from the snapshot's bootstrap data" \
    test "$(out "$M1" 'test -f /var/lib/rancher/rke2/server/tls/server-ca.key && echo y')" = y
check "reset-flag removed on normal start" test "$(out "$M1" 'test -f /var/lib/rancher/rke2/server/db/reset-flag || echo gone')" = gone
check "etcd membership is $M1 only" test "$(out "$M1" "$ETCDCTL member list | wc -l")" = 1
out "$M3" 'rm -rf /var/lib/rancher/rke2/server/db; systemctl start rke2-server'
check "$M3 rejoins after rm -rf server/db (C multi-server restore)" \
    test "$(out "$M1" "$ETCDCTL member list | wc -l")" = 2

step "8. uninstall (A.4)"
out "$M2" '/usr/local/bin/rke2-uninstall.sh'
check "$M2: rke2-uninstall.sh removed binaries, units, data, config" \
    test "$(out "$M2" 'ls /usr/local/bin/rke2* /usr/local/lib/systemd/system/rke2-* /var/lib/rancher/rke2 /etc/rancher/rke2 2>/dev/null | wc -l')" = 0
check "$M1: $M2 eventually NotReady (no heartbeats, 40 s grace)" \
    wait_for 70 "$M1" "$KUBECTL get nodes | grep -E '^$M2 +NotReady'"
check "$M1: kubectl delete node $M2" bash -c "out $M1 '$KUBECTL delete node $M2' | grep -q deleted"

((KEEP)) || cleanup_hosts
echo
echo "rke2-double selftest: $PASS passed, $FAIL failed"
((FAIL == 0))
