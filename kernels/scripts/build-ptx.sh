#!/usr/bin/env bash
# Compiles each kernels/src/main/cuda/<family>.cu to PTX for two virtual architectures and writes
#   kernels/src/main/resources/org/transfer4j/cuda/ptx/<family>.sm90.ptx   (nvcc -arch=compute_90)
#   kernels/src/main/resources/org/transfer4j/cuda/ptx/<family>.sm75.ptx   (nvcc -arch=compute_75)
# each with a first line "// transfer4j-source-sha256: <sha256 of the .cu>" that PtxUpToDateTest
# checks. The PTX is checked in, so builds and CI without nvcc still have it.
#
# Usage: kernels/scripts/build-ptx.sh              regenerate every PTX file (needs nvcc)
#        kernels/scripts/build-ptx.sh --if-stale   only the PTX files that are missing or whose
#                                                  recorded hash differs from their .cu; does nothing
#                                                  (exit 0) when nvcc is not on the PATH. The Maven
#                                                  build runs this form (profile "ptx", kernels/pom.xml).
# nvcc's PTX output does not depend on the time or the source path, so regenerating an up-to-date
# file rewrites the same bytes. When ptxas is on the PATH each new PTX is also assembled for its
# own target (ptxas -arch=sm_XX file.ptx -o /dev/null) to prove the driver's JIT will accept it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # the kernels module
src="$here/src/main/cuda"
out="$here/src/main/resources/org/transfer4j/cuda/ptx"
# target suffix -> nvcc virtual architecture
targets=("sm90:compute_90" "sm75:compute_75")

if_stale=false
case "${1:-}" in
    --if-stale) if_stale=true ;;
    "") ;;
    *) echo "usage: $0 [--if-stale]" >&2; exit 2 ;;
esac

if ! command -v nvcc >/dev/null 2>&1; then
    if $if_stale; then
        echo "build-ptx: nvcc not on the PATH, keeping the checked-in PTX"
        exit 0
    fi
    echo "build-ptx: nvcc not on the PATH (install the CUDA toolkit or add its bin/ to PATH)" >&2
    exit 1
fi

mkdir -p "$out"
shopt -s nullglob
sources=("$src"/*.cu)
if [ ${#sources[@]} -eq 0 ]; then
    echo "build-ptx: no .cu files in $src" >&2
    exit 1
fi

for cu in "${sources[@]}"; do
    family="$(basename "$cu" .cu)"
    hash="$(sha256sum "$cu" | cut -d' ' -f1)"
    header="// transfer4j-source-sha256: $hash"
    for t in "${targets[@]}"; do
        suffix="${t%%:*}"
        arch="${t#*:}"
        ptx="$out/$family.$suffix.ptx"
        if $if_stale && [ -f "$ptx" ] && [ "$(head -n 1 "$ptx")" = "$header" ]; then
            continue
        fi
        tmp="$(mktemp "$out/.$family.$suffix.XXXXXX")"
        trap 'rm -f "$tmp" "$tmp.body"' EXIT
        nvcc -ptx -arch="$arch" "$cu" -o "$tmp.body"
        { echo "$header"; cat "$tmp.body"; } > "$tmp"
        rm -f "$tmp.body"
        if command -v ptxas >/dev/null 2>&1; then
            ptxas -arch="sm_${suffix#sm}" "$tmp" -o /dev/null
        fi
        chmod 644 "$tmp"   # mktemp creates 0600
        mv "$tmp" "$ptx"
        trap - EXIT
        echo "build-ptx: wrote ${ptx#"$here"/} (nvcc -ptx -arch=$arch)"
    done
done
