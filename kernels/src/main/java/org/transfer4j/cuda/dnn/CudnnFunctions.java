package org.transfer4j.cuda.dnn;

import java.util.List;
import org.transfer4j.cuda.ffm.Prototype;

/**
 * The C prototypes of every cuDNN function the bindings use, as declared by cuDNN 9
 * ({@code cudnn_graph.h}: handle and errors; {@code cudnn_ops.h}: tensors, filters, pooling,
 * activations; {@code cudnn_cnn.h}: convolutions). The downcall descriptors are derived
 * from these and {@code PrototypeSignatureTest} compares them with the header text.
 */
final class CudnnFunctions {

    // cudnn_graph.h
    static final Prototype CREATE = p("cudnnStatus_t cudnnCreate(cudnnHandle_t *handle)");
    static final Prototype DESTROY = p("cudnnStatus_t cudnnDestroy(cudnnHandle_t handle)");
    static final Prototype SET_STREAM = p("cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, cudaStream_t streamId)");
    static final Prototype GET_ERROR_STRING = p("const char *cudnnGetErrorString(cudnnStatus_t status)");
    static final Prototype GET_VERSION = p("size_t cudnnGetVersion(void)");
    // cudnn_ops.h
    static final Prototype CREATE_TENSOR = p("cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t *tensorDesc)");
    static final Prototype SET_TENSOR_4D = p("cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t tensorDesc, "
            + "cudnnTensorFormat_t format, cudnnDataType_t dataType, int n, int c, int h, int w)");
    static final Prototype DESTROY_TENSOR = p("cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t tensorDesc)");
    static final Prototype CREATE_FILTER = p("cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t *filterDesc)");
    static final Prototype SET_FILTER_4D = p("cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t filterDesc, "
            + "cudnnDataType_t dataType, cudnnTensorFormat_t format, int k, int c, int h, int w)");
    static final Prototype DESTROY_FILTER = p("cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t filterDesc)");
    static final Prototype CREATE_POOLING = p("cudnnStatus_t cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor_t *poolingDesc)");
    static final Prototype SET_POOLING_2D = p("cudnnStatus_t cudnnSetPooling2dDescriptor(cudnnPoolingDescriptor_t poolingDesc, "
            + "cudnnPoolingMode_t mode, cudnnNanPropagation_t maxpoolingNanOpt, int windowHeight, int windowWidth, "
            + "int verticalPadding, int horizontalPadding, int verticalStride, int horizontalStride)");
    static final Prototype DESTROY_POOLING = p("cudnnStatus_t cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor_t poolingDesc)");
    static final Prototype POOLING_FORWARD = p("cudnnStatus_t cudnnPoolingForward(cudnnHandle_t handle, "
            + "const cudnnPoolingDescriptor_t poolingDesc, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, "
            + "const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)");
    static final Prototype POOLING_BACKWARD = p("cudnnStatus_t cudnnPoolingBackward(cudnnHandle_t handle, "
            + "const cudnnPoolingDescriptor_t poolingDesc, const void *alpha, const cudnnTensorDescriptor_t yDesc, const void *y, "
            + "const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnTensorDescriptor_t xDesc, const void *x, "
            + "const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)");
    static final Prototype CREATE_ACTIVATION = p("cudnnStatus_t cudnnCreateActivationDescriptor(cudnnActivationDescriptor_t *activationDesc)");
    static final Prototype SET_ACTIVATION = p("cudnnStatus_t cudnnSetActivationDescriptor(cudnnActivationDescriptor_t activationDesc, "
            + "cudnnActivationMode_t mode, cudnnNanPropagation_t reluNanOpt, double coef)");
    static final Prototype DESTROY_ACTIVATION = p("cudnnStatus_t cudnnDestroyActivationDescriptor(cudnnActivationDescriptor_t activationDesc)");
    static final Prototype ACTIVATION_FORWARD = p("cudnnStatus_t cudnnActivationForward(cudnnHandle_t handle, "
            + "cudnnActivationDescriptor_t activationDesc, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, "
            + "const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)");
    static final Prototype ACTIVATION_BACKWARD = p("cudnnStatus_t cudnnActivationBackward(cudnnHandle_t handle, "
            + "cudnnActivationDescriptor_t activationDesc, const void *alpha, const cudnnTensorDescriptor_t yDesc, const void *y, "
            + "const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnTensorDescriptor_t xDesc, const void *x, "
            + "const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)");
    // cudnn_cnn.h
    static final Prototype CREATE_CONV = p("cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t *convDesc)");
    static final Prototype DESTROY_CONV = p("cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t convDesc)");
    static final Prototype SET_CONV_2D = p("cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t convDesc, "
            + "int pad_h, int pad_w, int u, int v, int dilation_h, int dilation_w, cudnnConvolutionMode_t mode, "
            + "cudnnDataType_t computeType)");
    static final Prototype SET_CONV_GROUPS = p("cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t convDesc, int groupCount)");
    static final Prototype SET_CONV_MATH = p("cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t convDesc, cudnnMathType_t mathType)");
    static final Prototype CONV_OUTPUT_DIM = p("cudnnStatus_t cudnnGetConvolution2dForwardOutputDim(const cudnnConvolutionDescriptor_t convDesc, "
            + "const cudnnTensorDescriptor_t inputTensorDesc, const cudnnFilterDescriptor_t filterDesc, int *n, int *c, int *h, int *w)");
    static final Prototype FWD_ALGO_V7 = p("cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t handle, "
            + "const cudnnTensorDescriptor_t srcDesc, const cudnnFilterDescriptor_t filterDesc, "
            + "const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t destDesc, const int requestedAlgoCount, "
            + "int *returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t *perfResults)");
    static final Prototype BWD_DATA_ALGO_V7 = p("cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnnHandle_t handle, "
            + "const cudnnFilterDescriptor_t filterDesc, const cudnnTensorDescriptor_t diffDesc, "
            + "const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t gradDesc, const int requestedAlgoCount, "
            + "int *returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t *perfResults)");
    static final Prototype BWD_FILTER_ALGO_V7 = p("cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnnHandle_t handle, "
            + "const cudnnTensorDescriptor_t srcDesc, const cudnnTensorDescriptor_t diffDesc, "
            + "const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, const int requestedAlgoCount, "
            + "int *returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t *perfResults)");
    // the Find*Ex queries run every algorithm on the given buffers and time it: they overwrite y, dx or dw
    static final Prototype FIND_FWD_ALGO_EX = p("cudnnStatus_t cudnnFindConvolutionForwardAlgorithmEx(cudnnHandle_t handle, "
            + "const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnFilterDescriptor_t wDesc, const void *w, "
            + "const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, void *y, "
            + "const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t *perfResults, "
            + "void *workSpace, size_t workSpaceSizeInBytes)");
    static final Prototype FIND_BWD_DATA_ALGO_EX = p("cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithmEx(cudnnHandle_t handle, "
            + "const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnTensorDescriptor_t dyDesc, const void *dy, "
            + "const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, void *dx, "
            + "const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t *perfResults, "
            + "void *workSpace, size_t workSpaceSizeInBytes)");
    static final Prototype FIND_BWD_FILTER_ALGO_EX = p("cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithmEx(cudnnHandle_t handle, "
            + "const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t dyDesc, const void *y, "
            + "const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc, void *dw, "
            + "const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t *perfResults, "
            + "void *workSpace, size_t workSpaceSizeInBytes)");
    static final Prototype CONV_FORWARD = p("cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void *alpha, "
            + "const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnFilterDescriptor_t wDesc, const void *w, "
            + "const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionFwdAlgo_t algo, void *workSpace, "
            + "size_t workSpaceSizeInBytes, const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)");
    static final Prototype CONV_BACKWARD_DATA = p("cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void *alpha, "
            + "const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnTensorDescriptor_t dyDesc, const void *dy, "
            + "const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdDataAlgo_t algo, void *workSpace, "
            + "size_t workSpaceSizeInBytes, const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)");
    static final Prototype CONV_BACKWARD_FILTER = p("cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void *alpha, "
            + "const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t dyDesc, const void *dy, "
            + "const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdFilterAlgo_t algo, void *workSpace, "
            + "size_t workSpaceSizeInBytes, const void *beta, const cudnnFilterDescriptor_t dwDesc, void *dw)");

