package org.transfer4j.bench.gpu;

import org.transfer4j.cuda.backend.CudaBackend;
import org.transfer4j.cuda.dnn.AlgoSearch;
import org.transfer4j.cuda.memory.AllocatorStats;
import org.transfer4j.tensor.Device;

/**
 * What timing needs from a device: wait for the work queued so far, and the allocator's peak. On a CUDA device
 * ops are only queued on the backend's stream, so a timer read before {@link #synchronize()} measures the
 * launches, not the work (as {@code torch.cuda.synchronize()} before reading a clock). The CPU backend computes
 * in the calling thread, so there is nothing to wait for and no allocator to read.
 */
final class DeviceClock {
    private final Device device;
    private final CudaBackend cuda;

    DeviceClock(Device device) {
        this.device = device;
        this.cuda = device.backend() instanceof CudaBackend c ? c : null;
    }

    Device device() {
        return device;
    }

    boolean isCuda() {
        return cuda != null;
    }

    /** Waits for every op queued on the device. */
    void synchronize() {
        if (cuda != null) {
            cuda.synchronize();
        }
    }

    /** Starts a new peak at the bytes allocated now ({@code torch.cuda.reset_peak_memory_stats()}). */
    void resetPeak() {
        if (cuda != null) {
            cuda.resetPeakMemoryStats();
        }
    }

    /** 1x1 convolutions through cuBLAS (true) or cuDNN; nothing on the CPU. */
    void pointwiseAsGemm(boolean on) {
        if (cuda != null) {
            cuda.setPointwiseConvolutionsAsGemm(on);
        }
    }

    /** Forgets the per-op profile's entries so far (warm-up), when profiling; nothing otherwise. */
    void resetProfile() {
        if (cuda != null) {
            cuda.profile().reset();
        }
    }

    /** The allocator's counters, or null on the CPU. */
    AllocatorStats stats() {
        return cuda == null ? null : cuda.memoryStats();
    }

    /** The peak bytes allocated since {@link #resetPeak()} ({@code torch.cuda.max_memory_allocated()}), or null on the CPU. */
    Long peakBytes() {
        return cuda == null ? null : cuda.memoryStats().peakAllocatedBytes();
    }

    /** Whether convolutions may use TF32 (false on the CPU, which has none). */
    boolean tf32() {
        return cuda != null && cuda.tf32Convolutions();
    }

    /** Turns TF32 for convolutions on or off (PyTorch's {@code cudnn.allow_tf32}); nothing on the CPU. */
    void tf32(boolean on) {
        if (cuda != null) {
            cuda.setTf32Convolutions(on);
        }
    }

    /** How cuDNN chooses convolution algorithms ({@code heuristic} or {@code benchmark}), or null on the CPU. */
    String cudnnAlgorithms() {
        return cuda == null ? null : cuda.convolutionAlgorithmSearch().propertyValue();
    }

    /** Sets how cuDNN chooses convolution algorithms (PyTorch's {@code cudnn.benchmark}); nothing on the CPU. */
    void cudnnAlgorithms(AlgoSearch search) {
        if (cuda != null) {
            cuda.setConvolutionAlgorithmSearch(search);
        }
    }
}
