/** Placeholder shown while a slow widget streams in; announced once to screen readers. */
export function Skeleton({ className = "", label = "Loading" }: { className?: string; label?: string }) {
  return (
    <div role="status" aria-label={label} className={`animate-pulse rounded-md bg-surface-muted ${className}`}>
      <span className="sr-only">{label}…</span>
    </div>
  );
}

export function CardSkeleton({ height = "h-64", label }: { height?: string; label?: string }) {
  return (
    <section className="min-w-0 rounded-lg border border-border bg-surface p-4 shadow-sm">
      <div className="mb-3 h-4 w-32 rounded bg-surface-muted" />
      <Skeleton className={`w-full ${height}`} label={label} />
    </section>
  );
}
