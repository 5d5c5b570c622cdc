package org.transfer4j.cuda.dnn;

/**
 * The cuDNN 9 enum values used by the bindings. Sources: cuDNN 9.6 headers as stored in
 * github.com/zspace/system.cuda-12.6: {@code include/cudnn_graph.h} (cudnnStatus_t, cudnnDataType_t,
 * cudnnMathType_t, cudnnNanPropagation_t, cudnnTensorFormat_t, cudnnActivationMode_t,
 * cudnnConvolutionMode_t) and {@code include/cudnn_ops.h} (cudnnPoolingMode_t,
 * cudnnConvolutionFwdAlgo_t, cudnnConvolutionBwdFilterAlgo_t, cudnnConvolutionBwdDataAlgo_t,
 * cudnnDeterminism_t).
 */
public final class CudnnConstants {

    /** {@code CUDNN_STATUS_SUCCESS}. */
    public static final int STATUS_SUCCESS = 0;
    /** {@code CUDNN_DATA_FLOAT}. */
    public static final int DATA_FLOAT = 0;
    /** {@code CUDNN_TENSOR_NCHW}, {@code CUDNN_TENSOR_NHWC} (cudnnTensorFormat_t). */
    public static final int TENSOR_NCHW = 0, TENSOR_NHWC = 1;
    /** {@code CUDNN_DEFAULT_MATH}, {@code CUDNN_TENSOR_OP_MATH}, {@code CUDNN_FMA_MATH} (cudnnMathType_t). */
    public static final int DEFAULT_MATH = 0, TENSOR_OP_MATH = 1, FMA_MATH = 3;
    /** {@code CUDNN_NOT_PROPAGATE_NAN}, {@code CUDNN_PROPAGATE_NAN}. */
    public static final int NOT_PROPAGATE_NAN = 0, PROPAGATE_NAN = 1;
    /** {@code CUDNN_CONVOLUTION}, {@code CUDNN_CROSS_CORRELATION} (cudnnConvolutionMode_t). */
    public static final int CONVOLUTION = 0, CROSS_CORRELATION = 1;
    /** cudnnPoolingMode_t. */
    public static final int POOLING_MAX = 0, POOLING_AVERAGE_COUNT_INCLUDE_PADDING = 1,
            POOLING_AVERAGE_COUNT_EXCLUDE_PADDING = 2, POOLING_MAX_DETERMINISTIC = 3;
    /** cudnnActivationMode_t. */
    public static final int ACTIVATION_SIGMOID = 0, ACTIVATION_RELU = 1, ACTIVATION_TANH = 2,
            ACTIVATION_CLIPPED_RELU = 3, ACTIVATION_ELU = 4, ACTIVATION_IDENTITY = 5, ACTIVATION_SWISH = 6;

    /** cudnnConvolutionFwdAlgo_t names by value (0..7). */
    static final String[] FWD_ALGOS = {"IMPLICIT_GEMM", "IMPLICIT_PRECOMP_GEMM", "GEMM", "DIRECT", "FFT",
        "FFT_TILING", "WINOGRAD", "WINOGRAD_NONFUSED"};
    /** cudnnConvolutionBwdDataAlgo_t names by value (0..5). */
    static final String[] BWD_DATA_ALGOS = {"0", "1", "FFT", "FFT_TILING", "WINOGRAD", "WINOGRAD_NONFUSED"};
    /** cudnnConvolutionBwdFilterAlgo_t names by value (0..6). */
    static final String[] BWD_FILTER_ALGOS = {"0", "1", "FFT", "3", "WINOGRAD", "WINOGRAD_NONFUSED", "FFT_TILING"};
    /** {@code CUDNN_CONVOLUTION_FWD_ALGO_COUNT} = 8, {@code ..._BWD_DATA_ALGO_COUNT} = 6, {@code ..._BWD_FILTER_ALGO_COUNT} = 7. */
    static final int FWD_ALGO_COUNT = 8, BWD_DATA_ALGO_COUNT = 6, BWD_FILTER_ALGO_COUNT = 7;

    private CudnnConstants() {
    }
}
