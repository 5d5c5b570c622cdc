package org.transfer4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/** The JSON the commands print ({@code --json}): one object on one line, and shapes as Keras writes them. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** {@code node} as compact JSON on one line. */
    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serialises; failing here is a bug, not a user error.
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** A shape without its batch axis as Keras' JSON batch shape: {@code (224,224,3) -> [null,224,224,3]}. */
    static ArrayNode batchShape(int[] shape) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        a.addNull();
        for (int d : shape) {
            a.add(d);
        }
        return a;
    }

    /** A JSON shape as Python prints a tuple: {@code [null,224,224,3] -> (None, 224, 224, 3)}, {@code [8] -> (8,)}. */
    static String shapeText(JsonNode shape) {
        List<String> dims = new ArrayList<>();
        shape.forEach(d -> dims.add(d.isNull() ? "None" : d.asText()));
        return dims.size() == 1 ? "(" + dims.getFirst() + ",)" : "(" + String.join(", ", dims) + ")";
    }
}
