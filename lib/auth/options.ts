import type { AuthOptions } from "next-auth";
import AzureADProvider from "next-auth/providers/azure-ad";
import CredentialsProvider from "next-auth/providers/credentials";
import GoogleProvider from "next-auth/providers/google";
import type { OAuthConfig, Provider } from "next-auth/providers/index";
import { cookies, headers } from "next/headers";
import { getDb } from "@/db";
import { configuredRegistrations, type Env, type OAuthProviderId } from "@/lib/oauth/providers";
import { deriveKey } from "@/lib/secrets";
import { clientAddress, trustedProxyHops } from "./client-address";
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECONDS, deviceCookieValue } from "./device";
import { endSession, openSession } from "./sessions";
import type { SignInMethod } from "./sign-in-policy";
import { authenticate, normalizeEmail, type SignInResult } from "./sign-in";
import { linkSignIn, type ProviderProfile, userOfIdentity } from "./sso";
import { secondsUntil } from "./throttle-policy";

declare module "next-auth" {
  interface Session {
    userId: string;
    /** The row in `sessions` the cookie stands for; absent in cookies issued before sessions could end. */
    sessionId?: string;
    signInMethod: SignInMethod;
  }
  interface User {
    /** Set by the credentials provider: the sign-in gave a second factor. */
    twoFactor?: boolean;
  }
}

/** A session ends this long after sign-in, whatever the user does. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

let options: AuthOptions | undefined;

/** Built on first use, not at import, so that `next build` reads no keys. */
export function authOptions(): AuthOptions {
  options ??= {
    secret: process.env.NEXTAUTH_SECRET ?? deriveKey("nextauth"),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 0 },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    // next-auth's own pages are English only: errors come back to ours, localized by the proxy.
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        // `code`: the second factor (an authenticator's code or a recovery code), for accounts with
        // two-step verification; the form asks for it after the first answer `twoFactorRequired`.
        credentials: { email: { type: "email" }, password: { type: "password" }, code: { type: "text" } },
        async authorize(credentials, request) {
          if (!credentials?.email || !credentials.password) return null;
          const cookieStore = await cookies();
          const forwardedFor = request.headers?.["x-forwarded-for"] as string | undefined;
          const result = await authenticate(await getDb(), {
            ...credentials,
            client: {
              address: clientAddress(forwardedFor, trustedProxyHops(process.env)),
              deviceCookie: cookieStore.get(DEVICE_COOKIE)?.value,
            },
          });
          if (result.ok) {
            // This browser is now a known device for the account (lib/auth/device.ts).
            cookieStore.set(DEVICE_COOKIE, deviceCookieValue(result.deviceId, normalizeEmail(credentials.email)), {
              httpOnly: true,
              sameSite: "lax",
              secure: process.env.NEXTAUTH_URL?.startsWith("https://") ?? false,
              path: "/",
              maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
            });
            return { id: result.user.id, email: result.user.email, name: result.user.name, twoFactor: result.twoFactor };
          }
          // next-auth hands this message to the client as `error`; the sign-in form localizes it,
          // with the seconds to wait after the colon.
          throw new Error(signInError(result));
        },
      }),
      ...signInProviders(process.env),
    ],
    callbacks: {
      async signIn({ account, profile }) {
        if (!account || account.type === "credentials") return true;
        const linked = await linkSignIn(await getDb(), account.provider as OAuthProviderId, profile as ProviderProfile, new Date());
        if (linked.type === "ok") return true;
        // The sign-in page (localized by the proxy) says why; next-auth's own error page would not.
        return `/sign-in?error=${linked.type === "unverified" ? "ssoUnverified" : "ssoNoAccount"}`;
      },
      async jwt({ token, user, account }) {
        if (!account || !user) return token;
        const db = await getDb();
        // Every sign-in, with a password or a provider, opens a session the server can end.
        // Provider sign-ins are not marked two-factor: the provider's own checks stand behind them
        // (lib/auth/sign-in-policy.ts says how a company's two-step rule treats them).
        const open = async (userId: string, twoFactor = false) =>
          openSession(db, {
            userId,
            twoFactor,
            userAgent: (await headers()).get("user-agent"),
            now: new Date(),
            maxAgeMs: SESSION_MAX_AGE_SECONDS * 1000,
          });
        if (account.type === "credentials") {
          return { ...token, sub: user.id, method: "password", sid: await open(user.id, user.twoFactor ?? false) };
        }
        // `signIn` above has just linked this provider account to its user.
        const provider = account.provider as OAuthProviderId;
        const linked = await userOfIdentity(db, provider, account.providerAccountId);
        if (!linked) throw new Error(`No user is linked to this ${provider} account`);
        return { ...token, sub: linked.id, email: linked.email, name: linked.name, method: provider, sid: await open(linked.id) };
      },
      session({ session, token }) {
        return {
          ...session,
          userId: token.sub ?? "",
          ...(typeof token.sid === "string" ? { sessionId: token.sid } : {}),
          signInMethod: (token.method as SignInMethod | undefined) ?? "password",
        };
      },
    },
    events: {
      // Signing out ends the session at once: a copy of the cookie is worth nothing afterwards.
      async signOut({ token }) {
        if (typeof token?.sid === "string") await endSession(await getDb(), token.sid);
      },
    },
  };
  return options;
}

/** The `error` the sign-in form receives for a refused sign-in (sign-in-form.tsx reads it). */
function signInError(result: Exclude<SignInResult, { ok: true }>): string {
  switch (result.reason) {
    case "throttled":
      return `throttled:${secondsUntil(result.retryAt, new Date())}`;
    case "codeRequired":
      return "twoFactorRequired";
    case "invalidCode":
      return "invalidTwoFactorCode";
    case "invalid":
      return "invalidCredentials";
  }
}

/**
 * next-auth's providers for staff sign-in, one per provider configured for mailboxes: the same
 * client at Google, Microsoft or the OpenID Connect provider, asking only who the user is. Each
 * returns to `/api/auth/callback/<id>`, which the client's registration must list (README).
 */
function signInProviders(env: Env): Provider[] {
  return configuredRegistrations(env).map(({ provider, clientId, clientSecret }) => {
    const common = { clientId, clientSecret: clientSecret ?? "", profile: profileOf };
    switch (provider.id) {
      case "google":
        return GoogleProvider(common);
      case "microsoft":
        return AzureADProvider({ ...common, id: "microsoft", name: provider.name, tenantId: provider.tenant });
      case "oidc":
        return {
          ...common,
          id: "oidc",
          name: provider.name,
          type: "oauth",
          wellKnown: `${provider.issuer}/.well-known/openid-configuration`,
          authorization: { params: { scope: "openid email profile" } },
          client: { token_endpoint_auth_method: provider.clientAuthentication },
          idToken: true,
          checks: ["pkce", "state"],
        } satisfies OAuthConfig<ProviderProfile & { name?: string }>;
    }
  });
}

/** Who signed in, as next-auth hands it on; without a network request (Azure AD's default fetches a photo). */
function profileOf(profile: ProviderProfile & { name?: string }) {
  const email = typeof profile.email === "string" ? profile.email : null;
  return { id: profile.sub, email, name: profile.name ?? email };
}
