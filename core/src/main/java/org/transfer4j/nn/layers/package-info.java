/**
 * The concrete Keras layers. Each class carries the Keras name, the Keras arguments (in camelCase,
 * set by fluent methods before the layer is built) and the Keras defaults, and stores its weights in
 * Keras' order and layout, so a Keras model maps onto these classes 1:1.
 */
package org.transfer4j.nn.layers;
