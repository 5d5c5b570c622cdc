package org.transfer4j.cuda.driver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The typed arguments of one kernel launch, in parameter order, each kept as the little-endian bytes
 * the kernel receives: {@code cuLaunchKernel} takes an array of pointers, one per parameter, each to
 * that parameter's value, and copies {@code sizeof(param)} bytes from it. Built fluently and checked
 * against the kernel's {@link KernelSignature} ({@link #checkAgainst}) before a launch:
 * <pre>{@code
 * KernelArgs.create().i64(n).struct(Broadcast6.of(aShape, bShape)).pointer(a).pointer(b).pointer(y)
 * }</pre>
 */
public final class KernelArgs {

    /** What a Java argument stands for in C. */
    public enum Kind {
        /** A device address ({@code float*}): 8 bytes. */
        POINTER(KernelSignature.ParamType.INT64),
        /** {@code int}: 4 bytes. */
        INT(KernelSignature.ParamType.INT32),
        /** {@code long long}: 8 bytes. */
        LONG(KernelSignature.ParamType.INT64),
        /** {@code float}: 4 bytes. */
        FLOAT(KernelSignature.ParamType.FLOAT32),
        /** A struct by value, e.g. {@link Broadcast6}. */
        STRUCT(KernelSignature.ParamType.BYTES);

        private final KernelSignature.ParamType ptx;

        Kind(KernelSignature.ParamType ptx) {
            this.ptx = ptx;
        }

        /** The PTX parameter type that receives this kind. */
        public KernelSignature.ParamType ptxType() {
            return ptx;
        }
    }

    /**
     * One argument.
     *
     * @param kind  what it stands for
     * @param bytes its value as the device reads it (little-endian)
     */
    public record Arg(Kind kind, byte[] bytes) {
        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + bytes.length + " bytes)";
        }
    }

    private final List<Arg> args = new ArrayList<>();

    private KernelArgs() {
    }

    /** An empty argument list. */
    public static KernelArgs create() {
        return new KernelArgs();
    }

    /** Appends a device pointer (its raw address). */
    public KernelArgs pointer(DevicePointer pointer) {
        return pointer(pointer.address());
    }

    /** Appends a raw device address. */
    public KernelArgs pointer(long address) {
        return add(Kind.POINTER, le(Long.BYTES).putLong(address));
    }

    /** Appends an {@code int}. */
    public KernelArgs i32(int value) {
        return add(Kind.INT, le(Integer.BYTES).putInt(value));
    }

    /** Appends a {@code long long}, e.g. an element count {@code n}. */
    public KernelArgs i64(long value) {
        return add(Kind.LONG, le(Long.BYTES).putLong(value));
    }

    /** Appends a {@code float}. */
    public KernelArgs f32(float value) {
        return add(Kind.FLOAT, le(Float.BYTES).putFloat(value));
    }

    /** Appends a {@link Broadcast6} by value (144 bytes). */
    public KernelArgs struct(Broadcast6 value) {
        return struct(value.toBytes());
    }

    /** Appends a struct by value, given as its bytes in device layout. */
    public KernelArgs struct(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("a struct argument needs at least one byte");
        }
        args.add(new Arg(Kind.STRUCT, bytes.clone()));
        return this;
    }

    /** The arguments in order (the byte arrays are this object's own: do not change them). */
    public List<Arg> args() {
        return List.copyOf(args);
    }

    /** The arguments in order, not copied (for {@link FfmLaunch}). */
    List<Arg> argList() {
        return args;
    }

    /** The number of arguments. */
    public int size() {
        return args.size();
    }

    /**
     * Checks that these arguments fit a kernel's parameters: same count, and each argument of the
     * type and size its parameter declares (a pointer or {@code long} for {@code .u64}, an
     * {@code int} for {@code .u32}/{@code .s32}, a {@code float} for {@code .f32}, a struct of exactly
     * n bytes for {@code .b8[n]}).
     *
     * @param kernel    the kernel as messages name it, e.g. {@code elementwise/add_bcast_f32}
     * @param signature its parameters
     * @throws IllegalArgumentException naming the kernel, the parameter and both types on a mismatch
     */
    public void checkAgainst(String kernel, KernelSignature signature) {
        List<KernelSignature.Param> params = signature.params();
        if (params.size() != args.size()) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + params.size() + " parameters "
                    + signature + ", got " + args.size() + " arguments " + args);
        }
        for (int i = 0; i < params.size(); i++) {
            KernelSignature.Param param = params.get(i);
            Arg arg = args.get(i);
            if (param.type() != arg.kind().ptxType() || param.bytes() != arg.bytes().length) {
                throw new IllegalArgumentException("argument " + i + " of kernel " + kernel + " is a " + arg
                        + ", but parameter " + i + " is declared " + param.ptx() + " (" + param.bytes()
                        + " bytes); the kernel's parameters are " + signature);
            }
        }
    }

    private KernelArgs add(Kind kind, ByteBuffer value) {
        args.add(new Arg(kind, value.array()));
        return this;
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
