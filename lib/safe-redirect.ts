// Where to go after sign-in (SPEC §6): only paths of this origin. Anything else — another host,
// a scheme, a protocol-relative `//host`, `/\host` (browsers read `\` as `/`), control characters,
// encoded tricks that decode to one of those — lands on "/".
const BASE = "http://spendline.invalid";

export function safeCallbackPath(raw: string | string[] | null | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  // Browsers drop tabs and newlines inside URLs and treat backslashes as slashes.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A path that still begins with two slashes after normalisation would leave the origin.
  return path.startsWith("//") ? "/" : path;
}

/** next-auth's redirect callback: same-origin URLs only, else the console's home. */
export function sameOriginRedirect(url: string, baseUrl: string): string {
  if (url.startsWith("/")) return `${baseUrl}${safeCallbackPath(url)}`;
  try {
    const target = new URL(url);
    if (target.origin === new URL(baseUrl).origin) return `${baseUrl}${safeCallbackPath(`${target.pathname}${target.search}${target.hash}`)}`;
  } catch {
    // not a URL: fall through
  }
  return baseUrl;
}
