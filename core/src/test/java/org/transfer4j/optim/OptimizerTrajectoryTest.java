package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Weight;

/**
 * Each optimizer and convention against a multi-step trajectory computed independently from the
 * documented update rules: {@code src/test/resources/scripts/optim_trajectories.py} (numpy, float64)
 * writes each framework's rule as its documentation states it (not in the fused form the kernels
 * use). A weight {@code p0 = [0.5, -1.2, 2.0]} sees {@code g = a*p + b}, {@code a = [1, 2, 0.5]},
 * {@code b = [0.1, -0.3, 0.2]}, recomputed from the current weight before each of 4 steps.
 *
 * <p>Tolerance: the optimizers run in float32, so each value carries a few float roundings per step
 * (one ulp is 1.2e-7 to 2.4e-7 for these values, up to 2); the largest error seen is below 4e-7 and
 * {@link #TOLERANCE} = 1e-6 leaves room for four steps. Where the conventions differ, the cases are
 * chosen so that the difference is far above it (a changing rate for momentum, a large epsilon for
 * its placement, momentum with weight decay); with default epsilons Keras' and PyTorch's Adam differ
 * by about 5e-7, below float resolution of a four-step run.
 */
class OptimizerTrajectoryTest {
    private static final double TOLERANCE = 1e-6;
    private static final float[] P0 = {0.5f, -1.2f, 2.0f};
    private static final double[] A = {1, 2, 0.5};
    private static final double[] B = {0.1, -0.3, 0.2};
    private static final double[] CONSTANT = {0.1, 0.1, 0.1, 0.1};
    private static final double[] SCHEDULE = {0.1, 0.05, 0.02, 0.01};
    private static final double[] SMALL = {0.01, 0.01, 0.01, 0.01};

