package org.transfer4j.cuda.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The argument block of a launch through FFM: what {@code cuLaunchKernel} reads as {@code void** kernelParams}. */
class FfmLaunchTest {

    @Test
    void eachPointerLeadsToItsArgumentsBytesOnA16ByteBoundary() {
        KernelArgs args = KernelArgs.create().i64(123456789012L).i32(-7).f32(1.5f).pointer(0xdeadbeef00L)
                .struct(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(FfmLaunch.BLOCK_BYTES, 16);
            assertTrue(FfmLaunch.pack(block, args.argList()));
            List<KernelArgs.Arg> list = args.argList();
            long previous = block.address() + 5 * Long.BYTES - 1;
            for (int i = 0; i < list.size(); i++) {
                long slot = block.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * Long.BYTES);
                assertEquals(0, slot % 16, "slot " + i + " is 16-byte aligned");
                assertTrue(slot > previous, "slots follow the pointer array and each other");
                previous = slot + list.get(i).bytes().length - 1;
                byte[] stored = MemorySegment.ofAddress(slot).reinterpret(list.get(i).bytes().length)
                        .toArray(ValueLayout.JAVA_BYTE);
                assertArrayEquals(list.get(i).bytes(), stored, "argument " + i);
            }
            // the values as the kernel reads them (little-endian)
            assertEquals(123456789012L, slotOf(block, 0).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            assertEquals(-7, slotOf(block, 1).get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            assertEquals(1.5f, slotOf(block, 2).get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
            assertEquals(0xdeadbeef00L, slotOf(block, 3).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        }
    }

    @Test
    void argumentsThatDoNotFitAreRefusedWithoutWriting() {
        KernelArgs args = KernelArgs.create();
        for (int i = 0; i < 100; i++) {
            args.struct(new byte[100]);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(FfmLaunch.BLOCK_BYTES, 16);
            assertFalse(FfmLaunch.pack(block, args.argList()), "100 slots of 112 bytes exceed the block");
            assertEquals(0L, block.get(ValueLayout.JAVA_LONG, 0), "nothing written");
        }
    }

    private static MemorySegment slotOf(MemorySegment block, int i) {
        return MemorySegment.ofAddress(block.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * Long.BYTES)).reinterpret(16);
    }
}
