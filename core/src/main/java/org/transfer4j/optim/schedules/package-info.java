/**
 * Learning-rate schedules: the base rate as a pure function of the optimizer step, so a schedule can
 * be plotted ({@link org.transfer4j.optim.schedules.Schedules#sample}) before training starts.
 *
 * <ul>
 *   <li>{@link org.transfer4j.optim.schedules.Constant}, {@link org.transfer4j.optim.schedules.StepDecay}
 *       (PyTorch {@code StepLR}), {@link org.transfer4j.optim.schedules.ExponentialDecay} (Keras),
 *       {@link org.transfer4j.optim.schedules.CosineDecay} with linear warm-up (Keras 3) and
 *       {@link org.transfer4j.optim.schedules.OneCycle} (PyTorch {@code OneCycleLR}, fastai
 *       {@code fit_one_cycle});</li>
 *   <li>{@link org.transfer4j.optim.schedules.Schedules#perEpoch} makes an epoch-based schedule a
 *       function of the step;</li>
 *   <li>{@link org.transfer4j.optim.schedules.ReduceOnPlateau} (Keras {@code ReduceLROnPlateau}) depends
 *       on the validation metric, so it is the one stateful schedule: it is fed once per epoch and
 *       returns the next base rate.</li>
 * </ul>
 * Every schedule checks its arguments when constructed and quotes a bad value in its message.
 */
package org.transfer4j.optim.schedules;
