package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.testdata.TestData;

/**
 * {@code transfer4j predict IMAGE...} with the ImageNet MobileNet v1 0.25 on the sample photos of
 * {@code ../shared/data/images}. Their README quotes the published top-5 of the alpha=1.0 MobileNet
 * (elephant.jpg: African_elephant 386, tusker 101, Indian_elephant 385; cheetah.jpg: cheetah 293, leopard
 * 288, lion 291, snow_leopard 289, lynx 287) and says that the alpha=0.25 model here should land in the same
 * class family, not at the same probabilities.
 */
class PredictImagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "keras/mobilenet_v1_0.25_224_imagenet.h5";
    /** The elephants of ImageNet: tusker, Indian_elephant, African_elephant (imagenet_classes.txt). */
    private static final Set<Integer> ELEPHANTS = Set.of(101, 385, 386);
    /** The big cats of ImageNet, 286..293: cougar, lynx, leopard, snow_leopard, jaguar, lion, tiger, cheetah. */
    private static final Set<Integer> BIG_CATS = Set.of(286, 287, 288, 289, 290, 291, 292, 293);

    private static String[] args(String... options) {
        List<String> out = new ArrayList<>(List.of("predict", "--model", TestData.require(MODEL).toString(),
                "--preprocess", "mobilenet"));
        out.addAll(List.of(options));
        out.add(TestData.require("images/elephant.jpg").toString());
        out.add(TestData.require("images/cheetah.jpg").toString());
        return out.toArray(String[]::new);
    }

    @Test
    void elephantAndCheetahLandInTheirClassFamilies() throws IOException {
        JsonNode o = JSON.readTree(CliRun.of(args("--top", "3", "--json")).succeeded().out());
        // Exactly {"preprocess":"mobilenet","preprocess_from":"option",
        //          "predictions":[{"image":PATH,"top":[{"index":I,"label":L,"probability":P},...]},...]}.
        assertEquals(List.of("preprocess", "preprocess_from", "predictions", "device", "device_fallback"), fieldNames(o));
        assertEquals("cpu", o.get("device").asText());
        assertTrue(o.get("device_fallback").asText().contains("no CUDA backend on the class path"), o.toString());
        assertEquals("mobilenet", o.get("preprocess").asText());
        assertEquals("option", o.get("preprocess_from").asText());
        JsonNode predictions = o.get("predictions");
        assertEquals(2, predictions.size());
        for (JsonNode p : predictions) {
            assertEquals(List.of("image", "top"), fieldNames(p));
            assertEquals(3, p.get("top").size());
            float previous = Float.POSITIVE_INFINITY;
            for (JsonNode guess : p.get("top")) {
                assertEquals(List.of("index", "label", "probability"), fieldNames(guess));
                assertTrue(guess.get("index").isInt() && guess.get("label").isTextual()
                        && guess.get("probability").isNumber(), guess.toString());
                float probability = guess.get("probability").floatValue();
                assertTrue(probability <= previous && probability >= 0 && probability <= 1, p.toString());
                previous = probability;
            }
            System.out.println("predict " + p);
        }
        JsonNode elephant = predictions.get(0);
        assertEquals(TestData.require("images/elephant.jpg").toString(), elephant.get("image").asText());
        // Top-1 is an elephant and the three elephant classes are the top 3, in some order.
        for (JsonNode guess : elephant.get("top")) {
            assertTrue(ELEPHANTS.contains(guess.get("index").asInt()), elephant.toString());
        }
        JsonNode cheetah = predictions.get(1);
        assertEquals(TestData.require("images/cheetah.jpg").toString(), cheetah.get("image").asText());
        // Top-1 is the cheetah. The alpha=0.25 model is much less sure than alpha=1.0 (0.30 here against 0.997),
        // and its second and third guesses are other spotted or horned animals (hyena 276, ram 348 in our runs),
        // so only the top-1 is held to the family here; the other big cats follow in the top 10 (next test).
        assertEquals(293, cheetah.get("top").get(0).get("index").asInt(), cheetah.toString());
        assertEquals("cheetah", cheetah.get("top").get(0).get("label").asText());
    }

    @Test
    void theCheetahsTopTenHoldsTheOtherBigCatsOfThePublishedTopFive() throws IOException {
        JsonNode o = JSON.readTree(CliRun.of(args("--top", "10", "--json")).succeeded().out());
        List<Integer> cheetah = new ArrayList<>();
        o.get("predictions").get(1).get("top").forEach(g -> cheetah.add(g.get("index").asInt()));
        System.out.println("cheetah top 10: " + o.get("predictions").get(1));
        // The published top-5 after the cheetah: leopard 288, lion 291, snow_leopard 289, lynx 287.
        assertEquals(293, cheetah.getFirst());
        assertTrue(cheetah.containsAll(List.of(288, 291, 289, 287)), cheetah.toString());
        assertTrue(cheetah.stream().filter(BIG_CATS::contains).count() >= 5, cheetah.toString());
        // The elephant's top 10 starts with the three elephant classes.
        List<Integer> elephant = new ArrayList<>();
        o.get("predictions").get(0).get("top").forEach(g -> elephant.add(g.get("index").asInt()));
        assertEquals(ELEPHANTS, Set.copyOf(elephant.subList(0, 3)), elephant.toString());
    }

    @Test
    void textNamesEachImageAndItsTopClasses() {
        String text = CliRun.of(args("--top", "2")).succeeded().out();
        System.out.println(text);
        List<String> lines = text.lines().skip(3).toList();
        assertEquals("model: " + TestData.require(MODEL) + " (--preprocess mobilenet as given)", text.lines().findFirst().orElseThrow());
        assertEquals(DeviceOptionTest.AUTO_ON_CPU, text.lines().skip(1).findFirst().orElseThrow());
        assertEquals(TestData.require("images/elephant.jpg").toString(), lines.get(0));
        assertTrue(lines.get(1).matches("# +class +label +probability"), lines.get(1));
        assertTrue(lines.get(3).matches("1 +(101|385|386) +(tusker|Indian_elephant|African_elephant) +0\\.\\d{6}"),
                lines.get(3));
        assertTrue(lines.get(4).startsWith("2 "), text);
        assertEquals("", lines.get(5));
        assertEquals(TestData.require("images/cheetah.jpg").toString(), lines.get(6));
        assertTrue(lines.get(9).matches("1 +293 +cheetah +0\\.\\d{6}"), lines.get(9));
    }

    @Test
    void aFileThatIsNotAnImageIsOneLineAndExitCodeOne(@TempDir Path dir) throws IOException {
        Path notImage = Files.writeString(dir.resolve("notes.jpg"), "not a picture");
        CliRun.of("predict", "--model", TestData.require(MODEL).toString(), notImage.toString()).failedOn(notImage, "");
    }

    @Test
    void aModelWithoutImageInputIsOneLineAndExitCodeOne() {
        // dl4j-activations Softmax_0: Dense(16->32) then Softmax, input (None, 16).
        Path model = TestData.require("keras-reference/dl4j-activations/Softmax_0_model.h5");
        CliRun.of("predict", "--model", model.toString(), TestData.require("images/elephant.jpg").toString())
                .failedOn(model, "the model takes (None, 16), not RGB images (None, height, width, 3)");
    }

    @Test
    void topBeyondTheModelsClassesIsAUsageError() {
        CliRun.of("predict", "--model", TestData.require(MODEL).toString(), "--top", "1001",
                TestData.require("images/elephant.jpg").toString())
                .usageError("--top 1001 is more than the model's 1000 classes");
    }

    @Test
    void theDefaultTopIsCutToTheClassesOfASmallModel() throws IOException {
        // vww_96: MobileNet on 96x96 images, 2 classes (0 notperson, 1 person): the default --top 5 gives both.
        JsonNode o = JSON.readTree(CliRun.of("predict", "--model", TestData.require("keras/vww_96.h5").toString(),
                "--json", TestData.require("images/elephant.jpg").toString()).succeeded().out());
        JsonNode top = o.get("predictions").get(0).get("top");
        assertEquals(2, top.size());
        assertEquals(Set.of(0, 1), Set.of(top.get(0).get("index").asInt(), top.get(1).get("index").asInt()));
        assertTrue(top.get(0).get("label").isNull(), "no ImageNet names for 2 classes: " + top);
        // A softmax over two classes: the two probabilities add up to 1.
        assertEquals(1.0, top.get(0).get("probability").asDouble() + top.get(1).get("probability").asDouble(), 1e-5);
    }

    @Test
    void anUnknownPreprocessingIsAUsageError() {
        CliRun.of("predict", "--model", "m.h5", "--preprocess", "inception", "x.jpg")
                .usageError("expected one of mobilenet, caffe, torch, none but was 'inception'");
    }

    @Test
    void imagesAndAnArrayDoNotMix() {
        CliRun.of("predict", "--model", "m.h5", "--input", "x.npy", "--output", "y.npy", "a.jpg")
                .usageError("not both");
        CliRun.of("predict", "--model", "m.h5", "--input", "x.npy", "--output", "y.npy", "--top", "3")
                .usageError("--top is for images");
    }

    @Test
    void withNeitherImagesNorAnArrayItIsAUsageError() {
        CliRun.of("predict", "--model", "m.h5").usageError("give IMAGE files to classify");
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
