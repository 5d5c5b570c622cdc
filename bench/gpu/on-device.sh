#!/usr/bin/env bash
# Runs transfer4j's GPU checks ON the GPU machine, from the repository root, with what bench/gpu/bundle.sh put
# in .device/ (named in the device tool's `carry`). No Java or Maven is needed there: the JRE is unpacked
# into /tmp. Usage (see bench/README.md, "On the GPU machine", for the exact `run` calls):
#
#   bash bench/gpu/on-device.sh [tests] [bench] [flowers]      (no argument: all three)
#
#   tests    kernels' tests tagged `gpu`, with the JUnit Platform Console Standalone jar
#   bench    the side-by-side: GpuSideBySide once per model and case (each its own JVM, so a case that
#            runs out of device memory cannot starve the next), torch_side_by_side.py, then Compare
#   flowers  ./transfer4j train --device cuda on .device/data (bundle.sh --data) with the README's options
#   profile  MobileNetV2's and ResNet50's (PROFILE_MODELS) three cases with a sync after every op (-Dtransfer4j.cuda.profile=true): time per op
#   variants train and inference under each backend setting of VARIANTS (default: 1x1 convolutions through cuDNN
#            or cuBLAS, each with cuDNN's heuristic and benchmarked algorithms), to choose the defaults by measurement
#   hostprofile  where the host's time goes in MobileNetV2's frozen head epochs and ResNet50's training step
#            (GpuSideBySide --host-profile: Java Flight Recorder's method samples every millisecond, HostProfile)
#
# TORCH_JSON=<file> makes `bench` reuse an earlier pytorch.json (a diagnostic run; the summary says so).
#
# Each step has its own time limit (seconds, environment: TESTS_S 150, CASE_S 50 per transfer4j case,
# TORCH_S 150, FLOWERS_S 540, PROFILE_S 90, VARIANT_S 60 each, HOSTPROFILE_S 60 each) so that a hung step cannot eat the whole call. Every log goes under
# $OUT (the device tool brings back at most 8 files there): summary.txt (the results), compare.txt,
# gpu-tests.txt, transfer4j.json (the cases merged) and pytorch.json, flowers.txt, and logs.tar.gz with
# every log and report. The comparison table is printed last.
set -uo pipefail

