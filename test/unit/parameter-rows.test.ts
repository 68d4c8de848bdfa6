import { describe, expect, it } from "vitest";
import { rowsOfSchema, schemaOfRows } from "@/lib/domain/parameter-rows";

describe("parameter rows", () => {
  it("turn a stored schema into rows and back, keeping what a row does not edit", () => {
    const schema = {
      type: "object",
      properties: {
        tag: { type: "string", title: "Image tag", default: "2.0", maxLength: 20 },
        cpus: { type: "integer", default: 2, minimum: 1 },
        debug: { type: "boolean", default: false },
      },
    };
    const rows = rowsOfSchema(schema);
    expect(rows.map((r) => [r.name, r.type, r.default])).toEqual([
      ["tag", "string", "2.0"],
      ["cpus", "integer", "2"],
      ["debug", "boolean", "false"],
    ]);
    expect(schemaOfRows(rows)).toEqual(schema);
  });

  it("types defaults by the row's type, leaves out empty defaults and unnamed rows, and passes bad numbers on for the server to name", () => {
    expect(
      schemaOfRows([
        { name: " n ", title: "", type: "number", default: "1.5" },
        { name: "", title: "x", type: "string", default: "y" },
        { name: "s", title: " Label ", type: "string", default: "" },
        { name: "bad", title: "", type: "integer", default: "two" },
        { name: "__proto__", title: "", type: "string", default: "}}{{" },
      ]),
    ).toEqual({
      type: "object",
      properties: JSON.parse('{"n":{"type":"number","default":1.5},"s":{"type":"string","title":"Label"},"bad":{"type":"integer","default":"two"},"__proto__":{"type":"string","default":"}}{{"}}'),
    });
    expect(rowsOfSchema(null)).toEqual([]);
    expect(rowsOfSchema({ properties: { x: { type: "array" } } })[0]).toMatchObject({ name: "x", type: "string" });
  });
});
