package org.transfer4j.cuda.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.cuda.LaunchGeometry;
import org.transfer4j.cuda.driver.Broadcast6;
import org.transfer4j.cuda.driver.CudaContext;
import org.transfer4j.cuda.driver.CudaDevice;
import org.transfer4j.cuda.driver.CudaEvent;
import org.transfer4j.cuda.driver.CudaStream;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.driver.KernelFunction;
import org.transfer4j.cuda.driver.KernelLauncher;
import org.transfer4j.cuda.driver.ModuleCache;

/**
 * The driver layer and the allocator on a real GPU: device 0, a stream, the elementwise module,
 * buffers from the caching allocator, uploads through pinned buffers, launches, downloads, and the
 * results compared with the same arithmetic done in Java. Runs with {@code mvn -Pgpu test}.
 */
@GpuTest
class ElementwiseOnGpuTest {

    private static CudaContext context;
    private static CudaStream stream;
    private static ModuleCache modules;
    private static CachingAllocator allocator;
    private static PinnedHostPool pinned;
    private static HostTransfers transfers;

    @BeforeAll
    static void open() {
        context = CudaContext.primary(0);
        stream = CudaStream.create(context);
        modules = new ModuleCache(context);
        allocator = new CachingAllocator(new JCudaDeviceMemory(context));
        pinned = new PinnedHostPool(new JCudaPinnedHostMemory(context));
        transfers = new HostTransfers(pinned, 64 * 1024);   // small chunks: the 100,003-float tests use several
    }

    @AfterAll
    static void close() {
        if (context != null) {
            stream.synchronize();
            modules.close();
            allocator.close();
            pinned.close();
            stream.close();
            context.close();
        }
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        return x;
    }

    @Test
    void device0ReportsItsProperties() {
        CudaDevice device = context.device();
        assertEquals(0, device.ordinal());
        assertFalse(device.name().isBlank());
        assertTrue(device.computeCapability().atLeast(7, 5), device.toString());
        assertTrue(device.totalMemory() > 1L << 30, device.toString());
        assertEquals(1024, device.maxThreadsPerBlock());
        assertTrue(CudaDevice.count() >= 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaDevice.get(CudaDevice.count()));
        assertTrue(e.getMessage().contains("the driver reports"), e.getMessage());
    }

