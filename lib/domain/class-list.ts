import { displayNameProblem, emailProblem, groupsProblem, normaliseUsername, roleOf, splitGroups, usernameProblem } from "./accounts";
import type { Role } from "./identity";

/**
 * A class list: a CSV file with a header line and one account per line (docs/architecture.md, "Importing a
 * class list"). Read as a stream of text chunks, so a file is refused as soon as it passes the row limit,
 * without holding more than that in memory. Every cell is kept as text: nothing is ever evaluated, and
 * cells written back out for a spreadsheet are neutralised (`csvCell`).
 */

/** Accounts one file may create: a large school year, far below what would strain one transaction. */
export const MAX_CLASS_LIST_ROWS = 2000;
/** Bytes one file may have: 2000 rows of long names and several groups fit with room to spare. */
export const MAX_CLASS_LIST_BYTES = 512 * 1024;
/** Longest cell: more is not a name, an email or a list of groups, and is refused before it grows. */
export const MAX_CSV_CELL = 2000;

export const CLASS_LIST_COLUMNS = ["username", "display name", "email", "groups", "role"] as const;
export type ClassListColumn = (typeof CLASS_LIST_COLUMNS)[number];
/** The header a file is expected to start with, as shown to admins. */
export const CLASS_LIST_HEADER = CLASS_LIST_COLUMNS.join(",");

/** A problem with the file as a whole: nothing in it is used. */
export class ClassListError extends Error {
  override name = "ClassListError";
}

export interface CsvRecord {
  /** The line the record starts on, counting from 1. */
  line: number;
  cells: string[];
}

/**
 * An RFC 4180 reader fed in chunks: cells separated by the delimiter, records by CRLF, LF or CR, quoted
 * cells may hold delimiters, line breaks and doubled quotes. A quote inside an unquoted cell is kept as
 * text; text after a closing quote, an unterminated quote and a cell past `maxCell` are refused.
 */
export class CsvReader {
  private cells: string[] = [];
  private cell = "";
  private quoted = false;
  private inQuotes = false;
  private afterQuote = false;
  private pendingCr = false;
  private line = 1;
  private recordLine = 1;
  private started = false;

  constructor(
    private readonly delimiter = ",",
    private readonly maxCell = MAX_CSV_CELL,
  ) {}

  /** Reads a chunk; returns the records it completed. */
  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    for (const char of text) {
      if (this.pendingCr) {
        this.pendingCr = false;
        if (char === "\n") continue;
      }
      if (this.inQuotes) {
        if (char === '"') {
          this.inQuotes = false;
          this.afterQuote = true;
        } else this.add(char);
        if (char === "\n") this.line++;
        continue;
      }
      if (this.afterQuote && char === '"') {
        // A doubled quote inside a quoted cell.
        this.add('"');
        this.inQuotes = true;
        this.afterQuote = false;
        continue;
      }
      if (char === this.delimiter) {
        this.endCell();
        continue;
      }
      if (char === "\n" || char === "\r") {
        this.pendingCr = char === "\r";
        this.endCell();
        records.push({ line: this.recordLine, cells: this.cells });
        this.cells = [];
        this.started = false;
        this.line++;
        this.recordLine = this.line;
        continue;
      }
      if (this.afterQuote) throw new ClassListError(`Line ${this.line}: text after a closing quote. Quote the whole cell, and double the quotes inside it ("").`);
      if (char === '"' && this.cell === "" && !this.quoted) {
        this.quoted = true;
        this.inQuotes = true;
        this.started = true;
        continue;
      }
      this.add(char);
    }
    return records;
  }

  /** Ends the text; returns the last record if the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.inQuotes) throw new ClassListError(`Line ${this.recordLine}: a quoted cell is never closed.`);
    if (!this.started && this.cells.length === 0) return [];
    this.endCell();
    return [{ line: this.recordLine, cells: this.cells }];
  }

  private add(char: string) {
    this.started = true;
    this.cell += char;
    if (this.cell.length > this.maxCell) throw new ClassListError(`Line ${this.recordLine}: a cell is longer than ${this.maxCell} characters.`);
  }

  private endCell() {
    this.cells.push(this.cell);
    this.cell = "";
    this.quoted = false;
    this.afterQuote = false;
    this.started = true;
  }
}

/** One account of a class list, as read; `errors` says what stops it from being created. */
export interface ClassListRow {
  line: number;
  username: string;
  displayName: string | null;
  email: string | null;
  groups: string[];
  role: Role;
  errors: string[];
}

export interface ClassList {
  /** The columns the file has, in its order. */
  columns: ClassListColumn[];
  rows: ClassListRow[];
}

/** Header names as people write them (`Display name`, `display_name`, `DisplayName`) → the column. */
function columnOf(name: string): ClassListColumn | null {
  const key = name.trim().toLowerCase().replace(/[\s_-]+/g, "");
  const found = CLASS_LIST_COLUMNS.find((column) => column.replace(/\s+/g, "") === key);
  return found ?? null;
}

const CONTROL = /[\p{Cc}\u2028\u2029]/u;

function shown(text: string): string {
  const printable = text.replace(/[\p{Cc}]/gu, "?");
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}

