import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/** Keyset pagination: first / previous / next links built by the server, and the page size. */
export function DataTablePagination({
  firstHref,
  previousHref,
  nextHref,
  pageSize,
  pageSizes,
  pageSizeHref,
  shown,
}: {
  firstHref: string | null;
  previousHref: string | null;
  nextHref: string | null;
  pageSize: number;
  pageSizes: readonly number[];
  pageSizeHref: (size: number) => string;
  shown: number;
}) {
  const disabled = `${buttonClass("secondary", "sm")} pointer-events-none opacity-50`;
  return (
    <nav aria-label="Pagination" className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm">
      <div className="flex items-center gap-2 text-muted">
        <span>{shown.toLocaleString("en-US")} rows on this page · per page:</span>
        {pageSizes.map((s) =>
          s === pageSize ? (
            <span key={s} aria-current="true" className="font-semibold text-foreground">
              {s}
            </span>
          ) : (
            <Link key={s} href={pageSizeHref(s)} className="text-accent hover:underline">
              {s}
            </Link>
          ),
        )}
      </div>
      <div className="flex gap-2">
        {firstHref ? (
          <Link href={firstHref} className={buttonClass("ghost", "sm")}>
            First
          </Link>
        ) : null}
        {previousHref ? (
          <Link href={previousHref} className={buttonClass("secondary", "sm")} rel="prev">
            ← Previous
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            ← Previous
          </span>
        )}
        {nextHref ? (
          <Link href={nextHref} className={buttonClass("secondary", "sm")} rel="next">
            Next →
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            Next →
          </span>
        )}
      </div>
    </nav>
  );
}
