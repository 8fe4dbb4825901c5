#!/usr/bin/env bash
# Packs what tests/gpu/device-run.sh needs on a GPU machine that has CUDA PyTorch but no Java,
# Maven or Spark, into one archive small enough to travel beside the repository:
#   .gpu/bundle.tar.xz = a trimmed Java 17 runtime (jlink), the udfs jar, DJL and its few
#   dependencies, DJL's cu128 JNI library (from the pytorch-jni jar on Maven Central) and
#   tests/gpu/ModelOnGpu.java compiled.
# Run it here (Java 17 with jmods, Maven, xz), after `mvn install -DskipTests`. Spark's jars (250 MB)
# cannot travel, so the Spark part of tests/gpu/check.sh is not in the bundle.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p .gpu "$WORK/b/jars" "$WORK/b/jni" "$WORK/classes"
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude

mvn -B -q -o dependency:build-classpath -pl jobs -Dmdep.outputFile="$WORK/cp.txt" > /dev/null
wanted='/(api|pytorch-engine|gson|jna|slf4j-api|jackson-core|jackson-databind|jackson-annotations|commons-compress)-[0-9][^/]*\.jar$'
tr ':' '\n' < "$WORK/cp.txt" | grep -E "$wanted" | xargs -I{} cp {} "$WORK/b/jars/"
nop=$(find ~/.m2/repository/org/slf4j/slf4j-nop -name 'slf4j-nop-2*.jar' | sort -V | tail -1)
cp "$nop" "$WORK/b/jars/"
cp udfs/target/catalog-render-udfs-0.1.0-SNAPSHOT.jar "$WORK/b/jars/"

# DJL's JNI for CUDA: the pytorch-jni jar holds it; the jar travels with its properties only.
jni=$(tr ':' '\n' < "$WORK/cp.txt" | grep '/pytorch-jni-')
(cd "$WORK" && unzip -q "$jni" 'jnilib/pytorch.properties' 'jnilib/linux-x86_64/cu128/libdjl_torch.so')
cp "$WORK/jnilib/linux-x86_64/cu128/libdjl_torch.so" "$WORK/b/jni/"
(cd "$WORK" && jar cf b/jars/pytorch-jni-properties.jar jnilib/pytorch.properties)

javac -d "$WORK/classes" -cp "$WORK/b/jars/*" tests/gpu/ModelOnGpu.java
jar cf "$WORK/b/jars/model-on-gpu.jar" -C "$WORK/classes" .

# Uncompressed modules and a stripped JVM: xz packs them far smaller than jlink's own compression.
jlink --add-modules java.base,java.desktop,java.logging,jdk.unsupported,java.xml,java.sql \
  --strip-debug --no-man-pages --no-header-files --compress=0 --output "$WORK/b/jre" > /dev/null
strip --strip-unneeded "$WORK/b/jre/lib/server/libjvm.so"
# the symbols DJL's JNI takes from libtorch, for device-run.sh's compatibility check
nm -D --undefined-only "$WORK/b/jni/libdjl_torch.so" | awk '$1 == "U" {print $2}' | grep -v '@' > "$WORK/b/jni/undefined.txt"
tar cf - -C "$WORK/b" . | xz -9 -T2 > .gpu/bundle.tar.xz
ls -l .gpu/bundle.tar.xz
