/**
 * Image files as NHWC tensors: {@link org.transfer4j.images.Images} decodes JPEG, PNG, BMP, GIF and TIFF
 * files (Java's ImageIO decoders, BoofCV IO's raster conversion) into {@code (H,W,3)} RGB float32 values
 * 0..255, and stacks a list of files into one {@code (N,height,width,3)} batch with a
 * {@link org.transfer4j.images.Resize} mode. The conventions are those of Keras'
 * {@code image.load_img(path, target_size=...)} (PIL {@code convert("RGB")}, then {@code resize}):
 * grayscale becomes three equal channels, alpha is dropped without compositing, EXIF orientation is
 * ignored. Every failure is an {@link org.transfer4j.images.ImageDecodeException} naming the file.
 */
package org.transfer4j.images;
