import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db";
import { deriveKey } from "@/lib/secrets";
import { authenticate } from "./sign-in";

declare module "next-auth" {
  interface Session {
    userId: string;
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
    providers: [
      CredentialsProvider({
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) return null;
          const result = await authenticate(await getDb(), credentials);
          if (result.ok) {
            return { id: result.user.id, email: result.user.email, name: result.user.name };
          }
          // next-auth hands this message to the client as `error`; the sign-in form localizes it.
          throw new Error(result.reason === "throttled" ? "throttled" : "invalidCredentials");
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        return { ...session, userId: token.sub ?? "" };
      },
    },
  };
  return options;
}
