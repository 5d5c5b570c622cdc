/**
 * Runnable examples built on the engine: a generated data set ({@link org.transfer4j.examples.StripeImages}),
 * a small CNN written directly with ops ({@link org.transfer4j.examples.SmallCnn}) and the demo that
 * trains it from scratch ({@link org.transfer4j.examples.Demo}).
 */
package org.transfer4j.examples;
