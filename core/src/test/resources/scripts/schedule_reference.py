"""Reference values for core/src/test/java/org/transfer4j/optim/schedules/*ScheduleTest.java.

Each function transcribes the formula of the library it names (Keras 3 / PyTorch source, quoted in the
Java Javadoc), written independently of the Java code, in plain Python floats (double precision).
Run: python3 schedule_reference.py
"""
import math


def keras_exponential_decay(initial, decay_steps, decay_rate, staircase, step):
    # keras/src/optimizers/schedules/learning_rate_schedule.py ExponentialDecay.__call__
    p = step / decay_steps
    if staircase:
        p = math.floor(p)
    return initial * decay_rate ** p


def keras_cosine_decay(initial, decay_steps, step, alpha=0.0, warmup_target=None, warmup_steps=0):
    # keras/src/optimizers/schedules/learning_rate_schedule.py CosineDecay.__call__
    def decay(s, from_lr):
        completed = s / decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * completed))
        return from_lr * ((1 - alpha) * cosine + alpha)

    if warmup_target is None:
        return decay(min(step, decay_steps), initial)
    s = min(step, decay_steps + warmup_steps)
    if s < warmup_steps:
        return (warmup_target - initial) * (s / warmup_steps) + initial
    return decay(s - warmup_steps, warmup_target)


def torch_one_cycle(max_lr, total_steps, step, pct_start=0.3, div_factor=25.0, final_div_factor=1e4,
                    base_momentum=0.85, max_momentum=0.95):
    # torch/optim/lr_scheduler.py OneCycleLR.get_lr (three_phase=False, anneal_strategy='cos')
    group = {"initial_lr": max_lr / div_factor, "max_lr": max_lr}
    group["min_lr"] = group["initial_lr"] / final_div_factor
    group["max_momentum"], group["base_momentum"] = max_momentum, base_momentum
    phases = [
        {"end_step": float(pct_start * total_steps) - 1, "start_lr": "initial_lr", "end_lr": "max_lr",
         "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
        {"end_step": total_steps - 1, "start_lr": "max_lr", "end_lr": "min_lr",
         "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
    ]
    anneal = lambda start, end, pct: end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    start_step = 0.0
    for i, phase in enumerate(phases):
        end_step = phase["end_step"]
        if step <= end_step or i == len(phases) - 1:
            pct = (step - start_step) / (end_step - start_step)
            return (anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct),
                    anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct))
        start_step = phase["end_step"]


def keras_reduce_lr_on_plateau(lr, metrics, factor, patience, mode="min", min_delta=1e-4, cooldown=0, min_lr=0.0):
    # keras/src/callbacks/reduce_lr_on_plateau.py on_epoch_end; returns the lr after each epoch
    if mode == "min":
        monitor_op, best = (lambda a, b: a < b - min_delta), math.inf
    else:
        monitor_op, best = (lambda a, b: a > b + min_delta), -math.inf
    cooldown_counter, wait, out = 0, 0, []
    for current in metrics:
        if cooldown_counter > 0:
            cooldown_counter -= 1
            wait = 0
        if monitor_op(current, best):
            best, wait = current, 0
        elif not cooldown_counter > 0:
            wait += 1
            if wait >= patience and lr > min_lr:
                lr = max(lr * factor, min_lr)
                cooldown_counter, wait = cooldown, 0
        out.append(lr)
    return out


if __name__ == "__main__":
    print("ExponentialDecay(0.1, 100000, 0.96, staircase=True)")
    for s in (0, 99999, 100000, 250000):
        print(" ", s, repr(keras_exponential_decay(0.1, 100000, 0.96, True, s)))
    print("ExponentialDecay(0.1, 100000, 0.96, staircase=False)")
    for s in (50000, 250000):
        print(" ", s, repr(keras_exponential_decay(0.1, 100000, 0.96, False, s)))

    print("CosineDecay(0.1, 1000)")
    for s in (0, 250, 500, 1000, 5000):
        print(" ", s, repr(keras_cosine_decay(0.1, 1000, s)))
    print("CosineDecay(0.1, 1000, alpha=0.1)")
    for s in (0, 250, 1000):
        print(" ", s, repr(keras_cosine_decay(0.1, 1000, s, alpha=0.1)))
    print("CosineDecay(0, 1000, warmup_target=0.1, warmup_steps=1000)")
    for s in (0, 250, 999, 1000, 1250, 1500, 2000, 3000):
        print(" ", s, repr(keras_cosine_decay(0.0, 1000, s, warmup_target=0.1, warmup_steps=1000)))
    print("CosineDecay(0.01, 100, alpha=0.2, warmup_target=0.05, warmup_steps=10)")
    for s in (0, 5, 10, 35, 110, 200):
        print(" ", s, repr(keras_cosine_decay(0.01, 100, s, alpha=0.2, warmup_target=0.05, warmup_steps=10)))

    print("OneCycleLR(max_lr=0.1, total_steps=100)")
    for s in (0, 10, 29, 30, 50, 99):
        print(" ", s, repr(torch_one_cycle(0.1, 100, s)))
    print("OneCycleLR(max_lr=1.0, total_steps=10, pct_start=0.25, div_factor=10, final_div_factor=100)")
    print(" ", [repr(torch_one_cycle(1.0, 10, s, 0.25, 10.0, 100.0)[0]) for s in range(10)])

    print("ReduceLROnPlateau(lr=1.0, factor=0.5, patience=2, cooldown=1, min_lr=0.2)")
    m = [1.0, 0.9, 0.9, 0.95, 0.9, 0.9, 0.9, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85]
    print(" ", m)
    print(" ", keras_reduce_lr_on_plateau(1.0, m, 0.5, 2, cooldown=1, min_lr=0.2))
    print("ReduceLROnPlateau(lr=0.1, factor=0.1, patience=1, mode='max', min_delta=0.01)")
    m = [0.5, 0.6, 0.605, 0.62, 0.7, float("nan"), 0.7]
    print(" ", m)
    print(" ", keras_reduce_lr_on_plateau(0.1, m, 0.1, 1, mode="max", min_delta=0.01))
