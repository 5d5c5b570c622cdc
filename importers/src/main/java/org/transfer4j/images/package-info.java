/**
 * Image files as NHWC tensors: {@link org.transfer4j.images.Images} decodes JPEG, PNG, BMP, GIF and TIFF
 * files (Java's ImageIO decoders, BoofCV IO's raster conversion) into {@code (H,W,3)} RGB float32 values
 * 0..255, and stacks a list of files into one {@code (N,height,width,3)} batch with a
 * {@link org.transfer4j.images.Resize} mode. The conventions are those of Keras'
 * {@code image.load_img(path, target_size=...)} (PIL {@code convert("RGB")}, then {@code resize}):
 * grayscale becomes three equal channels, alpha is dropped without compositing, EXIF orientation is
 * ignored. Every failure is an {@link org.transfer4j.images.ImageDecodeException} naming the file.
 *
 * <p>The data pipeline: {@link org.transfer4j.images.ImageFolder} finds the labelled files of a folder of
 * class folders (Keras' {@code image_dataset_from_directory} order; {@code train/val[/test]} layouts and
 * seeded splits), {@link org.transfer4j.images.ImageDataset} serves them as a
 * {@link org.transfer4j.train.Dataset} of {@code (N,size,size,3)} batches (framed by a
 * {@link org.transfer4j.images.ResizeMode}, randomly changed by a seeded
 * {@link org.transfer4j.images.Augmentation}, scaled by the model's preprocessing), decoded ahead on loader
 * threads; files that do not decode are logged, skipped and counted.
 */
package org.transfer4j.images;
