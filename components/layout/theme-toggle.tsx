"use client";

import { useSyncExternalStore } from "react";

function subscribe(onChange: () => void) {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
}

const isDark = () => document.documentElement.classList.contains("dark");

export function ThemeToggle() {
  const dark = useSyncExternalStore(subscribe, isDark, () => false);

  function toggle() {
    const next = !isDark();
    document.documentElement.classList.toggle("dark", next);
    localStorage.setItem("theme", next ? "dark" : "light");
  }

  return (
    <button type="button" onClick={toggle} aria-pressed={dark} className="rounded-md border border-border px-3 py-1 text-sm hover:bg-surface-muted">
      {/* "Light" / "Dark" on phones, where the header row is short; the name stays "… mode". */}
      {dark ? "Light" : "Dark"}
      <span className="sr-only sm:not-sr-only"> mode</span>
    </button>
  );
}
