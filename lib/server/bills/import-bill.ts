// Stores a provider bill (SPEC §3 bills:import): the lines of every day in the file replace that
// organisation's lines of that provider and day, in one transaction, so importing the same file
// twice leaves the same lines (idempotent). Owners/admins of the organisation and super admins.
import { createHash } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { parseBill, parseBillText, BillParseError, type BillProvider, type ParsedBill } from "@/lib/bills/parse";
import { sum, toCostString } from "@/lib/money";
import { assertOrgRole, actorLabel, type Actor } from "../authz";
import { writeAudit, type RequestContext } from "../audit";
import { AppError } from "../errors";

export interface BillImportSummary {
  importId: string;
  provider: BillProvider;
  sourceHash: string;
  days: string[];
  lines: number;
  /** Lines of those days that an earlier import had stored and this one replaced. */
  replacedLines: number;
  totalUsd: string;
  importedAt: string;
}

/** Bill files are cost-report pages: a few MiB at most. */
export const MAX_BILL_BYTES = 20 * 1024 * 1024;

const day = (d: string) => new Date(`${d}T00:00:00Z`);

export async function importBill(
  actor: Actor,
  input: { orgId: string; bill: ParsedBill; sourceHash: string; sourceName?: string | null },
  ctx: RequestContext = {},
): Promise<BillImportSummary> {
  assertOrgRole(actor, input.orgId, "admin");
  const { bill } = input;
  const db = await prisma();
  const total = sum(bill.lines.map((l) => l.amountUsd));
  return db.$transaction(async (tx) => {
    // One importer at a time per organisation and provider: two imports of one day never interleave
    // their delete and insert.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`bills:${input.orgId}:${bill.provider}`}))`;
    const replaced = bill.days.length
      ? await tx.billLine.deleteMany({ where: { orgId: input.orgId, provider: bill.provider, day: { in: bill.days.map(day) } } })
      : { count: 0 };
    const created = await tx.billImport.create({
      data: {
        orgId: input.orgId,
        provider: bill.provider,
        sourceHash: input.sourceHash,
        sourceName: input.sourceName ?? null,
        firstDay: bill.days.length ? day(bill.days[0]) : null,
        lastDay: bill.days.length ? day(bill.days[bill.days.length - 1]) : null,
        days: bill.days.length,
        lines: bill.lines.length,
        totalUsd: total.toFixed(),
        importedBy: actorLabel(actor),
      },
    });
    if (bill.lines.length) {
      await tx.billLine.createMany({
        data: bill.lines.map((l) => ({
          orgId: input.orgId,
          importId: created.id,
          provider: bill.provider,
          day: day(l.day),
          lineItem: l.lineItem,
          model: l.model,
          tokenType: l.tokenType,
          serviceTier: l.serviceTier,
          costType: l.costType,
          contextWindow: l.contextWindow,
          projectRef: l.projectRef,
          amountUsd: l.amountUsd,
        })),
      });
    }
    const summary: BillImportSummary = {
      importId: created.id,
      provider: bill.provider,
      sourceHash: input.sourceHash,
      days: bill.days,
      lines: bill.lines.length,
      replacedLines: replaced.count,
      totalUsd: toCostString(total),
      importedAt: created.importedAt.toISOString(),
    };
    await writeAudit(
      tx,
      actor,
      {
        action: "bill.import",
        targetType: "bill_import",
        targetId: created.id,
        orgId: input.orgId,
        after: { provider: bill.provider, source: input.sourceName ?? null, sourceHash: input.sourceHash, days: bill.days, lines: bill.lines.length, replacedLines: replaced.count, totalUsd: summary.totalUsd },
      },
      ctx,
    );
    return summary;
  });
}

export function hashBillSource(bytes: string | Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Parses and stores a bill file's text (CLI, upload, fetch). A bad file stores nothing and answers
 * `validation_failed` naming the first bad field.
 */
export async function importBillText(
  actor: Actor,
  input: { orgId: string; provider: BillProvider; text: string; sourceName?: string | null },
  ctx: RequestContext = {},
): Promise<BillImportSummary> {
  assertOrgRole(actor, input.orgId, "admin");
  if (Buffer.byteLength(input.text) > MAX_BILL_BYTES) throw new AppError("payload_too_large", `The bill file is larger than ${MAX_BILL_BYTES / 1024 / 1024} MiB.`, { field: "file" });
  const bill = parsed(() => parseBillText(input.provider, input.text));
  return importBill(actor, { orgId: input.orgId, bill, sourceHash: hashBillSource(input.text), sourceName: input.sourceName }, ctx);
}

/** Stores pages fetched from a provider's admin API (bills:fetch), parsed like a file. */
export async function importBillPages(
  actor: Actor,
  input: { orgId: string; provider: BillProvider; pages: unknown[]; sourceName?: string | null },
  ctx: RequestContext = {},
): Promise<BillImportSummary> {
  assertOrgRole(actor, input.orgId, "admin");
  const bill = parsed(() => parseBill(input.provider, input.pages));
  return importBill(actor, { orgId: input.orgId, bill, sourceHash: hashBillSource(JSON.stringify(input.pages)), sourceName: input.sourceName }, ctx);
}

function parsed(fn: () => ParsedBill): ParsedBill {
  try {
    return fn();
  } catch (err) {
    if (err instanceof BillParseError) throw new AppError("validation_failed", err.message, { field: "file", path: err.field });
    throw err;
  }
}

export interface BillImportView {
  id: string;
  provider: string;
  sourceName: string | null;
  sourceHash: string;
  firstDay: string | null;
  lastDay: string | null;
  days: number;
  lines: number;
  totalUsd: string;
  importedBy: string;
  importedAt: string;
}

/** The organisation's latest bill imports, newest first. */
export async function listBillImports(actor: Actor, orgId: string, limit = 20): Promise<BillImportView[]> {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  const rows = await db.billImport.findMany({ where: { orgId }, orderBy: { importedAt: "desc" }, take: limit });
  return rows.map((r) => ({
    id: r.id,
    provider: r.provider,
    sourceName: r.sourceName,
    sourceHash: r.sourceHash,
    firstDay: r.firstDay ? r.firstDay.toISOString().slice(0, 10) : null,
    lastDay: r.lastDay ? r.lastDay.toISOString().slice(0, 10) : null,
    days: r.days,
    lines: r.lines,
    totalUsd: toCostString(r.totalUsd.toString()),
    importedBy: r.importedBy,
    importedAt: r.importedAt.toISOString(),
  }));
}
