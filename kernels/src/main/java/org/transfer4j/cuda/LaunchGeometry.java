package org.transfer4j.cuda;

/**
 * The 1-D launch geometry of a kernel: {@code gridX} blocks of {@code blockX} threads (grid and block
 * are {@code (gridX,1,1)} and {@code (blockX,1,1)}).
 *
 * <p>The kernels in {@code src/main/cuda} are grid-stride loops (thread {@code t} handles elements
 * {@code t, t + gridX*blockX, ...}), so any grid gives the right result; {@link #forElements} sizes it
 * to cover {@code n} once, capped so that a huge tensor does not launch millions of blocks that each
 * do one element. {@link #oneThreadPerElement} is for kernels that are not grid-stride loops.
 *
 * <p>Limits checked (CUDA, every compute capability from 3.0): at most 1024 threads per block and
 * {@code gridDim.x} at most 2^31-1.
 *
 * @param gridX  the number of blocks, 1 to 2^31-1
 * @param blockX the threads per block, 1 to 1024
 */
public record LaunchGeometry(int gridX, int blockX) {

    /** CUDA's limit on the threads of one block. */
    public static final int MAX_BLOCK = 1024;
    /** CUDA's limit on {@code gridDim.x}, 2^31-1. */
    public static final long MAX_GRID_X = Integer.MAX_VALUE;
    /** The block size of the elementwise kernels (their header comments say block 256). */
    public static final int DEFAULT_BLOCK = 256;
    /**
     * The default grid cap of {@link #forElements(long)}: 65536 blocks of 256 threads are 16.7M
     * threads, more than 60 full waves of an H100 (132 SMs, 8 resident blocks of 256 each), so the cap
     * only makes threads loop on tensors above 16.7M elements, where the loop costs nothing measurable.
     */
    public static final int DEFAULT_GRID_CAP = 65_536;

    /** @throws IllegalArgumentException when a size is outside CUDA's limits */
    public LaunchGeometry {
        checkBlock(blockX);
        if (gridX < 1) {
            throw new IllegalArgumentException("grid size must be at least 1, got " + gridX);
        }
    }

    /** {@link #forElements(long, int, int)} with block {@value #DEFAULT_BLOCK} and grid cap {@value #DEFAULT_GRID_CAP}. */
    public static LaunchGeometry forElements(long n) {
        return forElements(n, DEFAULT_BLOCK, DEFAULT_GRID_CAP);
    }

    /**
     * The geometry of a grid-stride kernel over {@code n} elements: {@code blockX = block},
     * {@code gridX = min(ceil(n / block), gridCap)}, at least 1 (for {@code n = 0} callers usually skip
     * the launch; a one-block launch is harmless, as the loop runs no iteration).
     *
     * @throws IllegalArgumentException when n is negative, block is not in 1..1024 or gridCap is not
     *                                  in 1..2^31-1
     */
    public static LaunchGeometry forElements(long n, int block, int gridCap) {
        checkCount(n);
        checkBlock(block);
        if (gridCap < 1) {
            throw new IllegalArgumentException("grid cap must be in 1.." + MAX_GRID_X + ", got " + gridCap);
        }
        long blocks = Math.max(1, Math.ceilDiv(n, block));
        return new LaunchGeometry((int) Math.min(blocks, gridCap), block);
    }

    /**
     * The geometry of a kernel that gives each of {@code n} elements its own thread (no grid-stride
     * loop): {@code gridX = ceil(n / block)}, at least 1.
     *
     * @throws IllegalArgumentException when that grid exceeds 2^31-1 blocks (use a grid-stride kernel
     *                                  or a larger block), or n or block is out of range
     */
    public static LaunchGeometry oneThreadPerElement(long n, int block) {
        checkCount(n);
        checkBlock(block);
        long blocks = Math.max(1, Math.ceilDiv(n, block));
        if (blocks > MAX_GRID_X) {
            throw new IllegalArgumentException(n + " elements in blocks of " + block + " need " + blocks
                    + " blocks, above CUDA's grid limit of " + MAX_GRID_X + " (gridDim.x)");
        }
        return new LaunchGeometry((int) blocks, block);
    }

    /** The threads launched, {@code gridX * blockX}: the stride of a grid-stride loop. */
    public long threads() {
        return (long) gridX * blockX;
    }

    /** How many elements the busiest thread of a grid-stride loop over {@code n} handles, {@code ceil(n / threads)}. */
    public long elementsPerThread(long n) {
        checkCount(n);
        return Math.ceilDiv(n, threads());
    }

    private static void checkCount(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("element count must not be negative, got " + n);
        }
    }

    private static void checkBlock(int block) {
        if (block < 1 || block > MAX_BLOCK) {
            throw new IllegalArgumentException("block size must be in 1.." + MAX_BLOCK
                    + " threads (CUDA's limit per block), got " + block);
        }
    }
}
