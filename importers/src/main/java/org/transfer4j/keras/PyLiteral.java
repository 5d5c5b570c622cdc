package org.transfer4j.keras;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser for the subset of Python literals a {@code .npy} header uses (NumPy reads it with
 * {@code ast.literal_eval}): dicts with string keys, tuples, lists, strings in single or double quotes,
 * integers (with Python 2's {@code L} suffix), {@code True}, {@code False} and {@code None}.
 * Values become {@link Map}, {@link Tuple}, {@link List}, {@link String}, {@link BigInteger},
 * {@link Boolean} and {@link #NONE}. Failures are {@link IllegalArgumentException}s saying what was
 * expected where; nesting is limited so a hostile header cannot overflow the stack.
 */
final class PyLiteral {
    /** Python's {@code None}. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A Python tuple (a list is a {@link List}). */
    record Tuple(List<Object> items) {
    }

    private static final int MAX_DEPTH = 16;

    private final String text;
    private int pos;

    private PyLiteral(String text) {
        this.text = text;
    }

    /** The single literal {@code text} holds, surrounded by optional whitespace. */
    static Object parse(String text) {
        PyLiteral p = new PyLiteral(text);
        Object value = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("end of the literal");
        }
        return value;
    }

    /** A short description of a parsed value for error messages: its Python type and text. */
    static String describe(Object value) {
        String type = switch (value) {
            case null -> "missing";
            case String _ -> "the string";
            case BigInteger _ -> "the int";
            case Boolean _ -> "the bool";
            case Tuple _ -> "the tuple";
            case List<?> _ -> "the list";
            case Map<?, ?> _ -> "the dict";
            default -> "";
        };
        return value == null ? type : (type + " " + render(value)).strip();
    }

    /** Python's repr of a parsed value. */
    static String render(Object value) {
        return switch (value) {
            case String s -> "'" + s + "'";
            case Boolean b -> b ? "True" : "False";
            case Tuple(var items) -> items.size() == 1 ? "(" + render(items.getFirst()) + ",)"
                    : "(" + String.join(", ", items.stream().map(PyLiteral::render).toList()) + ")";
            case List<?> l -> "[" + String.join(", ", l.stream().map(PyLiteral::render).toList()) + "]";
            case Map<?, ?> m -> "{" + String.join(", ", m.entrySet().stream()
                    .map(e -> render(e.getKey()) + ": " + render(e.getValue())).toList()) + "}";
            default -> String.valueOf(value);
        };
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("at most " + MAX_DEPTH + " levels of nesting");
        }
        skipSpace();
        if (pos >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> dict(depth);
            case '(' -> parenthesised(depth);
            case '[' -> {
                pos++;
                yield new ArrayList<>(sequence(']', depth));
            }
            case '\'', '"' -> string();
            default -> c == '-' || c == '+' || Character.isDigit(c) ? integer() : word();
        };
    }

    private Map<String, Object> dict(int depth) {
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek('}')) {
                pos++;
                return map;
            }
            if (!(value(depth + 1) instanceof String key)) {
                throw error("a string key");
            }
            skipSpace();
            expect(':');
            if (map.put(key, value(depth + 1)) != null) {
                throw error("no repeated key '" + key + "'");
            }
            skipSpace();
            if (peek(',')) {
                pos++;
            } else if (!peek('}')) {
                throw error("',' or '}'");
            }
        }
    }

    /** {@code ()} and {@code (1,)} are tuples; {@code (1)} is the value 1, as in Python. */
    private Object parenthesised(int depth) {
        int start = pos;
        pos++; // '('
        skipSpace();
        if (peek(')')) {
            pos++;
            return new Tuple(List.of());
        }
        Object first = value(depth + 1);
        skipSpace();
        if (peek(')')) {
            pos++;
            return first;
        }
        pos = start + 1;
        return new Tuple(sequence(')', depth));
    }

    /** Comma-separated values up to {@code close}, a trailing comma allowed; pos is past the opener. */
    private List<Object> sequence(char close, int depth) {
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek(close)) {
                pos++;
                return items;
            }
            items.add(value(depth + 1));
            skipSpace();
            if (peek(',')) {
                pos++;
            } else if (!peek(close)) {
                throw error("',' or '" + close + "'");
            }
        }
    }

    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder s = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return s.toString();
            }
            if (c == '\\') {
                if (pos >= text.length() || "\\'\"".indexOf(text.charAt(pos)) < 0) {
                    throw error("one of the escapes \\\\ \\' \\\"");
                }
                c = text.charAt(pos++);
            } else if (c == '\n') {
                break;
            }
            s.append(c);
        }
        throw error("a closing " + quote);
    }

    private BigInteger integer() {
        int start = pos;
        if (peek('-') || peek('+')) {
            pos++;
        }
        int digits = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos)) && pos - digits < 100) {
            pos++;
        }
        if (pos == digits || pos < text.length() && Character.isDigit(text.charAt(pos))) {
            throw error("an integer of 1 to 100 digits");
        }
        BigInteger value = new BigInteger(text.substring(start, pos));
        if (peek('L') || peek('l')) {
            pos++; // Python 2 long, as in headers written by NumPy under Python 2
        }
        return value;
    }

    private Object word() {
        int start = pos;
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            pos++;
        }
        return switch (text.substring(start, pos)) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> NONE;
            default -> {
                pos = start;
                throw error("a value");
            }
        };
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\r\n\f".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    private IllegalArgumentException error(String expected) {
        String found = pos >= text.length() ? "the end" : "'" + text.substring(pos, Math.min(pos + 12, text.length()))
                .replace("\n", "\\n") + "'";
        return new IllegalArgumentException("expected " + expected + " at offset " + pos + ", found " + found);
    }
}
