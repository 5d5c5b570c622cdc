package org.transfer4j.cuda.dnn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transfer4j.cuda.ffm.Downcall;
import org.transfer4j.cuda.ffm.NativeLibrary;
import org.transfer4j.cuda.ffm.NativeLibraryLoader;
import org.transfer4j.cuda.ffm.Prototype;

/**
 * cuDNN 9 through FFM: one {@code cudnnHandle_t} per CUDA stream (created on first use, bound with
 * {@code cudnnSetStream}, destroyed by {@link #close()}), and status checking: a status other than
 * success becomes a {@link CudnnException} with cuDNN's own name for it ({@code cudnnGetErrorString},
 * e.g. {@code CUDNN_STATUS_BAD_PARAM}) and the call. The operations are in {@link CudnnConvolution}
 * (forward, backward data, backward filter) and {@link CudnnLayers} (pooling, activations).
 *
 * <p>Device pointers and streams are raw addresses ({@code long}), as in {@code Cublas}.
 */
public final class Cudnn implements AutoCloseable {

    final Fns fn;
    private final NativeLibrary library;
    private final Map<Long, MemorySegment> handles = new LinkedHashMap<>();
    private boolean closed;

    /** The downcalls, made once per library. */
    static final class Fns {
        final Downcall create, destroy, setStream, errorString, version, createTensor, setTensor4d, destroyTensor,
                createFilter, setFilter4d, destroyFilter, createPooling, setPooling2d, destroyPooling, poolingForward,
                poolingBackward, createActivation, setActivation, destroyActivation, activationForward, activationBackward,
                createConv, destroyConv, setConv2d, setConvGroups, setConvMath, convOutputDim, fwdAlgo, bwdDataAlgo, bwdFilterAlgo,
                findFwdAlgo, findBwdDataAlgo, findBwdFilterAlgo, convForward,
                convBackwardData, convBackwardFilter;

        Fns(NativeLibrary l) {
            create = l.downcall(CudnnFunctions.CREATE);
            destroy = l.downcall(CudnnFunctions.DESTROY);
            setStream = l.downcall(CudnnFunctions.SET_STREAM);
            errorString = l.downcall(CudnnFunctions.GET_ERROR_STRING);
            version = l.downcall(CudnnFunctions.GET_VERSION);
            createTensor = l.downcall(CudnnFunctions.CREATE_TENSOR);
            setTensor4d = l.downcall(CudnnFunctions.SET_TENSOR_4D);
            destroyTensor = l.downcall(CudnnFunctions.DESTROY_TENSOR);
            createFilter = l.downcall(CudnnFunctions.CREATE_FILTER);
            setFilter4d = l.downcall(CudnnFunctions.SET_FILTER_4D);
            destroyFilter = l.downcall(CudnnFunctions.DESTROY_FILTER);
            createPooling = l.downcall(CudnnFunctions.CREATE_POOLING);
            setPooling2d = l.downcall(CudnnFunctions.SET_POOLING_2D);
            destroyPooling = l.downcall(CudnnFunctions.DESTROY_POOLING);
            poolingForward = l.downcall(CudnnFunctions.POOLING_FORWARD);
            poolingBackward = l.downcall(CudnnFunctions.POOLING_BACKWARD);
            createActivation = l.downcall(CudnnFunctions.CREATE_ACTIVATION);
            setActivation = l.downcall(CudnnFunctions.SET_ACTIVATION);
            destroyActivation = l.downcall(CudnnFunctions.DESTROY_ACTIVATION);
            activationForward = l.downcall(CudnnFunctions.ACTIVATION_FORWARD);
            activationBackward = l.downcall(CudnnFunctions.ACTIVATION_BACKWARD);
            createConv = l.downcall(CudnnFunctions.CREATE_CONV);
            destroyConv = l.downcall(CudnnFunctions.DESTROY_CONV);
            setConv2d = l.downcall(CudnnFunctions.SET_CONV_2D);
            setConvGroups = l.downcall(CudnnFunctions.SET_CONV_GROUPS);
            setConvMath = l.downcall(CudnnFunctions.SET_CONV_MATH);
            convOutputDim = l.downcall(CudnnFunctions.CONV_OUTPUT_DIM);
            fwdAlgo = l.downcall(CudnnFunctions.FWD_ALGO_V7);
            bwdDataAlgo = l.downcall(CudnnFunctions.BWD_DATA_ALGO_V7);
            bwdFilterAlgo = l.downcall(CudnnFunctions.BWD_FILTER_ALGO_V7);
            findFwdAlgo = l.downcall(CudnnFunctions.FIND_FWD_ALGO_EX);
            findBwdDataAlgo = l.downcall(CudnnFunctions.FIND_BWD_DATA_ALGO_EX);
            findBwdFilterAlgo = l.downcall(CudnnFunctions.FIND_BWD_FILTER_ALGO_EX);
            convForward = l.downcall(CudnnFunctions.CONV_FORWARD);
            convBackwardData = l.downcall(CudnnFunctions.CONV_BACKWARD_DATA);
            convBackwardFilter = l.downcall(CudnnFunctions.CONV_BACKWARD_FILTER);
        }
    }

