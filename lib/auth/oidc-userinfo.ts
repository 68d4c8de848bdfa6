import "server-only";

/** Discovery documents by issuer; they change rarely, so they are fetched once per process. */
const discovery = new Map<string, Promise<{ userinfo_endpoint?: string }>>();

function discover(issuer: string) {
  let document = discovery.get(issuer);
  if (!document) {
    document = fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) }).then((r) => {
      if (!r.ok) throw new Error(`discovery failed with HTTP ${r.status}`);
      return r.json() as Promise<{ userinfo_endpoint?: string }>;
    });
    document.catch(() => discovery.delete(issuer));
    discovery.set(issuer, document);
  }
  return document;
}

/**
 * The userinfo claims for an access token, or {} when the provider has no userinfo endpoint. The token is
 * used for this one call and dropped.
 */
export async function fetchUserinfo(issuer: string, accessToken: string): Promise<Record<string, unknown>> {
  const { userinfo_endpoint: endpoint } = await discover(issuer);
  if (!endpoint) return {};
  const response = await fetch(endpoint, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`userinfo request failed with HTTP ${response.status}`);
  const body: unknown = await response.json();
  return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
