/**
 * Optimizers with parameter groups, gradient clipping, learning-rate schedules and the LR range test.
 *
 * <p>A {@link org.transfer4j.optim.ParamGroup} is a list of trainable weights with its own learning
 * rate (absolute, or a multiplier of the optimizer's scheduled base rate), weight decay and momentum
 * or betas: how transfer learning trains a pretrained base slowly and a new head fast.
 */
package org.transfer4j.optim;
