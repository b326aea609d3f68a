// next-auth configuration: email + password (bcrypt) sign-in, JWT sessions signed with the
// shared auth secret. The session only names the account; roles are loaded on every request.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getAuthSecret } from "./app-settings";
import { verifyCredentials } from "./accounts";

export const DISABLED_ERROR = "AccountDisabled";
export const INVALID_ERROR = "InvalidCredentials";

let cached: Promise<NextAuthOptions> | null = null;

export function getAuthOptions(): Promise<NextAuthOptions> {
  cached ??= buildAuthOptions().catch((err) => {
    cached = null;
    throw err;
  });
  return cached;
}

async function buildAuthOptions(): Promise<NextAuthOptions> {
  return {
    secret: await getAuthSecret(),
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const result = await verifyCredentials(credentials?.email ?? "", credentials?.password ?? "");
          if (!result.ok) throw new Error(result.reason === "disabled" ? DISABLED_ERROR : INVALID_ERROR);
          return { id: result.account.id, email: result.account.email, name: result.account.name };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      async session({ session, token }) {
        return { ...session, accountId: token.sub };
      },
    },
  };
}