    // Printed by optim_trajectories.py: the weight after steps 1..4.
    private static final double[][] SGD_PLAIN = {{0.44, -0.9299999999999999, 1.88}, {0.386, -0.714, 1.766}, {0.33740000000000003, -0.5411999999999999, 1.6577}, {0.29366000000000003, -0.4029599999999999, 1.554815}};
    private static final double[][] SGD_MOMENTUM_SCHEDULED_KERAS = {{0.44, -0.9299999999999999, 1.88}, {0.359, -0.579, 1.7149999999999999}, {0.27692, -0.23393999999999993, 1.5453499999999998}, {0.19927879999999998, 0.08429280000000011, 1.3829382499999998}};
    private static final double[][] SGD_MOMENTUM_SCHEDULED_TORCH = {{0.44, -0.9299999999999999, 1.88}, {0.386, -0.7004999999999999, 1.769}, {0.35684, -0.5838599999999999, 1.70735}, {0.3391496, -0.5166947999999999, 1.66907075}};
    private static final double[][] SGD_NESTEROV_SCHEDULED_KERAS = {{0.386, -0.687, 1.772}, {0.29123, -0.30927000000000004, 1.57163}, {0.21294026, -0.009738479999999994, 1.40270603}, {0.14357576905999997, 0.24937623024, 1.251293419715}};
    private static final double[][] SGD_NESTEROV_SCHEDULED_TORCH = {{0.386, -0.687, 1.772}, {0.31553, -0.41862000000000005, 1.62023}, {0.28311865999999997, -0.30892008000000004, 1.54675643}, {0.26499407245999995, -0.25235131296, 1.504290172415}};
    private static final double[][] SGD_MOMENTUM_DECAY_KERAS = {{0.435, -0.9179999999999999, 1.8599999999999999}, {0.32314999999999994, -0.45222, 1.6204}, {0.18085349999999994, 0.08368619999999993, 1.304276}, {0.02580111499999993, 0.5743576979999999, 0.93609144}};
    private static final double[][] SGD_MOMENTUM_DECAY_TORCH = {{0.435, -0.9179999999999999, 1.86}, {0.31865, -0.4414199999999999, 1.6024}, {0.1688835, 0.11020019999999997, 1.254416}, {0.00551646499999997, 0.6135163379999999, 0.84596544}};
    private static final double[][] ADAM_KERAS = {{0.4000005270434989, -1.1000001171212577, 1.900000263522444}, {0.3008836336300182, -1.0002744486051283, 1.8001339744315834}, {0.20354287584165584, -0.9010401703442465, 1.7004985384789189}, {0.1091846188211571, -0.8025434805572602, 1.6011977656099936}};
    private static final double[][] ADAM_TORCH = {{0.40000000166666666, -1.1000000003703703, 1.9000000008333333}, {0.3008827159794435, -1.0002742469326624, 1.8001335229552289}, {0.20354163079746118, -0.9010398977810807, 1.700497930712188}, {0.10918310018798207, -0.8025431457196449, 1.6011970209975706}};
    private static final double[][] ADAM_EPS_KERAS = {{0.4840522137333918, -1.1539428161455858, 1.9724914346705367}, {0.46313780793685927, -1.0997300231614262, 1.9377146962566707}, {0.4390180611318609, -1.0411472498430074, 1.8984039516977615}, {0.4126121878582842, -0.9798401472582917, 1.855850953625328}};
    private static final double[][] ADAM_EPS_TORCH = {{0.41428571428571426, -1.1035714285714286, 1.9076923076923078}, {0.33005458548816036, -1.0075196692765704, 1.8156342274137567}, {0.24790390685907726, -0.9120479358126662, 1.7239097692084397}, {0.16854470235948343, -0.8173832652947208, 1.6326071487452223}};
    private static final double[][] ADAM_DECAY_KERAS = {{0.3950005270434989, -1.0880001171212577, 1.880000263522444}, {0.29200519297214955, -0.9774391186174072, 1.7613669368346292}, {0.1919578117953431, -0.8685551307505457, 1.6442075434231613}, {0.09612334468899812, -0.7616173385714006, 1.5286362311011492}};
    private static final double[][] ADAM_DECAY_TORCH = {{0.4000000015384615, -1.10000000035461, 1.9000000007142857}, {0.300904415843742, -1.0002761700060523, 1.8001380991305376}, {0.20363482507071728, -0.9010474152646071, 1.7005152912234738}, {0.10944096219626762, -0.8025621011492312, 1.6012394807113728}};
    private static final double[][] ADAMW_KERAS = {{0.39980052704349894, -1.0995201171212576, 1.899200263522444}, {0.3005265185258476, -0.9993563757501729, 1.7985755713214249}, {0.20307392940792313, -0.8997272004653832, 1.6982241830569178}, {0.10865189724144579, -0.8008801272102751, 1.5982507766365637}};
    private static final double[][] ADAMW_TORCH = {{0.39950000166666666, -1.0988000003703702, 1.8980000008333333}, {0.2999902375659098, -0.9979797928947759, 1.7962387218296154}, {0.2023701348555392, -0.8977595997563333, 1.6948156027446768}, {0.10785291423085931, -0.7983888987650609, 1.5938365496290747}};
    private static final double[][] ADAMW_STRONG_TORCH = {{0.37500000166666664, -1.0400000003703702, 1.8000000008333332}, {0.2575214981522469, -0.8885255720470181, 1.610320838834996}, {0.14845447795102623, -0.7455641054450917, 1.4306767144015173}, {0.04903075040943239, -0.611153277334489, 1.2608071695079477}};
    private static final double[][] RMSPROP_KERAS = {{0.46837726731874774, -1.1683772255672307, 1.9683772343784411}, {0.4460329787675719, -1.145694973836876, 1.94558035143351}, {0.4276314425843133, -1.1268341203549228, 1.9265649634589184}, {0.4115076475199205, -1.1101796903699261, 1.9097336061358399}};
    private static final double[][] RMSPROP_TORCH = {{0.40000001666666396, -1.1000000037037037, 1.9000000083333326}, {0.33579183653695205, -1.0318755621753557, 1.8306284342669885}, {0.2867692027157179, -0.977532505869192, 1.7746139230232678}, {0.24670484132949666, -0.931323583533537, 1.7265008112081395}};
    private static final double[][] RMSPROP_CENTERED_MOMENTUM_KERAS = {{0.48351050870212064, -1.1689491033924155, 1.9749564838661096}, {0.45379231980747387, -1.1168735240568246, 1.9313990467110447}, {0.41345289274993313, -1.0490027579108052, 1.8732026204942522}, {0.3647253995326603, -0.9688200014158135, 1.8030508475261497}};
    private static final double[][] RMSPROP_CENTERED_MOMENTUM_TORCH = {{0.4624293780855163, -1.1267591253718412, 1.9453050024827225}, {0.3975767698373813, -1.0061559515803138, 1.851941730383171}, {0.31358223933096707, -0.8538851152519492, 1.7301311439126605}, {0.21748038107371154, -0.6814926128060413, 1.5874346778654187}};
    private static final double[][] RMSPROP_DECAY_KERAS = {{0.4678772673187478, -1.1671772255672306, 1.9663772343784411}, {0.4450749504970579, -1.1433378274184731, 1.9416232266124862}, {0.4262443663545979, -1.1233500726031524, 1.9206813861003744}, {0.40971517533574203, -1.1055937520483046, 1.9019491492244196}};
    private static final double[][] RMSPROP_DECAY_TORCH = {{0.40000001538461305, -1.100000003546099, 1.9000000071428567}, {0.33590817012892055, -1.0318911019921988, 1.830673177064148}, {0.28704457609996886, -0.9775689628566738, 1.7747183706169516}, {0.24716484309945264, -0.9313839787694369, 1.7266729585737535}};

