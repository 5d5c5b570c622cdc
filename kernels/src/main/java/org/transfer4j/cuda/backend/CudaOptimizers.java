package org.transfer4j.cuda.backend;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.transfer4j.backend.UpdateGroupLists;
import org.transfer4j.cuda.LaunchGrid;
import org.transfer4j.cuda.driver.DevicePointer;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.kernels.KernelSpec;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.cuda.memory.PinnedHostPool;
import org.transfer4j.tensor.Tensor;

/**
 * The fused optimizer updates with {@code optim.cu}, one launch per weight, in place: formulas on the
 * {@link org.transfer4j.backend.Backend} methods. Scalars are rounded to float once; the complements
 * {@code 1 - beta} and {@code 1 - rho} are formed in double first, as {@code CpuOptimizers} does, so the
 * kernels are bit-identical to the CPU backend. An absent slot (null) is passed as address 0.
 *
 * <p>The group forms launch the {@code *_multi_f32} kernels: one launch per {@link #MAX_TENSORS} weights,
 * their pointers and sizes passed by value in a {@code TensorList32} (no upload, no synchronisation). The
 * finite check of the gradients, {@link #nonFiniteCount}, uses the same lists.
 */
final class CudaOptimizers {
    /** Weights per multi-tensor launch: {@code T4J_MULTI_MAX} of optim.cu. */
    static final int MAX_TENSORS = 32;
    /** Elements per (tensor, chunk) pair: {@code T4J_MULTI_CHUNK} of optim.cu. */
    static final int CHUNK = 4096;
    /** Bytes of {@code TensorList32}: seven arrays of MAX_TENSORS 8-byte fields, then count and chunks. */
    static final int TENSOR_LIST_BYTES = 7 * MAX_TENSORS * 8 + 2 * 8;
    /** Blocks per multi-tensor launch at most; each walks chunks with stride gridDim.x. */
    private static final int MAX_BLOCKS = 65_536;

    private final CudaExec exec;

    CudaOptimizers(CudaExec exec) {
        this.exec = exec;
    }

    void sgd(Tensor param, Tensor grad, Tensor buffer, double momentum, double gradScale, double stepScale,
             boolean nesterov, double l2, double decay) {
        check("sgdUpdate", param, grad, buffer);
        long n = param.numel();
        KernelArgs args = KernelArgs.create().i64(n).f32((float) momentum).f32((float) gradScale).f32((float) stepScale)
                .i32(nesterov ? 1 : 0).f32((float) l2).f32((float) decay).pointer(exec.address(param))
                .pointer(exec.address(grad)).pointer(exec.addressOrNull(buffer));
        if (n > 0) {
            exec.launch(Kernels.SGD_UPDATE, KernelGeometry.elementwise(n), args);
        }
    }

    void adam(Tensor param, Tensor grad, Tensor m, Tensor v, double beta1, double beta2, double stepSize, double epsHat,
              double l2, double decay) {
        requirePresent("adamUpdate", m, v);
        check("adamUpdate", param, grad, m, v);
        long n = param.numel();
        KernelArgs args = KernelArgs.create().i64(n).f32((float) beta1).f32((float) beta2).f32((float) (1 - beta1))
                .f32((float) (1 - beta2)).f32((float) stepSize).f32((float) epsHat).f32((float) l2).f32((float) decay)
                .pointer(exec.address(param)).pointer(exec.address(grad)).pointer(exec.address(m)).pointer(exec.address(v));
        if (n > 0) {
            exec.launch(Kernels.ADAM_UPDATE, KernelGeometry.elementwise(n), args);
        }
    }

