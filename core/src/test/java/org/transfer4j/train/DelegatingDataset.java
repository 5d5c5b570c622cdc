package org.transfer4j.train;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.ops.Gather;

/**
 * An {@link InMemoryDataset} that reports itself augmented, or whose streams leave out the sample at
 * {@code skip} (a corrupt file, as an image loader skips it) and count it in {@code skipped()}.
 */
record DelegatingDataset(InMemoryDataset source, int skip, boolean augmented) implements Dataset {
    @Override
    public int size() {
        return source.size();
    }

    @Override
    public List<String> classNames() {
        return source.classNames();
    }

    @Override
    public int label(int index) {
        return source.label(index);
    }

    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long seed) {
        BatchStream inner = source.batches(batchSize, shuffle, seed);
        return new BatchStream() {
            private int skipped;
            private Batch pending = advance();

            private Batch advance() {
                while (inner.hasNext()) {
                    Batch b = inner.next();
                    int at = Arrays.stream(b.indices()).boxed().toList().indexOf(skip);
                    if (at < 0) {
                        return b;
                    }
                    skipped++;
                    if (b.size() > 1) {
                        int[] rows = java.util.stream.IntStream.range(0, b.size()).filter(i -> i != at).toArray();
                        int[] labels = Arrays.stream(rows).map(i -> b.labels()[i]).toArray();
                        int[] indices = Arrays.stream(rows).map(i -> b.indices()[i]).toArray();
                        try (NoGrad ignored = NoGrad.enter()) {
                            return new Batch(Gather.gather(b.x(), 0, rows), labels, indices);
                        }
                    }
                }
                return null;
            }

            @Override
            public int batchCount() {
                return inner.batchCount();
            }

            @Override
            public int skipped() {
                return skipped;
            }

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public Batch next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                Batch b = pending;
                pending = advance();
                return b;
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
