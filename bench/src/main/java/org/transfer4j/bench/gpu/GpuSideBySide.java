package org.transfer4j.bench.gpu;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.transfer4j.Transfer4jException;
import org.transfer4j.cuda.backend.CudaBackend;
import org.transfer4j.cuda.backend.OpProfile;
import org.transfer4j.cuda.dnn.AlgoSearch;
import org.transfer4j.tensor.Device;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The transfer4j half of issue 7's side-by-side: MobileNetV2 and ResNet50, batch 64, 224x224, random weights
 * and inputs, on CUDA device 0: a training step, inference, and head-only training on a frozen base with
 * feature caching. Prints a table and writes {@link SideBySideReport} JSON; {@code bench/gpu/torch_side_by_side.py}
 * does the same work in PyTorch and {@link Compare} sets the two side by side.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp transfer4j-gpu.jar \
 *     org.transfer4j.bench.gpu.GpuSideBySide --out transfer4j.json
 * # a smoke run on the CPU, tiny:
 * ... GpuSideBySide --device cpu --models MobileNetV2 --alpha 0.35 --image-size 32 --batch 2 --classes 10 \
 *     --warmup 1 --iterations 2 --frozen-images 8 --frozen-epochs 2 --out smoke.json
 * </pre>
 */
@Command(name = "gpu-side-by-side", mixinStandardHelpOptions = true,
        description = "Times transfer4j's training step, inference and frozen-base head training (feature cache) and writes JSON.")
public final class GpuSideBySide implements Callable<Integer> {
    @Option(names = "--device", description = "cuda (device 0, the default) or cpu (a smoke run: use tiny sizes)")
    String device = "cuda";
    @Option(names = "--models", split = ",", description = "MobileNetV2,ResNet50 (default both)")
    List<String> models = List.of("MobileNetV2", "ResNet50");
    @Option(names = "--cases", split = ",", description = "train,inference,frozen (default all)")
    List<String> cases = List.of(CaseResult.TRAIN, CaseResult.INFERENCE, CaseResult.FROZEN);
    @Option(names = "--batch", description = "default ${DEFAULT-VALUE}")
    int batch = 64;
    @Option(names = "--image-size", description = "default ${DEFAULT-VALUE}")
    int imageSize = 224;
    @Option(names = "--classes", description = "classes of the top, default ${DEFAULT-VALUE}")
    int classes = 1000;
    @Option(names = "--alpha", description = "MobileNetV2's width multiplier, default ${DEFAULT-VALUE}")
    double alpha = 1.0;
    @Option(names = "--warmup", description = "untimed iterations per case, default ${DEFAULT-VALUE}")
    int warmup = 20; // the JIT compiles the hot host code within about 10 (a ResNet50 inference: 9.6 ms per batch after 5, 6.1 after 25)
    @Option(names = "--iterations", description = "timed batches of train and inference, default ${DEFAULT-VALUE}")
    int iterations = 20;
    @Option(names = "--frozen-images", description = "images of the frozen-base data set, default ${DEFAULT-VALUE}")
    int frozenImages = 1280;
    @Option(names = "--frozen-epochs", description = "timed head epochs, default ${DEFAULT-VALUE}")
    int frozenEpochs = 50; // about 0.3 s of head epochs: one compilation or collection no longer moves the rate by much
    @Option(names = "--frozen-warmup-epochs", description = "untimed head epochs before the timed ones, default ${DEFAULT-VALUE}")
    // 50 epochs of 20 steps: the head step's host code is compiled by then (a 10-epoch frozen phase on flowers
    // runs about as many steps); after 3 epochs it still ran cold, 2.3-2.7x slower per step (bench README)
    int frozenWarmupEpochs = 50;
    @Option(names = "--inference", paramLabel = "fused|layers", description = "the inference case: fused (InferenceModel: "
            + "each convolution's bias, batch norm, residual add and ReLU in one pass) or layers (Model.predict), default ${DEFAULT-VALUE}")
    String inference = "fused";
    @Option(names = "--head-classes", description = "classes of the new head, default ${DEFAULT-VALUE}")
    int headClasses = 10;
    @Option(names = "--optimizer", description = "sgd (momentum 0.9) or adam, default ${DEFAULT-VALUE}")
    String optimizer = "sgd";
    @Option(names = "--tf32", negatable = true, description = "TF32 for convolutions (PyTorch's default; --no-tf32 for fp32)")
    boolean tf32 = true;
    @Option(names = "--pointwise", paramLabel = "gemm|cudnn", description = "1x1 convolutions through gemm (cuBLAS) or "
            + "cudnn; default: the backend's (-Dtransfer4j.cuda.pointwise, else gemm)")
    String pointwise;
    @Option(names = "--cudnn-algorithms", converter = AlgoSearchConverter.class, paramLabel = "heuristic|benchmark",
            description = "how cuDNN picks convolution algorithms: heuristic (cuDNN's ranking) or benchmark (time every "
                    + "candidate once per shape, as PyTorch's cudnn.benchmark); default: the backend's, i.e. -D"
                    + AlgoSearch.PROPERTY + " or heuristic")
    AlgoSearch cudnnAlgorithms;
    @Option(names = "--host-profile", paramLabel = "DIR", description = "sample the host every millisecond (Java Flight "
            + "Recorder) in each timed section, write DIR/<model>-<case>.jfr and print where the host's time went")
    Path hostProfiles;
    @Option(names = "--seed", description = "default ${DEFAULT-VALUE}")
    long seed = 1;
    @Option(names = "--out", required = true, description = "the JSON report to write")
    Path out;