    @Test
    void sgdWithoutMomentumIsTheSameInBothConventions() {
        check(gs -> new SGD(gs, 0.1, Convention.KERAS), CONSTANT, SGD_PLAIN);
        check(gs -> new SGD(gs, 0.1, Convention.PYTORCH), CONSTANT, SGD_PLAIN);
    }

    @Test
    void sgdMomentumFollowsEachConventionWhenTheRateChanges() {
        check(gs -> new SGD(gs, 0.1, Convention.KERAS).momentum(0.9), SCHEDULE, SGD_MOMENTUM_SCHEDULED_KERAS);
        check(gs -> new SGD(gs, 0.1, Convention.PYTORCH).momentum(0.9), SCHEDULE, SGD_MOMENTUM_SCHEDULED_TORCH);
    }

    @Test
    void sgdNesterovFollowsEachConvention() {
        check(gs -> new SGD(gs, 0.1, Convention.KERAS).momentum(0.9).nesterov(true), SCHEDULE,
                SGD_NESTEROV_SCHEDULED_KERAS);
        check(gs -> new SGD(gs, 0.1, Convention.PYTORCH).momentum(0.9).nesterov(true), SCHEDULE,
                SGD_NESTEROV_SCHEDULED_TORCH);
    }

    @Test
    void sgdWeightDecayIsDecoupledUnderKerasAndL2UnderPytorch() {
        check(gs -> new SGD(gs, 0.1, Convention.KERAS).momentum(0.9).weightDecay(0.1), CONSTANT,
                SGD_MOMENTUM_DECAY_KERAS);
        check(gs -> new SGD(gs, 0.1, Convention.PYTORCH).momentum(0.9).weightDecay(0.1), CONSTANT,
                SGD_MOMENTUM_DECAY_TORCH);
    }

    @Test
    void adamFollowsEachConventionWithItsDefaults() {
        check(gs -> new Adam(gs, 0.1, Convention.KERAS), CONSTANT, ADAM_KERAS);
        check(gs -> new Adam(gs, 0.1, Convention.PYTORCH), CONSTANT, ADAM_TORCH);
    }

