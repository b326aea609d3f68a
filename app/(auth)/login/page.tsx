import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { currentActor } from "@/lib/server/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string }> }) {
  const { error, callbackUrl } = await searchParams;
  const actor = await currentActor();
  if (actor && actor !== "disabled") redirect("/");
  const initialError =
    error === "disabled" || error === "AccountDisabled" || actor === "disabled"
      ? "This account is disabled. Ask an administrator to enable it again."
      : error
        ? "Wrong email or password."
        : undefined;
  const safeCallback = callbackUrl && callbackUrl.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg border border-border bg-surface p-6 shadow-sm">
        <div className="mb-6 flex items-center gap-2">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <h1 className="text-xl font-semibold">Sign in to Spendline</h1>
        </div>
        <LoginForm initialError={initialError} callbackUrl={safeCallback} />
      </div>
    </main>
  );
}
