package org.transfer4j.backend;

/**
 * Elementwise functions {@code y = f(x; alpha, beta)} with their derivatives {@code f'(x)}. Each backend
 * implements both directions for every constant here ({@link Backend#unary}, {@link Backend#unaryBackward}).
 * At a kink (ReLU at 0, |x| at 0, a clamp bound) the derivative is taken as 0, as PyTorch does for ReLU.
 */
public enum UnaryOp {
    /** -x */
    NEG,
    /** e^x */
    EXP,
    /** ln x */
    LOG,
    /** sqrt x */
    SQRT,
    /** |x| */
    ABS,
    /** erf x */
    ERF,
    /** tanh x */
    TANH,
    /** 1 / (1 + e^-x), computed without overflow for large |x| */
    SIGMOID,
    /** min(max(x, alpha), beta): relu is (0, +inf), relu6 is (0, 6) */
    CLAMP,
    /** x if x > 0 else alpha * x */
    LEAKY_RELU,
    /** x^alpha (scalar exponent) */
    POW_SCALAR,
    /** alpha * x + beta (scalar multiply and add) */
    AFFINE
}
