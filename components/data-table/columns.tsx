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

/** Usage log columns; `time` and `cost` sort on the server, the rest follow the sort. */
export function usageLogColumns(detailHref: (id: string) => string): ColumnDef<DataTableFeatures, UsageLogRowView, unknown>[] {
  return helper.columns([
    helper.accessor("occurredAt", {
      id: "time",
      header: "Time (UTC)",
      cell: (info) => (
        <Link href={detailHref(info.row.original.id)} className="font-mono text-xs whitespace-nowrap text-accent hover:underline" aria-label={`Event at ${info.getValue()}, details`}>
          {info.getValue().slice(0, 19).replace("T", " ")}
        </Link>
      ),
    }),
    helper.accessor("orgName", { id: "organization", header: "Organisation", enableSorting: false, cell: (info) => <span className="whitespace-nowrap">{info.getValue()}</span> }),
    helper.accessor("projectKey", { id: "project", header: "Project", enableSorting: false, cell: (info) => dash(info.getValue()) }),
    helper.accessor("userExternalId", { id: "user", header: "User", enableSorting: false, cell: (info) => <span className="block max-w-[10rem] truncate">{dash(info.getValue())}</span> }),
    helper.accessor("category", { id: "category", header: "Category", enableSorting: false, cell: (info) => dash(info.getValue()) }),
    helper.accessor("provider", { id: "provider", header: "Provider", enableSorting: false, cell: (info) => dash(info.getValue()) }),
    helper.accessor("model", { id: "model", header: "Model", enableSorting: false, cell: (info) => <span className="block max-w-[11rem] truncate" title={info.getValue() ?? undefined}>{dash(info.getValue())}</span> }),
    helper.accessor((r) => r.inputTokens + r.outputTokens, {
      id: "tokens",
      header: "Tokens in/out",
      enableSorting: false,
      meta: { align: "right" },
      cell: (info) => (
        <span className="tabular-nums whitespace-nowrap">
          {info.row.original.inputTokens.toLocaleString("en-US")} / {info.row.original.outputTokens.toLocaleString("en-US")}
        </span>
      ),
    }),
    helper.accessor("costUsd", { id: "cost", header: "Cost", meta: { align: "right" }, cell: (info) => <Money value={info.getValue()} /> }),
    helper.display({
      id: "status",
      header: "Status",
      cell: ({ row }) => (
        <span className="flex flex-wrap gap-1">
          {row.original.success ? <Badge tone="success">ok</Badge> : <Badge tone="danger">error</Badge>}
          {row.original.priced ? null : <Badge tone="warning">unpriced</Badge>}
          {row.original.overBudget ? <Badge tone="danger">over budget</Badge> : null}
          {row.original.budgetOverride ? <Badge tone="accent">override</Badge> : null}
        </span>
      ),
    }),
  ]);
}
