package org.transfer4j.train;

import java.util.ArrayList;
import java.util.List;
import org.transfer4j.nn.InputLayer;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;

/**
 * The blocks of a pretrained base, read from its layer names. Keras Applications name their layers by
 * block ({@code conv_dw_7_bn}, {@code block_7_expand}, {@code conv4_block2_1_conv}): a block is a run of
 * consecutive layers (in {@link Model#flattenedLayers()} order) whose names carry the same numbers, the
 * first two numbers of the name; a layer whose name has none belongs to the block before it.
 */
final class BaseBlocks {
    /** A block from its first layer to its last. */
    record Block(String first, String last) {
    }

    private BaseBlocks() {
    }

    static List<Block> of(Model base) {
        List<Block> blocks = new ArrayList<>();
        String first = null;
        String last = null;
        String previousKey = null;
        for (Layer layer : base.flattenedLayers()) {
            if (layer instanceof InputLayer) {
                continue;
            }
            String key = blockKey(layer.name());
            if (first == null || (key != null && !key.equals(previousKey))) {
                if (first != null) {
                    blocks.add(new Block(first, last));
                }
                first = layer.name();
            }
            last = layer.name();
            if (key != null) {
                previousKey = key;
            }
        }
        if (first != null) {
            blocks.add(new Block(first, last));
        }
        return blocks;
    }

    /** The first two runs of digits in a layer name, e.g. {@code conv4_block2_1_conv -> "4.2"}; null if none. */
    static String blockKey(String name) {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < name.length() && runs.size() < 2) {
            if (Character.isDigit(name.charAt(i))) {
                int start = i;
                while (i < name.length() && Character.isDigit(name.charAt(i))) {
                    i++;
                }
                runs.add(name.substring(start, i));
            } else {
                i++;
            }
        }
        return runs.isEmpty() ? null : String.join(".", runs);
    }
}
