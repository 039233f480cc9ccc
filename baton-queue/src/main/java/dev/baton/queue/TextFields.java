package dev.baton.queue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;

/**
 * Checks on the text a caller hands the queue, made before PostgreSQL sees it: PostgreSQL stores no NUL
 * character (not in text, not as {@code \u0000} in jsonb), and a unique key longer than an index entry allows
 * fails on the index. Found up front, such input gets a message naming its field instead of a database error.
 */
final class TextFields {

    /** Kinds, queue names, worker ids and versions. */
    static final int MAX_NAME_LENGTH = 200;
    /** Unique keys: an index entry holds at most about 2.7 kB, and a character may take 4 bytes. */
    static final int MAX_UNIQUE_KEY_LENGTH = 500;

    private TextFields() {}

    /** Non-blank, at most {@code max} characters, no NUL; the error names {@code field}. */
    static String name(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(field + ": must be at most " + max + " characters, got " + value.length());
        }
        return noNul(field, value);
    }

    static String noNul(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(field + ": must not contain the NUL character (\\u0000), at index "
                    + value.indexOf('\0') + "; PostgreSQL cannot store it");
        }
        return value;
    }

    /** No NUL in any string or field name of a parsed JSON document. */
    static void noNul(String field, JsonNode node) {
        if (node.isTextual()) {
            noNul(field, node.textValue());
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            noNul(field + " field name", name);
            noNul(field + "." + name, node.get(name));
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                noNul(field + "[" + i + "]", node.get(i));
            }
        }
    }
}
