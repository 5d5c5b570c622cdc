package org.transfer4j.cli;

import java.io.PrintWriter;
import java.util.List;

/** A plain text table: the first row is the header, underlined; columns are left-aligned and padded. */
final class Table {
    private static final int GAP = 2;

    private Table() {
    }

    static void print(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        int total = 0;
        for (int w : widths) {
            total += w + GAP;
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            String[] row = rows.get(r);
            for (int c = 0; c < row.length; c++) {
                line.append(row[c]).append(" ".repeat(widths[c] - row[c].length() + GAP));
            }
            out.println(line.toString().stripTrailing());
            if (r == 0) {
                out.println("-".repeat(total - GAP));
            }
        }
    }
}
