#!/usr/bin/env bash
# Builds the local control plane from Go modules (no binary downloads exist on our machines):
# kube-apiserver and kube-controller-manager, etcd, and Flux's source-controller and helm-controller, plus
# the Flux CRDs taken from the same module versions. Outputs go to $ENVDECK_CACHE_DIR (default
# ~/.cache/envdeck), keyed by version, so only a brand-new machine pays for the build.
#
#   scripts/cluster/build.sh [all|kubernetes|etcd|crds|flux]    prints the directory of each finished component
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
cache="${ENVDECK_CACHE_DIR:-$HOME/.cache/envdeck}"
what="${1:-all}"

command -v go >/dev/null || { echo "build.sh: Go is required to build the control plane (https://go.dev/dl)" >&2; exit 3; }
export GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0

log() { echo "[cluster-build] $*" >&2; }

# A throwaway module that depends on the module we want to build; $1 is its directory.
init_module() {
  rm -rf "$1" && mkdir -p "$1" && (cd "$1" && go mod init envdeck.local/build >/dev/null 2>&1)
}

build_kubernetes() {
  local out="$cache/k8s/$KUBERNETES_VERSION" src="$cache/k8s-src/$KUBERNETES_VERSION"
  if [[ -f "$out/.complete" ]]; then echo "$out"; return; fi
  log "building kube-apiserver and kube-controller-manager $KUBERNETES_VERSION (several minutes, once)"
  init_module "$src"
  cd "$src"
  go mod edit -require "k8s.io/kubernetes@$KUBERNETES_VERSION"
  # k8s.io/kubernetes points its staging modules at local paths; pin each to its published twin instead.
  local minor="${KUBERNETES_VERSION#v1.}"
  local staging
  # The Go tool fetches the go.mod from whichever module proxy GOPROXY names and says where it put it.
  staging=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' | xargs cat)
  for module in $(echo "$staging" | sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p'); do
    go mod edit -replace "$module=$module@v0.$minor"
  done
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n)\n' > tools.go
  go mod tidy
  local pkg=k8s.io/component-base/version major="${KUBERNETES_VERSION#v}"
  major="${major%%.*}"
  local ldflags="-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=${minor%%.*} -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION"
  mkdir -p "$out"
  go build -trimpath -ldflags "$ldflags" -o "$out/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
  touch "$out/.complete"
  echo "$out"
}

build_etcd() {
  local out="$cache/etcd/$ETCD_VERSION" src="$cache/etcd-src/$ETCD_VERSION"
  if [[ -f "$out/.complete" ]]; then echo "$out"; return; fi
  log "building etcd $ETCD_VERSION"
  init_module "$src"
  cd "$src"
  # The server module refers to its sibling modules by relative paths, which only work inside etcd's repo.
  for module in api/v3 client/pkg/v3 client/v3 pkg/v3 server/v3; do
    go mod edit -require "go.etcd.io/etcd/$module@$ETCD_VERSION"
  done
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
  go mod tidy
  mkdir -p "$out"
  go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
  touch "$out/.complete"
  echo "$out"
}

# $1 controller name, $2 version, remaining: extra `go mod edit` replace arguments copied from its go.mod.
build_flux_controller() {
  local name="$1" version="$2"; shift 2
  local out="$cache/flux/$name-$version" src="$cache/flux-src/$name-$version"
  if [[ -f "$out/.complete" ]]; then echo "$out"; return; fi
  log "building Flux $name $version (several minutes, once)"
  init_module "$src"
  cd "$src"
  go mod edit -require "github.com/fluxcd/$name@$version"
  for replacement in "$@"; do go mod edit -replace "$replacement"; done
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/fluxcd/%s"\n' "$name" > tools.go
  # -e: modules only the controllers' own tests need may be missing from the proxy; the build does not need them.
  go mod tidy -e
  mkdir -p "$out"
  go build -trimpath -ldflags "-s -w" -o "$out/$name" "github.com/fluxcd/$name"
  touch "$out/.complete"
  echo "$out"
}

# The Flux CRDs, straight from the two controllers' module zips: needs the Go tool but no compilation.
build_crds() {
  local out="$cache/flux/crds-$SOURCE_CONTROLLER_VERSION-$HELM_CONTROLLER_VERSION"
  if [[ -f "$out/.complete" ]]; then echo "$out"; return; fi
  log "fetching the Flux CRDs"
  mkdir -p "$out"
  local module dir
  for module in "source-controller@$SOURCE_CONTROLLER_VERSION" "helm-controller@$HELM_CONTROLLER_VERSION"; do
    dir=$(GOFLAGS= go mod download -json "github.com/fluxcd/$module" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    cp "$dir"/config/crd/bases/*.yaml "$out/"
  done
  chmod u+w "$out"/*.yaml
  touch "$out/.complete"
  echo "$out"
}

build_flux() {
  # github.com/fluxcd/pkg/artifact v0.18.3 (required by source-controller v1.9.5) is not served by every Go
  # module proxy; v0.18.1 of the same minor line is, and builds the same controller.
  build_flux_controller source-controller "$SOURCE_CONTROLLER_VERSION" \
    "github.com/opencontainers/go-digest=github.com/opencontainers/go-digest@v1.0.1-0.20220411205349-bde1400a84be" \
    "github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@v0.18.1"
  build_flux_controller helm-controller "$HELM_CONTROLLER_VERSION" \
    "github.com/opencontainers/go-digest=github.com/opencontainers/go-digest@v1.0.1-0.20231025023718-d50d2fec9c98" \
    "sigs.k8s.io/kustomize/api=sigs.k8s.io/kustomize/api@v0.21.1" \
    "sigs.k8s.io/kustomize/kyaml=sigs.k8s.io/kustomize/kyaml@v0.21.1"
}

case "$what" in
  kubernetes) build_kubernetes ;;
  etcd) build_etcd ;;
  crds) build_crds ;;
  flux) build_flux ;;
  all)
    (build_etcd) && (build_kubernetes) && (build_crds) || exit 1
    # Flux's controllers are optional: without them the tests act as Flux (and say so). ENVDECK_REQUIRE_FLUX=1
    # makes a failed build fatal.
    if ! (build_flux); then
      log "WARNING: building Flux's controllers failed; cluster tests will act as Flux themselves"
      [[ "${ENVDECK_REQUIRE_FLUX:-}" == 1 ]] && exit 1
    fi
    ;;
  *) echo "usage: build.sh [all|kubernetes|etcd|crds|flux]" >&2; exit 2 ;;
esac
