import { describe, expect, it } from "vitest";
import {
  classChangeSchema,
  classSlugProblem,
  decideJoinThrottle,
  generateJoinCode,
  JOIN_CODE_ALPHABET,
  JOIN_FAILURE_LIMIT,
  JOIN_WINDOW_SECONDS,
  joinStateOf,
  joinThrottleMessage,
  MAX_MEMBER_LINES,
  MemberListError,
  newClassSchema,
  normaliseJoinCode,
  parseMemberList,
  spacedJoinCode,
} from "@/lib/domain/classes";

describe("a class's short name", () => {
  it.each(["cs101", "a", "math-2b", "a".repeat(40), "0-9"])("accepts %s", (slug) => expect(classSlugProblem(slug)).toBeNull());
  it.each([
    ["", /Enter/],
    ["a".repeat(41), /At most 40/],
    ["CS101", /lowercase/],
    ["-cs", /lowercase/],
    ["cs-", /lowercase/],
    ["cs_101", /lowercase/],
    ["cs 101", /lowercase/],
    ["ç101", /lowercase/],
    ["'; DROP TABLE classes;--", /lowercase/],
    ["<script>", /lowercase/],
    ["{{ x }}", /lowercase/],
    ["new", /reserved/],
  ])("refuses %j", (slug, message) => expect(classSlugProblem(slug)).toMatch(message));
});

describe("a new class's fields", () => {
  it("trims the title and term, and a term may be left out", () => {
    expect(newClassSchema.parse({ title: "  Intro to CS ✓ ", slug: "cs101" })).toEqual({ title: "Intro to CS ✓", slug: "cs101", term: "" });
    expect(newClassSchema.parse({ title: "<script>alert(1)</script>", slug: "x", term: "Fall '26 {{ }}" })).toMatchObject({ title: "<script>alert(1)</script>", term: "Fall '26 {{ }}" });
  });

  it.each([
    [{ slug: "cs" }, "title", /Required/],
    [{ title: "   ", slug: "cs" }, "title", /Enter a title/],
    [{ title: "x".repeat(101), slug: "cs" }, "title", /At most 100/],
    [{ title: "two\nlines", slug: "cs" }, "title", /printable/],
    [{ title: "a\u202Eb", slug: "cs" }, "title", /printable/],
    [{ title: 42, slug: "cs" }, "title", /Enter a title/],
    [{ title: "T", slug: "cs", term: "x".repeat(51) }, "term", /At most 50/],
    [{ title: "T", slug: ["cs"] }, "slug", /Enter a short name/],
    [{ title: "T", slug: "cs", owner: "me" }, "owner", /.+/],
  ])("refuses %j at %s", (input, field, message) => {
    const parsed = newClassSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues.find((i) => i.path[0] === field || (i.code === "unrecognized_keys" && i.keys.includes(field)));
    expect(issue?.message).toMatch(message);
  });

  it("bound groups: group names only, each once", () => {
    expect(classChangeSchema.parse({ groups: ["class-1a", "class-1a", "staff@school.edu"] }).groups).toEqual(["class-1a", "staff@school.edu"]);
    for (const bad of [["a b"], ["<script>"], ["'; DROP TABLE"], "class-1a", [42]]) expect(classChangeSchema.safeParse({ groups: bad }).success).toBe(false);
    expect(classChangeSchema.safeParse({ groups: Array.from({ length: 51 }, (_, i) => `g${i}`) }).success).toBe(false);
  });
});