: "${OUT:?OUT must name the folder for the results (the device tool sets it)}"
DEV=.device
[[ -f "$DEV/transfer4j-gpu.jar" && -f "$DEV/jre.tar.xz" ]] || { echo "on-device.sh: run bench/gpu/bundle.sh first (and carry .device)" >&2; exit 1; }
steps=("$@")
((${#steps[@]})) || steps=(tests bench flowers)

WORK=/tmp/t4j-results
mkdir -p "$WORK"
[[ -x /tmp/jre/bin/java ]] || tar xJf "$DEV/jre.tar.xz" -C /tmp
JAVA=/tmp/jre/bin/java
export LD_LIBRARY_PATH="/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
[[ -d /usr/local/nvidia/lib64 ]] && LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/usr/local/nvidia/lib64" # the driver, where mounted there
# cuDNN 9 and cuBLAS 13 are expected in /usr/lib/x86_64-linux-gnu and /usr/local/cuda/lib64; where the image has
# them only in PyTorch's pip wheels (nvidia-cudnn-cu13, nvidia-cublas), add those folders as a fallback.
if ! ldconfig -p 2>/dev/null | grep -q 'libcudnn.so.9' && [[ ! -e /usr/lib/x86_64-linux-gnu/libcudnn.so.9 ]]; then
    for d in $(python3 -c 'import nvidia, os; [print(os.path.join(p, q, "lib")) for p in nvidia.__path__ for q in os.listdir(p)]' 2>/dev/null); do
        [[ -e "$d/libcudnn.so.9" || -e "$d/libcublas.so.13" ]] && LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$d"
    done
fi
export LD_LIBRARY_PATH
JOPTS=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx24g)
JAR="$DEV/transfer4j-gpu.jar"
summary="$OUT/summary.txt"

{
    date -u
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
    "$JAVA" -version 2>&1 | head -n 1
    echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
    ls /usr/lib/x86_64-linux-gnu/libcudnn.so* /usr/local/cuda/lib64/libcublas.so* 2>&1 | tr '\n' ' '; echo
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())' 2>&1
} > "$summary"

run_tests() {
    local console
    console="$(ls "$DEV"/lib/junit-platform-console-standalone-*.jar)"
    echo "== gpu tests" | tee -a "$summary"
    timeout "${TESTS_S:-150}" "$JAVA" "${JOPTS[@]}" -jar "$console" execute \
        --class-path "$JAR:$DEV/test-classes/kernels:$DEV/test-classes/core" \
        --scan-class-path "$DEV/test-classes/kernels" --include-tag gpu \
        --details=tree --disable-banner --disable-ansi-colors --reports-dir "$WORK/junit" > "$WORK/gpu-tests.txt" 2>&1
    echo "exit $?" >> "$WORK/gpu-tests.txt"
    grep -E '(tests|containers) (successful|failed|aborted|skipped|found)|^exit' "$WORK/gpu-tests.txt" | tee -a "$summary"
    cp "$WORK/gpu-tests.txt" "$OUT/"
}

run_bench() {
    echo "== side-by-side" | tee -a "$summary"
    rm -f "$WORK"/transfer4j-*.json
    local model kind
    for model in MobileNetV2 ResNet50; do
        for kind in train inference frozen; do
            timeout "${CASE_S:-50}" "$JAVA" "${JOPTS[@]}" -cp "$JAR" org.transfer4j.bench.gpu.GpuSideBySide \
                --models "$model" --cases "$kind" --out "$WORK/transfer4j-$model-$kind.json" \
                > "$WORK/transfer4j-$model-$kind.log" 2>&1
            echo "transfer4j $model $kind: exit $?" | tee -a "$summary"
        done
    done
    if [[ -n "${TORCH_JSON:-}" && -f "$TORCH_JSON" ]]; then
        # a diagnostic run: PyTorch's side from an earlier run on the same kind of card, said so in the summary
        cp "$TORCH_JSON" "$WORK/pytorch.json"
        echo "pytorch: not run, reusing $TORCH_JSON" | tee -a "$summary"
    else
        PYTHONUNBUFFERED=1 timeout "${TORCH_S:-150}" python3 bench/gpu/torch_side_by_side.py --out "$WORK/pytorch.json" \
            > "$WORK/pytorch.log" 2>&1
        echo "pytorch: exit $?" | tee -a "$summary"
    fi
    cp "$WORK/pytorch.json" "$OUT/" 2>/dev/null
    local reports=("$WORK"/transfer4j-*.json)
    if [[ -f "$WORK/pytorch.json" && -f "${reports[0]}" ]]; then
        "$JAVA" "${JOPTS[@]}" -cp "$JAR" org.transfer4j.bench.gpu.Compare --torch "$WORK/pytorch.json" "${reports[@]}" \
            > "$WORK/compare.txt" 2>&1
        echo "compare: exit $? (0: every target met)" >> "$WORK/compare.txt"
        cp "$WORK/compare.txt" "$OUT/"
        python3 -c 'import json,sys; r=[json.load(open(f)) for f in sys.argv[2:]]; m=dict(r[0]); m["results"]=[c for x in r for c in x["results"]]; json.dump(m, open(sys.argv[1],"w"), indent=1)' \
            "$OUT/transfer4j.json" "${reports[@]}"
    else
        echo "no comparison: a side is missing (see the logs in logs.tar.gz)" | tee -a "$summary"
    fi
}

run_profile() {
    # the models' three cases with a stream sync after every op (OpProfile): where the time goes
    local models="${PROFILE_MODELS:-MobileNetV2,ResNet50}"
    echo "== profile: $models, per op" | tee -a "$summary"
    timeout "${PROFILE_S:-90}" "$JAVA" "${JOPTS[@]}" -Dtransfer4j.cuda.profile=true -cp "$JAR" \
        org.transfer4j.bench.gpu.GpuSideBySide --models "$models" --cases train,inference,frozen --warmup 2 \
        --iterations 5 --frozen-epochs 2 --out "$WORK/profile.json" > "$WORK/profile.txt" 2>&1
    echo "exit $?" >> "$WORK/profile.txt"
    grep -a -A 16 'per-op profile' "$WORK/profile.txt" | tee -a "$summary"
    cp "$WORK/profile.txt" "$OUT/"
}

run_hostprofile() {
    # where the host's time goes (HostProfile: JFR's method samples, 1 ms) in the cases bound by the host's speed:
    # MobileNetV2's frozen head epochs (more of them than the bench times, for samples) and ResNet50's training step
    echo "== host profile (JFR samples of the timed iterations)" | tee -a "$summary"
    local spec model kind extra
    for spec in "MobileNetV2 frozen --frozen-epochs 100" "ResNet50 train"; do
        read -r model kind extra <<< "$spec"
        timeout "${HOSTPROFILE_S:-60}" "$JAVA" "${JOPTS[@]}" -cp "$JAR" org.transfer4j.bench.gpu.GpuSideBySide \
            --models "$model" --cases "$kind" $extra --host-profile "$WORK/host" --out "$WORK/host-$model-$kind.json" \
            > "$WORK/host-$model-$kind.txt" 2>&1
        echo "host profile $model $kind: exit $?" | tee -a "$summary"
        grep -a -E "^  $model " "$WORK/host-$model-$kind.txt" | head -n 1 | tee -a "$summary"
        grep -a -A 56 '^host profile of' "$WORK/host-$model-$kind.txt" | tee -a "$summary"
    done
}

run_variants() {
    # the same train and inference cases under each backend setting in VARIANTS (';'-separated GpuSideBySide
    # options): which routes to make the defaults. Their lines go to the summary; the logs into logs.tar.gz.
    echo "== variants (MobileNetV2, ResNet50; train, inference; warm-up 3, 10 timed)" | tee -a "$summary"
    local IFS=';' i=0 v
    for v in ${VARIANTS:---pointwise cudnn;--pointwise gemm;--pointwise cudnn --cudnn-algorithms benchmark;--pointwise gemm --cudnn-algorithms benchmark}; do
        i=$((i + 1))
        IFS=' ' read -r -a opts <<< "$v"
        timeout "${VARIANT_S:-60}" "$JAVA" "${JOPTS[@]}" -cp "$JAR" org.transfer4j.bench.gpu.GpuSideBySide \
            --models MobileNetV2,ResNet50 --cases train,inference --warmup 3 --iterations 10 "${opts[@]}" \
            --out "$WORK/variant-$i.json" > "$WORK/variant-$i.txt" 2>&1
        echo "variant $i [${v:-defaults}]: exit $?" | tee -a "$summary"
        grep -a -E '^  (MobileNetV2|ResNet50) ' "$WORK/variant-$i.txt" | tee -a "$summary"
    done
}

run_flowers() {
    echo "== flowers: train --device cuda" | tee -a "$summary"
    [[ -d "$DEV/data/flowers128" ]] || { echo "no .device/data/flowers128: bundle.sh --data" | tee -a "$summary"; return; }
    mkdir -p "$WORK/flowers"
    timeout "${FLOWERS_S:-540}" "$JAVA" "${JOPTS[@]}" -cp "$JAR" org.transfer4j.cli.Main train --device cuda \
        --data "$DEV/data/flowers128" --base "$DEV/data/mobilenet_v1_0.25_224_imagenet.h5" \
        --out "$WORK/flowers/flowers.h5" --json > "$WORK/flowers.txt" 2>&1
    echo "exit $?" >> "$WORK/flowers.txt"
    tail -n 5 "$WORK/flowers.txt" | cut -c1-400 | tee -a "$summary"
    cp "$WORK/flowers.txt" "$OUT/"
}

for step in "${steps[@]}"; do
    case "$step" in
        tests) run_tests ;;
        bench) run_bench ;;
        flowers) run_flowers ;;
        profile) run_profile ;;
        variants) run_variants ;;
        hostprofile) run_hostprofile ;;
        *) echo "on-device.sh: unknown step '$step' (tests, bench, flowers, profile, variants, hostprofile)" >&2 ;;
    esac
done

tar -C "$WORK" -czf "$OUT/logs.tar.gz" . 2>/dev/null
cat "$summary"
[[ -f "$OUT/compare.txt" ]] && cat "$OUT/compare.txt"
exit 0
