"use client";

import Link from "next/link";
import { createColumnHelper, type ColumnDef } from "@tanstack/react-table";
import { Badge } from "@/components/ui/card";
import { Money } from "@/components/ui/money";
import type { DataTableFeatures } from "./data-table";
import type { UsageLogRow } from "@/lib/server/usage-log";

export type UsageLogRowView = UsageLogRow;

const helper = createColumnHelper<DataTableFeatures, UsageLogRowView>();
const dash = (v: string | null) => v ?? <span className="text-muted">—</span>;
const int = (n: number) => n.toLocaleString("en-US");

export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function UsageStatusBadges({ row }: { row: UsageLogRowView }) {
  return (
    <span className="inline-flex gap-1 whitespace-nowrap">
      {row.success ? <Badge tone="success">ok</Badge> : <Badge tone="danger">error</Badge>}
      {row.priced ? null : <Badge tone="warning">unpriced</Badge>}
      {row.overBudget ? <Badge tone="danger">over budget</Badge> : null}
      {row.budgetOverride ? <Badge tone="accent">override</Badge> : null}
    </span>
  );
}

/**
 * Usage log columns. Sortable ones (time, tokens, duration, model, cost) sort on the server. `meta.className`
 * hides lower-priority columns on narrower screens so that Cost and Status always fit without a
 * sideways scroll (phones get cards instead of the table).
 */
export function usageLogColumns(detailHref: (id: string) => string): ColumnDef<DataTableFeatures, UsageLogRowView, unknown>[] {
  return helper.columns([
    helper.accessor("occurredAt", {
      id: "time",
      header: "Time (UTC)",
      sortDescFirst: true,
      cell: (info) => (
        <Link href={detailHref(info.row.original.id)} className="font-mono text-xs whitespace-nowrap text-accent underline-offset-2 hover:underline">
          {info.getValue().slice(0, 19).replace("T", " ")}
        </Link>
      ),
    }),
    helper.accessor("orgName", { id: "organization", header: "Organisation", enableSorting: false, meta: { className: "hidden xl:table-cell" }, cell: (info) => <span className="block max-w-[9rem] truncate" title={info.getValue()}>{info.getValue()}</span> }),
    helper.accessor("projectKey", { id: "project", header: "Project", enableSorting: false, meta: { className: "hidden xl:table-cell" }, cell: (info) => <span className="block max-w-[7rem] truncate" title={info.getValue() ?? undefined}>{dash(info.getValue())}</span> }),
    helper.accessor("userExternalId", { id: "user", header: "User", enableSorting: false, meta: { className: "hidden lg:table-cell" }, cell: (info) => <span className="block max-w-[8rem] truncate" title={info.getValue() ?? undefined}>{dash(info.getValue())}</span> }),
    helper.accessor("category", { id: "category", header: "Category", enableSorting: false, meta: { className: "hidden 2xl:table-cell" }, cell: (info) => <span className="block max-w-[8rem] truncate">{dash(info.getValue())}</span> }),
    helper.accessor("model", {
      id: "model",
      header: "Model",
      sortDescFirst: false,
      cell: (info) => (
        <span className="block max-w-[14rem] truncate" title={`${info.row.original.provider ?? "—"} / ${info.getValue() ?? "—"}`}>
          <span className="text-muted">{info.row.original.provider ?? "—"}/</span>
          {info.getValue() ?? "—"}
        </span>
      ),
    }),
    helper.accessor((r) => r.inputTokens + r.outputTokens, {
      id: "tokens",
      header: "Tokens",
      sortDescFirst: true,
      meta: { align: "right" },
      cell: (info) => (
        <span className="tabular-nums whitespace-nowrap" title={`${int(info.row.original.inputTokens)} in / ${int(info.row.original.outputTokens)} out`}>
          {int(info.getValue())}
        </span>
      ),
    }),
    helper.accessor("durationMs", {
      id: "duration",
      header: "Duration",
      sortDescFirst: true,
      meta: { align: "right", className: "hidden xl:table-cell" },
      cell: (info) => <span className="tabular-nums whitespace-nowrap">{formatDuration(info.getValue())}</span>,
    }),
    helper.accessor("costUsd", { id: "cost", header: "Cost", sortDescFirst: true, meta: { align: "right" }, cell: (info) => <Money value={info.getValue()} cents /> }),
    helper.display({ id: "status", header: "Status", cell: ({ row }) => <UsageStatusBadges row={row.original} /> }),
  ]);
}