    /** Every prototype bound, for the signature check. */
    static final List<Prototype> ALL = List.of(CREATE, DESTROY, SET_STREAM, GET_ERROR_STRING, GET_VERSION,
            CREATE_TENSOR, SET_TENSOR_4D, DESTROY_TENSOR, CREATE_FILTER, SET_FILTER_4D, DESTROY_FILTER,
            CREATE_POOLING, SET_POOLING_2D, DESTROY_POOLING, POOLING_FORWARD, POOLING_BACKWARD,
            CREATE_ACTIVATION, SET_ACTIVATION, DESTROY_ACTIVATION, ACTIVATION_FORWARD, ACTIVATION_BACKWARD,
            CREATE_CONV, DESTROY_CONV, SET_CONV_2D, SET_CONV_GROUPS, SET_CONV_MATH, CONV_OUTPUT_DIM,
            FWD_ALGO_V7, BWD_DATA_ALGO_V7, BWD_FILTER_ALGO_V7,
            FIND_FWD_ALGO_EX, FIND_BWD_DATA_ALGO_EX, FIND_BWD_FILTER_ALGO_EX, CONV_FORWARD, CONV_BACKWARD_DATA, CONV_BACKWARD_FILTER);

    private CudnnFunctions() {
    }

    private static Prototype p(String declaration) {
        return Prototype.parse(declaration);
    }
}
