package org.transfer4j.cuda.dnn;

/**
 * Keras kernels {@code HWIO (KH,KW,Cin,OC)} to cuDNN's NHWC filter layout {@code KRSC (OC,KH,KW,Cin)}
 * and back (for the filter gradient). Host arrays; the GPU backend does the same permutation with a
 * layout-copy kernel when weights move to the device. {@code Cin} is {@code C/groups} (1 for depthwise).
 */
public final class FilterLayout {

    private FilterLayout() {
    }

    /** {@code hwio (KH,KW,Cin,OC)} -> {@code (OC,KH,KW,Cin)}: element {@code [r][s][c][k]} moves to {@code [k][r][s][c]}. */
    public static float[] hwioToKrsc(float[] hwio, int kh, int kw, int cin, int oc) {
        check(hwio, kh, kw, cin, oc);
        float[] krsc = new float[hwio.length];
        for (int r = 0; r < kh; r++) {
            for (int s = 0; s < kw; s++) {
                for (int c = 0; c < cin; c++) {
                    for (int k = 0; k < oc; k++) {
                        krsc[((k * kh + r) * kw + s) * cin + c] = hwio[((r * kw + s) * cin + c) * oc + k];
                    }
                }
            }
        }
        return krsc;
    }

    /** The inverse of {@link #hwioToKrsc}: {@code (OC,KH,KW,Cin)} -> {@code (KH,KW,Cin,OC)}. */
    public static float[] krscToHwio(float[] krsc, int kh, int kw, int cin, int oc) {
        check(krsc, kh, kw, cin, oc);
        float[] hwio = new float[krsc.length];
        for (int k = 0; k < oc; k++) {
            for (int r = 0; r < kh; r++) {
                for (int s = 0; s < kw; s++) {
                    for (int c = 0; c < cin; c++) {
                        hwio[((r * kw + s) * cin + c) * oc + k] = krsc[((k * kh + r) * kw + s) * cin + c];
                    }
                }
            }
        }
        return hwio;
    }

    private static void check(float[] data, int kh, int kw, int cin, int oc) {
        if ((long) kh * kw * cin * oc != data.length) {
            throw new IllegalArgumentException("filter of " + data.length + " elements is not " + kh + "x" + kw + "x" + cin + "x" + oc);
        }
    }
}
