import Link from "next/link";
import { Money } from "@/components/ui/money";

export interface TopOrganisationView {
  slug: string;
  name: string;
  costUsd: string;
  requests: number;
}

export interface TopUserView {
  orgSlug: string;
  userExternalId: string;
  email: string | null;
  name: string | null;
  costUsd: string;
  requests: number;
}

const th = "py-2 pr-3 font-medium";

export function TopOrganisationsTable({ rows, hrefFor }: { rows: TopOrganisationView[]; hrefFor: (slug: string) => string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Top organisations by spend</caption>
        <thead className="text-muted">
          <tr>
            <th scope="col" className={th}>#</th>
            <th scope="col" className={th}>Organisation</th>
            <th scope="col" className={`${th} text-right`}>Requests</th>
            <th scope="col" className="py-2 text-right font-medium">Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.slug} className="border-t border-border">
              <td className="py-2 pr-3 text-muted tabular-nums">{i + 1}</td>
              <td className="py-2 pr-3">
                <Link href={hrefFor(r.slug)} className="font-medium text-accent hover:underline">
                  {r.name}
                </Link>
              </td>
              <td className="py-2 pr-3 text-right tabular-nums">{r.requests.toLocaleString("en-US")}</td>
              <td className="py-2 text-right">
                <Money value={r.costUsd} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TopUsersTable({ rows, hrefFor, showOrg }: { rows: TopUserView[]; hrefFor: (r: TopUserView) => string; showOrg: boolean }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Top users by spend</caption>
        <thead className="text-muted">
          <tr>
            <th scope="col" className={th}>#</th>
            <th scope="col" className={th}>User</th>
            {showOrg ? <th scope="col" className={`${th} hidden sm:table-cell`}>Organisation</th> : null}
            <th scope="col" className={`${th} text-right`}>Requests</th>
            <th scope="col" className="py-2 text-right font-medium">Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.orgSlug}/${r.userExternalId}`} className="border-t border-border">
              <td className="py-2 pr-3 text-muted tabular-nums">{i + 1}</td>
              <td className="max-w-[10rem] py-2 pr-3 sm:max-w-[14rem]">
                <Link href={hrefFor(r)} className="block truncate font-medium text-accent hover:underline" title="Show this user's events">
                  {r.userExternalId}
                </Link>
                {r.email || r.name ? <span className="block truncate text-xs text-muted">{r.name ?? r.email}</span> : null}
                {/* Phones: the organisation under the user instead of a column of its own. */}
                {showOrg ? <span className="block truncate text-xs text-muted sm:hidden">{r.orgSlug}</span> : null}
              </td>
              {showOrg ? <td className="hidden py-2 pr-3 text-muted sm:table-cell">{r.orgSlug}</td> : null}
              <td className="py-2 pr-3 text-right tabular-nums">{r.requests.toLocaleString("en-US")}</td>
              <td className="py-2 text-right">
                <Money value={r.costUsd} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
