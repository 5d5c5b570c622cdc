package org.transfer4j.cuda.backend;

import org.transfer4j.backend.Conv2dSpec;

/**
 * Which implementation runs a convolution {@code x (N,H,W,C), kernel (KH,KW,C/groups,OC)}:
 * {@code depthwise.cu} for the depthwise 3x3 layers of MobileNet (cuDNN is slow there,
 * docs/ARCHITECTURE.md), cuDNN for everything else (groups included).
 */
enum ConvRoute {
    /** {@code depthwise3x3_*_f32}: groups = C, kernel (3,3,1,C) (multiplier 1), dilation 1, any stride and padding. */
    DEPTHWISE_3X3,
    /** {@code CudnnConvolution} with a {@code ConvPlan} (pre-pad for asymmetric padding, KRSC filters). */
    CUDNN;

    static ConvRoute of(int[] xShape, int[] kernelShape, Conv2dSpec spec) {
        int c = xShape[3];
        boolean depthwise = spec.groups() == c && c > 1 && kernelShape[0] == 3 && kernelShape[1] == 3
                && kernelShape[2] == 1 && kernelShape[3] == c && spec.dilationH() == 1 && spec.dilationW() == 1;
        return depthwise ? DEPTHWISE_3X3 : CUDNN;
    }
}
