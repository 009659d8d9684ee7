#!/usr/bin/env bash
# Render benchmark over the shared corpus (../shared/corpus):
#   1. every corpus render in ONE chartgate process (hidden `bench-template` command),
#   2. chartgate once per render (one process each),
#   3. helm once per render (one process each; skipped with --no-helm: then the medians
#      recorded in corpus.tsv are summed instead),
# then /work/shared/tools/speed.py for the per-chart ratio on the first 30 default renders.
# Usage: bench/render.sh [--no-helm] [--debug]   (default: release build)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${CORPUS:-$here/../shared/corpus}"
helm="${HELM:-/usr/local/bin/helm}"
profile=release; run_helm=1
for a in "$@"; do
  case "$a" in
    --no-helm) run_helm=0 ;;
    --debug) profile=debug ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done
if [ "$profile" = release ]; then
  cargo build --release -p chartgate --manifest-path "$here/Cargo.toml" >&2
else
  cargo build -p chartgate --manifest-path "$here/Cargo.toml" >&2
fi
bin="$here/target/$profile/chartgate"
cmds="$(mktemp)"; trap 'rm -f "$cmds"' EXIT
# `helm template ARGS` rows whose golden render succeeded, minus the leading `helm template`.
awk -F'\t' 'NR > 1 && $7 == "0" { sub(/^helm template /, "", $6); print $6 }' "$corpus/corpus.tsv" > "$cmds"
n=$(wc -l < "$cmds")
cd "$corpus"

echo "== chartgate, all $n renders in one process"
"$bin" bench-template "$cmds"

now() { date +%s.%N; }
echo "== chartgate, one process per render"
t0=$(now)
while read -r line; do
  # shellcheck disable=SC2086
  "$bin" template $line > /dev/null 2>&1 || true
done < "$cmds"
t1=$(now)
cg_proc=$(echo "$t1 - $t0" | bc)
echo "chartgate per-process total: ${cg_proc}s"

if [ "$run_helm" = 1 ]; then
  echo "== helm, one process per render"
  t0=$(now)
  while read -r line; do
    # shellcheck disable=SC2086
    "$helm" template $line > /dev/null 2>&1 || true
  done < "$cmds"
  t1=$(now)
  helm_total=$(echo "$t1 - $t0" | bc)
  echo "helm per-process total: ${helm_total}s"
else
  helm_total=$(awk -F'\t' 'NR > 1 && $7 == "0" { s += $9 } END { printf "%.2f", s / 1000 }' "$corpus/corpus.tsv")
  echo "helm per-process total (recorded medians): ${helm_total}s"
fi
echo "ratio helm / chartgate-per-process: $(echo "scale=1; $helm_total / $cg_proc" | bc)x"

echo "== speed.py (alternating, first 30 default renders)"
python3 /work/shared/tools/speed.py "$bin" "$helm" "$corpus" || true
