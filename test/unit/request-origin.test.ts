import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanUserAgent, MAX_USER_AGENT, normaliseAddress, requestOrigin, sourceAddress, throttleKeyOf } from "@/lib/domain/request-origin";

describe("sourceAddress", () => {
  it.each([
    ["203.0.113.9", 1, "203.0.113.9"],
    // An ingress appended the address it saw; what the client wrote before it is ignored.
    ["10.0.0.1, 198.51.100.7", 1, "198.51.100.7"],
    ["1.1.1.1, 198.51.100.7, 10.1.2.3", 2, "198.51.100.7"],
    // Fewer entries than proxies: the first is the best there is.
    ["198.51.100.7", 3, "198.51.100.7"],
    ["::ffff:127.0.0.1", 1, "127.0.0.1"],
    ["2001:DB8::1", 1, "2001:db8::1"],
    ["[2001:db8::1]:443", 1, "2001:db8::1"],
    ["203.0.113.9:51234", 1, "203.0.113.9"],
    ["  203.0.113.9  ", 1, "203.0.113.9"],
  ])("%j with %d hop(s) → %j", (header, hops, expected) => {
    expect(sourceAddress(header, hops)).toBe(expected);
  });

  it.each([
    [null, 1],
    ["", 1],
    [" , ,", 1],
    ["203.0.113.9", 0],
    ["unknown", 1],
    ["=HYPERLINK(\"http://evil.example\")", 1],
    ["'; DROP TABLE audit_events; --", 1],
    ["999.1.1.1", 1],
    ["127.0.0.1\u0000", 1],
    ["２０３.０.１１３.９", 1],
    ["1.2.3.4".repeat(100), 1],
  ])("%j with %d hop(s) is no address", (header, hops) => {
    expect(sourceAddress(header, hops)).toBeNull();
  });

  it("never returns anything but a valid, short address", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 0, max: 5 }), (header, hops) => {
        const address = sourceAddress(header, hops);
        if (address !== null) expect(normaliseAddress(address)).toBe(address);
        expect((address ?? "").length).toBeLessThanOrEqual(45);
      }),
    );
  });
});

describe("cleanUserAgent", () => {
  it("keeps a browser's user agent as it is", () => {
    const ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36";
    expect(cleanUserAgent(ua)).toBe(ua);
  });

  it("removes line breaks, control and bidirectional characters, and cuts long ones", () => {
    expect(cleanUserAgent("curl/8.5\r\nX-Admin: yes\u0000\u202e")).toBe("curl/8.5X-Admin: yes");
    expect(cleanUserAgent("x".repeat(2000))).toHaveLength(MAX_USER_AGENT);
    expect(cleanUserAgent("Zugriff 🚀 über ünïcode")).toBe("Zugriff 🚀 über ünïcode");
    expect(cleanUserAgent("  \u0007 ")).toBeNull();
    expect(cleanUserAgent(undefined)).toBeNull();
  });
});

describe("requestOrigin", () => {
  it("reads both from the headers", () => {
    const headers = new Headers({ "x-forwarded-for": "198.51.100.7", "user-agent": "envdeck-script/1.0" });
    expect(requestOrigin((name) => headers.get(name), 1)).toEqual({ address: "198.51.100.7", userAgent: "envdeck-script/1.0" });
    expect(requestOrigin(() => null, 1)).toEqual({ address: null, userAgent: null });
  });
});

describe("throttleKeyOf", () => {
  it("keeps IPv4 addresses and groups IPv6 ones by their /64 network", () => {
    expect(throttleKeyOf("198.51.100.7")).toBe("198.51.100.7");
    expect(throttleKeyOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(throttleKeyOf("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(throttleKeyOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttleKeyOf("::1")).toBe("0:0:0:0::/64");
    expect(throttleKeyOf(null)).toBeNull();
  });
});
