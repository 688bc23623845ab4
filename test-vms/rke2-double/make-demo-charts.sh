#!/usr/bin/env bash
# make-demo-charts.sh OUTDIR: stand-in Helm charts (NOT the real ones) for the charts bom.yaml
# names, so a bundle built from the RKE2 double's artifacts can run install's seed-app phases.
# Each is a gzip'd tar like `helm package` writes: NAME/Chart.yaml, NAME/values.yaml, one template.
set -euo pipefail
out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chart() { # name version appVersion [kubeVersion]
  mkdir -p "$work/$1/templates"
  { echo "apiVersion: v2"; echo "name: $1"; echo "version: $2"; echo "appVersion: $3"
    [ -n "${4:-}" ] && echo "kubeVersion: \"$4\""
    echo "description: stand-in chart for the seed-bootstrap demo (not the real $1 chart)"; } > "$work/$1/Chart.yaml"
  echo "replicas: 1" > "$work/$1/values.yaml"
  echo "# stand-in: renders nothing" > "$work/$1/templates/NOTES.txt"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work" -cf - "$1" | gzip -n > "$out/$1-$2.tgz"
}
chart cert-manager v1.20.3 v1.20.3
chart argo-cd 10.1.1 v3.4.4 ">=1.25.0-0"
chart metallb 0.16.1 v0.16.1
