/**
 * transfer4j core: tensors, autograd, the backend SPI with the CPU backend, the ops, layers and
 * models, the Keras Applications architectures, optimizers and schedules, losses and metrics.
 * {@code org.transfer4j.backend.cpu} is exported for benchmarks and tools that call its kernels
 * ({@code CpuGemm.sgemm}) or size its thread pool ({@code CpuParallel}); models need only the others.
 */
module org.transfer4j.core {
    requires jdk.incubator.vector;

    exports org.transfer4j;
    exports org.transfer4j.tensor;
    exports org.transfer4j.autograd;
    exports org.transfer4j.backend;
    exports org.transfer4j.backend.cpu;
    exports org.transfer4j.ops;
    exports org.transfer4j.nn;
    exports org.transfer4j.nn.layers;
    exports org.transfer4j.optim;
    exports org.transfer4j.optim.schedules;
    exports org.transfer4j.losses;
    exports org.transfer4j.metrics;
    exports org.transfer4j.applications;
    exports org.transfer4j.train;

    uses org.transfer4j.backend.DeviceProvider;
}
