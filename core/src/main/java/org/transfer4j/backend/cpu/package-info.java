/**
 * The CPU backend: the reference implementation of every primitive, in plain Java on {@code float[]}
 * storage, multithreaded on one shared pool ({@link org.transfer4j.backend.cpu.CpuParallel}).
 * {@link org.transfer4j.backend.cpu.CpuBackend} only dispatches; each family of primitives has its class.
 */
package org.transfer4j.backend.cpu;
