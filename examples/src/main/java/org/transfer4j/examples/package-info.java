/**
 * The transfer-learning demo ({@link org.transfer4j.examples.Demo}, run by {@code transfer4j demo}): generated
 * stripe images that need no download ({@link org.transfer4j.examples.StripeImages}, held as
 * {@link org.transfer4j.examples.LabelledImages}), a small Keras-style CNN with a named base and head
 * ({@link org.transfer4j.examples.StripeNet}), and a minimal training loop ({@code Training}).
 */
package org.transfer4j.examples;
