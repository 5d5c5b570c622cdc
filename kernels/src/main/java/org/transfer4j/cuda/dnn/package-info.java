/**
 * cuDNN 9 through Java FFM, legacy (descriptor) API: {@link org.transfer4j.cuda.dnn.Cudnn} runs
 * convolution forward / backward-data / backward-filter, pooling and activations
 * on NHWC tensors. The argument logic is plain Java and tested without a GPU:
 * {@link org.transfer4j.cuda.dnn.ConvPlan} (descriptor arguments from core's {@code Conv2dSpec},
 * output shapes that agree with core's rule, the shape key algorithms are cached under),
 * {@link org.transfer4j.cuda.dnn.PoolPlan}, {@link org.transfer4j.cuda.dnn.FilterLayout} (Keras
 * HWIO kernels to cuDNN's KRSC and back), {@link org.transfer4j.cuda.dnn.AlgoSelector},
 * {@link org.transfer4j.cuda.dnn.AlgoCache} and the algorithm search mode
 * {@link org.transfer4j.cuda.dnn.AlgoSearch} (cuDNN's heuristic, or timing every candidate with
 * {@code cudnnFind*AlgorithmEx}).
 *
 * <p>Enum values are those of cuDNN 9.6's {@code cudnn_graph.h}, {@code cudnn_ops.h} and
 * {@code cudnn_cnn.h} (as stored in github.com/zspace/system.cuda-12.6, include/), collected in
 * {@link org.transfer4j.cuda.dnn.CudnnConstants}.
 */
package org.transfer4j.cuda.dnn;
