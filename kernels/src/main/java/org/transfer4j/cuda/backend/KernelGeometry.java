package org.transfer4j.cuda.backend;

import org.transfer4j.cuda.LaunchGeometry;
import org.transfer4j.cuda.LaunchGrid;

/**
 * The launch of each kernel the backend uses, per call, as the kernels' headers prescribe (plain
 * arithmetic, tested on the CPU). Every grid-stride kernel gets {@link LaunchGeometry#forElements}.
 */
final class KernelGeometry {
    /** {@code reduce_cols_*}, {@code transpose_f32} and the {@code depthwise3x3_*} kernels: block (32,8,1). */
    static final int TILE = 32;
    static final int TILE_ROWS = 8;
    /** {@code softmax_xent_forward_f32}: block 128 = 4 warps, one row per warp. */
    static final int SOFTMAX_BLOCK = 128;
    static final int ROWS_PER_SOFTMAX_BLOCK = SOFTMAX_BLOCK / 32;

    private KernelGeometry() {
    }

    /** A 1-D grid-stride kernel over n elements: block 256, grid min(ceil(n/256), 65536). */
    static LaunchGrid elementwise(long n) {
        return LaunchGrid.of(LaunchGeometry.forElements(n));
    }

    /**
     * {@code reduce_rows_*} over {@code rows} rows in {@code chunks} chunks of length {@code chunk}:
     * grid (min(rows, 2^31-1), chunks, 1); the block is a multiple of 32 no longer than the chunk
     * rounded up to a warp (short rows, e.g. 10 classes, do not idle 7 warps), at most 256.
     */
    static LaunchGrid reduceRows(long rows, long chunks, long chunk) {
        int block = (int) Math.min(256, Math.max(32, Math.ceilDiv(chunk, 32) * 32));
        return new LaunchGrid((int) Math.min(rows, Integer.MAX_VALUE), toInt(chunks), 1, block, 1, 1);
    }

    /** {@code reduce_cols_*}: block (32,8,1), grid (ceil(cols/32), chunks, min(outer, 65535)). */
    static LaunchGrid reduceCols(long outer, long cols, long chunks) {
        return new LaunchGrid(toInt(Math.ceilDiv(cols, TILE)), toInt(chunks), (int) Math.min(outer, LaunchGrid.MAX_GRID_YZ),
                TILE, TILE_ROWS, 1);
    }

    /**
     * {@code transpose_f32} of x (B,R,C): block (32,8,1), grid (ceil(C/32), ceil(R/32), min(B, 65535)).
     *
     * @throws IllegalArgumentException when R exceeds 65535*32 (gridDim.y)
     */
    static LaunchGrid transpose(long batch, long rows, long cols) {
        if (Math.ceilDiv(rows, TILE) > LaunchGrid.MAX_GRID_YZ) {
            throw new IllegalArgumentException("transpose_f32 takes at most " + (long) LaunchGrid.MAX_GRID_YZ * TILE
                    + " rows, got " + rows);
        }
        return new LaunchGrid(toInt(Math.ceilDiv(cols, TILE)), (int) Math.ceilDiv(rows, TILE),
                (int) Math.min(batch, LaunchGrid.MAX_GRID_YZ), TILE, TILE_ROWS, 1);
    }

    /** {@code softmax_xent_forward_f32}: one warp per row, block 128, grid min(ceil(rows/4), 65536). */
    static LaunchGrid softmaxRows(long rows) {
        return LaunchGrid.of(LaunchGeometry.forElements(rows, ROWS_PER_SOFTMAX_BLOCK, LaunchGeometry.DEFAULT_GRID_CAP))
                .withBlockX(SOFTMAX_BLOCK);
    }

    /** Output pixels per thread that {@link #depthwisePixels} aims for (the nine weights are loaded once per thread). */
    static final long DEPTHWISE_PIXELS_PER_THREAD = 4;

