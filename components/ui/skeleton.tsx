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

/** Rows of a table or list that is still loading. */
export function RowsSkeleton({ rows = 5, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-label={label} className="space-y-3">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="h-9 w-full animate-pulse rounded-md bg-surface-muted" />
      ))}
      <span className="sr-only">{label}…</span>
    </div>
  );
}

/**
 * The body of a console page while its data loads: a main column of cards and, with `aside`, the
 * narrow column of forms beside it (stacked on phones), in the pages' own grid.
 */
export function PageBodySkeleton({ aside = false, label = "Loading" }: { aside?: boolean; label?: string }) {
  return (
    <div className={`grid grid-cols-1 gap-6 ${aside ? "lg:grid-cols-[minmax(0,1fr)_20rem]" : ""}`}>
      <section className="min-w-0 rounded-lg border border-border bg-surface p-4 shadow-sm">
        <div className="mb-4 h-4 w-32 rounded bg-surface-muted" />
        <RowsSkeleton label={label} />
      </section>
      {aside ? (
        <section aria-hidden="true" className="min-w-0 rounded-lg border border-border bg-surface p-4 shadow-sm">
          <div className="mb-4 h-4 w-28 rounded bg-surface-muted" />
          <div className="space-y-4">
            {[0, 1, 2].map((i) => (
              <div key={i} className="space-y-1">
                <div className="h-3 w-20 rounded bg-surface-muted" />
                <div className="h-9 w-full rounded-md bg-surface-muted" />
              </div>
            ))}
          </div>
        </section>
      ) : null}
    </div>
  );
}
