package org.transfer4j.cuda.dnn;

/** The three convolution passes, each with its own algorithm enum and selection query. */
public enum ConvDirection {
    /** {@code y = conv(x, w)}: cudnnConvolutionFwdAlgo_t, {@code cudnnGetConvolutionForwardAlgorithm_v7}. */
    FORWARD("CUDNN_CONVOLUTION_FWD_ALGO_", CudnnConstants.FWD_ALGOS),
    /** {@code dx from dy and w}: cudnnConvolutionBwdDataAlgo_t, {@code cudnnGetConvolutionBackwardDataAlgorithm_v7}. */
    BACKWARD_DATA("CUDNN_CONVOLUTION_BWD_DATA_ALGO_", CudnnConstants.BWD_DATA_ALGOS),
    /** {@code dw from x and dy}: cudnnConvolutionBwdFilterAlgo_t, {@code cudnnGetConvolutionBackwardFilterAlgorithm_v7}. */
    BACKWARD_FILTER("CUDNN_CONVOLUTION_BWD_FILTER_ALGO_", CudnnConstants.BWD_FILTER_ALGOS);

    private final String prefix;
    private final String[] names;

    ConvDirection(String prefix, String[] names) {
        this.prefix = prefix;
        this.names = names;
    }

    /** How many algorithms the enum has (its {@code _COUNT} value). */
    public int algoCount() {
        return names.length;
    }

    /** The cuDNN name of algorithm {@code algo}, e.g. {@code CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM}. */
    public String algoName(int algo) {
        return algo >= 0 && algo < names.length ? prefix + names[algo] : prefix + "?(" + algo + ")";
    }
}
