import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClassListError, classListReader, csvCell, CsvReader, MAX_CSV_CELL, parseClassList, toCsv } from "@/lib/domain/class-list";

const HEADER = "username,display name,email,groups,role\n";

describe("reading CSV", () => {
  it("reads quoted cells with delimiters, line breaks and doubled quotes, whatever the line ends", () => {
    const reader = new CsvReader();
    const records = [...reader.push('a,"b,c","say ""hi""\r\nthere"\r\nd,e,f\rg,,\n'), ...reader.end()];
    expect(records).toEqual([
      { line: 1, cells: ["a", "b,c", 'say "hi"\r\nthere'] },
      { line: 3, cells: ["d", "e", "f"] },
      { line: 4, cells: ["g", "", ""] },
    ]);
  });

  it("gives the same records however the text is cut into chunks", () => {
    const text = 'name,"quoted, with ""quotes""\nand a line",x\r\nsecond,row,"end"\n';
    const whole = new CsvReader();
    const expected = [...whole.push(text), ...whole.end()];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 6 }), (cuts) => {
        const points = [0, ...[...cuts].sort((a, b) => a - b), text.length];
        const reader = new CsvReader();
        const records = points.slice(1).flatMap((end, i) => reader.push(text.slice(points[i], end)));
        expect([...records, ...reader.end()]).toEqual(expected);
      }),
    );
  });

  it("keeps a stray quote inside an unquoted cell as text", () => {
    const reader = new CsvReader();
    expect([...reader.push('ab"c,d'), ...reader.end()]).toEqual([{ line: 1, cells: ['ab"c', "d"] }]);
  });

  it.each([
    ["text after a closing quote", '"ab"c,d\n', /after a closing quote/],
    ["a quote never closed", 'a,"open\n', /never closed/],
    ["a cell longer than the limit", `${"x".repeat(MAX_CSV_CELL + 1)}\n`, /longer than/],
  ])("refuses %s", (_, text, message) => {
    const reader = new CsvReader();
    expect(() => {
      reader.push(text);
      reader.end();
    }).toThrow(message);
  });
});

