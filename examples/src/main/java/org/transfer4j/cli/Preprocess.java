package org.transfer4j.cli;

import java.util.Optional;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.tensor.Tensor;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --preprocess MODE} of the commands that feed images to a model: how RGB pixels 0..255 are scaled
 * before the model sees them. {@link #NONE} feeds the pixels as they are.
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
