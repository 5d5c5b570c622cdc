package org.transfer4j.images;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.train.BatchStream;
import org.transfer4j.train.Dataset;
import org.transfer4j.train.EpochOrder;

/**
 * An {@link ImageFolder} as a {@link Dataset} of {@code (N,size,size,3)} batches: each file decoded as by
 * {@link Images#read} (grey and alpha to RGB), framed by the {@link ResizeMode} (or, when augmenting, the
 * random resized crop), resampled with a {@link Resize} (bilinear by default) to {@code size x size},
 * augmented, and scaled from [0, 255] by the model's {@link Preprocessing} (none by default: pixels stay
 * 0..255).
 *
 * <p>Batches are decoded ahead on a pool of loader threads ({@link ImageBatchStream}); a file that cannot
 * be decoded is logged with its path, skipped and counted in {@link BatchStream#skipped()}.
 *
 * <pre>{@code
 * var splits = ImageFolder.splits(Path.of("flowers"));
 * var images = ImageDataset.builder(224).preprocessing(Preprocessing.MOBILENET).augmentation(Augmentation.defaults());
 * Dataset train = images.training(splits.train());
 * Dataset val = images.evaluation(splits.validation()); // never augmented
 * }</pre>
 */
public final class ImageDataset implements Dataset {
    private final ImageFolder folder;
    private final int imageSize;
    private final ResizeMode resizeMode;
    private final Resize interpolation;
    private final Preprocessing preprocessing;
    private final Augmentation augmentation;
    private final int threads;
    private final int prefetch;

    private ImageDataset(Builder b, ImageFolder folder, Augmentation augmentation) {
        this.folder = Objects.requireNonNull(folder, "folder");
        this.imageSize = b.imageSize;
        this.resizeMode = b.resizeMode;
        this.interpolation = b.interpolation;
        this.preprocessing = b.preprocessing;
        this.augmentation = augmentation;
        this.threads = b.threads;
        this.prefetch = b.prefetch;
    }

    /** Options for images of {@code imageSize x imageSize}; the defaults are listed on each setter. */
    public static Builder builder(int imageSize) {
        return new Builder(imageSize);
    }

    @Override
    public int size() {
        return folder.size();
    }

    @Override
    public List<String> classNames() {
        return folder.classNames();
    }

    @Override
    public int label(int index) {
        return folder.label(index);
    }

    @Override
    public boolean augmented() {
        return !augmentation.isIdentity();
    }

    /**
     * The epoch's batches {@code x (n,size,size,3)}, {@code n <= batchSize} (fewer in the last batch and
     * where files were skipped), in {@link EpochOrder#permutation} order with {@code shuffle}; {@code seed}
     * also seeds the augmentation. Close the stream (try-with-resources) to stop its loader threads.
     */
    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batches: batch size must be positive, got " + batchSize);
        }
        int[] order = shuffle ? EpochOrder.permutation(size(), seed) : EpochOrder.identity(size());
        return new ImageBatchStream(this, order, batchSize, seed, threads, prefetch);
    }

    /** The images and labels behind this dataset. */
    public ImageFolder folder() {
        return folder;
    }

    /** The file of sample {@code index}. */
    public Path file(int index) {
        return folder.file(index);
    }

    /** Output height and width. */
    public int imageSize() {
        return imageSize;
    }

    /** The augmentation applied ({@link Augmentation#NONE} for an evaluation dataset). */
    public Augmentation augmentation() {
        return augmentation;
    }

    /**
     * Sample {@code index} as the batches of an epoch seeded {@code seed} hold it: {@code (size,size,3)},
     * preprocessed. A file that cannot be decoded is an {@link ImageDecodeException}.
     */
    public Tensor sample(int index, long seed) {
        return Tensor.of(load(index, seed), imageSize, imageSize, 3);
    }

    /** {@code (size,size,3)} values of sample {@code index} under {@code seed}; a pure function of both. */
    float[] load(int index, long seed) {
        Path file = folder.file(index);
        BufferedImage image = ImageFileReader.read(file);
        int h = image.getHeight();
        int w = image.getWidth();
        float[] rgb = RgbPixels.of(image);
        CropBox box = augmentation.crops() ? augmentation.cropBox(seed, index, h, w) : resizeMode.box(h, w);
        float[] pixels = box.cropAndResize(rgb, h, w, imageSize, interpolation);
        pixels = augmentation.finish(pixels, imageSize, seed, index);
        if (preprocessing == null) {
            return pixels;
        }
        return preprocessing.apply(Tensor.of(pixels, imageSize, imageSize, 3)).toArray();
    }

    @Override
    public String toString() {
        return "ImageDataset[" + folder + ", " + imageSize + "x" + imageSize + " " + resizeMode + " " + interpolation
                + ", " + (preprocessing == null ? "pixels 0..255" : preprocessing) + ", " + augmentation + "]";
    }

    /**
     * The settings shared by a training and an evaluation dataset; {@link #training} and
     * {@link #evaluation} make datasets of folders with them (the builder stays usable).
     */
    public static final class Builder {
        private final int imageSize;
        private ResizeMode resizeMode = ResizeMode.STRETCH;
        private Resize interpolation = Resize.BILINEAR;
        private Preprocessing preprocessing;
        private Augmentation augmentation = Augmentation.NONE;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int prefetch = 2;

        private Builder(int imageSize) {
            if (imageSize < 1) {
                throw new IllegalArgumentException("image size must be positive, got " + imageSize);
            }
            this.imageSize = imageSize;
        }

        /** How an image is framed into the square; default {@link ResizeMode#STRETCH}. */
        public Builder resizeMode(ResizeMode mode) {
            this.resizeMode = Objects.requireNonNull(mode, "resizeMode");
            return this;
        }

        /** The resampling; default {@link Resize#BILINEAR} (TensorFlow's, as Keras' image datasets). */
        public Builder interpolation(Resize interpolation) {
            this.interpolation = Objects.requireNonNull(interpolation, "interpolation");
            return this;
        }

        /** The model's input scaling of RGB [0, 255]; default none (pixels stay 0..255). */
        public Builder preprocessing(Preprocessing preprocessing) {
            this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
            return this;
        }

        /** Augmentation of {@link #training} datasets; default {@link Augmentation#NONE}. */
        public Builder augmentation(Augmentation augmentation) {
            this.augmentation = Objects.requireNonNull(augmentation, "augmentation");
            return this;
        }

        /** Loader threads decoding in parallel; default the number of available processors. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Batches decoded ahead of the one being consumed (the bound of the loader's queue); default 2. */
        public Builder prefetch(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("prefetch must be at least 0, got " + batches);
            }
            this.prefetch = batches;
            return this;
        }

        /** A dataset of {@code folder}, augmented as configured. */
        public ImageDataset training(ImageFolder folder) {
            return new ImageDataset(this, folder, augmentation);
        }

        /** A dataset of {@code folder} without augmentation, for validation, testing and prediction. */
        public ImageDataset evaluation(ImageFolder folder) {
            return new ImageDataset(this, folder, Augmentation.NONE);
        }
    }
}