    private final PrintStream stdout;

    GpuSideBySide(PrintStream stdout) {
        this.stdout = stdout;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Runs the command with these arguments, printing to {@code stdout}; returns the exit code. */
    static int run(PrintStream stdout, String... args) {
        return new CommandLine(new GpuSideBySide(stdout)).execute(args);
    }

    @Override
    public Integer call() {
        if (!inference.equals("fused") && !inference.equals("layers")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--inference: fused or layers, got '" + inference + "'");
        }
        Settings settings = new Settings(batch, imageSize, classes, alpha, warmup, iterations, frozenImages, frozenEpochs,
                frozenWarmupEpochs, headClasses, optimizer.toLowerCase(Locale.ROOT), seed, inference.equals("fused"));
        DeviceClock clock = new DeviceClock(chooseDevice());
        clock.tf32(tf32);
        if (pointwise != null) {
            try {
                clock.pointwiseAsGemm(CudaBackend.parsePointwiseRoute(pointwise));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--pointwise: " + e.getMessage());
            }
        }
        if (cudnnAlgorithms != null) {
            clock.cudnnAlgorithms(cudnnAlgorithms);
        }
        stdout.println("transfer4j side-by-side on " + describe(clock.device()) + ", TF32 convolutions " + (clock.tf32() ? "on" : "off")
                + (clock.cudnnAlgorithms() == null ? "" : ", cuDNN algorithms " + clock.cudnnAlgorithms())
                + ", batch " + batch + ", " + imageSize + "x" + imageSize + ", " + settings.optimizer());
        if (hostProfiles != null) {
            try {
                Files.createDirectories(hostProfiles);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--host-profile: cannot create " + hostProfiles
                        + ": " + e.getMessage());
            }
        }
        Workloads work = new Workloads(clock, settings, hostProfiles);
        List<CaseResult> results = new ArrayList<>();
        for (String name : models) {
            BenchModel model = BenchModel.parse(name);
            for (String c : cases) {
                CaseResult r = switch (c.toLowerCase(Locale.ROOT)) {
                    case CaseResult.TRAIN -> work.trainStep(model);
                    case CaseResult.INFERENCE -> work.inference(model);
                    case CaseResult.FROZEN -> work.frozenBase(model);
                    default -> throw new CommandLine.ParameterException(new CommandLine(this),
                            "unknown case '" + c + "'; known: train, inference, frozen");
                };
                stdout.println("  " + ResultTable.line(r));
                results.add(r);
                if (clock.device().backend() instanceof CudaBackend cuda && cuda.profile().enabled()) {
                    stdout.println("per-op profile of " + model.displayName() + " " + c
                            + ", timed iterations (-D" + OpProfile.PROPERTY + "=true: a sync after every op, so not a timing)");
                    stdout.print(cuda.profile().table());
                    cuda.profile().reset();
                }
                Path recording = hostProfiles == null ? null : Workloads.hostProfileFile(hostProfiles, model, r.kind());
                if (recording != null && Files.exists(recording)) {
                    stdout.println("host profile of " + model.displayName() + " " + c + ", timed iterations (" + recording + ")");
                    stdout.print(HostProfile.summary(recording, Thread.currentThread().threadId(), 25));
                }
            }
        }
        SideBySideReport report = new SideBySideReport("transfer4j", describe(clock.device()), clock.tf32(),
                clock.cudnnAlgorithms(), batch, imageSize, settings.optimizer(), warmup, results);
        report.write(out);
        stdout.println();
        stdout.print(ResultTable.of(report));
        stdout.println("wrote " + out);
        return results.stream().allMatch(CaseResult::ok) ? 0 : 2;
    }

    private Device chooseDevice() {
        return switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu" -> Device.cpu();
            case "cuda" -> {
                try {
                    yield Device.cuda(0);
                } catch (Transfer4jException e) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--device cuda: " + e.getMessage());
                }
            }
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--device must be cuda or cpu, got '" + device + "'");
        };
    }

    /** {@code --cudnn-algorithms}'s value, with {@link AlgoSearch#parse}'s message for a bad one. */
    static final class AlgoSearchConverter implements CommandLine.ITypeConverter<AlgoSearch> {
        @Override
        public AlgoSearch convert(String value) {
            try {
                return AlgoSearch.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    private static String describe(Device d) {
        return d.backend() instanceof CudaBackend c
                ? c + (c.pointwiseConvolutionsAsGemm() ? ", 1x1 convolutions through cuBLAS" : "") : d.toString();
    }
}
