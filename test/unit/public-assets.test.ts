import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { crc32, deflateSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";

/**
 * The favicon, app icons and web manifest in public/ are committed files: they must be what the manifest and
 * the root layout say they are. Formats are read here byte by byte, with no image or XML library.
 */

const ROOT = path.join(import.meta.dirname, "../..");
const PUBLIC = path.join(ROOT, "public");
const publicFile = (url: string) => path.join(PUBLIC, url.replace(/^\//, ""));
const layoutSource = readFileSync(path.join(ROOT, "app/layout.tsx"), "utf8");

// ---------------------------------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number;
  interlaced: boolean;
  chunks: { type: string; data: Buffer }[];
}

/** Reads a PNG's chunks, checking each one's length and CRC; the first must be IHDR and the last IEND. */
function readPng(buf: Buffer): Png {
  if (buf.length < PNG_SIGNATURE.length || !buf.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    throw new Error("not a PNG: bad signature");
  }
  const chunks: Png["chunks"] = [];
  let pos = PNG_SIGNATURE.length;
  while (chunks.at(-1)?.type !== "IEND") {
    if (pos + 12 > buf.length) throw new Error(`truncated PNG: no complete chunk at byte ${pos}`);
    const length = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    if (pos + 12 + length > buf.length) throw new Error(`truncated PNG: ${type} chunk runs past the end`);
    if (crc32(buf.subarray(pos + 4, pos + 8 + length)) !== buf.readUInt32BE(pos + 8 + length)) {
      throw new Error(`corrupt PNG: bad CRC in ${type} chunk`);
    }
    chunks.push({ type, data: buf.subarray(pos + 8, pos + 8 + length) });
    pos += 12 + length;
  }
  const ihdr = chunks[0];
  if (ihdr?.type !== "IHDR" || ihdr.data.length !== 13) throw new Error("not a PNG: first chunk is not a 13-byte IHDR");
  const png = {
    width: ihdr.data.readUInt32BE(0),
    height: ihdr.data.readUInt32BE(4),
    bitDepth: ihdr.data[8] ?? 0,
    colorType: ihdr.data[9] ?? 0,
    interlaced: ihdr.data[12] === 1,
    chunks,
  };
  if (png.width === 0 || png.height === 0) throw new Error("not a PNG: zero width or height");
  return png;
}

/** Pixels of an 8-bit, non-interlaced RGB or RGBA PNG, as rows of bytes without their filter byte. */
function pngRows(png: Png): { channels: number; rows: Buffer[] } {
  const channels = { 2: 3, 6: 4 }[png.colorType];
  if (!channels || png.bitDepth !== 8 || png.interlaced) throw new Error("only 8-bit, non-interlaced RGB(A) is decoded");
  const data = inflateSync(Buffer.concat(png.chunks.filter((c) => c.type === "IDAT").map((c) => c.data)));
  const stride = png.width * channels;
  if (data.length !== png.height * (stride + 1)) throw new Error("corrupt PNG: image data has the wrong length");
  const rows: Buffer[] = [];
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < png.height; y++) {
    const filter = data[y * (stride + 1)];
    const row = Buffer.from(data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? row[i - channels]! : 0;
      const b = previous[i]!;
      const c = i >= channels ? previous[i - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter ?? -1];
      if (predictor === undefined) throw new Error(`corrupt PNG: unknown filter ${filter}`);
      row[i] = (row[i]! + predictor) & 0xff;
    }
    rows.push(row);
    previous = row;
  }
  return { channels, rows };
}

// ---------------------------------------------------------------------------------------------------------------
// ICO

/** The images an .ico's directory lists; each entry's data must lie inside the file and be a PNG or a DIB of that size. */
function readIcoEntries(buf: Buffer): { width: number; height: number }[] {
  if (buf.length < 6 || buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) throw new Error("not an icon: bad ICONDIR header");
  const count = buf.readUInt16LE(4);
  if (buf.length < 6 + 16 * count) throw new Error("truncated icon: directory runs past the end");
  return Array.from({ length: count }, (_, i) => {
    const entry = 6 + 16 * i;
    const width = buf[entry] || 256;
    const height = buf[entry + 1] || 256;
    const size = buf.readUInt32LE(entry + 8);
    const offset = buf.readUInt32LE(entry + 12);
    if (offset + size > buf.length) throw new Error(`truncated icon: image ${i} runs past the end`);
    const image = buf.subarray(offset, offset + size);
    const actual = image.subarray(0, 8).equals(PNG_SIGNATURE)
      ? readPng(image)
      : image.length >= 40 && image.readUInt32LE(0) === 40
        ? { width: image.readInt32LE(4), height: image.readInt32LE(8) / 2 } // a DIB's height counts the AND mask too
        : undefined;
    if (!actual) throw new Error(`corrupt icon: image ${i} is neither a PNG nor a DIB`);
    if (actual.width !== width || actual.height !== height) throw new Error(`corrupt icon: image ${i} is not ${width}x${height}`);
    return { width, height };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// XML

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

/**
 * A strict reader for the XML an SVG file needs: an optional declaration, comments, elements, attributes and
 * text with the predefined or numeric entities. No DOCTYPE, CDATA or processing instructions. Throws on
 * anything else, and on mismatched or unclosed tags, duplicate attributes or a second root.
 */
function parseXml(text: string): XmlElement {
  const NAME = /[A-Za-z_][\w.:-]*/y;
  const ENTITY = /&(?:lt|gt|amp|quot|apos|#\d+|#x[\da-fA-F]+);/y;
  let pos = text.startsWith("\ufeff") ? 1 : 0;
  const fail = (why: string): never => {
    throw new Error(`bad XML at ${pos}: ${why}`);
  };
  const match = (re: RegExp) => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m) pos = re.lastIndex;
    return m?.[0];
  };
  const skipSpace = () => void match(/\s*/y);
  const checkCharData = (s: string) => {
    for (let i = s.indexOf("&"); i >= 0; i = s.indexOf("&", i + 1)) {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(s)) fail("bare & in character data");
    }
  };
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (!text.startsWith("<!--", pos)) return;
      const end = text.indexOf("-->", pos + 4);
      if (end < 0) fail("unclosed comment");
      pos = end + 3;
    }
  };
  const element = (): XmlElement => {
    if (!match(/</y)) fail("expected an element");
    const name = match(NAME) ?? fail("expected an element name");
    const el: XmlElement = { name, attributes: {}, children: [] };
    for (;;) {
      const spaced = match(/\s+/y) !== undefined;
      if (match(/\/>/y)) return el;
      if (match(/>/y)) break;
      if (!spaced) fail("expected whitespace before an attribute");
      const attr = match(NAME) ?? fail("expected an attribute name");
      if (attr in el.attributes) fail(`duplicate attribute ${attr}`);
      if (match(/\s*=\s*/y) === undefined) fail(`expected = after ${attr}`);
      const value = match(/"[^"<]*"|'[^'<]*'/y) ?? fail(`expected a quoted value for ${attr}`);
      checkCharData(value);
      el.attributes[attr] = value.slice(1, -1);
    }
    for (;;) {
      const chars = match(/[^<]+/y);
      if (chars) checkCharData(chars);
      if (text.startsWith("<!--", pos)) {
        skipMisc();
      } else if (match(/<\//y)) {
        if (match(NAME) !== name) fail(`expected </${name}>`);
        skipSpace();
        if (!match(/>/y)) fail("expected >");
        return el;
      } else if (text.startsWith("<", pos) && !text.startsWith("<!", pos) && !text.startsWith("<?", pos)) {
        el.children.push(element());
      } else {
        fail(pos >= text.length ? `unclosed <${name}>` : "unsupported markup");
      }
    }
  };
  match(/<\?xml\s[^?]*\?>/y);
  skipMisc();
  const root = element();
  skipMisc();
  if (pos !== text.length) fail("content after the root element");
  return root;
}

// ---------------------------------------------------------------------------------------------------------------

/** A minimal valid PNG: a 3x2 RGB image whose rows are all filter 0 and zero bytes. */
function tinyPng(width = 3, height = 2): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const pixels = Buffer.alloc(height * (width * 3 + 1));
  return Buffer.concat([PNG_SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(pixels)), chunk("IEND", Buffer.alloc(0))]);
}

