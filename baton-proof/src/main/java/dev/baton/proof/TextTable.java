package dev.baton.proof;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The one plain-text table of Baton's human output (the CLI, reports): a header, a rule, rows; columns
 * padded to the widest cell, text left, numbers right; a missing cell is {@code -}.
 */
public final class TextTable {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    public TextTable(String... headers) {
        this(List.of(headers));
    }

    public TextTable row(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("row: expected " + headers.size() + " cells, got " + cells.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    /** A row of values shown with {@code toString()}; null shows as {@code -}. */
    public TextTable row(Object... cells) {
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) {
            r.add(c == null ? "-" : c.toString());
        }
        return row(r);
    }

    /** Prints the table and flushes. */
    public void print(PrintWriter out) {
        out.print(render());
        out.flush();
    }

    public String render() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> r : rows) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, widths, false);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
        }
        out.append(rule).append('\n');
        for (List<String> r : rows) {
            line(out, r, widths, true);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths, boolean alignNumbers) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            boolean right = alignNumbers && i > 0 && c.matches("[-0-9.,]+( ?(ms|s))?|-");
            String pad = " ".repeat(widths[i] - c.length());
            l.append(i == 0 ? "" : "  ").append(right ? pad + c : c + pad);
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }
}
