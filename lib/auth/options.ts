import "server-only";
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig } from "@/lib/config";
import { readSettings } from "@/lib/db/settings";
import type { Identity } from "@/lib/domain/identity";
import { profileFromClaims } from "@/lib/domain/oidc-claims";
import { SignInThrottledError, throttleErrorCode } from "@/lib/domain/sign-in-throttle";
import { upsertOidcUser, verifyLocalCredentials } from "@/lib/services/accounts/internal/sign-in";
import { fetchUserinfo } from "./oidc-userinfo";
import { currentOrigin, originOfHeaders } from "./request-origin";

/**
 * next-auth configuration. Sessions are encrypted JWT cookies holding only the user id, username, roles and
 * allow-listed claims: provider tokens are dropped at sign-in and never stored anywhere.
 */

export const SESSION_MAX_AGE = 12 * 60 * 60;

type SessionUser = User & { identity: Identity };

function oidcProvider(): NonNullable<NextAuthOptions["providers"]>[number] | null {
  const config = getConfig();
  const oidc = config.oidc;
  if (!oidc) return null;
  return {
    id: "oidc",
    name: oidc.displayName,
    type: "oauth",
    wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    authorization: { params: { scope: oidc.scopes } },
    checks: ["pkce", "state"],
    // The ID token is verified (signature, issuer, audience, expiry) by openid-client.
    idToken: true,
    async profile(idTokenClaims: Record<string, unknown>, tokens) {
      // Providers differ in which claims they put in the ID token and which only in userinfo (groups in
      // particular), so the profile is the union of both, userinfo winning except for the subject.
      const userinfo = tokens.access_token ? await fetchUserinfo(oidc.issuer, tokens.access_token) : {};
      // OpenID Connect Core 5.3.2: userinfo for another subject must not be used.
      if (userinfo.sub !== undefined && userinfo.sub !== idTokenClaims.sub) throw new Error("userinfo subject does not match the ID token");
      const claims = { ...idTokenClaims, ...userinfo };
      // The allow-list is a setting admins change at run time: read at each sign-in.
      const { exposedClaims } = await readSettings();
      const profile = profileFromClaims(claims, oidc.claims, config.roleGroups, exposedClaims);
      const identity = await upsertOidcUser(profile, await currentOrigin());
      const user: SessionUser = { id: identity.userId, identity: { ...identity, claims: profile.claims } };
      return user;
    },
  };
}

export function authOptions(): NextAuthOptions {
  const config = getConfig();
  const providers: NextAuthOptions["providers"] = [];
  if (config.localAccounts) {
    providers.push(
      CredentialsProvider({
        id: "credentials",
        name: "Local account",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          let identity: Identity | null;
          try {
            identity = await verifyLocalCredentials(credentials, originOfHeaders(request?.headers ?? {}));
          } catch (error) {
            // next-auth hands a thrown error's message to the sign-in form as its error code.
            if (error instanceof SignInThrottledError) throw new Error(throttleErrorCode(error.retryAfterSeconds));
            throw error;
          }
          if (!identity) return null;
          const user: SessionUser = { id: identity.userId, identity };
          return user;
        },
      }),
    );
  }
  const oidc = oidcProvider();
  if (oidc) providers.push(oidc);

  return {
    secret: config.authSecret,
    providers,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      jwt({ token, user }) {
        // Runs with `user` only at sign-in; afterwards the token is carried as is. Nothing from `account`
        // (access, refresh and ID tokens) is copied, so provider tokens never leave this callback.
        if (user && "identity" in user) {
          const identity = (user as SessionUser).identity;
          return {
            sub: identity.userId,
            name: identity.displayName,
            email: identity.email,
            username: identity.username,
            claims: identity.claims,
          };
        }
        return token;
      },
      session({ session, token }) {
        return {
          expires: session.expires,
          user: { name: token.name, email: token.email },
          userId: token.sub,
          claims: (token.claims ?? {}) as Identity["claims"],
        };
      },
    },
  };
}

/** What the sign-in page offers: local accounts, an OpenID Provider, or both. */
export function signInMethods(): { local: boolean; oidc: { id: string; name: string } | null } {
  const config = getConfig();
  return { local: config.localAccounts, oidc: config.oidc ? { id: "oidc", name: config.oidc.displayName } : null };
}