describe("a class list", () => {
  it("reads accounts with defaults: student, no groups, no email", () => {
    const list = parseClassList(`${HEADER}ana,Ana Lima,ana@example.edu,class-1a;chem,\nBob , , , ,TEACHER\n`);
    expect(list.columns).toEqual(["username", "display name", "email", "groups", "role"]);
    expect(list.rows).toEqual([
      { line: 2, username: "ana", displayName: "Ana Lima", email: "ana@example.edu", groups: ["class-1a", "chem"], role: "student", errors: [] },
      { line: 3, username: "bob", displayName: null, email: null, groups: [], role: "teacher", errors: [] },
    ]);
  });

  it("accepts a byte order mark, headers as spreadsheets write them, columns in any order or left out, and semicolons", () => {
    expect(parseClassList("\uFEFFUsername,Display_Name\nana,Ana\n").rows[0]).toMatchObject({ username: "ana", displayName: "Ana" });
    expect(parseClassList("Role;USERNAME\nadmin;ana\n").rows[0]).toMatchObject({ username: "ana", role: "admin" });
    expect(parseClassList('username,groups\nana,"a, b c"\n').rows[0]!.groups).toEqual(["a", "b", "c"]);
  });

  it("skips blank lines and needs no final line break", () => {
    expect(parseClassList(`${HEADER}\nana\n\n  \nbob`).rows.map((r) => r.username)).toEqual(["ana", "bob"]);
  });

  it.each([
    ["an empty file", "", /empty/],
    ["a header only", HEADER, /no accounts/],
    ["no username column", "display name,email\nAna,a@example.edu\n", /"username" is missing/],
    ["an unknown column", "username,password\nana,secret\n", /Unknown column "password"/],
    ["a column twice", "username,email,Email\nana,a@x.io,b@x.io\n", /named twice/],
    ["an empty first line", "\nusername\nana\n", /first line is empty/],
    ["binary data", "\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR", /not a CSV file/],
  ])("refuses %s as a whole", (_, text, message) => {
    expect(() => parseClassList(text)).toThrow(ClassListError);
    expect(() => parseClassList(text)).toThrow(message);
  });

  it("refuses more rows than the limit as soon as it passes it, without reading the rest", () => {
    const reader = classListReader(3);
    reader.push(`${HEADER}a\nb\nc\n`);
    expect(() => reader.push("d\ne\n")).toThrow(/more than 3 accounts/);
  });

  it("refuses 50 000 rows with a clear message", () => {
    const text = HEADER + Array.from({ length: 50_000 }, (_, i) => `student${i},Student ${i}\n`).join("");
    expect(() => parseClassList(text)).toThrow(/more than 2000 accounts: split it/);
  });

  it("says what is wrong with each row, by column, and keeps the others", () => {
    const list = parseClassList(
      [
        "username,display name,email,groups,role",
        "ok,Fine,,,",
        "Bad Name,,,,",
        `${"u".repeat(64)},,,,`,
        "tom,,not-an-email,,",
        "eve,,,,superuser",
        "ann,,,bad group!,",
        `long,${"n".repeat(201)},,,`,
        '"ctl","Line\nbreak",,,',
        "tab,\tTabbed,,,",
        "ok,Again,,,",
        "x,y,z,w,v,extra",
        ",no username,,,",
      ].join("\n"),
    );
    const errors = Object.fromEntries(list.rows.map((r) => [r.line, r.errors.join(" | ")]));
    expect(errors[2]).toBe("");
    expect(errors[3]).toMatch(/^username: Use lowercase letters/);
    expect(errors[4]).toMatch(/^username: At most 63/);
    expect(errors[5]).toMatch(/^email: Enter an email address/);
    expect(errors[6]).toMatch(/^role: "superuser" is not student, teacher or admin/);
    expect(errors[7]).toMatch(/^groups: "bad" .*|^groups: "group!" is not a group name/);
    expect(errors[8]).toMatch(/^display name: At most 200/);
    expect(errors[9]).toMatch(/display name: has control characters/);
    expect(errors[11]).toMatch(/display name: has control characters/);
    expect(errors[12]).toBe('username: "ok" is already on line 2.');
    expect(errors[13]).toMatch(/Has 6 cells; the header names 5 columns/);
    expect(errors[14]).toMatch(/username: Enter a username/);
  });

  it("finds a username twice whatever its case or spaces", () => {
    const list = parseClassList("username\nAna\n ana \n");
    expect(list.rows[1]!.errors).toEqual(['username: "ana" is already on line 2.']);
  });

  it("keeps formula-like cells and injection strings as text, never evaluating them", () => {
    const list = parseClassList(`${HEADER}ana,"=HYPERLINK(""http://evil.example"",""x"")",,,\nbob,"Robert'); DROP TABLE users;--",,,\nzoe,Zoë 李 🙂,,,\n`);
    expect(list.rows.map((r) => [r.displayName, r.errors])).toEqual([
      ['=HYPERLINK("http://evil.example","x")', []],
      ["Robert'); DROP TABLE users;--", []],
      ["Zoë 李 🙂", []],
    ]);
  });

  it("refuses formula-like usernames, emails and groups by their own rules", () => {
    const list = parseClassList(`${HEADER}=cmd,,,,\nok,,=1+1@x,,\nok2,,,@SUM(A1),\n`);
    expect(list.rows.map((r) => r.errors.length > 0)).toEqual([true, true, true]);
  });

  it("reads any valid account line the writer produced back unchanged", () => {
    const name = fc.string({ maxLength: 30 }).filter((s) => !/[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u.test(s) && s.trim() === s && !/^[=+\-@]/.test(s));
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), (names) => {
        const text = toCsv([["username", "display name"], ...names.map((n, i) => [`user${i}`, n])]);
        expect(parseClassList(text).rows.map((r) => r.displayName ?? "")).toEqual(names);
      }),
    );
  });
});

describe("cells written for a spreadsheet", () => {
  it.each([
    ["=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""],
    ["+1", "'+1"],
    ["-2", "'-2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "x"', '"say ""x"""'],
  ])("writes %j as %s", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
