package org.transfer4j.cuda;

/**
 * A 3-D launch: grid {@code (gridX, gridY, gridZ)} of blocks {@code (blockX, blockY, blockZ)}, for the
 * kernels whose headers ask for more than a 1-D grid-stride launch (the {@code reduce_cols_*} and
 * {@code transpose_f32} kernels take block (32,8,1) and use {@code gridDim.y} for chunks and
 * {@code gridDim.z} for a batch). {@link LaunchGeometry} is the 1-D special case ({@link #of(LaunchGeometry)}).
 *
 * <p>Limits checked (CUDA, compute capability 3.0 and above): at most 1024 threads per block (the
 * product of the block's sides), {@code blockZ <= 64}, {@code gridX <= 2^31-1},
 * {@code gridY, gridZ <= 65535}.
 */
public record LaunchGrid(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ) {

    /** CUDA's limit on {@code gridDim.y} and {@code gridDim.z}. */
    public static final int MAX_GRID_YZ = 65_535;
    /** CUDA's limit on {@code blockDim.z}. */
    public static final int MAX_BLOCK_Z = 64;

    /** @throws IllegalArgumentException naming the side and the limit it exceeds */
    public LaunchGrid {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1) {
            throw new IllegalArgumentException("grid and block sides must be at least 1, got grid (" + gridX + ","
                    + gridY + "," + gridZ + ") block (" + blockX + "," + blockY + "," + blockZ + ")");
        }
        if (gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) {
            throw new IllegalArgumentException("gridDim.y and gridDim.z are at most " + MAX_GRID_YZ + ", got ("
                    + gridX + "," + gridY + "," + gridZ + ")");
        }
        if (blockZ > MAX_BLOCK_Z || (long) blockX * blockY * blockZ > LaunchGeometry.MAX_BLOCK) {
            throw new IllegalArgumentException("a block holds at most " + LaunchGeometry.MAX_BLOCK
                    + " threads (blockDim.z at most " + MAX_BLOCK_Z + "), got (" + blockX + "," + blockY + "," + blockZ + ")");
        }
    }

    /** The 1-D launch {@code (gridX,1,1) x (blockX,1,1)}. */
    public static LaunchGrid of(LaunchGeometry g) {
        return new LaunchGrid(g.gridX(), 1, 1, g.blockX(), 1, 1);
    }

    /** The same grid with another {@code blockX} (e.g. a grid sized in units of 4 rows, launched with 128 threads). */
    public LaunchGrid withBlockX(int newBlockX) {
        return new LaunchGrid(gridX, gridY, gridZ, newBlockX, blockY, blockZ);
    }

    /** Threads per block. */
    public int threadsPerBlock() {
        return blockX * blockY * blockZ;
    }

    @Override
    public String toString() {
        return "grid (" + gridX + "," + gridY + "," + gridZ + ") block (" + blockX + "," + blockY + "," + blockZ + ")";
    }
}