    /** cuDNN from {@link NativeLibraryLoader#CUDNN}'s search. */
    public static Cudnn load() {
        return new Cudnn(NativeLibraryLoader.load(NativeLibraryLoader.CUDNN));
    }

    public Cudnn(NativeLibrary library) {
        this.library = library;
        this.fn = new Fns(library);
    }

    /** The C prototypes of every cuDNN function the bindings call (for signature checks). */
    public static List<Prototype> prototypes() {
        return CudnnFunctions.ALL;
    }

    /** The library in use. */
    public NativeLibrary library() {
        return library;
    }

    /** {@code cudnnGetVersion()}: e.g. 91400 for 9.14.0. */
    public long version() {
        try {
            return (long) fn.version.handle().invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The handle bound to {@code stream}, created on first use. */
    public synchronized MemorySegment handle(long stream) {
        if (closed) {
            throw new IllegalStateException("cuDNN instance closed");
        }
        MemorySegment existing = handles.get(stream);
        if (existing != null) {
            return existing;
        }
        MemorySegment h = create(fn.create, "cudnnCreate");
        handles.put(stream, h);
        check("cudnnSetStream(stream=0x" + Long.toHexString(stream) + ")",
                () -> (int) fn.setStream.handle().invokeExact(h, MemorySegment.ofAddress(stream)));
        return h;
    }

    /** Destroys every handle. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        CudnnException first = null;
        for (MemorySegment h : handles.values()) {
            try {
                check("cudnnDestroy", () -> (int) fn.destroy.handle().invokeExact(h));
            } catch (CudnnException e) {
                first = first == null ? e : first;
            }
        }
        handles.clear();
        if (first != null) {
            throw first;
        }
    }

    /** A native call returning a {@code cudnnStatus_t}. */
    @FunctionalInterface
    interface StatusCall {
        int invoke() throws Throwable;
    }

    /** Runs {@code c} and throws a {@link CudnnException} naming cuDNN's status and {@code what} unless it succeeded. */
    void check(String what, StatusCall c) {
        int status;
        try {
            status = c.invoke();
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (status != CudnnConstants.STATUS_SUCCESS) {
            throw new CudnnException(status, errorName(status), what);
        }
    }

    /** cuDNN's name of {@code status} ({@code cudnnGetErrorString}), or {@code cudnnStatus_t} when that fails. */
    String errorName(int status) {
        try {
            MemorySegment s = (MemorySegment) fn.errorString.handle().invokeExact(status);
            return s.equals(MemorySegment.NULL) ? "cudnnStatus_t" : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "cudnnStatus_t";
        }
    }

    /** Calls a {@code cudnnCreate*(T *out)} function and returns the created object. */
    MemorySegment create(Downcall createFn, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(what, () -> (int) createFn.handle().invokeExact(out));
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
