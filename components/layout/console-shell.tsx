"use client";

import Link, { useLinkStatus } from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { signOut } from "next-auth/react";
import { useEffect, useRef, useState, useTransition, type ReactNode } from "react";
import { visibleNavItems } from "./nav-items";
import { ThemeToggle } from "./theme-toggle";

/** Pages that offer super admins "All organisations"; the others always name one organisation in the URL. */
const ALL_ORGANISATION_PAGES = ["/", "/usage", "/budgets", "/alerts", "/prices", "/reports", "/orgs", "/audit"];

export interface ShellOrg {
  slug: string;
  name: string;
  role: "owner" | "admin" | "viewer" | null;
}

export function ConsoleShell({
  email,
  isSuperAdmin,
  orgs,
  children,
}: {
  email: string;
  isSuperAdmin: boolean;
  orgs: ShellOrg[];
  children: ReactNode;
}) {
  const pathname = usePathname();
  const search = useSearchParams();
  const router = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);
  // Pending while the switched organisation's page loads, so the Switch button shows it.
  const [switching, startSwitch] = useTransition();
  const menuButton = useRef<HTMLButtonElement>(null);
  const selectedSlug = search.get("org") ?? "";
  // The mobile menu closes on Escape and gives focus back to its button.
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [menuOpen]);
  // Pages that manage one organisation show the first one when none is chosen (as the page does).
  const allowsAll = ALL_ORGANISATION_PAGES.some((p) => (p === "/" ? pathname === "/" : pathname === p || pathname.startsWith(`${p}/`)));
  const selected = orgs.find((o) => o.slug === selectedSlug) ?? (isSuperAdmin && allowsAll ? null : orgs[0] ?? null);
  const items = visibleNavItems(isSuperAdmin, selected?.role ?? null);
  const orgQuery = selectedSlug ? `?org=${encodeURIComponent(selectedSlug)}` : "";

  function switchOrg(slug: string) {
    const params = new URLSearchParams(search.toString());
    if (slug) params.set("org", slug);
    else params.delete("org");
    // Ids in a detail page belong to the previous organisation; go back to the list.
    const base = pathname.split("/").slice(0, 2).join("/") || "/";
    const qs = params.toString();
    startSwitch(() => router.push(`${base}${qs ? `?${qs}` : ""}`));
  }

  const nav = (
    <nav aria-label="Main" className="flex flex-col gap-1">
      {items.map((item) => {
        const active = item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={`${item.href}${item.access === "super" ? "" : orgQuery}`}
            aria-current={active ? "page" : undefined}
            onClick={() => setMenuOpen(false)}
            className={`rounded-md px-3 py-2 text-sm font-medium ${active ? "bg-accent/15 text-accent" : "text-foreground hover:bg-surface-muted"}`}
          >
            {item.label}
            <PendingDot />
          </Link>
        );
      })}
    </nav>
  );

  return (
    <div className="min-h-screen lg:grid lg:grid-cols-[15rem_1fr]">
      <a href="#main" className="sr-only rounded-md bg-accent px-3 py-2 text-sm font-medium text-accent-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50">
        Skip to content
      </a>
      <aside className="hidden border-r border-border bg-surface lg:flex lg:flex-col lg:gap-6 lg:p-4">
        <Link href={`/${orgQuery}`} className="flex items-center gap-2 px-2 text-lg font-semibold">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          Spendline
        </Link>
        {nav}
      </aside>
      <div className="flex min-w-0 flex-col">
        <header className="flex flex-wrap items-center gap-3 border-b border-border bg-surface px-4 py-3">
          <button
            ref={menuButton}
            type="button"
            className="rounded-md border border-border px-2 py-1 text-sm lg:hidden"
            aria-expanded={menuOpen}
            aria-controls="mobile-nav"
            onClick={() => setMenuOpen((v) => !v)}
          >
            Menu
          </button>
          <span className="font-semibold lg:hidden">Spendline</span>
          {orgs.length > 0 && (isSuperAdmin || orgs.length > 1) ? (
            <OrgSwitcher
              key={`${pathname}:${selected?.slug ?? ""}`}
              orgs={orgs}
              selectedSlug={selected?.slug ?? ""}
              allowAll={isSuperAdmin && allowsAll}
              onSwitch={switchOrg}
              pending={switching}
            />
          ) : selected ? (
            <span className="text-sm text-muted">{selected.name}</span>
          ) : null}
          <div className="ml-auto flex items-center gap-2">
            <span className="hidden text-sm text-muted sm:inline" data-testid="signed-in-as">
              {email}
            </span>
            <ThemeToggle />
            <button
              type="button"
              onClick={() => signOut({ callbackUrl: "/login" })}
              className="rounded-md border border-border px-3 py-1 text-sm hover:bg-surface-muted"
            >
              Sign out
            </button>
          </div>
          {menuOpen ? (
            <div id="mobile-nav" className="order-last w-full lg:hidden">
              {nav}
            </div>
          ) : null}
        </header>
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 p-4 focus:outline-none sm:p-6">
          {children}
        </main>
      </div>
    </div>
  );
}

/**
 * On phones the switcher takes a row of its own under the menu button and the account buttons.
 * The organisation switcher changes the page only when confirmed (the Switch button or Enter), so
 * moving through the list with the keyboard does not navigate on every option.
 */
function OrgSwitcher({ orgs, selectedSlug, allowAll, onSwitch, pending }: { orgs: ShellOrg[]; selectedSlug: string; allowAll: boolean; onSwitch: (slug: string) => void; pending: boolean }) {
  const [choice, setChoice] = useState(selectedSlug);
  return (
    <form
      className="order-last flex w-full items-center gap-2 text-sm sm:order-none sm:w-auto"
      aria-label="Organisation switcher"
      onSubmit={(e) => {
        e.preventDefault();
        if (choice !== selectedSlug) onSwitch(choice);
      }}
    >
      <label htmlFor="org-switcher" className="text-muted">
        Organisation
      </label>
      <select id="org-switcher" value={choice} onChange={(e) => setChoice(e.target.value)} className="min-w-0 flex-1 rounded-md border border-border bg-surface px-2 py-1 text-sm sm:max-w-[14rem] sm:flex-none">
        {allowAll ? <option value="">All organisations</option> : null}
        {orgs.map((o) => (
          <option key={o.slug} value={o.slug}>
            {o.name}
          </option>
        ))}
      </select>
      <button type="submit" disabled={choice === selectedSlug || pending} className="rounded-md border border-border px-2 py-1 text-sm font-medium enabled:hover:bg-surface-muted disabled:opacity-50">
        {pending ? "Switching…" : "Switch"}
      </button>
    </form>
  );
}

/** Shown inside a navigation link while the page it opens is loading (pending state). */
function PendingDot() {
  const { pending } = useLinkStatus();
  return pending ? (
    <span role="status" aria-label="Loading" className="ml-2 inline-block h-2 w-2 animate-pulse rounded-full bg-accent align-middle" />
  ) : null;
}
