/**
 * Keras Applications architectures, built as {@link org.transfer4j.nn.Model}s whose layer names, order,
 * arguments and weight shapes are those of {@code keras.applications}, so Keras weight files load by name:
 * {@link MobileNet}, {@link MobileNetV2}, {@link ResNet50}, {@link ResNet101}, {@link ResNet152},
 * {@link VGG16} and {@link VGG19}, each with a builder that reads like the Keras call
 * ({@code MobileNet.builder().alpha(0.25).includeTop(false).pooling(Pooling.AVG).build()}).
 *
 * <p>Beside the architectures: each family's input {@link Preprocessing} (a tensor of RGB pixels 0..255,
 * {@code (N,H,W,3)}) and {@link ImageNet#decodePredictions} with the 1000 ImageNet class names.
 */
package org.transfer4j.applications;
