package org.transfer4j.backend;

/**
 * Elementwise functions of two broadcast tensors. The comparisons return 1 or 0; they have no
 * gradient and are used to build masks (max backward, dropout).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV,
    /** a^b */
    POW,
    MAX, MIN,
    /** a == b ? 1 : 0 */
    EQ,
    /** a > b ? 1 : 0 */
    GT,
    /** a >= b ? 1 : 0 */
    GE
}