describe("format readers", () => {
  it("read a well-formed PNG's size from IHDR", () => {
    expect(readPng(tinyPng(3, 2))).toMatchObject({ width: 3, height: 2, colorType: 2 });
    expect(pngRows(readPng(tinyPng(3, 2))).rows).toEqual([Buffer.alloc(9), Buffer.alloc(9)]);
  });

  it("reject a truncated, corrupted or non-PNG buffer", () => {
    const png = tinyPng();
    expect(() => readPng(png.subarray(0, 20))).toThrow(/truncated/);
    expect(() => readPng(png.subarray(0, png.length - 12))).toThrow(/truncated/);
    const flipped = Buffer.from(png);
    flipped[18] = (flipped[18] ?? 0) ^ 1; // inside IHDR's width
    expect(() => readPng(flipped)).toThrow(/bad CRC/);
    expect(() => readPng(Buffer.from("GIF89a"))).toThrow(/signature/);
  });

  it("reject an icon whose directory or images do not add up", () => {
    const header = Buffer.from([0, 0, 1, 0, 1, 0]);
    expect(() => readIcoEntries(header)).toThrow(/directory runs past the end/);
    expect(() => readIcoEntries(Buffer.from([0, 0, 2, 0, 0, 0]))).toThrow(/ICONDIR/); // a cursor, not an icon
    const png = tinyPng(16, 16);
    const entry = Buffer.alloc(16);
    entry[0] = 32; // says 32x32, holds 16x16
    entry[1] = 32;
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(22, 12);
    expect(() => readIcoEntries(Buffer.concat([header, entry, png]))).toThrow(/not 32x32/);
    entry[0] = entry[1] = 16;
    expect(readIcoEntries(Buffer.concat([header, entry, png]))).toEqual([{ width: 16, height: 16 }]);
  });

  it("reject malformed XML", () => {
    expect(parseXml('<?xml version="1.0"?><!-- c --><a x="1"><b/>t &amp; u</a>\n')).toEqual({
      name: "a",
      attributes: { x: "1" },
      children: [{ name: "b", attributes: {}, children: [] }],
    });
    for (const bad of ["<a><b></a></b>", "<a>", "<a/><b/>", '<a x="1" x="2"/>', "<a x=1/>", "<a>&nbsp;</a>", "<a>x < y</a>", "text"]) {
      expect(() => parseXml(bad), bad).toThrow(/bad XML/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

interface ManifestIcon {
  src: string;
  sizes: string;
  type?: string;
  purpose?: string;
}

const manifest = JSON.parse(readFileSync(publicFile("/manifest.webmanifest"), "utf8")) as Record<string, unknown> & { icons: ManifestIcon[] };
const brand600 = /--color-brand-600:\s*(#[\da-f]{6})/i.exec(readFileSync(path.join(ROOT, "app/globals.css"), "utf8"))?.[1];

describe("web manifest", () => {
  it("names the app and describes it as the root layout does", () => {
    const description = /description:\s*"([^"]+)"/.exec(layoutSource)?.[1];
    expect(description).toBeTruthy();
    expect(manifest).toMatchObject({ name: "Envdeck", short_name: "Envdeck", description, start_url: "/", display: "standalone" });
  });

  it("has a light theme and background colour, the theme colour being the layout's light theme-color", () => {
    for (const key of ["theme_color", "background_color"]) {
      const hex = manifest[key];
      expect(hex, key).toMatch(/^#[\da-f]{6}$/i);
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(String(hex).slice(i, i + 2), 16));
      expect(0.2126 * r! + 0.7152 * g! + 0.0722 * b!, `${key} is light`).toBeGreaterThan(200);
    }
    expect(layoutSource).toContain(`media: "(prefers-color-scheme: light)", color: "${manifest.theme_color}"`);
  });

  it("lists a 192 and a 512 icon and a maskable 512 one", () => {
    const listed = manifest.icons.map((i) => `${i.sizes} ${i.purpose ?? "any"}`);
    expect(listed).toEqual(expect.arrayContaining(["192x192 any", "512x512 any", "512x512 maskable"]));
  });

  it.each(manifest.icons.map((icon) => [icon.src, icon] as const))("%s exists with the size and type it declares", (_, icon) => {
    expect(icon.src).toMatch(/^\//);
    expect(icon.type).toBe("image/png");
    const png = readPng(readFileSync(publicFile(icon.src)));
    expect(`${png.width}x${png.height}`).toBe(icon.sizes);
  });
});

describe("icons", () => {
  it("icon.svg is XML with a square viewBox, drawn in brand-600", () => {
    const text = readFileSync(publicFile("/icon.svg"), "utf8");
    const svg = parseXml(text);
    expect(svg.name).toBe("svg");
    expect(svg.attributes.xmlns).toBe("http://www.w3.org/2000/svg");
    const viewBox = svg.attributes.viewBox?.trim().split(/[\s,]+/).map(Number);
    expect(viewBox).toHaveLength(4);
    expect(viewBox?.every(Number.isFinite)).toBe(true);
    expect(viewBox?.[2]).toBeGreaterThan(0);
    expect(viewBox?.[2]).toBe(viewBox?.[3]);
    expect(brand600).toBeDefined();
    expect(text.toLowerCase()).toContain(`fill="${brand600?.toLowerCase()}"`);
  });

  it("favicon.ico holds 16, 32 and 48 px images", () => {
    const sizes = readIcoEntries(readFileSync(publicFile("/favicon.ico"))).map((e) => `${e.width}x${e.height}`);
    expect(sizes.sort()).toEqual(["16x16", "32x32", "48x48"]);
  });

  it("apple-touch-icon.png is 180 px with no alpha channel", () => {
    const png = readPng(readFileSync(publicFile("/apple-touch-icon.png")));
    expect(png).toMatchObject({ width: 180, height: 180 });
    expect([0, 2]).toContain(png.colorType);
    expect(png.chunks.some((c) => c.type === "tRNS")).toBe(false);
  });

  it("the maskable icon is opaque and draws nothing outside the central 80 % circle", () => {
    const png = readPng(readFileSync(publicFile("/icon-maskable-512.png")));
    expect(png.colorType).toBe(2);
    const { channels, rows } = pngRows(png);
    const background = rows[0]!.subarray(0, channels);
    expect(`#${background.toString("hex")}`).toBe(brand600?.toLowerCase());
    const centre = png.width / 2;
    const radius = 0.4 * png.width;
    let outside = 0;
    rows.forEach((row, y) => {
      for (let x = 0; x < png.width; x++) {
        if (Math.hypot(x + 0.5 - centre, y + 0.5 - centre) <= radius) continue;
        if (!row.subarray(x * channels, (x + 1) * channels).equals(background)) outside++;
      }
    });
    expect(outside).toBe(0);
  });
});

describe("root layout", () => {
  const referenced = [...layoutSource.matchAll(/"(\/[\w./-]+\.(?:ico|svg|png|webmanifest))"/g)].map((m) => m[1]!);

  it("links the favicon, the SVG icon, the touch icon and the manifest", () => {
    expect(referenced.sort()).toEqual(["/apple-touch-icon.png", "/favicon.ico", "/icon.svg", "/manifest.webmanifest"]);
    expect(layoutSource).toMatch(/manifest:\s*"\/manifest\.webmanifest"/);
  });

  it.each(referenced)("%s exists in public/", (url) => {
    expect(existsSync(publicFile(url))).toBe(true);
  });
});
