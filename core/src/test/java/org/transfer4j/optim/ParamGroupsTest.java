package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.NoSuchLayerException;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.ReLU;

class ParamGroupsTest {

    /** input -> conv1 -> bn1 -> relu1 -> conv2 -> bn2 -> relu2 -> predictions, on (6,6,3) images. */
    private static Model plainModel() {
        SymbolicTensor in = Input.of("image", 6, 6, 3);
        SymbolicTensor x = new Conv2D(4, 3).named("conv1").apply(in);
        x = new BatchNormalization().named("bn1").apply(x);
        x = new ReLU().named("relu1").apply(x);
        x = new Conv2D(4, 3).named("conv2").apply(x);
        x = new BatchNormalization().named("bn2").apply(x);
        x = new ReLU().named("relu2").apply(x);
        return Model.of("plain", in, new Dense(2).named("predictions").apply(x));
    }

    /** A pretrained-style base (conv1, bn1, relu1, conv2) nested in a model: pre -> base -> head_dense. */
    private static Model nestedModel() {
        SymbolicTensor baseIn = Input.of("base_input", 6, 6, 3);
        SymbolicTensor b = new Conv2D(4, 3).named("conv1").apply(baseIn);
        b = new BatchNormalization().named("bn1").apply(b);
        b = new ReLU().named("relu1").apply(b);
        b = new Conv2D(4, 3).named("conv2").apply(b);
        Model base = Model.of("base", baseIn, b);

        SymbolicTensor in = Input.of("image", 6, 6, 3);
        SymbolicTensor x = new Dense(3).named("pre").apply(in);
        x = base.apply(x);
        return Model.of("transfer", in, new Dense(2).named("head_dense").apply(x));
    }

    private static List<String> paths(ParamGroup g) {
        return g.weights().stream().map(Weight::path).toList();
    }

    private static List<String> names(List<ParamGroup> groups) {
        return groups.stream().map(ParamGroup::name).toList();
    }

    @Test
    void allHoldsEveryTrainableWeightInLayerOrderWithoutMovingStatistics() {
        List<ParamGroup> groups = ParamGroups.all(plainModel());
        assertEquals(1, groups.size());
        assertEquals("conv1", groups.getFirst().name(), "named after its first layer (the input layer is skipped)");
        assertEquals(List.of("conv1/kernel", "conv1/bias", "bn1/gamma", "bn1/beta", "conv2/kernel", "conv2/bias",
                "bn2/gamma", "bn2/beta", "predictions/kernel", "predictions/bias"), paths(groups.getFirst()));
    }

    @Test
    void splitAtOneLayerGivesBodyBeforeItAndTheRestFromIt() {
        List<ParamGroup> groups = ParamGroups.splitAt(plainModel(), "conv2");
        assertEquals(List.of("conv1", "conv2"), names(groups));
        assertEquals(List.of("conv1/kernel", "conv1/bias", "bn1/gamma", "bn1/beta"), paths(groups.get(0)));
        assertEquals(List.of("conv2/kernel", "conv2/bias", "bn2/gamma", "bn2/beta", "predictions/kernel",
                "predictions/bias"), paths(groups.get(1)));
    }

    @Test
    void splitAtSeveralLayersGivesOrderedGroups() {
        List<ParamGroup> groups = ParamGroups.splitAt(plainModel(), "bn1", "conv2", "predictions");
        assertEquals(List.of("conv1", "bn1", "conv2", "predictions"), names(groups));
        assertEquals(List.of("conv1/kernel", "conv1/bias"), paths(groups.get(0)));
        assertEquals(List.of("bn1/gamma", "bn1/beta"), paths(groups.get(1)), "relu1 has no weights");
        assertEquals(List.of("predictions/kernel", "predictions/bias"), paths(groups.get(3)));
    }

    @Test
    void frozenWeightsAreInNoGroup() {
        Model model = plainModel();
        model.layer("bn1").setTrainable(false);
        model.layer("conv2").setTrainable(false);
        List<ParamGroup> groups = ParamGroups.splitAt(model, "conv2");
        assertEquals(List.of("conv1", "conv2"), names(groups), "named after the split points, frozen or not");
        assertEquals(List.of("conv1/kernel", "conv1/bias"), paths(groups.get(0)));
        assertEquals(List.of("bn2/gamma", "bn2/beta", "predictions/kernel", "predictions/bias"), paths(groups.get(1)));
    }

