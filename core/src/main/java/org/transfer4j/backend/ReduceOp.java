package org.transfer4j.backend;

/** Reductions over a set of axes; mean and variance are composed from SUM in the ops. */
public enum ReduceOp { SUM, MAX, MIN }
