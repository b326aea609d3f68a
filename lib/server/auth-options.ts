// next-auth configuration: email + password (bcrypt) sign-in, JWT sessions signed with the
// shared auth secret. The JWT names the account and its session row (auth_sessions); roles and
// the session's state are loaded from the database on every request (session.ts).
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { sameOriginRedirect } from "@/lib/safe-redirect";
import { getAuthSecret } from "./app-settings";
import { verifyCredentials } from "./accounts";
import { clientIp } from "./audit";
import { endAuthSession, SESSION_MAX_AGE_SECONDS } from "./auth-sessions";

export const DISABLED_ERROR = "AccountDisabled";
export const INVALID_ERROR = "InvalidCredentials";
export const LOCKED_ERROR = "AccountLocked";

const cached = new Map<boolean, Promise<NextAuthOptions>>();

/**
 * Whether this request reached the console over https (directly, through NEXTAUTH_URL, or as a
 * proxy in front says with X-Forwarded-Proto): then session cookies are `Secure` (and named
 * `__Secure-…`, which browsers accept only over https).
 */
export function servedOverHttps(headers: { get(name: string): string | null }, requestUrl?: string): boolean {
  if (process.env.NEXTAUTH_URL?.startsWith("https://")) return true;
  if (requestUrl?.startsWith("https://")) return true;
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

export function getAuthOptions(secure = false): Promise<NextAuthOptions> {
  let options = cached.get(secure);
  if (!options) {
    options = buildAuthOptions(secure).catch((err) => {
      cached.delete(secure);
      throw err;
    });
    cached.set(secure, options);
  }
  return options;
}

async function buildAuthOptions(secure: boolean): Promise<NextAuthOptions> {
  return {
    secret: await getAuthSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    // Cookies are HttpOnly and SameSite=Lax (next-auth's defaults), and Secure over https.
    useSecureCookies: secure,
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const ip = clientIp((req?.headers ?? {}) as Record<string, string>);
          const result = await verifyCredentials(credentials?.email ?? "", credentials?.password ?? "", { ip });
          if (!result.ok) throw new Error(result.reason === "disabled" ? DISABLED_ERROR : result.reason === "locked" ? LOCKED_ERROR : INVALID_ERROR);
          return { id: result.account.id, email: result.account.email, name: result.account.name, sessionId: result.sessionId };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sid = (user as { sessionId?: string }).sessionId;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, accountId: token.sub, sessionId: token.sid };
      },
      async redirect({ url, baseUrl }) {
        return sameOriginRedirect(url, baseUrl);
      },
    },
    events: {
      async signOut({ token }) {
        await endAuthSession((token as { sid?: string } | null)?.sid);
      },
    },
  };
}
