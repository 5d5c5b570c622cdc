/** transfer4j: tensors, autograd, backends and (later) layers for transfer learning with CNNs. */
package org.transfer4j;