    void rmsprop(Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg, Tensor buffer, double rho, double momentum,
                 double epsInside, double epsOutside, double gradScale, double stepScale, double l2, double decay) {
        requirePresent("rmspropUpdate", squareAvg);
        check("rmspropUpdate", param, grad, squareAvg, gradAvg, buffer);
        long n = param.numel();
        KernelArgs args = KernelArgs.create().i64(n).f32((float) rho).f32((float) (1 - rho)).f32((float) momentum)
                .f32((float) epsInside).f32((float) epsOutside).f32((float) gradScale).f32((float) stepScale)
                .f32((float) l2).f32((float) decay).pointer(exec.address(param)).pointer(exec.address(grad))
                .pointer(exec.address(squareAvg)).pointer(exec.addressOrNull(gradAvg)).pointer(exec.addressOrNull(buffer));
        if (n > 0) {
            exec.launch(Kernels.RMSPROP_UPDATE, KernelGeometry.elementwise(n), args);
        }
    }

    void sgdGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> buffers, double momentum, double gradScale,
                  double stepScale, boolean nesterov, double l2, double decay) {
        int n = UpdateGroupLists.count("sgdUpdateGroup", params, grads, buffers);
        for (int i = 0; i < n; i++) {
            check("sgdUpdateGroup", params.get(i), grads.get(i), UpdateGroupLists.at(buffers, i));
        }
        Supplier<KernelArgs> scalars = () -> KernelArgs.create().f32((float) momentum).f32((float) gradScale).f32((float) stepScale)
                .i32(nesterov ? 1 : 0).f32((float) l2).f32((float) decay);
        launchMulti(Kernels.SGD_UPDATE_MULTI, scalars, params, grads, buffers, null, null);
    }

    void adamGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> ms, List<Tensor> vs, double beta1,
                   double beta2, double stepSize, double epsHat, double l2, double decay) {
        int n = UpdateGroupLists.count("adamUpdateGroup", params, grads, ms, vs);
        for (int i = 0; i < n; i++) {
            Tensor m = UpdateGroupLists.at(ms, i);
            Tensor v = UpdateGroupLists.at(vs, i);
            requirePresent("adamUpdateGroup", m, v);
            check("adamUpdateGroup", params.get(i), grads.get(i), m, v);
        }
        Supplier<KernelArgs> scalars = () -> KernelArgs.create().f32((float) beta1).f32((float) beta2).f32((float) (1 - beta1))
                .f32((float) (1 - beta2)).f32((float) stepSize).f32((float) epsHat).f32((float) l2).f32((float) decay);
        launchMulti(Kernels.ADAM_UPDATE_MULTI, scalars, params, grads, ms, vs, null);
    }

    void rmspropGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> squareAvgs, List<Tensor> gradAvgs,
                      List<Tensor> buffers, double rho, double momentum, double epsInside, double epsOutside,
                      double gradScale, double stepScale, double l2, double decay) {
        int n = UpdateGroupLists.count("rmspropUpdateGroup", params, grads, squareAvgs, gradAvgs, buffers);
        for (int i = 0; i < n; i++) {
            Tensor s = UpdateGroupLists.at(squareAvgs, i);
            requirePresent("rmspropUpdateGroup", s);
            check("rmspropUpdateGroup", params.get(i), grads.get(i), s, UpdateGroupLists.at(gradAvgs, i),
                    UpdateGroupLists.at(buffers, i));
        }
        Supplier<KernelArgs> scalars = () -> KernelArgs.create().f32((float) rho).f32((float) (1 - rho)).f32((float) momentum)
                .f32((float) epsInside).f32((float) epsOutside).f32((float) gradScale).f32((float) stepScale)
                .f32((float) l2).f32((float) decay);
        launchMulti(Kernels.RMSPROP_UPDATE_MULTI, scalars, params, grads, squareAvgs, gradAvgs, buffers);
    }

    /** One launch of {@code kernel} (scalars, then a TensorList32) per MAX_TENSORS weights; none for no elements. */
    private void launchMulti(KernelSpec kernel, Supplier<KernelArgs> scalars, List<Tensor> params, List<Tensor> grads,
                             List<Tensor> s0, List<Tensor> s1, List<Tensor> s2) {
        for (int from = 0; from < params.size(); from += MAX_TENSORS) {
            int to = Math.min(params.size(), from + MAX_TENSORS);
            long[] n = new long[to - from];
            long[][] pointers = new long[5][to - from];
            for (int i = from; i < to; i++) {
                n[i - from] = params.get(i).numel();
                pointers[0][i - from] = exec.address(params.get(i));
                pointers[1][i - from] = exec.address(grads.get(i));
                pointers[2][i - from] = exec.addressOrNull(UpdateGroupLists.at(s0, i));
                pointers[3][i - from] = exec.addressOrNull(UpdateGroupLists.at(s1, i));
                pointers[4][i - from] = exec.addressOrNull(UpdateGroupLists.at(s2, i));
            }
            long chunks = chunks(n);
            if (chunks == 0) {
                continue;
            }
            KernelArgs args = scalars.get();
            args.struct(tensorList(n, pointers));
            int blocks = (int) Math.min(chunks, MAX_BLOCKS);
            exec.launch(kernel, new LaunchGrid(blocks, 1, 1, 256, 1, 1), args);
        }
    }

    /**
     * The NaN and infinite elements of {@code tensors} (views are made contiguous first): one
     * {@code count_nonfinite_multi_f32} launch per MAX_TENSORS tensors into one zeroed device counter, then
     * one 8-byte download, which waits for the launches. No launch and no download when there is no element.
     */
    long nonFiniteCount(List<Tensor> tensors) {
        long elements = 0;
        for (Tensor t : tensors) {
            exec.address(t); // a tensor of another device fails here, before any launch
            elements += t.numel();
        }
        if (elements == 0) {
            return 0;
        }
        try (Temporaries temps = new Temporaries()) {
            return exec.transfers.downloadLong(queueNonFiniteCount(tensors, temps).buffer(), 0, exec.stream);
        }
    }

    /**
     * Queues the count of {@link #nonFiniteCount} into a new 8-byte counter (one of {@code temps}) and returns it,
     * without waiting: its little-endian unsigned long is the count once the stream has reached it.
     */
    CudaStorage queueNonFiniteCount(List<Tensor> tensors, Temporaries temps) {
        CudaStorage counter = temps.add(exec.storage(2)); // 8 bytes: the kernels' unsigned long long
        exec.memsetZero(counter.address(), 2);
        for (int from = 0; from < tensors.size(); from += MAX_TENSORS) {
            int to = Math.min(tensors.size(), from + MAX_TENSORS);
            long[] n = new long[to - from];
            long[][] pointers = new long[5][to - from]; // the tensors go in g (pointers[1]); p and slots stay 0
            for (int i = from; i < to; i++) {
                Tensor t = exec.contiguous(tensors.get(i), temps);
                n[i - from] = t.numel();
                pointers[1][i - from] = exec.address(t);
            }
            long chunks = chunks(n);
            if (chunks > 0) {
                KernelArgs args = KernelArgs.create().struct(tensorList(n, pointers)).pointer(counter.address());
                exec.launch(Kernels.COUNT_NONFINITE_MULTI, new LaunchGrid((int) Math.min(chunks, MAX_BLOCKS), 1, 1,
                        256, 1, 1), args);
            }
        }
        return counter;
    }

    /**
     * {@link org.transfer4j.backend.Backend#downloadAndCountNonFinite}: the count of {@code checked} queued into a
     * counter, then the counter and each read copied into one pinned buffer (8 bytes of count, then the reads'
     * floats), and one wait for the stream. Reads too large for one pinned buffer go the ordinary way (a download
     * each) after the count.
     */
    long downloadAndCountNonFinite(List<Tensor> reads, float[] dst, List<Tensor> checked) {
        long floats = 0;
        for (Tensor t : reads) {
            exec.address(t); // a tensor of another device fails here, before any work is queued
            floats += t.numel();
        }
        for (Tensor t : checked) {
            exec.address(t);
        }
        if (floats > dst.length) {
            throw new IllegalArgumentException("downloadAndCountNonFinite: " + floats + " floats to read do not fit "
                    + dst.length);
        }
        long bytes = Long.BYTES + floats * Float.BYTES;
        if (bytes > exec.transfers.chunkBytes()) {
            long count = nonFiniteCount(checked);
            int at = 0;
            for (Tensor t : reads) {
                exec.backend.download(t, dst, at);
                at += t.numel();
            }
            return count;
        }
        try (Temporaries temps = new Temporaries();
             PinnedHostPool.Lease lease = exec.pinned.acquire(bytes)) {
            ByteBuffer host = lease.buffer(); // little-endian
            CudaStorage counter = queueNonFiniteCount(checked, temps);
            exec.stream.copyDeviceToHost(host.slice(0, Long.BYTES), counter.buffer().pointer(), Long.BYTES);
            int at = Long.BYTES;
            for (Tensor t : reads) {
                Tensor c = exec.contiguous(t, temps);
                int n = c.numel() * Float.BYTES;
                if (n > 0) {
                    exec.stream.copyDeviceToHost(host.slice(at, n), DevicePointer.at(exec.address(c)), n);
                }
                at += n;
            }
            exec.stream.synchronize(); // the one wait
            // A slice starts big-endian: the device's floats are little-endian, as the lease is.
            host.slice(Long.BYTES, (int) floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .get(dst, 0, (int) floats);
            return host.getLong(0);
        }
    }

    /** Chunks of CHUNK elements over all tensors: the sum of ceil(n[i] / CHUNK). */
    static long chunks(long[] n) {
        long c = 0;
        for (long x : n) {
            c += (x + CHUNK - 1) / CHUNK;
        }
        return c;
    }

    /**
     * The bytes of a {@code TensorList32} in device layout (little-endian, 8-byte fields): n, firstChunk,
     * then the pointer arrays p, g, s0, s1, s2 ({@code pointers[0..4]}, 0 for an unused slot), count and
     * chunks; entries past {@code n.length} are 0.
     */
    static byte[] tensorList(long[] n, long[][] pointers) {
        if (n.length == 0 || n.length > MAX_TENSORS) {
            throw new IllegalArgumentException("a TensorList32 holds 1 to " + MAX_TENSORS + " tensors, got " + n.length);
        }
        ByteBuffer b = ByteBuffer.allocate(TENSOR_LIST_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long first = 0;
        for (int i = 0; i < MAX_TENSORS; i++) {
            b.putLong(i < n.length ? n[i] : 0);
        }
        for (int i = 0; i < MAX_TENSORS; i++) {
            b.putLong(first);
            if (i < n.length) {
                first += (n[i] + CHUNK - 1) / CHUNK;
            }
        }
        for (long[] slot : pointers) {
            for (int i = 0; i < MAX_TENSORS; i++) {
                b.putLong(i < n.length ? slot[i] : 0);
            }
        }
        b.putLong(n.length);
        b.putLong(first);
        return b.array();
    }

    private static void requirePresent(String op, Tensor... slots) {
        for (Tensor t : slots) {
            if (t == null) {
                throw new IllegalArgumentException(op + ": a required state slot is null");
            }
        }
    }

    /** Non-null tensors must be contiguous tensors of the weight's shape (as CpuOptimizers checks). */
    private static void check(String op, Tensor param, Tensor... others) {
        CudaExec.requireContiguous(op, param);
        for (Tensor t : others) {
            if (t == null) {
                continue;
            }
            CudaExec.requireContiguous(op, t);
            if (!Arrays.equals(t.shape(), param.shape())) {
                throw new IllegalArgumentException(op + ": every tensor needs the weight's shape "
                        + Arrays.toString(param.shape()) + ", got " + Arrays.toString(t.shape()));
            }
        }
    }
}
