import pkg from "../package.json" with { type: "json" };

/** The running portal's version, as released in package.json. */
export const appVersion: string = pkg.version;
