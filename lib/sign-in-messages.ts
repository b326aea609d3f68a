/** The sign-in page's message for a next-auth error code (shared by the page and its form). */
export function signInErrorMessage(code: string | undefined): string {
  if (code === "AccountDisabled") return "This account is disabled. Ask an administrator to enable it again.";
  if (code === "AccountLocked") return "Too many failed sign-ins: this account is locked for 15 minutes. Try again later.";
  return "Wrong email or password.";
}
