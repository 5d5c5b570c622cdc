package org.transfer4j.optim;

/**
 * Whose update rules and defaults an optimizer follows. The two frameworks agree on plain SGD and
 * differ where it matters for reproducing a published recipe:
 *
 * <table>
 *   <caption>Keras 3 against PyTorch</caption>
 *   <tr><th></th><th>{@link #KERAS}</th><th>{@link #PYTORCH}</th></tr>
 *   <tr><td>SGD momentum</td><td>{@code v = m*v - lr*g; p += v} (the rate is inside the velocity)</td>
 *       <td>{@code b = m*b + g; p -= lr*b} (the rate multiplies the buffer): the two differ once the
 *       rate changes</td></tr>
 *   <tr><td>weight decay of SGD, Adam, RMSprop</td><td>decoupled, before the update:
 *       {@code p -= p*wd*lr}</td><td>L2 added to the gradient: {@code g += wd*p}</td></tr>
 *   <tr><td>AdamW</td><td>decoupled, default {@code wd = 0.004}</td><td>decoupled, default {@code wd = 0.01}</td></tr>
 *   <tr><td>Adam epsilon</td><td>"epsilon hat", added to {@code sqrt(v)} of the uncorrected moment, default 1e-7</td>
 *       <td>added to {@code sqrt(v / (1 - beta2^t))}, default 1e-8</td></tr>
 *   <tr><td>Adam step count t</td><td>the optimizer's iterations + 1; here per weight, which is the same
 *       for a weight updated at every step (see {@link Adam})</td><td>per weight: its own updates so far
 *       (a weight unfrozen later starts at t = 1)</td></tr>
 *   <tr><td>RMSprop</td><td>{@code rho = 0.9}, {@code eps = 1e-7} inside the root {@code sqrt(s + eps)},
 *       momentum buffer holds {@code lr * g / sqrt(...)}</td>
 *       <td>{@code alpha = 0.99}, {@code eps = 1e-8} outside {@code sqrt(s) + eps}, buffer holds
 *       {@code g / (sqrt(s) + eps)}, times lr when applied</td></tr>
 *   <tr><td>global-norm clipping</td><td>{@code g *= c / max(norm, c)}</td>
 *       <td>{@code g *= min(1, c / (norm + 1e-6))}</td></tr>
 *   <tr><td>state slot names</td><td>Keras' variable names ({@code momentum}, {@code velocity}, ...)</td>
 *       <td>PyTorch's state keys ({@code momentum_buffer}, {@code exp_avg}, ...)</td></tr>
 * </table>
 * Both conventions here leave biases and batch-norm weights undecayed unless their group asks
 * ({@link ParamGroup#decayNormAndBias}, fastai's {@code wd_bn_bias=False}); Keras and PyTorch decay every
 * weight they are given.
 * Sources: the update_step methods of {@code keras/src/optimizers/{sgd,adam,rmsprop}.py} and
 * {@code base_optimizer._apply_weight_decay}, and the algorithm boxes of {@code torch.optim.SGD},
 * {@code Adam}, {@code AdamW} and {@code RMSprop}. Since state slots are named after the framework,
 * state saved under one convention does not load into an optimizer of the other.
 */
public enum Convention {
    KERAS,
    PYTORCH
}