describe("join codes", () => {
  it("are 8 characters of an alphabet without 0, O, 1, I or L, drawn from the given source", () => {
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[0O1IL]/);
    expect(new Set(JOIN_CODE_ALPHABET).size).toBe(JOIN_CODE_ALPHABET.length);
    expect(generateJoinCode(() => 0)).toBe("AAAAAAAA");
    expect(generateJoinCode(() => JOIN_CODE_ALPHABET.length - 1)).toBe("99999999");
    const asked: number[] = [];
    let i = 0;
    expect(generateJoinCode((n) => (asked.push(n), i++ % n))).toBe(JOIN_CODE_ALPHABET.slice(0, 8));
    expect(asked).toEqual(Array(8).fill(JOIN_CODE_ALPHABET.length));
  });

  it("are read in any case, with spaces or a dash in the middle", () => {
    expect(normaliseJoinCode("abcd efgh")).toBe("ABCDEFGH");
    expect(normaliseJoinCode(" ABCD-efgh ")).toBe("ABCDEFGH");
    expect(spacedJoinCode("ABCDEFGH")).toBe("ABCD EFGH");
  });

  it.each([undefined, 42, "", "ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGO", "ABCDEFG1", "ABCDEFGI", "ABCDEFGL", "ÄBCDEFGH", "<script>", "'; DROP TABLE classes;--", "{{ code }}", "ABCD\u0000EFG", "A".repeat(41)])(
    "refuses %j as no code at all",
    (input) => expect(normaliseJoinCode(input)).toBeNull(),
  );

  it("are open, off or expired", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    expect(joinStateOf({ joinCode: "ABCDEFGH", joinCodeExpiresAt: null }, now)).toBe("open");
    expect(joinStateOf({ joinCode: "ABCDEFGH", joinCodeExpiresAt: new Date(now.getTime() + 1000) }, now)).toBe("open");
    expect(joinStateOf({ joinCode: "ABCDEFGH", joinCodeExpiresAt: now }, now)).toBe("expired");
    expect(joinStateOf({ joinCode: null, joinCodeExpiresAt: null }, now)).toBe("off");
  });
});

describe("the throttle on wrong join codes", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it("lets a user try while fewer than 10 wrong codes fall within 15 minutes", () => {
    expect(decideJoinThrottle([], now)).toEqual({ locked: false });
    expect(decideJoinThrottle(Array.from({ length: JOIN_FAILURE_LIMIT - 1 }, (_, i) => ago(i)), now)).toEqual({ locked: false });
    // Old failures no longer count.
    const old = Array.from({ length: 20 }, (_, i) => ago(JOIN_WINDOW_SECONDS + i));
    expect(decideJoinThrottle([...old, ago(5)], now)).toEqual({ locked: false });
  });

  it("makes them wait until the oldest of their latest 10 leaves the window", () => {
    const failures = Array.from({ length: JOIN_FAILURE_LIMIT }, (_, i) => ago(60 * i));
    // The oldest counted is 9 minutes old: 6 minutes left.
    expect(decideJoinThrottle(failures, now)).toEqual({ locked: true, retryAfterSeconds: 6 * 60 });
    // An 11th, older one does not lengthen the wait; order does not matter.
    expect(decideJoinThrottle([ago(600), ...failures].reverse(), now)).toEqual({ locked: true, retryAfterSeconds: 6 * 60 });
    expect(decideJoinThrottle(Array(JOIN_FAILURE_LIMIT).fill(now), now)).toEqual({ locked: true, retryAfterSeconds: JOIN_WINDOW_SECONDS });
  });

  it("says how long to wait in minutes", () => {
    expect(joinThrottleMessage(1)).toMatch(/Wait 1 minute and/);
    expect(joinThrottleMessage(361)).toMatch(/Wait 7 minutes/);
  });
});

describe("a pasted list of members", () => {
  it("reads one name a line or separated by commas, trimmed and lowercased, blanks skipped", () => {
    const names = parseMemberList("Ana\r\n  bob , carl;dora\n\n,\nana\n");
    expect(names.map((n) => [n.line, n.username, n.problem])).toEqual([
      [1, "ana", null],
      [2, "bob", null],
      [2, "carl", null],
      [2, "dora", null],
      [5, "ana", "duplicate"],
    ]);
  });

  it("marks what cannot be a username as invalid, keeping the text it shows short", () => {
    const names = parseMemberList("<script>alert(1)</script>\n' OR 1=1 --\n{{ x }}\nan a\nélodie\nana@school.edu\n" + "x".repeat(64) + "\n" + "y".repeat(300));
    expect(names.map((n) => n.problem)).toEqual(["invalid", "invalid", "invalid", "invalid", null, null, "invalid", "invalid"]);
    expect(names[7]!.text.length).toBeLessThanOrEqual(81);
    expect(names[0]!.username).toBe("");
  });

  it(`takes ${MAX_MEMBER_LINES} names and refuses one more, as a whole`, () => {
    const list = Array.from({ length: MAX_MEMBER_LINES }, (_, i) => `s${i}`);
    expect(parseMemberList(list.join("\n"))).toHaveLength(MAX_MEMBER_LINES);
    expect(() => parseMemberList([...list, "one-more"].join("\n"))).toThrow(MemberListError);
    expect(() => parseMemberList([...list, "one-more"].join(","))).toThrow(/more than 10,000 names/);
  });
});
