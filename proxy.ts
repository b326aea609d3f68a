// Optimistic redirect only: pages without a session cookie go to /login. Real checks happen in
// the data layer (lib/server/session.ts) on every request. Every response that passes here also
// carries the browser-hardening headers (SPEC §6), redirects included.
import { NextResponse, type NextRequest } from "next/server";
import { SECURITY_HEADERS } from "@/lib/security-headers.mjs";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
// Pages that work without a session.
const PUBLIC = [/^\/login(\/|$)/, /^\/invite\//];

function harden(res: NextResponse): NextResponse {
  for (const { key, value } of SECURITY_HEADERS) res.headers.set(key, value);
  return res;
}

export function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  const hasSession = SESSION_COOKIES.some((name) => req.cookies.has(name));
  if (!hasSession && !PUBLIC.some((p) => p.test(path))) {
    const url = req.nextUrl.clone();
    url.pathname = "/login";
    url.search = "";
    return harden(NextResponse.redirect(url));
  }
  return harden(NextResponse.next());
}

export const config = {
  // The public API and static assets get the same headers from next.config.mjs without a proxy hop.
  matcher: ["/((?!api|_next/static|_next/image|favicon.svg|robots.txt).*)"],
};