    @Test
    void adamPlacesEpsilonOutsideOrInsideTheBiasCorrection() {
        check(gs -> new Adam(gs, 0.1, Convention.KERAS).epsilon(0.1), CONSTANT, ADAM_EPS_KERAS);
        check(gs -> new Adam(gs, 0.1, Convention.PYTORCH).epsilon(0.1), CONSTANT, ADAM_EPS_TORCH);
    }

    @Test
    void adamWeightDecayIsDecoupledUnderKerasAndL2UnderPytorch() {
        check(gs -> new Adam(gs, 0.1, Convention.KERAS).weightDecay(0.1), CONSTANT, ADAM_DECAY_KERAS);
        check(gs -> new Adam(gs, 0.1, Convention.PYTORCH).weightDecay(0.1), CONSTANT, ADAM_DECAY_TORCH);
    }

    @Test
    void adamwDecaysDecoupledWithEachConventionsDefault() {
        check(gs -> new AdamW(gs, 0.1, Convention.KERAS), CONSTANT, ADAMW_KERAS);
        check(gs -> new AdamW(gs, 0.1, Convention.PYTORCH), CONSTANT, ADAMW_TORCH);
        check(gs -> new AdamW(gs, 0.1, Convention.PYTORCH).weightDecay(0.5), CONSTANT, ADAMW_STRONG_TORCH);
    }

    @Test
    void rmspropFollowsEachConventionWithItsDefaults() {
        check(gs -> new RMSprop(gs, 0.01, Convention.KERAS), SMALL, RMSPROP_KERAS);
        check(gs -> new RMSprop(gs, 0.01, Convention.PYTORCH), SMALL, RMSPROP_TORCH);
    }

    @Test
    void rmspropCenteredWithMomentumFollowsEachConvention() {
        check(gs -> new RMSprop(gs, 0.01, Convention.KERAS).momentum(0.9).centered(true).epsilon(0.1), SMALL,
                RMSPROP_CENTERED_MOMENTUM_KERAS);
        check(gs -> new RMSprop(gs, 0.01, Convention.PYTORCH).momentum(0.9).centered(true).epsilon(0.1), SMALL,
                RMSPROP_CENTERED_MOMENTUM_TORCH);
    }

    @Test
    void rmspropWeightDecayIsDecoupledUnderKerasAndL2UnderPytorch() {
        check(gs -> new RMSprop(gs, 0.01, Convention.KERAS).weightDecay(0.1), SMALL, RMSPROP_DECAY_KERAS);
        check(gs -> new RMSprop(gs, 0.01, Convention.PYTORCH).weightDecay(0.1), SMALL, RMSPROP_DECAY_TORCH);
    }

    /**
     * Runs the optimizer made by {@code make} on a fresh weight p0 for {@code rates.length} steps
     * (the rates through a schedule when they change, else as the base rate) and compares every step.
     */
    private static void check(Function<List<ParamGroup>, Optimizer> make, double[] rates, double[][] expected) {
        Weight w = TinyWeights.weight(P0.clone());
        Optimizer opt = make.apply(List.of(ParamGroup.of("all", List.of(w))));
        if (Arrays.stream(rates).distinct().count() > 1) {
            opt.setSchedule(step -> rates[(int) step]);
        } else {
            opt.setBaseLearningRate(rates[0]);
        }
        for (int step = 0; step < expected.length; step++) {
            float[] p = TinyWeights.values(w);
            float[] g = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                g[i] = (float) (A[i] * p[i] + B[i]);
            }
            TinyWeights.setGrad(w, g);
            opt.step();
            float[] after = TinyWeights.values(w);
            for (int i = 0; i < after.length; i++) {
                assertEquals(expected[step][i], after[i], TOLERANCE, opt.getClass().getSimpleName() + " "
                        + opt.convention() + " step " + (step + 1) + " element " + i);
            }
        }
        assertEquals(expected.length, opt.iterations());
    }
}
