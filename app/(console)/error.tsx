"use client";

import Link from "next/link";
import { useEffect } from "react";
import { buttonClass } from "@/components/ui/button";

/** A console page failed on the server: say so plainly, offer a retry, keep the navigation. */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="mx-auto max-w-xl rounded-lg border border-danger/40 bg-surface p-6 shadow-sm">
      <h1 className="text-lg font-semibold">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-muted">
        Something went wrong on the server{error.digest ? ` (reference ${error.digest})` : ""}. The data is safe; try again, or go back to the overview.
      </p>
      <div className="mt-4 flex gap-2">
        <button type="button" onClick={reset} className={buttonClass("primary", "sm")}>
          Try again
        </button>
        <Link href="/" className={buttonClass("secondary", "sm")}>
          Overview
        </Link>
      </div>
    </div>
  );
}
