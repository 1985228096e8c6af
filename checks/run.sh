#!/usr/bin/env bash
# The manifest gate: strict Kubernetes schema validation (the app's target version and
# 1.36) and security scans (kube-score, checkov) of synthesized manifests.
#
#   bash checks/run.sh [--exceptions FILE] [--target 1.X] [--schema-only] <dir-or-file>...   e.g. bash checks/run.sh dist
#   (--schema-only: each document's strict schema validation alone, for generated test outputs; see test/property/)
#
# The target is the oldest Kubernetes version the manifests must work on: --target, else
# the .kubernetes-version file that KubecraftApp writes into its output directory when the
# app sets one (kubernetesVersion), else 1.27. Manifests are validated against the target
# and against 1.36, the version the real-cluster suites run, when it is newer.
# Exit 0: no finding left; 1: findings; 2: bad input or a tool that failed.
# Tools are installed on first use, outside the repository, keyed by version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/kubecraft/venv-checks-<lock hash>-py<X.Y>/   (pip, checks/requirements.lock)
#   ${XDG_CACHE_HOME:-$HOME/.cache}/kubecraft/bin/kube-score-<version>         (go install)
# Needs python3 (with venv) and go; reaches only PyPI and the Go module proxy, and only when cold.
set -euo pipefail

KUBE_SCORE_VERSION=v1.20.0
# The default target (the one cdk8s-plus-27 targets, the oldest kubecraft supports) and the
# newest version the real-cluster suites run (see docs/checks.md).
DEFAULT_TARGET=1.27
CLUSTER_VERSION=1.36
OLDEST_MINOR=27

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EXCEPTIONS="$HERE/exceptions.yaml"
TARGET=
paths=()
extra=()
while (($#)); do
  case "$1" in
    --schema-only) extra+=(--schema-only); shift ;;
    --exceptions) EXCEPTIONS=${2:?--exceptions needs a file}; shift 2 ;;
    --exceptions=*) EXCEPTIONS=${1#*=}; shift ;;
    --target) TARGET=${2:?--target needs a Kubernetes version such as 1.29}; shift 2 ;;
    --target=*) TARGET=${1#*=}; shift ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "checks: unknown option $1" >&2; exit 2 ;;
    *) paths+=("$1"); shift ;;
  esac
done
if ((${#paths[@]} == 0)); then
  echo "usage: bash checks/run.sh [--exceptions FILE] <manifest dir or file>..." >&2
  exit 2
fi

# the target version: --target, else the .kubernetes-version files of the directories (they must agree), else 1.27
if [[ -z "$TARGET" ]]; then
  source_of_target=
  for p in "${paths[@]}"; do
    [[ -d "$p" && -f "$p/.kubernetes-version" ]] || continue
    v=$(head -n1 "$p/.kubernetes-version" | tr -d '[:space:]')
    if [[ -n "$TARGET" && "$v" != "$TARGET" ]]; then
      echo "checks: $source_of_target targets Kubernetes $TARGET but $p/.kubernetes-version targets $v: check them apart" >&2
      exit 2
    fi
    TARGET=$v
    source_of_target="$p/.kubernetes-version"
  done
fi
TARGET=${TARGET:-$DEFAULT_TARGET}
if [[ ! "$TARGET" =~ ^v?1\.(0|[1-9][0-9]*)(\.[0-9]+)?$ ]] || ((BASH_REMATCH[1] < OLDEST_MINOR)); then
  echo "checks: the target must be a Kubernetes version such as 1.29 (1.$OLDEST_MINOR or newer), got '$TARGET'" >&2
  exit 2
fi
target_minor=${BASH_REMATCH[1]}
KUBE_VERSIONS=("1.$target_minor.0")
((target_minor < ${CLUSTER_VERSION#1.})) && KUBE_VERSIONS+=("$CLUSTER_VERSION.0")

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/kubecraft"
mkdir -p "$CACHE/bin"

PY_VER=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
LOCK_HASH=$(sha256sum "$HERE/requirements.lock" | cut -c1-12)
VENV="$CACHE/venv-checks-$LOCK_HASH-py$PY_VER"
KUBE_SCORE="$CACHE/bin/kube-score-$KUBE_SCORE_VERSION"

install_venv() {
  [[ -f "$VENV/.complete" ]] && return 0
  echo "checks: installing python tools into $VENV (once)" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$HERE/requirements.lock" \
    >"$VENV.log" 2>&1 || { cat "$VENV.log" >&2; return 1; }
  rm -f "$VENV.log"
  touch "$VENV/.complete"
}

install_kube_score() {
  [[ -x "$KUBE_SCORE" ]] && return 0
  command -v go >/dev/null || { echo "checks: go is needed to install kube-score $KUBE_SCORE_VERSION" >&2; return 1; }
  echo "checks: installing kube-score $KUBE_SCORE_VERSION into $CACHE/bin (once)" >&2
  local gobin
  gobin=$(mktemp -d "$CACHE/bin/.go-XXXXXX")
  GOBIN="$gobin" GOTOOLCHAIN=local GOFLAGS=-trimpath \
    go install "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION" \
    >"$gobin.log" 2>&1 || { cat "$gobin.log" >&2; return 1; }
  rm -f "$gobin.log"
  mv "$gobin/kube-score" "$KUBE_SCORE"
  rmdir "$gobin"
}

if [[ ! -f "$VENV/.complete" || ! -x "$KUBE_SCORE" ]]; then
  # one installer at a time (parallel runs share the cache); both installs in parallel
  exec 9>"$CACHE/.install.lock"
  flock 9
  install_venv & venv_pid=$!
  install_kube_score & ks_pid=$!
  rc=0
  wait "$venv_pid" || rc=$?
  wait "$ks_pid" || rc=$?
  flock -u 9
  if ((rc != 0)); then
    echo "checks: error: installing the tools failed" >&2
    exit 2
  fi
fi

kv_args=()
for v in "${KUBE_VERSIONS[@]}"; do kv_args+=(--kube-version "$v"); done
exec "$VENV/bin/python" "$HERE/lib/gate.py" \
  --exceptions "$EXCEPTIONS" "${kv_args[@]}" \
  --kube-score "$KUBE_SCORE" --checkov "$VENV/bin/checkov" \
  ${extra[@]+"${extra[@]}"} "${paths[@]}"
