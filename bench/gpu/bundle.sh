#!/usr/bin/env bash
# Prepares the git-ignored .device/ folder for the GPU machine, which has no Java and no Maven
# (bench/README.md, "On the GPU machine"). Run here, from anywhere in the checkout:
#
#   bench/gpu/bundle.sh [--data]
#
# 1. builds everything (mvn -B -q -DskipTests package; test classes are compiled too);
# 2. copies bench/target/transfer4j-gpu.jar to .device/;
# 3. fetches the JUnit Platform Console Standalone jar of the project's JUnit version (Maven Central, through
#    ~/.m2) into .device/lib/, and copies kernels' and core's test classes into .device/test-classes/, so that
#    kernels' `gpu`-tagged tests run there without Maven;
# 4. with --data, copies the flowers photos (flowers128, 9 MB) and the ImageNet MobileNet v1 0.25 (2 MB) from
#    the shared data folder into .device/data/ for the `train --device cuda` run;
# 5. makes the small Java 25 runtime .device/jre.tar.xz unless it is there: the modules ../shared/device/make-jre.sh
#    links, plus jdk.jfr for the host profile (on-device.sh hostprofile).
#
# The scripts (on-device.sh, torch_side_by_side.py) are tracked files: they travel with the working tree, so
# they are not copied. Environment: JAVA_HOME (default Temurin 25), TRANSFER4J_SHARED (default <repo>/../shared),
# MAVEN_REPO (default ~/.m2/repository). Everything .device/ holds must stay under the device tool's 64 MiB
# together with the working tree; the script prints the total.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
SHARED="${TRANSFER4J_SHARED:-$ROOT/../shared}"
REPO="${MAVEN_REPO:-$HOME/.m2/repository}"
DEV="$ROOT/.device"

with_data=0
for arg in "$@"; do
    case "$arg" in
        --data) with_data=1 ;;
        -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "bundle.sh: unknown argument '$arg' (only --data)" >&2; exit 64 ;;
    esac
done

git check-ignore -q .device/ || { echo "bundle.sh: .device/ must be git-ignored" >&2; exit 1; }

echo "building (mvn -B -q -DskipTests package) ..."
mvn -B -q -DskipTests package

mkdir -p "$DEV/lib" "$DEV/test-classes"
cp bench/target/transfer4j-gpu.jar "$DEV/"

junit="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml | head -n 1)"
console="$REPO/org/junit/platform/junit-platform-console-standalone/$junit/junit-platform-console-standalone-$junit.jar"
if [[ ! -f "$console" ]]; then
    mvn -B -q dependency:get -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit"
fi
rm -f "$DEV"/lib/junit-platform-console-standalone-*.jar
cp "$console" "$DEV/lib/"
for module in kernels core; do
    rm -rf "$DEV/test-classes/$module"
    cp -r "$module/target/test-classes" "$DEV/test-classes/$module"
done

if ((with_data)); then
    mkdir -p "$DEV/data"
    rm -rf "$DEV/data/flowers128"
    cp -r "$SHARED/data/flowers128" "$DEV/data/"
    cp "$SHARED/data/keras/mobilenet_v1_0.25_224_imagenet.h5" "$DEV/data/"
fi

# The JRE: make-jre.sh's modules plus jdk.jfr, which `on-device.sh hostprofile` (HostProfile: Java Flight Recorder's
# method samples) needs and make-jre.sh leaves out; about 1 MB more. A bundle made before without it is remade.
if [[ -f "$DEV/jre.tar.xz" ]] && ! tar xJOf "$DEV/jre.tar.xz" jre/release | grep -q 'jdk\.jfr'; then
    rm "$DEV/jre.tar.xz"
fi
if [[ ! -f "$DEV/jre.tar.xz" ]]; then
    modules="$(sed -n 's/.*--add-modules \([^ ]*\).*/\1/p' "$SHARED/device/make-jre.sh")"
    [[ -n "$modules" ]] || { echo "bundle.sh: no --add-modules list in $SHARED/device/make-jre.sh" >&2; exit 1; }
    tmp="$(mktemp -d)"
    "$JAVA_HOME/bin/jlink" --add-modules "$modules,jdk.jfr" --strip-debug --no-header-files --no-man-pages \
        --output "$tmp/jre"
    tar -C "$tmp" -cf - jre | xz -T2 -6 > "$DEV/jre.tar.xz"
    rm -rf "$tmp"
fi

du -sh "$DEV"/* | sed 's:^:  :'
tree=$(( $(git ls-files -z | xargs -0 du -cb | tail -n 1 | cut -f1) / 1048576 ))
echo ".device/ holds $(( $(du -sb "$DEV" | cut -f1) / 1048576 )) MiB, the tracked tree ${tree} MiB (the device tool's limit: 64 MiB together)"
