/**
 * The GPU side-by-side harness of issue 7: {@link org.transfer4j.bench.gpu.GpuSideBySide} times transfer4j on
 * MobileNetV2 and ResNet50 (a training step, inference, and head-only training on a frozen base with feature
 * caching) and writes JSON in the schema of {@link org.transfer4j.bench.gpu.SideBySideReport};
 * {@code bench/gpu/torch_side_by_side.py} writes the same schema for PyTorch eager, and
 * {@link org.transfer4j.bench.gpu.Compare} prints both, the ratios and the targets, PASS or FAIL.
 * {@code bench/gpu/bundle.sh} and {@code bench/gpu/on-device.sh} carry it all to the GPU machine (bench/README.md).
 */
package org.transfer4j.bench.gpu;
