"""Reference trajectories for OptimizerTrajectoryTest, from the documented update rules (float64 numpy).

A weight p0 = [0.5, -1.2, 2.0] sees the gradient g = a*p + b with a = [1, 2, 0.5], b = [0.1, -0.3, 0.2]
(the gradient of sum(a*p^2/2 + b*p)), recomputed from the current p at every step. Each case prints
the weight after every step as a Java array literal, to paste into the test.

The rules are written as each framework documents them, not in transfer4j's fused form:
  PyTorch: the algorithm boxes of torch.optim.SGD / Adam / AdamW / RMSprop (docs.pytorch.org), with
           weight_decay as L2 (g += wd*p) except AdamW (p -= lr*wd*p first).
  Keras 3: keras/src/optimizers/{sgd,adam,rmsprop}.py update_step, and base_optimizer._apply_weight_decay
           (p -= p*wd*lr before the update, for every optimizer) with the learning rate of that step.
Run: python3 optim_trajectories.py
"""
import numpy as np

P0 = np.array([0.5, -1.2, 2.0])
A = np.array([1.0, 2.0, 0.5])
B = np.array([0.1, -0.3, 0.2])


def grad(p):
    return A * p + B


def run(step_fn, rates):
    p = P0.copy()
    state = {}
    out = []
    for t, lr in enumerate(rates, start=1):
        p = step_fn(p, grad(p), lr, t, state)
        out.append(p.copy())
    return out


# ---- SGD ------------------------------------------------------------------------------------------

def sgd_torch(momentum=0.0, nesterov=False, wd=0.0):
    # g += wd*p; b = g (t = 1) or mu*b + g; g = g + mu*b (nesterov) or b; p -= lr*g
    def step(p, g, lr, t, s):
        g = g + wd * p
        if momentum != 0:
            s["b"] = g.copy() if t == 1 else momentum * s["b"] + g
            g = g + momentum * s["b"] if nesterov else s["b"]
        return p - lr * g
    return step


def sgd_keras(momentum=0.0, nesterov=False, wd=0.0):
    # p -= p*wd*lr; v = m*v - lr*g; p += v  (nesterov: p += m*v - lr*g); without momentum p -= lr*g
    def step(p, g, lr, t, s):
        p = p - p * wd * lr
        if momentum == 0:
            return p - lr * g
        v = momentum * s.get("v", np.zeros(3)) - lr * g
        s["v"] = v
        return p + (momentum * v - lr * g if nesterov else v)
    return step


# ---- Adam / AdamW ----------------------------------------------------------------------------------

def adam_torch(b1=0.9, b2=0.999, eps=1e-8, wd=0.0, decoupled=False):
    # Adam: g += wd*p. AdamW: p -= lr*wd*p. m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
    # mhat = m/(1-b1^t); vhat = v/(1-b2^t); p -= lr*mhat/(sqrt(vhat) + eps)
    def step(p, g, lr, t, s):
        if decoupled:
            p = p - lr * wd * p
        else:
            g = g + wd * p
        s["m"] = b1 * s.get("m", np.zeros(3)) + (1 - b1) * g
        s["v"] = b2 * s.get("v", np.zeros(3)) + (1 - b2) * g * g
        mhat = s["m"] / (1 - b1 ** t)
        vhat = s["v"] / (1 - b2 ** t)
        return p - lr * mhat / (np.sqrt(vhat) + eps)
    return step


def adam_keras(b1=0.9, b2=0.999, eps=1e-7, wd=0.0):
    # p -= p*wd*lr; alpha = lr*sqrt(1-b2^t)/(1-b1^t); m += (g-m)*(1-b1); v += (g^2-v)*(1-b2);
    # p -= alpha*m/(sqrt(v) + eps)   (Keras AdamW is Adam with weight_decay=0.004 by default)
    def step(p, g, lr, t, s):
        p = p - p * wd * lr
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        m = s.get("m", np.zeros(3))
        v = s.get("v", np.zeros(3))
        s["m"] = m + (g - m) * (1 - b1)
        s["v"] = v + (g * g - v) * (1 - b2)
        return p - alpha * s["m"] / (np.sqrt(s["v"]) + eps)
    return step


# ---- RMSprop ----------------------------------------------------------------------------------------