/** The header's columns, or a ClassListError that says what a header must be. */
function readHeader(cells: string[]): ClassListColumn[] {
  const expected = `The first line must name the columns: ${CLASS_LIST_HEADER} (username is required, the others may be left out).`;
  if (cells.every((cell) => cell.trim() === "")) throw new ClassListError(`The first line is empty. ${expected}`);
  const columns: ClassListColumn[] = [];
  for (const cell of cells) {
    const column = columnOf(cell);
    if (!column) throw new ClassListError(`Unknown column "${shown(cell)}". ${expected}`);
    if (columns.includes(column)) throw new ClassListError(`The column "${column}" is named twice.`);
    columns.push(column);
  }
  if (!columns.includes("username")) throw new ClassListError(`The column "username" is missing. ${expected}`);
  return columns;
}

/** One record as an account, each problem named by column. */
function readRow(record: CsvRecord, columns: ClassListColumn[]): ClassListRow {
  const errors: string[] = [];
  const cell = (column: ClassListColumn) => {
    const index = columns.indexOf(column);
    return index < 0 ? "" : (record.cells[index] ?? "");
  };
  if (record.cells.length > columns.length) errors.push(`Has ${record.cells.length} cells; the header names ${columns.length} columns.`);
  for (const column of columns) {
    if (column !== "groups" && CONTROL.test(cell(column))) errors.push(`${column}: has control characters or line breaks.`);
  }
  const username = normaliseUsername(cell("username"));
  const usernameError = CONTROL.test(cell("username")) ? null : usernameProblem(username);
  if (usernameError) errors.push(`username: ${usernameError}`);
  const displayName = cell("display name").trim();
  const nameError = CONTROL.test(displayName) ? null : displayNameProblem(displayName);
  if (nameError) errors.push(`display name: ${nameError}`);
  const email = cell("email").trim();
  const emailError = CONTROL.test(email) ? null : emailProblem(email);
  if (emailError) errors.push(`email: ${emailError}`);
  const groupText = cell("groups");
  const groups = [...new Set(splitGroups(groupText))];
  const groupError = /[\p{Cc}\u2028\u2029]/u.test(groupText.replace(/[\r\n\t]/g, " ")) ? "has control characters." : groupsProblem(groups);
  if (groupError) errors.push(`groups: ${groupError}`);
  const roleText = cell("role");
  const role = roleText.trim() === "" ? "student" : roleOf(roleText);
  if (!role) errors.push(`role: "${shown(roleText)}" is not student, teacher or admin.`);
  return { line: record.line, username, displayName: displayName || null, email: email || null, groups, role: role ?? "student", errors };
}

/**
 * Reads a class list from text chunks: `push` each chunk as it arrives, then `end`. Throws a ClassListError
 * for a file that cannot be used at all (no header, unknown columns, too many rows, broken quoting); problems
 * of single rows (a bad email, a username twice) are that row's `errors`.
 */
export function classListReader(maxRows = MAX_CLASS_LIST_ROWS) {
  let csv: CsvReader | null = null;
  let columns: ClassListColumn[] | null = null;
  let first = true;
  const rows: ClassListRow[] = [];
  const lineOf = new Map<string, number>();

  const take = (records: CsvRecord[]) => {
    for (const record of records) {
      if (!columns) {
        columns = readHeader(record.cells);
        continue;
      }
      // Blank lines (a trailing one, most often) are no accounts.
      if (record.cells.every((cell) => cell.trim() === "")) continue;
      if (rows.length >= maxRows) throw new ClassListError(`The file has more than ${maxRows} accounts: split it into files of at most ${maxRows} lines after the header.`);
      const row = readRow(record, columns);
      const earlier = row.username ? lineOf.get(row.username) : undefined;
      if (earlier !== undefined) row.errors.push(`username: "${row.username}" is already on line ${earlier}.`);
      else if (row.username) lineOf.set(row.username, row.line);
      rows.push(row);
    }
  };

  return {
    push(chunk: string) {
      let text = chunk;
      if (first) {
        if (text === "") return;
        first = false;
        text = text.replace(/^\uFEFF/, "");
        if (text.includes("\u0000")) throw new ClassListError("This is not a CSV file: it holds binary data. Save the class list as CSV (UTF-8).");
        // A spreadsheet set to a language that writes decimal commas exports with semicolons.
        const headerLine = text.split(/\r\n|\n|\r/, 1)[0] ?? "";
        csv = new CsvReader(headerLine.includes(";") && !headerLine.includes(",") ? ";" : ",");
      } else if (text.includes("\u0000")) throw new ClassListError("This is not a CSV file: it holds binary data. Save the class list as CSV (UTF-8).");
      take(csv!.push(text));
    },
    end(): ClassList {
      if (csv) take(csv.end());
      if (!columns) throw new ClassListError(`The file is empty. Its first line must name the columns: ${CLASS_LIST_HEADER}.`);
      if (rows.length === 0) throw new ClassListError("The file has a header but no accounts.");
      return { columns, rows };
    },
  };
}

/** Reads a whole class list held as text. */
export function parseClassList(text: string, maxRows = MAX_CLASS_LIST_ROWS): ClassList {
  const reader = classListReader(maxRows);
  reader.push(text);
  return reader.end();
}

/**
 * A cell for a CSV file a spreadsheet will open: quoted when it must be, and text that a spreadsheet would
 * take for a formula (starting with = + - @, a tab or a carriage return) prefixed with an apostrophe, so it
 * stays text there too.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) || safe !== safe.trim() ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Lines of cells as CSV text, CRLF-separated as RFC 4180 says. */
export function toCsv(lines: string[][]): string {
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
