#!/bin/bash
# refresh-bom.sh BOM [--cache DIR] [--check]
#
# Fills the values of a bill of materials (bundles/*.yaml) that are written as `null` because
# they were not known when the BOM was written — and checks the ones that are known:
#   sha256: null        of every RKE2 artifact, chart and list: downloaded from its url: and
#                       hashed; RKE2 artifacts are also checked against the release's own
#                       sha256sum-ARCH.txt (contract A.1)
#   kubeVersion: null   of every chart: read from the Chart.yaml inside the downloaded archive
#                       (name and version are checked against the BOM too)
#   digest: null        of every image: the manifest digest the registry serves for the tag
#                       (Docker Registry HTTP API v2, anonymous token; index digest for
#                       multi-arch images)
# A value that is already written and differs from upstream is an error (exit 1): the script
# never overwrites a pinned value. With helm on PATH it also renders each chart with its default
# values and lists the images the chart uses that the BOM does not name (add them by hand).
#
# Needs: python3, curl (HTTP(S) proxies from https_proxy/http_proxy/no_proxy as curl reads
# them). Downloads go to --cache DIR (default ~/.cache/seed-bootstrap/downloads) and are resumed
# (-C -) and retried. --check reports what would change and exits 1 if anything would.
# The BOM must be in block style (one key per line in every list item), as bundles/*.yaml are.
# URLs may be file:// for tests and for mirrors on disk.
set -euo pipefail

bom="" cache="${XDG_CACHE_HOME:-$HOME/.cache}/seed-bootstrap/downloads" check=0
while [ $# -gt 0 ]; do
    case "$1" in
        --cache) cache=$2; shift 2 ;;
        --cache=*) cache=${1#*=}; shift ;;
        --check) check=1; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) [ -z "$bom" ] || { echo "only one BOM" >&2; exit 2; }; bom=$1; shift ;;
    esac
done
[ -n "$bom" ] || { echo "usage: $0 BOM [--cache DIR] [--check]" >&2; exit 2; }
[ -f "$bom" ] || { echo "$bom: no such file" >&2; exit 2; }
for tool in python3 curl; do
    command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done
mkdir -p "$cache"

exec python3 - "$bom" "$cache" "$check" <<'PY'
import hashlib, io, json, os, re, shutil, subprocess, sys, tarfile, tempfile, urllib.request, urllib.error

bom_path, cache, check = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
lines = open(bom_path, encoding="utf-8").read().split("\n")
problems, changes = [], []

ITEM = re.compile(r"^(\s*)- ([A-Za-z0-9_]+):\s*(.*)$")
KEY = re.compile(r"^(\s*)([A-Za-z0-9_]+):\s*(.*?)\s*$")

def scalar(text):
    """The value of 'key: value  # comment' (quotes removed), None for null."""
    text = re.sub(r"\s+#.*$", "", text).strip()
    if text in ("", "null", "~"):
        return None
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text

CHART_BLOCK = re.compile(r"^(\s*)chart:\s*(#.*)?$")

def items():
    """Every block-style list item, and every catalog entry's chart: mapping: its own keys (not its
    children's) with their line numbers."""
    out = []
    for i, line in enumerate(lines):
        m = ITEM.match(line)
        block = CHART_BLOCK.match(line)
        if m:
            indent = len(m.group(1)) + 2
            keys = {m.group(2): (i, m.group(3))}
        elif block:
            indent = len(block.group(1)) + 2
            keys = {}
        else:
            continue
        for j in range(i + 1, len(lines)):
            text = lines[j]
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            depth = len(text) - len(text.lstrip())
            if depth < indent:
                break
            k = KEY.match(text)
            if depth == indent and k:
                keys[k.group(2)] = (j, k.group(3))
        out.append(keys)
    return out

def set_value(keys, key, value, quote=False):
    """Fill key's null value (keeping any comment after it), or check a value already written."""
    line_no, raw = keys[key]
    current = scalar(raw)
    if current is not None:
        if current != value:
            problems.append("%s:%d: %s is %s in the BOM but upstream says %s; find out which is right, never overwrite a pin"
                            % (bom_path, line_no + 1, key, current, value))
        return
    shown = '"%s"' % value if quote else value
    old = lines[line_no]
    lines[line_no] = re.sub(r"(%s:\s*)(null|~)?(\s*(#.*)?)$" % key, lambda m: m.group(1) + shown, old, count=1)
    comment = re.search(r"\s+#.*$", old)
    if comment and "refresh-bom" not in comment.group(0):
        lines[line_no] += comment.group(0)
    changes.append("%s:%d: %s: %s" % (bom_path, line_no + 1, key, shown))

