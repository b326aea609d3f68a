import Link from "next/link";

/** A small segmented control of links (e.g. 30 / 90 days), keyboard-reachable and marked current. */
export function SegmentLinks({ label, items }: { label: string; items: { href: string; label: string; current: boolean }[] }) {
  return (
    <nav aria-label={label} className="inline-flex rounded-md border border-border p-0.5 text-xs">
      {items.map((i) => (
        <Link
          key={i.href}
          href={i.href}
          scroll={false}
          aria-current={i.current ? "true" : undefined}
          className={`rounded px-2 py-1 font-medium ${i.current ? "bg-accent text-accent-foreground" : "text-muted hover:text-foreground"}`}
        >
          {i.label}
        </Link>
      ))}
    </nav>
  );
}
