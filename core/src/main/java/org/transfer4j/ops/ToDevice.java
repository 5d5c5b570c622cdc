package org.transfer4j.ops;

import org.transfer4j.autograd.Autograd;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;

/**
 * Moving a tensor to another device: {@code x (...)} on one device {@code -> y (...)} on {@code device}, the same
 * values, contiguous. The copy goes through the host (the source backend downloads, the target uploads), the
 * only path the {@link org.transfer4j.backend.Backend} table offers between two backends; it is meant for
 * whole batches and weights, once each, not for anything per layer. Its backward moves the gradient back.
 */
public final class ToDevice {
    private ToDevice() {
    }

    /** {@code x} itself when it is already on {@code device}, else a copy there (recorded: gradients flow back). */
    public static Tensor to(Tensor x, Device device) {
        x.ensureOpen("to");
        Device from = x.device();
        if (from.equals(device)) {
            return x;
        }
        Tensor y = Tensor.of(device, x.toArray(), x.shape());
        return Autograd.record("to(" + device + ")", y, g -> new Tensor[] {to(g, from)}, x);
    }
}
