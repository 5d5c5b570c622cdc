package org.transfer4j.bench;

import java.nio.file.Path;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.images.Augmentation;
import org.transfer4j.images.ImageDataset;
import org.transfer4j.images.ImageFolder;
import org.transfer4j.train.Batch;
import org.transfer4j.train.BatchStream;
import org.transfer4j.train.EpochOrder;

/**
 * Images per second that the image loader ({@link ImageDataset}) sustains on its own: decode, resize,
 * augment, MobileNet preprocessing and batching, nothing consuming the batches but a checksum. One
 * shuffled epoch per case after a warm-up epoch (JIT, file cache), at 224 and 128, with and without the
 * default {@link Augmentation}. A plain {@code main} rather than JMH: one case is a whole epoch of seconds,
 * and the loader runs its own threads.
 *
 * <p>HOW TO RUN: {@code mvn -q -pl core,importers,bench -am package -DskipTests}, then
 * {@code java -cp bench/target/benchmarks.jar org.transfer4j.bench.ImageLoaderThroughput [DIR] [THREADS] [BATCH]}
 * (defaults: {@code ../shared/data/flowers128/train}, available processors, 32).
 */
public final class ImageLoaderThroughput {
    private ImageLoaderThroughput() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/flowers128/train");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        ImageFolder folder = ImageFolder.of(dir);
        System.out.printf("%s: %d images, %d classes; %d loader threads, batch %d, %d processors%n", dir,
                folder.size(), folder.classNames().size(), threads, batch, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-6s %-13s %10s %10s%n", "size", "augmentation", "seconds", "images/s");
        for (int size : new int[] {224, 128}) {
            for (boolean augment : new boolean[] {false, true}) {
                var builder = ImageDataset.builder(size).preprocessing(Preprocessing.MOBILENET).threads(threads)
                        .augmentation(augment ? Augmentation.defaults() : Augmentation.NONE);
                ImageDataset data = augment ? builder.training(folder) : builder.evaluation(folder);
                epoch(data, batch, 0); // warm-up
                long start = System.nanoTime();
                int images = epoch(data, batch, 1);
                double seconds = (System.nanoTime() - start) * 1e-9;
                System.out.printf("%-6d %-13s %10.2f %10.1f%n", size, augment ? "defaults" : "none", seconds,
                        images / seconds);
            }
        }
    }

    /** One shuffled epoch; returns the images loaded. */
    private static int epoch(ImageDataset data, int batch, int epoch) {
        int images = 0;
        double checksum = 0;
        try (BatchStream stream = data.batches(batch, true, EpochOrder.epochSeed(1, epoch))) {
            while (stream.hasNext()) {
                Batch b = stream.next();
                images += b.size();
                checksum += b.x().toArray()[0]; // keeps the batch alive to the consumer, as training would
            }
            if (stream.skipped() > 0) {
                System.out.println("skipped " + stream.skipped() + " files");
            }
        }
        if (Double.isNaN(checksum)) {
            throw new IllegalStateException("NaN pixels");
        }
        return images;
    }
}
