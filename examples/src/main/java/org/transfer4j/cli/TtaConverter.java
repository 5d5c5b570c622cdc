package org.transfer4j.cli;

import java.util.Locale;
import org.transfer4j.train.TestTimeAugmentation;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --tta none|flip}: the views whose outputs are averaged ({@link TestTimeAugmentation}). */
final class TtaConverter implements ITypeConverter<TestTimeAugmentation> {
    static final String HELP = "test-time augmentation: none, or flip (average the outputs of each image and its "
            + "mirror image; the saved model itself stays single-view)";

    @Override
    public TestTimeAugmentation convert(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> TestTimeAugmentation.NONE;
            case "flip" -> TestTimeAugmentation.HORIZONTAL_FLIP;
            default -> throw new TypeConversionException("expected none or flip but was '" + value + "'");
        };
    }

    /** The option's spelling of {@code tta}. */
    static String name(TestTimeAugmentation tta) {
        return tta == TestTimeAugmentation.NONE ? "none" : "flip";
    }
}
