package org.transfer4j.cuda.dnn;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the {@code cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t} arrays the {@code *_v7}
 * queries and {@code Find} fill. The three structs have one layout (cudnn_cnn.h, cuDNN 9):
 * <pre>
 *   algo (enum, int) @0, status (cudnnStatus_t) @4, time (float, ms) @8, [pad 4],
 *   memory (size_t, bytes) @16, determinism (int) @24, mathType (int) @28, reserved int[3] @32, [pad 4]; 48 bytes, 8-aligned
 * </pre>
 *
 * @param algo        the algorithm's enum value
 * @param status      {@code CUDNN_STATUS_SUCCESS} when it can run this convolution
 * @param timeMs      measured time in ms ({@code Find}); heuristic queries may leave it negative
 * @param memory      workspace bytes it needs
 * @param determinism {@code CUDNN_DETERMINISTIC} (1) or not (0)
 * @param mathType    the cudnnMathType_t it runs with
 */
public record AlgoPerf(int algo, int status, float timeMs, long memory, int determinism, int mathType) {

    /** The C layout of one perf struct. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("algo"), ValueLayout.JAVA_INT.withName("status"),
            ValueLayout.JAVA_FLOAT.withName("time"), MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_LONG.withName("memory"), ValueLayout.JAVA_INT.withName("determinism"),
            ValueLayout.JAVA_INT.withName("mathType"), MemoryLayout.sequenceLayout(3, ValueLayout.JAVA_INT).withName("reserved"),
            MemoryLayout.paddingLayout(4));   // the struct is 8-aligned (size_t): 44 bytes of fields round up to 48

    /** Reads {@code count} structs from {@code array}. */
    public static List<AlgoPerf> read(MemorySegment array, int count) {
        List<AlgoPerf> out = new ArrayList<>(count);
        long size = LAYOUT.byteSize();
        for (int i = 0; i < count; i++) {
            long base = i * size;
            out.add(new AlgoPerf(array.get(ValueLayout.JAVA_INT, base), array.get(ValueLayout.JAVA_INT, base + 4),
                    array.get(ValueLayout.JAVA_FLOAT, base + 8), array.get(ValueLayout.JAVA_LONG, base + 16),
                    array.get(ValueLayout.JAVA_INT, base + 24), array.get(ValueLayout.JAVA_INT, base + 28)));
        }
        return out;
    }
}
