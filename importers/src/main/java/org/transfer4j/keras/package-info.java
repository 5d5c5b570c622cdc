/**
 * Keras model files: {@code .h5} import (full models and weights-only files, Keras 2 and 3), Keras 3
 * {@code .keras} archives and {@code .weights.h5} files, {@code .h5} export, NumPy {@code .npy} arrays,
 * and pretrained-weight download with a checksum and a cache. Reading is a lookup table from Keras class
 * names to the layers of {@code org.transfer4j.nn.layers}; every size read from a file is validated before
 * anything is allocated, and every failure is a {@link org.transfer4j.keras.KerasImportException} naming
 * the file, layer and weight. Writing ({@link org.transfer4j.keras.KerasH5#save}) is the inverse table, from
 * layers to Keras 2 configs, and an atomic write of Keras 2's full-model layout; its failures are
 * {@link org.transfer4j.keras.KerasExportException}s.
 */
package org.transfer4j.keras;
