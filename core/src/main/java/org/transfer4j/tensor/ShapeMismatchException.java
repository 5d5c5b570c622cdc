package org.transfer4j.tensor;

import java.util.Arrays;
import org.transfer4j.Transfer4jException;

/** An op received tensors whose shapes do not fit; the message names the op and the shapes. */
public class ShapeMismatchException extends Transfer4jException {
    public ShapeMismatchException(String message) {
        super(message);
    }

    /** "add: shapes [2, 3] and [4] do not broadcast". */
    public static ShapeMismatchException of(String op, String problem, int[]... shapes) {
        StringBuilder sb = new StringBuilder(op).append(": ").append(problem).append(" (shapes");
        for (int i = 0; i < shapes.length; i++) {
            sb.append(i == 0 ? " " : ", ").append(Arrays.toString(shapes[i]));
        }
        return new ShapeMismatchException(sb.append(')').toString());
    }
}
