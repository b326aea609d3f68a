import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { signInErrorMessage } from "@/lib/sign-in-messages";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { currentActor } from "@/lib/server/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string; notice?: string }> }) {
  const { error, callbackUrl, notice } = await searchParams;
  const actor = await currentActor();
  // Only same-origin paths are followed after sign-in (SPEC §6).
  const safeCallback = safeCallbackPath(callbackUrl);
  if (actor && actor !== "disabled") redirect(safeCallback);
  const initialError = actor === "disabled" ? signInErrorMessage("AccountDisabled") : error ? signInErrorMessage(error === "disabled" ? "AccountDisabled" : error) : undefined;
  const initialNotice = notice === "password-set" ? "Your account is ready. Sign in with your new password." : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg border border-border bg-surface p-6 shadow-sm">
        <div className="mb-6 flex items-center gap-2">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <h1 className="text-xl font-semibold">Sign in to Spendline</h1>
        </div>
        <LoginForm initialError={initialError} initialNotice={initialNotice} callbackUrl={safeCallback} />
      </div>
    </main>
  );
}
