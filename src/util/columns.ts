// Plain-text tables for the CLI's listings: each column padded to its widest cell, one space apart.

/** `rows[0]` is the header; the last column is not padded (no trailing blanks). */
export function formatColumns(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  return rows.map(r => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join(' ')).join('\n');
}
