import { describe, expect, it } from "vitest";
import { scriptedLaunchTemplate } from "@/lib/api/front";

const token = { authorization: "Bearer edk_x" };

describe("scriptedLaunchTemplate", () => {
  it("takes a GET of /api/run/{name} with an Authorization header, the name decoded", () => {
    expect(scriptedLaunchTemplate("GET", "/api/run/shell", token)).toBe("shell");
    expect(scriptedLaunchTemplate("GET", "/api/run/shell?cpus=2&shell=%2Fbin%2Fzsh", token)).toBe("shell");
    expect(scriptedLaunchTemplate("GET", "/api/run/%C3%A9l%C3%A8ve", token)).toBe("élève");
    expect(scriptedLaunchTemplate("GET", "/api/run/a%2Fb", token)).toBe("a/b");
    // Any Authorization header: the route answers a malformed one with 401, as it does behind Next.js.
    expect(scriptedLaunchTemplate("GET", "/api/run/shell", { authorization: "" })).toBe("shell");
  });

  it("leaves everything else to Next.js", () => {
    const cases: [string | undefined, string | undefined, Record<string, string>][] = [
      ["GET", "/api/run/shell", {}],
      ["GET", "/api/run/shell", { cookie: "next-auth.session-token=x" }],
      ["POST", "/api/run/shell", token],
      ["HEAD", "/api/run/shell", token],
      ["get", "/api/run/shell", token],
      [undefined, "/api/run/shell", token],
      ["GET", undefined, token],
      ["GET", "", token],
      ["GET", "/api/run/shell/", token],
      ["GET", "/api/run/shell/extend", token],
      ["GET", "/api/run/", token],
      ["GET", "/api/run", token],
      ["GET", "/api/runs/shell", token],
      ["GET", "//api/run/shell", token],
      ["GET", "/x/api/run/shell", token],
      ["GET", "http://evil.example/api/run/shell", token],
      ["GET", "/api/run/%E0%A4%A", token],
      ["GET", "/api/run/%", token],
      ["GET", "/API/RUN/shell", token],
    ];
    for (const [method, url, headers] of cases) expect(scriptedLaunchTemplate(method, url, headers), `${method} ${url}`).toBeNull();
  });
});
