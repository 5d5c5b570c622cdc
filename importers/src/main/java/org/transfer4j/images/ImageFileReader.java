package org.transfer4j.images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes the first image of a file with the ImageIO reader that recognises its content (not its name).
 *
 * <p>Why not BoofCV's {@code UtilImageIO.loadImage}: it returns {@code null} for every failure and
 * drops the reason, and, like {@code ImageIO.read}, it returns a truncated JPEG as a full-size image
 * whose missing part is grey: the JPEG decoder only reports truncation as a warning, which needs a
 * listener on the reader. Here a truncation warning is an error, as in PIL (which Keras uses), where a
 * truncated file raises {@code OSError: image file is truncated}.
 */
final class ImageFileReader {
    /**
     * The most pixels an image may have: PIL's {@code DecompressionBombError} limit, twice its
     * {@code MAX_IMAGE_PIXELS} of {@code 1024 * 1024 * 1024 / 4 / 3}, so Keras refuses the same files.
     * Its {@code (H,W,3)} float array (2.1 GB) still fits in one Java array.
     */
    static final long MAX_PIXELS = 2L * (1024 * 1024 * 1024 / 4 / 3);

    private ImageFileReader() {
    }

    static BufferedImage read(Path file) {
        if (!Files.exists(file)) {
            throw ImageDecodeException.of(file, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw ImageDecodeException.of(file, "not a regular file");
        }
        // An in-memory cache keeps ImageIO from writing temporary files, and works for any FileSystem.
        try (InputStream in = Files.newInputStream(file);
             ImageInputStream stream = new MemoryCacheImageInputStream(in)) {
            ImageReader reader = readerFor(file, stream);
            try {
                return decode(file, reader, stream);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw ImageDecodeException.of(file, "cannot read", e);
        }
    }

    private static ImageReader readerFor(Path file, ImageInputStream stream) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
        if (!readers.hasNext()) {
            throw ImageDecodeException.of(file, "not an image in a known format (readable formats: "
                    + String.join(", ", ImageIO.getReaderFormatNames()) + ")");
        }
        return readers.next();
    }

    private static BufferedImage decode(Path file, ImageReader reader, ImageInputStream stream) {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, message) -> warnings.add(message));
        reader.setInput(stream, true, true);
        String format = step(file, "image", reader::getFormatName).toUpperCase(Locale.ROOT);
        long width = step(file, format, () -> reader.getWidth(0));
        long height = step(file, format, () -> reader.getHeight(0));
        // Checked before decoding, so a header claiming billions of pixels allocates nothing.
        if (width <= 0 || height <= 0 || width * height > MAX_PIXELS) {
            throw ImageDecodeException.of(file, format + " image of " + width + "x" + height
                    + " pixels: size must be positive and at most " + MAX_PIXELS + " pixels");
        }
        BufferedImage image = step(file, format, () -> reader.read(0));
        for (String warning : warnings) {
            if (isTruncation(warning)) {
                throw ImageDecodeException.of(file, "truncated " + format + " data (" + warning + ")");
            }
        }
        return image;
    }

    private interface DecodeStep<T> {
        T run() throws IOException;
    }

    private static <T> T step(Path file, String format, DecodeStep<T> step) {
        try {
            return step.run();
        } catch (IOException | RuntimeException e) {
            // Besides IOException, hostile files make some ImageIO decoders throw unchecked exceptions
            // (index out of bounds, negative array size, null pointer); all are failures of this file.
            throw ImageDecodeException.of(file, "corrupt " + format + " data", e);
        }
    }

    /**
     * Java's JPEG reader reports a truncated file as "Truncated File - Missing EOI marker" and
     * libjpeg's "Premature end of JPEG file" / "Corrupt JPEG data: premature end of data segment",
     * then fills the rest with grey. Other warnings (an extraneous byte before a marker, a bad
     * embedded colour profile) leave the pixels whole, and PIL accepts such files too.
     */
    static boolean isTruncation(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("truncated") || w.contains("premature end");
    }
}
