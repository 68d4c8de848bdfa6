/**
 * CSV for spreadsheets (RFC 4180: every cell quoted, quotes doubled, CRLF between rows), safe to open: a cell
 * that a spreadsheet would run as a formula (it starts with =, +, - or @, possibly after spaces, or with a tab
 * or a carriage return) gets a leading apostrophe, which spreadsheets read as "this is text". Audit entries
 * hold text anyone can choose (a username tried at sign-in, a user agent), so this is what keeps an export
 * from running `=HYPERLINK(…)` on an admin's machine.
 */

const FORMULA_START = /^(\s*[=+\-@]|[\t\r])/;

/** One cell: neutralised, quoted. Null and undefined are empty cells. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '""';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

/** One row, ending with CRLF. */
export function csvRow(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** Excel reads a file as UTF-8 only when it starts with this mark; other programs skip it. */
export const CSV_BOM = "\uFEFF";
