package org.transfer4j.cuda.backend;

import java.util.Arrays;
import jcuda.driver.JCudaDriver;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.cuda.LaunchGrid;
import org.transfer4j.cuda.blas.Cublas;
import org.transfer4j.cuda.dnn.AlgoCache;
import org.transfer4j.cuda.dnn.AlgoSearch;
import org.transfer4j.cuda.dnn.Cudnn;
import org.transfer4j.cuda.dnn.CudnnConvolution;
import org.transfer4j.cuda.dnn.CudnnLayers;
import org.transfer4j.cuda.driver.CudaContext;
import org.transfer4j.cuda.driver.CudaEvent;
import org.transfer4j.cuda.driver.CudaException;
import org.transfer4j.cuda.driver.CudaStream;
import org.transfer4j.cuda.driver.DevicePointer;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.driver.KernelLauncher;
import org.transfer4j.cuda.driver.ModuleCache;
import org.transfer4j.cuda.kernels.KernelSpec;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.cuda.memory.CachingAllocator;
import org.transfer4j.cuda.memory.DeviceBuffer;
import org.transfer4j.cuda.memory.HostTransfers;
import org.transfer4j.cuda.memory.PinnedHostPool;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * What every op family of one {@link CudaBackend} works with: the device's primary context, the
 * backend's one stream, the caching allocator, pinned transfers, the kernel modules, cuBLAS and cuDNN
 * (each bound to the stream), and the small helpers the families share (new tensors, device addresses
 * of views, kernel launches, strided copies and fills).
 */
final class CudaExec {
    final CudaBackend backend;
    final CudaContext context;
    final CudaStream stream;
    final long streamAddress;
    final CachingAllocator allocator;
    final PinnedHostPool pinned;
    final HostTransfers transfers;
    final ModuleCache modules;
    final Cublas cublas;
    final Cudnn cudnn;
    private final CudnnConvolution convolutionTf32;
    private final CudnnConvolution convolutionFp32;
    private volatile boolean tf32Convolutions = true;
    private volatile boolean pointwiseAsGemm = ConvRoute.POINTWISE_AS_GEMM;
    final CudnnLayers layers;

    CudaExec(CudaBackend backend, CudaContext context, CudaStream stream, CachingAllocator allocator, PinnedHostPool pinned,
             ModuleCache modules, Cublas cublas, Cudnn cudnn) {
        this.backend = backend;
        this.context = context;
        this.stream = stream;
        this.streamAddress = stream.address();
        this.allocator = allocator;
        this.pinned = pinned;
        this.transfers = new HostTransfers(pinned, () -> CudaEvent.create(context)); // small uploads do not wait
        this.modules = modules;
        this.cublas = cublas;
        this.cudnn = cudnn;
        // the search mode is read once, here; CudaBackend.setConvolutionAlgorithmSearch changes it later
        AlgoSearch search = AlgoSearch.fromSystemProperty();
        this.convolutionTf32 = new CudnnConvolution(cudnn, new AlgoCache(CudnnConvolution.DEFAULT_WORKSPACE_LIMIT), true, search);
        this.convolutionFp32 = new CudnnConvolution(cudnn, new AlgoCache(CudnnConvolution.DEFAULT_WORKSPACE_LIMIT), false, search);
        this.layers = new CudnnLayers(cudnn);
    }

    /** cuDNN convolutions with TF32 (the default, as PyTorch's {@code cudnn.allow_tf32}) or plain fp32. */
    CudnnConvolution convolution() {
        return tf32Convolutions ? convolutionTf32 : convolutionFp32;
    }

    void tf32Convolutions(boolean on) {
        tf32Convolutions = on;
    }

    boolean tf32Convolutions() {
        return tf32Convolutions;
    }

    /** Whether pointwise (1x1) convolutions run as cuBLAS products ({@link ConvRoute#POINTWISE_GEMM}). */
    boolean pointwiseAsGemm() {
        return pointwiseAsGemm;
    }

    void pointwiseAsGemm(boolean on) {
        pointwiseAsGemm = on;
    }

    /** The route of a convolution on this device. */
    ConvRoute route(int[] xShape, int[] kernelShape, Conv2dSpec spec) {
        return ConvRoute.of(xShape, kernelShape, spec, pointwiseAsGemm);
    }

    /** Sets how both convolution instances (TF32 and fp32) choose algorithms for new shapes. */
    void convolutionAlgorithmSearch(AlgoSearch search) {
        convolutionTf32.search(search);
        convolutionFp32.search(search);
    }

    AlgoSearch convolutionAlgorithmSearch() {
        return convolutionTf32.search();
    }

    // ---- tensors ----------------------------------------------------------------------------------