    /**
     * {@code depthwise3x3_forward_f32} and {@code depthwise3x3_backward_data_f32} writing {@code pixels} pixels
     * of {@code channels} channels: block (32,8,1), grid (ceil(C/32), P, 1) with P blocks of 8 pixels grid-striding:
     * {@link #DEPTHWISE_PIXELS_PER_THREAD} pixels per thread, unless that leaves fewer blocks than one wave of
     * {@link #CHANNEL_BLOCKS_PER_SM} per SM (then fewer pixels per thread, down to one), and P <= 65535.
     *
     * @throws IllegalArgumentException when pixels, channels or multiprocessors is below 1
     */
    static LaunchGrid depthwisePixels(long pixels, long channels, int multiprocessors) {
        if (pixels < 1 || channels < 1 || multiprocessors < 1) {
            throw new IllegalArgumentException("depthwise kernels need pixels, channels and multiprocessors >= 1, got "
                    + pixels + ", " + channels + ", " + multiprocessors);
        }
        long tiles = Math.ceilDiv(channels, TILE);
        long onePixelEach = Math.ceilDiv(pixels, TILE_ROWS);
        long wave = Math.ceilDiv((long) CHANNEL_BLOCKS_PER_SM * multiprocessors, tiles);
        long blocks = Math.min(onePixelEach, Math.max(Math.ceilDiv(onePixelEach, DEPTHWISE_PIXELS_PER_THREAD), wave));
        return new LaunchGrid(toInt(tiles), (int) Math.min(blocks, LaunchGrid.MAX_GRID_YZ), 1, TILE, TILE_ROWS, 1);
    }

    /** {@code depthwise3x3_backward_filter_f32}: block (32,8,1), grid (ceil(C/32), chunks, 1). */
    static LaunchGrid depthwiseFilter(long channels, long chunks) {
        return new LaunchGrid(toInt(Math.ceilDiv(channels, TILE)), toInt(chunks), 1, TILE, TILE_ROWS, 1);
    }

    /**
     * The resident blocks of 256 threads per SM that the per-channel sums of {@code batchnorm.cu} aim for: 8
     * is a full SM on compute capability 8.0 and later (2048 threads; the kernels are built with
     * {@code __launch_bounds__(256, 8)}, at most 32 registers), so the whole grid is one wave with 64 warps
     * per SM, each with four row loads in flight: enough bytes in flight to run near the memory bandwidth.
     */
    static final int CHANNEL_BLOCKS_PER_SM = 8;
    /** The shortest chunk of rows a block of the per-channel sums takes: 4 rows per row-thread. */
    static final long MIN_CHANNEL_CHUNK = 32;

    /**
     * The chunk length (rows per block) of {@code batchnorm_moments_f32} and {@code batchnorm_backward_sums_f32}
     * over x (rows, channels): the grid (ceil(C/32), chunks) gets about {@link #CHANNEL_BLOCKS_PER_SM} blocks per
     * SM, chunks of at least {@link #MIN_CHANNEL_CHUNK} rows (one chunk when rows fit it) and at most 65535
     * chunks (gridDim.y). The chunks are {@code ceil(rows / chunk)}.
     *
     * @throws IllegalArgumentException when rows or channels is below 1 or multiprocessors below 1
     */
    static long channelChunk(long rows, long channels, int multiprocessors) {
        if (rows < 1 || channels < 1 || multiprocessors < 1) {
            throw new IllegalArgumentException("per-channel sums need rows, channels and multiprocessors >= 1, got "
                    + rows + ", " + channels + ", " + multiprocessors);
        }
        long tiles = Math.ceilDiv(channels, TILE);
        long wanted = Math.max(1, Math.ceilDiv((long) CHANNEL_BLOCKS_PER_SM * multiprocessors, tiles));
        long chunk = Math.max(MIN_CHANNEL_CHUNK, Math.ceilDiv(rows, wanted));
        return Math.max(chunk, Math.ceilDiv(rows, LaunchGrid.MAX_GRID_YZ));
    }

    /** {@code batchnorm_moments_f32}, {@code batchnorm_backward_sums_f32}: block (32,8,1), grid (ceil(C/32), chunks, 1). */
    static LaunchGrid channelSums(long channels, long chunks) {
        return new LaunchGrid(toInt(Math.ceilDiv(channels, TILE)), toInt(chunks), 1, TILE, TILE_ROWS, 1);
    }

    /** {@code batchnorm_*_single_f32}: block (32,8,1), grid (ceil(C/32), 1, 1): a block per 32 channels, all rows. */
    static LaunchGrid channelSingle(long channels) {
        return channelSums(channels, 1);
    }

    /** {@code batchnorm_*_finalize_f32}: block (32,32,1), grid (ceil(C/32), 1, 1). */
    static LaunchGrid channelFinalize(long channels) {
        return new LaunchGrid(toInt(Math.ceilDiv(channels, TILE)), 1, 1, TILE, TILE, 1);
    }

    private static int toInt(long v) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("grid side " + v + " exceeds 2^31-1");
        }
        return (int) v;
    }
}
