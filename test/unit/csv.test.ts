import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "@/lib/domain/csv";

/** Reads CSV text back the way a spreadsheet does (RFC 4180), for checking what was written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

describe("csvCell", () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ["+1+2", `"'+1+2"`],
    ["-2+3", `"'-2+3"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    ["\t=1", `"'\t=1"`],
    ["\r=1", `"'\r=1"`],
    ["  =1+1", `"'  =1+1"`],
    ["=cmd|' /C calc'!A0", `"'=cmd|' /C calc'!A0"`],
  ])("neutralises the formula %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    ["alice", '"alice"'],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["line\nbreak", '"line\nbreak"'],
    ["x=1", '"x=1"'],
    ["学生👩‍🎓", '"学生👩‍🎓"'],
    ["", '""'],
    [null, '""'],
    [undefined, '""'],
    [42, '"42"'],
  ])("quotes %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe("csvRow", () => {
  it("ends with CRLF and reads back as the same cells, formulas as text", () => {
    const text = csvRow(["1", 'a "quoted", value', "multi\r\nline", "=2+3"]);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parseCsv(text)).toEqual([["1", 'a "quoted", value', "multi\r\nline", "'=2+3"]]);
  });

  it("always reads back as one row of the same number of cells, none starting a formula", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30, unit: "binary" }), { minLength: 1, maxLength: 8 }), (cells) => {
        const [row, ...rest] = parseCsv(csvRow(cells));
        expect(rest).toEqual([]);
        expect(row).toHaveLength(cells.length);
        row!.forEach((cell, i) => {
          expect(/^(\s*[=+\-@]|[\t\r])/.test(cell)).toBe(false);
          expect(cell === cells[i] || cell === `'${cells[i]}`).toBe(true);
        });
      }),
    );
  });
});