    @Test
    void reluOnTheGpuEqualsJavasMaxWithZero() {
        // n not a multiple of 256, and special values at the front: -0, NaN, +inf, -inf
        int n = 100_003;
        float[] x = random(n, 1);
        x[0] = -0f;
        x[1] = Float.NaN;
        x[2] = Float.POSITIVE_INFINITY;
        x[3] = Float.NEGATIVE_INFINITY;
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = Math.max(x[i], 0f);   // relu_f32: t4j_max(x, 0), NaN propagates like Math.max
        }
        KernelFunction relu = modules.function("elementwise", "relu_f32");
        assertSame(relu, modules.function("elementwise", "relu_f32"));
        float[] y = new float[n];
        try (DeviceBuffer dx = allocator.allocate(4L * n, stream); DeviceBuffer dy = allocator.allocate(4L * n, stream);
             CudaEvent start = CudaEvent.create(context); CudaEvent end = CudaEvent.create(context)) {
            transfers.upload(x, dx, stream);
            start.record(stream);
            KernelLauncher.launch(relu, LaunchGeometry.forElements(n), 0, stream,
                    KernelArgs.create().i64(n).pointer(dx.pointer()).pointer(dy.pointer()));
            end.record(stream);
            transfers.download(dy, y, stream);
            end.synchronize();
            assertTrue(end.millisSince(start) >= 0);
        }
        assertTrue(Float.isNaN(y[1]));
        assertArrayEquals(expected, y);   // bit-exact: max is exact arithmetic
    }

    @Test
    void broadcastAddOnTheGpuEqualsTheSumOverBroadcastIndices() {
        // a (2,3,4,5) + b (3,1,5) -> y (2,3,4,5): y[n,h,w,c] = a[n,h,w,c] + b[h,0,c]
        long[] aShape = {2, 3, 4, 5};
        long[] bShape = {3, 1, 5};
        float[] a = random(2 * 3 * 4 * 5, 2);
        float[] b = random(3 * 5, 3);
        float[] expected = new float[a.length];
        for (int n = 0; n < 2; n++) {
            for (int h = 0; h < 3; h++) {
                for (int w = 0; w < 4; w++) {
                    for (int c = 0; c < 5; c++) {
                        int i = ((n * 3 + h) * 4 + w) * 5 + c;
                        expected[i] = a[i] + b[h * 5 + c];   // one float addition, round to nearest
                    }
                }
            }
        }
        Broadcast6 s = Broadcast6.of(aShape, bShape);
        long count = s.elementCount();
        KernelFunction add = modules.function("elementwise", "add_bcast_f32");
        float[] y = new float[a.length];
        try (DeviceBuffer da = allocator.allocate(4L * a.length, stream);
             DeviceBuffer db = allocator.allocate(4L * b.length, stream);
             DeviceBuffer dy = allocator.allocate(4L * a.length, stream)) {
            transfers.upload(a, da, stream);
            transfers.upload(b, db, stream);
            KernelLauncher.launch(add, LaunchGeometry.forElements(count), 0, stream, KernelArgs.create()
                    .i64(count).struct(s).pointer(da.pointer()).pointer(db.pointer()).pointer(dy.pointer()));
            transfers.download(dy, y, stream);
        }
        assertArrayEquals(expected, y);   // __fadd_rn is IEEE round-to-nearest, like Java's float +
    }

    @Test
    void unknownKernelsAndWrongArgumentsFailBeforeTheLaunch() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> modules.function("elementwise", "gelu_f32"));
        assertTrue(unknown.getMessage().startsWith("kernel family elementwise has no kernel \"gelu_f32\""),
                unknown.getMessage());
        KernelFunction relu = modules.function("elementwise", "relu_f32");
        assertThrows(IllegalArgumentException.class, () -> KernelLauncher.launch(relu, LaunchGeometry.forElements(10),
                0, stream, KernelArgs.create().i32(10).pointer(8).pointer(16)));
        assertThrows(IllegalArgumentException.class, () -> KernelLauncher.launch(relu, LaunchGeometry.forElements(10),
                1 << 20, stream, KernelArgs.create().i64(10).pointer(8).pointer(16)));
    }

    @Test
    void aClosedBufferIsReusedOnTheSameStreamWithoutANewDeviceAllocation() {
        long mallocs = allocator.stats().deviceMallocs();
        long address;
        try (DeviceBuffer first = allocator.allocate(3 << 20, stream)) {
            address = first.address();
        }
        try (DeviceBuffer second = allocator.allocate(3 << 20, stream)) {
            assertEquals(address, second.address());
        }
        assertEquals(mallocs + 1, allocator.stats().deviceMallocs());
    }

    @Test
    void askingForMoreThanTheDeviceHasThrowsOutOfMemoryWithTheNumbers() {
        long total = context.device().totalMemory();
        long request = total + (1L << 30);
        try (CachingAllocator own = new CachingAllocator(new JCudaDeviceMemory(context))) {
            own.allocate(1 << 20, stream).close();   // 1 MiB cached, emptied before the retry
            CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> own.allocate(request, stream));
            assertEquals(request, e.requestedBytes());
            assertEquals(total, e.totalBytes(), "cuMemGetInfo's total is cuDeviceTotalMem's");
            assertTrue(e.freeBytes() > 0 && e.freeBytes() <= total);
            assertEquals(1 << 20, e.cachedBytes());
            assertTrue(e.getMessage().startsWith("CUDA out of memory: tried to allocate "), e.getMessage());
            assertTrue(e.getMessage().contains("(" + request + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains(" free of "), e.getMessage());
            assertEquals(0, own.stats().cachedBytes());
            assertNotEquals(0, own.stats().deviceFrees());
        }
    }
}
