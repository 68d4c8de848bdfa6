/**
 * A module resolution hook for the web server (scripts/web.ts). Its own modules import `server-only`, which
 * throws unless resolved with the `react-server` condition; that condition cannot be given to the whole
 * process, because Next.js would then load React's server builds for the pages it renders. So only this
 * marker package is resolved with it.
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier !== "server-only") return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, "react-server"] });
}