    /** A storage of {@code numel} floats, contents undefined (every caller writes all of it). */
    CudaStorage storage(long numel) {
        if (numel < 0) {
            throw new IllegalArgumentException("cannot allocate " + numel + " floats");
        }
        DeviceBuffer buffer = allocator.allocate(Math.multiplyExact(numel, (long) Float.BYTES), stream);
        return new CudaStorage(backend, buffer, numel);
    }

    /** A new contiguous tensor whose every element the caller writes. */
    Tensor empty(int... shape) {
        return Tensor.wrap(storage(Shape.numel(shape)), shape);
    }

    /** A new contiguous zero tensor. */
    Tensor zeros(int... shape) {
        Tensor t = empty(shape);
        memsetZero(address(t), t.numel());
        return t;
    }

    /** Sets {@code floats} floats from {@code address} to +0.0 ({@code cuMemsetD32Async}). */
    void memsetZero(long address, long floats) {
        if (floats > 0) {
            CudaException.check(JCudaDriver.cuMemsetD32Async(DevicePointer.at(address), 0, floats, stream.handle()),
                    "cuMemsetD32Async(" + floats + " floats)");
        }
    }

    /** The device address of a view's first element (its storage's address plus its offset). */
    long address(Tensor t) {
        if (!(t.storage() instanceof CudaStorage s) || s.backend() != backend) {
            throw new IllegalArgumentException("the CUDA backend of " + backend.device() + " got a tensor on "
                    + t.device() + " of shape " + Arrays.toString(t.shape()));
        }
        t.ensureOpen("cuda");
        return s.address() + (long) t.offset() * Float.BYTES;
    }

    /** {@link #address} of an optional state slot: 0 (the kernels' "not used") for null. */
    long addressOrNull(Tensor t) {
        return t == null ? 0 : address(t);
    }

    static void requireContiguous(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !t.isContiguous()) {
                throw new IllegalArgumentException(op + ": the CUDA primitive needs contiguous input, got shape "
                        + Arrays.toString(t.shape()) + " strides " + Arrays.toString(t.strides()));
            }
        }
    }

    /** {@code t} itself when contiguous, else a contiguous copy registered in {@code temps}. */
    Tensor contiguous(Tensor t, Temporaries temps) {
        if (t.isContiguous()) {
            address(t); // checks the device
            return t;
        }
        Tensor copy = temps.add(empty(t.shape()));
        stridedCopy(t, copy);
        return copy;
    }

    // ---- kernels ----------------------------------------------------------------------------------

    /** Launches a catalogued kernel on the stream (arguments and geometry checked by {@link KernelLauncher}). */
    void launch(KernelSpec kernel, LaunchGrid grid, KernelArgs args) {
        KernelLauncher.launch(modules.function(kernel.family(), kernel.name()), grid, 0, stream, args);
    }

    /** {@code dst[...] = src[...]}, two views of this device of the same shape, any strides. */
    void stridedCopy(Tensor src, Tensor dst) {
        long x = address(src);
        long y = address(dst);
        if (src.isContiguous() && dst.isContiguous()) {
            long n = src.numel();
            if (n > 0) {
                CudaException.check(JCudaDriver.cuMemcpyDtoDAsync(DevicePointer.at(y), DevicePointer.at(x),
                        n * Float.BYTES, stream.handle()), "cuMemcpyDtoDAsync(" + n + " floats)");
            }
            return;
        }
        for (StridedLayout.Piece p : StridedLayout.pieces(src.shape(), src.strides(), dst.strides())) {
            long n = p.count();
            if (n > 0) {
                launch(Kernels.STRIDED_COPY, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).struct(p.struct(0, 1))
                        .pointer(x + p.offsets()[0] * Float.BYTES).pointer(y + p.offsets()[1] * Float.BYTES));
            }
        }
    }

    /** Every element of the view {@code dst} set to {@code value}. */
    void fill(Tensor dst, float value) {
        long y = address(dst);
        if (dst.isContiguous()) {
            long n = dst.numel();
            if (n > 0) {
                launch(Kernels.FILL, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).f32(value).pointer(y));
            }
            return;
        }
        for (StridedLayout.Piece p : StridedLayout.pieces(dst.shape(), dst.strides())) {
            long n = p.count();
            if (n > 0) {
                launch(Kernels.STRIDED_FILL, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).struct(p.struct(0))
                        .f32(value).pointer(y + p.offsets()[0] * Float.BYTES));
            }
        }
    }

    /** A device buffer of at least {@code bytes} bytes for cuDNN's workspace, closed with {@code temps}; 0 for none. */
    long workspace(long bytes, Temporaries temps) {
        return bytes == 0 ? 0 : temps.add(allocator.allocate(bytes, stream)).address();
    }
}
