import "server-only";
import { headers } from "next/headers";
import { getConfig } from "@/lib/config";
import { requestOrigin, type RequestOrigin } from "@/lib/domain/request-origin";

/** Where a request came from, read from its headers as configured (ENVDECK_PROXY_HOPS). */
export function originOfHeaders(source: Headers | Record<string, string | string[] | undefined>): RequestOrigin {
  const get =
    source instanceof Headers
      ? (name: string) => source.get(name)
      : (name: string) => {
          const value = source[name];
          return Array.isArray(value) ? value.join(", ") : value;
        };
  return requestOrigin(get, getConfig().proxyHops);
}

/** Where the request being handled came from: for pages, server actions and next-auth's callbacks. */
export async function currentOrigin(): Promise<RequestOrigin> {
  return originOfHeaders(await headers());
}
