package org.transfer4j.cuda.backend;

import java.util.Locale;
import org.transfer4j.backend.Conv2dSpec;

/**
 * Which implementation runs a convolution {@code x (N,H,W,C), kernel (KH,KW,C/groups,OC)}:
 * {@code depthwise.cu} for the depthwise 3x3 layers of MobileNet (cuDNN is slow there,
 * docs/ARCHITECTURE.md), optionally cuBLAS for pointwise (1x1) convolutions, cuDNN for everything else
 * (groups included).
 *
 * <p>A pointwise convolution in NHWC is one matrix product: {@code x (N*H*W, C) * kernel (C, OC)}, the kernel's
 * HWIO layout (1,1,C,OC) being that matrix already; its backward passes are two more products, with no filter
 * transpose and no cuDNN descriptors. Measured on an H200 (batch 64, 224x224, TF32, cuDNN 9.14, cuBLAS 13.1;
 * bench/README.md): MobileNetV2's training step went from 51.8 to 25.2 ms and its inference from 16.9 to 7.0 ms
 * with cuBLAS, ResNet50's from 46.6 to 44.6 and 15.0 to 14.5 ms; so cuBLAS is the default. The system property
 * {@value #POINTWISE_PROPERTY} = {@code gemm} or {@code cudnn} chooses ({@code CudaBackend} can switch at run time).
 */
enum ConvRoute {
    /** {@code depthwise3x3_*_f32}: groups = C, kernel (3,3,1,C) (multiplier 1), dilation 1, any stride and padding. */
    DEPTHWISE_3X3,
    /** {@code cublasSgemm}: kernel (1,1,C,OC), stride 1, no padding, dilation 1, one group; TF32 as convolutions. */
    POINTWISE_GEMM,
    /** {@code CudnnConvolution} with a {@code ConvPlan} (pre-pad for asymmetric padding, KRSC filters). */
    CUDNN;

    /** The system property choosing the pointwise route: {@code gemm} or {@code cudnn}. */
    static final String POINTWISE_PROPERTY = "transfer4j.cuda.pointwise";
    /** The pointwise route without the property (the faster one measured, see the class comment). */
    static final String POINTWISE_DEFAULT = "gemm";
    /** Whether pointwise convolutions go to cuBLAS in this process (the property, read once). */
    static final boolean POINTWISE_AS_GEMM = pointwiseAsGemm(System.getProperty(POINTWISE_PROPERTY, POINTWISE_DEFAULT));

    /** Parses the property's value. */
    static boolean pointwiseAsGemm(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "gemm" -> true;
            case "cudnn" -> false;
            default -> throw new IllegalArgumentException("the pointwise route (-D" + POINTWISE_PROPERTY
                    + ") must be gemm or cudnn, got '" + value + "'");
        };
    }

    static ConvRoute of(int[] xShape, int[] kernelShape, Conv2dSpec spec) {
        return of(xShape, kernelShape, spec, POINTWISE_AS_GEMM);
    }

    static ConvRoute of(int[] xShape, int[] kernelShape, Conv2dSpec spec, boolean pointwiseAsGemm) {
        int c = xShape[3];
        boolean depthwise = spec.groups() == c && c > 1 && kernelShape[0] == 3 && kernelShape[1] == 3
                && kernelShape[2] == 1 && kernelShape[3] == c && spec.dilationH() == 1 && spec.dilationW() == 1;
        if (depthwise) {
            return DEPTHWISE_3X3;
        }
        boolean pointwise = kernelShape[0] == 1 && kernelShape[1] == 1 && spec.groups() == 1
                && spec.strideH() == 1 && spec.strideW() == 1 && spec.dilationH() == 1 && spec.dilationW() == 1
                && spec.padTop() == 0 && spec.padBottom() == 0 && spec.padLeft() == 0 && spec.padRight() == 0;
        return pointwise && pointwiseAsGemm ? POINTWISE_GEMM : CUDNN;
    }
}
