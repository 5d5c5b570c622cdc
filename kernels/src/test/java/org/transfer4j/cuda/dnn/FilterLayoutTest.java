package org.transfer4j.cuda.dnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FilterLayoutTest {

    @Test
    void hwioElementMovesToItsKrscPosition() {
        int kh = 2, kw = 3, cin = 4, oc = 5;
        float[] hwio = new float[kh * kw * cin * oc];
        // encode the index in the value: v = 1000*r + 100*s + 10*c + k
        for (int r = 0; r < kh; r++) {
            for (int s = 0; s < kw; s++) {
                for (int c = 0; c < cin; c++) {
                    for (int k = 0; k < oc; k++) {
                        hwio[((r * kw + s) * cin + c) * oc + k] = 1000 * r + 100 * s + 10 * c + k;
                    }
                }
            }
        }
        float[] krsc = FilterLayout.hwioToKrsc(hwio, kh, kw, cin, oc);
        // KRSC (OC,KH,KW,Cin): element (k=4, r=1, s=2, c=3) sits at ((4*2+1)*3+2)*4+3 = 119
        assertEquals(1000 + 200 + 30 + 4, krsc[119]);
        assertEquals(0, krsc[0]);
        assertArrayEquals(hwio, FilterLayout.krscToHwio(krsc, kh, kw, cin, oc));
    }

    @Test
    void wrongSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> FilterLayout.hwioToKrsc(new float[5], 1, 1, 2, 3));
    }
}