def download(url):
    name = hashlib.sha256(url.encode()).hexdigest()[:16] + "-" + os.path.basename(url.split("?")[0])
    target = os.path.join(cache, name)
    done = target + ".done"
    if not os.path.exists(done):
        print("downloading %s" % url, file=sys.stderr)
        subprocess.run(["curl", "-fL", "--retry", "5", "--retry-delay", "2", "--retry-connrefused", "-sS",
                        "-C", "-", "-o", target, url], check=True)
        open(done, "w").close()
    return target

def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

def chart_yaml(path):
    with tarfile.open(path, "r:gz") as t:
        for member in t:
            parts = member.name.split("/")
            if len(parts) == 2 and parts[1] == "Chart.yaml" and member.isfile():
                return t.extractfile(member).read().decode("utf-8")
    raise SystemExit("%s: no Chart.yaml in the chart archive" % path)

def chart_field(text, key):
    m = re.search(r"^%s:\s*(.+?)\s*$" % key, text, re.M)
    return scalar(m.group(1)) if m else None

def registry_digest(ref):
    m = re.match(r"^([^/]+)/(.+):([^:/@]+)$", ref)
    if not m:
        raise ValueError("cannot parse image reference " + ref)
    host, repo, tag = m.groups()
    if host == "docker.io":
        host = "registry-1.docker.io"
        if "/" not in repo:
            repo = "library/" + repo
    url = "https://%s/v2/%s/manifests/%s" % (host, repo, tag)
    accept = ", ".join(["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
                        "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"])
    def head(token):
        request = urllib.request.Request(url, method="HEAD", headers={"Accept": accept})
        if token:
            request.add_header("Authorization", "Bearer " + token)
        return urllib.request.urlopen(request, timeout=30)
    try:
        response = head(None)
    except urllib.error.HTTPError as e:
        challenge = e.headers.get("WWW-Authenticate", "")
        if e.code != 401 or not challenge.lower().startswith("bearer"):
            raise
        params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
        token_url = params["realm"] + "?service=%s&scope=repository:%s:pull" % (params.get("service", ""), repo)
        token = json.load(urllib.request.urlopen(token_url, timeout=30))
        response = head(token.get("token") or token.get("access_token"))
    digest = response.headers.get("Docker-Content-Digest")
    if not digest or not re.match(r"^sha256:[0-9a-f]{64}$", digest):
        raise ValueError("%s: the registry sent no usable Docker-Content-Digest" % ref)
    return digest

all_items = items()
checksums = {}
for keys in all_items:
    if "url" not in keys or "sha256" not in keys:
        continue
    url = scalar(keys["url"][1])
    path = download(url)
    digest = sha256_of(path)
    set_value(keys, "sha256", digest)
    kind = scalar(keys.get("kind", (0, ""))[1])
    if kind == "checksums":
        for entry in open(path, encoding="utf-8").read().splitlines():
            parts = entry.split()
            if len(parts) == 2:
                checksums[os.path.basename(parts[1])] = parts[0]
    if "kubeVersion" in keys:  # a chart
        text = chart_yaml(path)
        for field in ("name", "version"):
            if chart_field(text, field) != scalar(keys[field][1]):
                problems.append("%s: Chart.yaml says %s %s, the BOM says %s" % (url, field, chart_field(text, field), scalar(keys[field][1])))
        kube = chart_field(text, "kubeVersion")
        if kube is not None:
            set_value(keys, "kubeVersion", kube, quote=True)
        if shutil.which("helm"):
            rendered = subprocess.run(["helm", "template", "refresh", path], capture_output=True, text=True)
            used = set(re.findall(r'^\s*image:\s*"?([^"\s]+)"?', rendered.stdout, re.M))
            named = {scalar(i["ref"][1]) for i in all_items if "ref" in i}
            for image in sorted(used - named):
                print("note: chart %s renders image %s, which the BOM does not name" % (scalar(keys["name"][1]), image), file=sys.stderr)

for keys in all_items:
    if "kind" in keys and "file" in keys and "sha256" in keys and checksums:
        name = scalar(keys["file"][1])
        expected = checksums.get(name)
        value = scalar(re.sub(r"^\s*sha256:", "", lines[keys["sha256"][0]]))
        if expected and value and expected != value:
            problems.append("%s: sha256 %s does not match the release's checksum file (%s)" % (name, value, expected))

for keys in all_items:
    if "ref" in keys and "digest" in keys:
        ref = scalar(keys["ref"][1])
        try:
            set_value(keys, "digest", registry_digest(ref))
        except (urllib.error.URLError, ValueError, KeyError) as e:
            problems.append("%s: cannot resolve the digest (%s)" % (ref, e))

for change in changes:
    print(("would set " if check else "set ") + change)
for problem in problems:
    print("error: " + problem, file=sys.stderr)
if not check and changes:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(bom_path)), prefix=".refresh-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(tmp, bom_path)
if problems or (check and changes):
    sys.exit(1)
print("%s: %d value(s) %s" % (bom_path, len(changes), "to fill" if check else "filled"), file=sys.stderr)
PY