    @Test
    void unfreezeFromLeavesOnlyTheTopLayersInAll() {
        Model model = plainModel();
        model.unfreezeFrom("bn2");
        assertEquals(List.of("bn2/gamma", "bn2/beta", "predictions/kernel", "predictions/bias"),
                paths(ParamGroups.all(model).getFirst()));
    }

    @Test
    void aGroupWithoutTrainableWeightsIsAnErrorNamingIt() {
        Model model = plainModel();
        model.unfreezeFrom("conv2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParamGroups.splitAt(model, "conv2"));
        assertEquals("parameter group 'conv1' of model 'plain' has no trainable weights: its layers 'conv1' .. "
                + "'relu1' are frozen or have no weights", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ParamGroups.splitAt(plainModel(), "relu1", "conv2"));
        assertTrue(e.getMessage().contains("'relu1'") && e.getMessage().contains("has no trainable weights"),
                e.getMessage());
    }

    @Test
    void splittingAtTheFirstLayerLeavesAnEmptyGroup() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParamGroups.splitAt(plainModel(), "conv1"));
        assertEquals("the parameter group before layer 'conv1' of model 'plain' would hold no layers", e.getMessage());
    }

    @Test
    void unknownLayerIsNamedInTheError() {
        NoSuchLayerException e = assertThrows(NoSuchLayerException.class,
                () -> ParamGroups.splitAt(plainModel(), "conv3"));
        assertTrue(e.getMessage().contains("'conv3'"), e.getMessage());
        e = assertThrows(NoSuchLayerException.class, () -> ParamGroups.headAndBase(plainModel(), "mobilenetv2"));
        assertTrue(e.getMessage().contains("'mobilenetv2'"), e.getMessage());
    }

    @Test
    void splitPointsMustFollowLayerOrder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParamGroups.splitAt(plainModel(), "predictions", "conv2"));
        assertTrue(e.getMessage().contains("'conv2'") && e.getMessage().contains("'predictions'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParamGroups.splitAt(plainModel(), "conv2", "conv2"));
        assertThrows(IllegalArgumentException.class, () -> ParamGroups.splitAt(plainModel()));
    }

    @Test
    void headAndBaseSeparatesTheNestedBaseFromTheNewLayers() {
        List<ParamGroup> groups = ParamGroups.headAndBase(nestedModel(), "base");
        assertEquals(List.of("conv1", "pre"), names(groups), "[base, head]: body first");
        assertEquals(List.of("conv1/kernel", "conv1/bias", "bn1/gamma", "bn1/beta", "conv2/kernel", "conv2/bias"),
                paths(groups.get(0)));
        assertEquals(List.of("pre/kernel", "pre/bias", "head_dense/kernel", "head_dense/bias"), paths(groups.get(1)),
                "every layer outside the base is head, also one before it");
    }

    @Test
    void headAndBaseAtAPlainLayerEndsTheBaseWithIt() {
        List<ParamGroup> groups = ParamGroups.headAndBase(plainModel(), "relu2");
        assertEquals(List.of("conv1", "predictions"), names(groups));
        assertEquals(List.of("predictions/kernel", "predictions/bias"), paths(groups.get(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParamGroups.headAndBase(plainModel(), "predictions"));
        assertEquals("the parameter group after layer 'predictions' of model 'plain' would hold no layers",
                e.getMessage());
    }

    @Test
    void frozenNestedBaseMakesItsGroupAnError() {
        Model model = nestedModel();
        model.layer("base").setTrainable(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParamGroups.headAndBase(model, "base"));
        assertTrue(e.getMessage().startsWith("parameter group 'conv1' of model 'transfer' has no trainable weights"),
                e.getMessage());
        assertEquals(List.of("pre/kernel", "pre/bias", "head_dense/kernel", "head_dense/bias"),
                paths(ParamGroups.all(model).getFirst()), "the frozen base is in no group");
    }

    @Test
    void splitAtCanNameLayersInsideANestedModelOrTheModelItself() {
        List<ParamGroup> groups = ParamGroups.splitAt(nestedModel(), "base", "conv2", "head_dense");
        assertEquals(List.of("pre", "conv1", "conv2", "head_dense"), names(groups));
        assertEquals(List.of("conv1/kernel", "conv1/bias", "bn1/gamma", "bn1/beta"), paths(groups.get(1)));
        assertEquals(List.of("conv2/kernel", "conv2/bias"), paths(groups.get(2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParamGroups.splitAt(nestedModel(), "base_input"));
        assertTrue(e.getMessage().startsWith("layer 'base_input' of model 'transfer' is the input of a nested model"),
                e.getMessage());
    }
}
