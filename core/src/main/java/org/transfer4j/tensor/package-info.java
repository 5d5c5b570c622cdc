/**
 * Tensors: float32, row-major, images NHWC. A {@link org.transfer4j.tensor.Tensor} is a view
 * (shape, strides, offset) over a {@link org.transfer4j.backend.Storage} owned by one device.
 */
package org.transfer4j.tensor;
