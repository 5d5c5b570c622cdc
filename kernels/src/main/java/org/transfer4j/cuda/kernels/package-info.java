/**
 * The catalogue of the hand-written kernels: every kernel the CUDA backend launches, with its family
 * (the {@code kernels/src/main/cuda/<family>.cu} it is defined in) and its parameter list as the
 * header comment of that file documents it. The backend takes kernel names and argument orders from
 * {@link org.transfer4j.cuda.kernels.Kernels}; a test compares the catalogue with the checked-in PTX,
 * so a renamed kernel or a changed signature fails on any machine, with or without a GPU.
 */
package org.transfer4j.cuda.kernels;