def rmsprop_torch(alpha=0.99, eps=1e-8, momentum=0.0, centered=False, wd=0.0):
    # g += wd*p; v = alpha*v + (1-alpha)*g^2; vt = v; centered: ga = alpha*ga + (1-alpha)*g, vt = v - ga^2;
    # momentum > 0: b = mu*b + g/(sqrt(vt)+eps), p -= lr*b; else p -= lr*g/(sqrt(vt)+eps)
    def step(p, g, lr, t, s):
        g = g + wd * p
        s["v"] = alpha * s.get("v", np.zeros(3)) + (1 - alpha) * g * g
        vt = s["v"]
        if centered:
            s["ga"] = alpha * s.get("ga", np.zeros(3)) + (1 - alpha) * g
            vt = vt - s["ga"] ** 2
        if momentum > 0:
            s["b"] = momentum * s.get("b", np.zeros(3)) + g / (np.sqrt(vt) + eps)
            return p - lr * s["b"]
        return p - lr * g / (np.sqrt(vt) + eps)
    return step


def rmsprop_keras(rho=0.9, eps=1e-7, momentum=0.0, centered=False, wd=0.0):
    # p -= p*wd*lr; v = rho*v + (1-rho)*g^2; centered: ga = rho*ga + (1-rho)*g, denom = v - ga^2 + eps,
    # else denom = v + eps; inc = lr*g/sqrt(denom); momentum > 0: mom = mu*mom + inc, p -= mom; else p -= inc
    def step(p, g, lr, t, s):
        p = p - p * wd * lr
        s["v"] = rho * s.get("v", np.zeros(3)) + (1 - rho) * g * g
        if centered:
            s["ga"] = rho * s.get("ga", np.zeros(3)) + (1 - rho) * g
            denom = s["v"] - s["ga"] ** 2 + eps
        else:
            denom = s["v"] + eps
        inc = lr * g / np.sqrt(denom)
        if momentum > 0:
            s["mom"] = momentum * s.get("mom", np.zeros(3)) + inc
            return p - s["mom"]
        return p - inc
    return step


CONSTANT = [0.1] * 4
SCHEDULE = [0.1, 0.05, 0.02, 0.01]  # the rate changes: Keras' and PyTorch's momentum forms differ
SMALL = [0.01] * 4

CASES = [
    ("SGD_PLAIN", sgd_keras(), CONSTANT),  # sgd_torch() gives the same numbers: the rules agree without momentum
    ("SGD_MOMENTUM_SCHEDULED_KERAS", sgd_keras(momentum=0.9), SCHEDULE),
    ("SGD_MOMENTUM_SCHEDULED_TORCH", sgd_torch(momentum=0.9), SCHEDULE),
    ("SGD_NESTEROV_SCHEDULED_KERAS", sgd_keras(momentum=0.9, nesterov=True), SCHEDULE),
    ("SGD_NESTEROV_SCHEDULED_TORCH", sgd_torch(momentum=0.9, nesterov=True), SCHEDULE),
    ("SGD_MOMENTUM_DECAY_KERAS", sgd_keras(momentum=0.9, wd=0.1), CONSTANT),
    ("SGD_MOMENTUM_DECAY_TORCH", sgd_torch(momentum=0.9, wd=0.1), CONSTANT),
    ("ADAM_KERAS", adam_keras(), CONSTANT),
    ("ADAM_TORCH", adam_torch(), CONSTANT),
    ("ADAM_EPS_KERAS", adam_keras(eps=0.1), CONSTANT),
    ("ADAM_EPS_TORCH", adam_torch(eps=0.1), CONSTANT),
    ("ADAM_DECAY_KERAS", adam_keras(wd=0.1), CONSTANT),
    ("ADAM_DECAY_TORCH", adam_torch(wd=0.1), CONSTANT),
    ("ADAMW_KERAS", adam_keras(wd=0.004), CONSTANT),
    ("ADAMW_TORCH", adam_torch(wd=0.01, decoupled=True), CONSTANT),
    ("ADAMW_STRONG_TORCH", adam_torch(wd=0.5, decoupled=True), CONSTANT),
    ("RMSPROP_KERAS", rmsprop_keras(), SMALL),
    ("RMSPROP_TORCH", rmsprop_torch(), SMALL),
    ("RMSPROP_CENTERED_MOMENTUM_KERAS", rmsprop_keras(momentum=0.9, centered=True, eps=0.1), SMALL),
    ("RMSPROP_CENTERED_MOMENTUM_TORCH", rmsprop_torch(momentum=0.9, centered=True, eps=0.1), SMALL),
    ("RMSPROP_DECAY_KERAS", rmsprop_keras(wd=0.1), SMALL),
    ("RMSPROP_DECAY_TORCH", rmsprop_torch(wd=0.1), SMALL),
]

if __name__ == "__main__":
    for name, fn, rates in CASES:
        rows = ", ".join("{" + ", ".join(repr(float(x)) for x in p) + "}" for p in run(fn, rates))
        print(f"    static final double[][] {name} = {{{rows}}};")
