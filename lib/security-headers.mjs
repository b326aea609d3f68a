// Browser hardening (SPEC §6): sent with every response, by next.config.mjs for every path and by
// proxy.ts for console responses it answers itself (redirects to /login). Plain JavaScript so that
// next.config.mjs can import it.
const dev = process.env.NODE_ENV !== "production";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // Next.js inlines its bootstrap scripts; development also evaluates code.
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws: wss:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** @type {{ key: string; value: string }[]} */
export const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];
