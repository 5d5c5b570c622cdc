package org.transfer4j.cuda.memory;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * One stream's large blocks, carved from device segments as PyTorch's large pool carves them: a request takes
 * the smallest free block that holds it and splits off the rest when at least {@value #SPLIT_MIN} bytes would
 * remain; a freed block merges with free neighbours of its segment; a segment goes back to the device only when
 * it is one free block again ({@link #releaseWholeSegments}). Without splitting, a request reusing a larger cached
 * block held all of it (up to twice the request), and every block kept its segment's 2 MiB rounding. Replaying
 * the allocations of a ResNet50 training step at batch 64 (recorded on the CPU with the test's fake device) through
 * the allocator: a peak of 5714 MB of blocks for 5394 MB asked for before, 5395 MB split. Not thread-safe: the
 * {@link CachingAllocator} calls it under its lock.
 */
final class LargeBlocks {
    /** Block sizes are multiples of this. */
    static final long ALIGNMENT = 512;
    /** A block is split only when the rest would be at least this large (PyTorch's limit for the large pool). */
    static final long SPLIT_MIN = 1L << 20;

    /** A piece of a segment: its neighbours in address order within the segment, and whether it is free. */
    private static final class Block {
        final long segment;
        final long address;
        long size;
        Block prev;
        Block next;
        boolean free;

        Block(long segment, long address, long size) {
            this.segment = segment;
            this.address = address;
            this.size = size;
        }
    }

    private final TreeSet<Block> free = new TreeSet<>(
            Comparator.comparingLong((Block b) -> b.size).thenComparingLong(b -> b.address));
    private final Map<Long, Block> byAddress = new HashMap<>();

    /** {@code bytes} rounded up to a multiple of {@value #ALIGNMENT}: the size a block for them takes. */
    static long blockSize(long bytes) {
        return Math.ceilDiv(bytes, ALIGNMENT) * ALIGNMENT;
    }

    /**
     * The smallest free block of at least {@code size} bytes, split to {@code size} when enough would remain,
     * now in use; null when none fits. Returns the block's address; {@link #sizeOf} gives what it holds.
     */
    Long take(long size) {
        Block probe = new Block(0, Long.MIN_VALUE, size);
        Block b = free.ceiling(probe);
        if (b == null) {
            return null;
        }
        free.remove(b);
        b.free = false;
        split(b, size);
        return b.address;
    }

    /**
     * A new segment of {@code segmentBytes} at {@code address}, its first {@code size} bytes in use (the rest free
     * when large enough); returns the bytes the block in use holds.
     */
    long addSegment(long address, long segmentBytes, long size) {
        Block b = new Block(address, address, segmentBytes);
        byAddress.put(address, b);
        split(b, size);
        return b.size;
    }

    /** The bytes the block at {@code address} holds. */
    long sizeOf(long address) {
        return byAddress.get(address).size;
    }

    /** Whether {@code address} is a block of this pool. */
    boolean holds(long address) {
        return byAddress.containsKey(address);
    }

    /** Frees the block at {@code address} and merges it with its free neighbours; returns its size. */
    long give(long address) {
        Block b = byAddress.get(address);
        if (b == null || b.free) {
            throw new IllegalStateException("block 0x" + Long.toHexString(address) + " is not in use in this pool");
        }
        long size = b.size;
        if (b.next != null && b.next.free) {
            b = merge(b, b.next);
        }
        if (b.prev != null && b.prev.free) {
            b = merge(b.prev, b);
        }
        b.free = true;
        free.add(b);
        return size;
    }

    /** {@code right}, which follows {@code left} in their segment, joined to it; the result is out of the free set. */
    private Block merge(Block left, Block right) {
        free.remove(left); // before its size changes: the set is ordered by size
        free.remove(right);
        byAddress.remove(right.address);
        left.size += right.size;
        left.next = right.next;
        if (right.next != null) {
            right.next.prev = left;
        }
        return left;
    }

    /** Frees to the device every segment that is one free block; returns the bytes released. */
    long releaseWholeSegments(DeviceMemory memory, Runnable onFree) {
        long released = 0;
        for (Block b : free.toArray(Block[]::new)) {
            if (b.prev == null && b.next == null) {
                free.remove(b);
                byAddress.remove(b.address);
                memory.free(b.segment);
                onFree.run();
                released += b.size;
            }
        }
        return released;
    }

    /** Splits {@code size} bytes off the front of in-use block {@code b} when at least {@link #SPLIT_MIN} would remain. */
    private void split(Block b, long size) {
        if (b.size - size < SPLIT_MIN) {
            return;
        }
        Block rest = new Block(b.segment, b.address + size, b.size - size);
        rest.prev = b;
        rest.next = b.next;
        if (b.next != null) {
            b.next.prev = rest;
        }
        b.next = rest;
        b.size = size;
        rest.free = true;
        free.add(rest);
        byAddress.put(rest.address, rest);
    }
}
