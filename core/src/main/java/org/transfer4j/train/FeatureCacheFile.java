package org.transfer4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The disk storage of a {@link FeatureCache}: a temporary file of {@code rows x rowFloats} float32 values
 * (row-major, native byte order; it never leaves this machine), memory-mapped whole. The mapping is a
 * {@link MemorySegment} rather than a {@code MappedByteBuffer}: it has no 2 GiB limit, so no chunking, and
 * closing its arena unmaps it at once, so the file can be deleted on {@link #close()} on every OS. The
 * operating system pages rows in and out, so the cache costs page cache, not heap.
 */
final class FeatureCacheFile implements AutoCloseable {
    private final Path path;
    private final int rowFloats;
    private final long rows;
    private final Arena arena;
    private final MemorySegment segment;
    private volatile boolean closed;

    private FeatureCacheFile(Path path, long rows, int rowFloats, Arena arena, MemorySegment segment) {
        this.path = path;
        this.rows = rows;
        this.rowFloats = rowFloats;
        this.arena = arena;
        this.segment = segment;
    }

    /** A new file of {@code rows * rowFloats} floats in {@code dir} (created if missing), mapped read-write. */
    static FeatureCacheFile create(Path dir, long rows, int rowFloats) {
        long bytes = rows * rowFloats * Float.BYTES;
        Path path = null;
        // A shared arena: batches may be gathered on a loader thread other than the one that computed them.
        Arena arena = Arena.ofShared();
        try {
            Files.createDirectories(dir);
            path = Files.createTempFile(dir, "transfer4j-features-", ".f32");
            path.toFile().deleteOnExit(); // a safety net for a JVM that exits without closing the cache
            MemorySegment segment;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // The mapping stays valid after the channel is closed, until the arena is.
                segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            }
            return new FeatureCacheFile(path, rows, rowFloats, arena, segment);
        } catch (IOException | RuntimeException e) {
            arena.close();
            if (path != null) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("FeatureCache: cannot create a feature file of " + bytes + " bytes in "
                        + dir + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    Path path() {
        return path;
    }

    int rowFloats() {
        return rowFloats;
    }

    /** Writes whole rows starting at row {@code firstRow}: {@code values.length} must be a multiple of the row size. */
    void writeRows(long firstRow, float[] values) {
        ensureOpen();
        if (values.length % rowFloats != 0 || firstRow < 0 || firstRow + values.length / rowFloats > rows) {
            throw new IllegalArgumentException("FeatureCacheFile: " + values.length + " values at row " + firstRow
                    + " do not fit rows of " + rowFloats + " floats in a file of " + rows + " rows");
        }
        MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT, firstRow * rowFloats * Float.BYTES, values.length);
    }

    /** Copies the given rows, in that order, into {@code dst} ({@code rowIndices.length * rowFloats} floats). */
    void readRows(int[] rowIndices, float[] dst) {
        ensureOpen();
        for (int i = 0; i < rowIndices.length; i++) {
            long row = rowIndices[i];
            if (row < 0 || row >= rows) {
                throw new IndexOutOfBoundsException("FeatureCacheFile: row " + row + " is outside 0.." + (rows - 1));
            }
            MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, row * rowFloats * Float.BYTES, dst, i * rowFloats, rowFloats);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("FeatureCache: the feature file " + path + " was closed (and deleted)");
        }
    }

    /** Unmaps and deletes the file. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("FeatureCache: cannot delete the feature file " + path, e);
        }
    }
}
