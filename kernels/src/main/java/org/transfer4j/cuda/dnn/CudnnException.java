package org.transfer4j.cuda.dnn;

import org.transfer4j.Transfer4jException;

/** A cuDNN call failed, or no algorithm fits; the message names the status (cuDNN's own string) and the call. */
public final class CudnnException extends Transfer4jException {

    private final int status;

    public CudnnException(String message) {
        super(message);
        this.status = -1;
    }

    public CudnnException(int status, String statusName, String call) {
        super(call + " failed with " + statusName + " (" + status + ")");
        this.status = status;
    }

    /** The {@code cudnnStatus_t} returned, or -1 when the failure is not a status. */
    public int status() {
        return status;
    }
}
