package org.transfer4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.tensor.Tensor;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --preprocess MODE} of the commands that feed images to a model: how RGB pixels 0..255 are scaled
 * before the model sees them. {@link #NONE} feeds the pixels as they are. Without the option, a model that
 * {@code train} saved is fed as it was trained ({@link #choose}).
 */
enum Preprocess {
    MOBILENET(Preprocessing.MOBILENET), CAFFE(Preprocessing.CAFFE), TORCH(Preprocessing.TORCH), NONE(null);

    /** The modes for an option's help; each command adds its default. */
    static final String MODES = "mobilenet (x/127.5-1: MobileNet, MobileNetV2), caffe (BGR minus the ImageNet mean: "
            + "ResNet, VGG), torch (x/255, then ImageNet mean and std) or none (pixels 0..255)";

    private final Preprocessing preprocessing;

    Preprocess(Preprocessing preprocessing) {
        this.preprocessing = preprocessing;
    }

    /** {@code pixels (N,H,W,3)} in 0..255 scaled for the model, the same shape. */
    Tensor apply(Tensor pixels) {
        return preprocessing == null ? pixels : preprocessing.apply(pixels);
    }

    /** The library's scaling (e.g. for an image dataset), or empty for {@link #NONE}. */
    Optional<Preprocessing> preprocessing() {
        return Optional.ofNullable(preprocessing);
    }

    /** The name {@code --preprocess} takes and the reports print ({@code caffe}). */
    String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode of the library's {@code preprocessing}. */
    static Preprocess of(Preprocessing preprocessing) {
        for (Preprocess p : values()) {
            if (p.preprocessing == preprocessing) {
                return p;
            }
        }
        throw new IllegalArgumentException("no --preprocess mode for " + preprocessing);
    }

    /** Where the mode a command uses came from. */
    enum Source {
        /** {@code --preprocess} was given. */
        OPTION("option", "as given"),
        /** The model file names the preprocessing it was trained with ({@code KerasH5.PREPROCESSING}). */
        MODEL("model", "from the model"),
        /** Neither: the command's default. */
        DEFAULT("default", "by default");

        private final String json;
        private final String text;

        Source(String json, String text) {
            this.json = json;
            this.text = text;
        }

        /** How {@code --json} reports write it ({@code "model"}). */
        String json() {
            return json;
        }
    }

    /** The mode a command uses and where it came from. */
    record Choice(Preprocess mode, Source source) {
        /** For a text report: {@code --preprocess caffe from the model}, {@code --preprocess none by default}. */
        String describe() {
            return "--preprocess " + mode.optionName() + " " + source.text;
        }
    }

    /**
     * The mode to use: {@code given} ({@code --preprocess}, null when absent), else the preprocessing the model
     * was {@code saved} with, else {@code fallback}. A given mode that differs from the saved one is used, as
     * asked, with a warning on {@code err} naming both, since the results are then likely wrong.
     */
    static Choice choose(Preprocess given, Optional<Preprocessing> saved, Preprocess fallback, Path model,
                         PrintWriter err) {
        if (given != null) {
            if (saved.isPresent() && given.preprocessing != saved.get()) {
                err.println("transfer4j: warning: --preprocess " + given.optionName() + " differs from "
                        + of(saved.get()).optionName() + ", the preprocessing " + model + " was trained with");
                err.flush();
            }
            return new Choice(given, Source.OPTION);
        }
        return saved.map(p -> new Choice(of(p), Source.MODEL)).orElseGet(() -> new Choice(fallback, Source.DEFAULT));
    }

    /** {@code --preprocess} takes the lower-case names the help shows; picocli's enum conversion wants upper case. */
    static final class Converter implements ITypeConverter<Preprocess> {
        @Override
        public Preprocess convert(String value) {
            for (Preprocess p : Preprocess.values()) {
                if (p.name().equalsIgnoreCase(value)) {
                    return p;
                }
            }
            throw new TypeConversionException("expected one of mobilenet, caffe, torch, none but was '" + value + "'");
        }
    }
}
