import type { ReactNode } from "react";
import { Badge, Card } from "@/components/ui/card";
import { Money } from "@/components/ui/money";
import { dec, formatUsd } from "@/lib/money";
import type { UsageEventDetail } from "@/lib/server/usage-log";

export type UsageEventDetailData = UsageEventDetail;

function Fields({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[minmax(6rem,40%)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
      {items.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-muted">{k}</dt>
          <dd className="min-w-0 break-words">{v ?? <span className="text-muted">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

const n = (v: number) => <span className="tabular-nums">{v.toLocaleString("en-US")}</span>;
const count = (v: number) => v.toLocaleString("en-US");
const utc = (iso: string) => `${iso.replace("T", " ").replace("Z", "")} UTC`;

function Content({ label, text }: { label: string; text: string | null }) {
  return (
    <div className="min-w-0">
      <h3 className="mb-1 text-sm font-medium">{label}</h3>
      {text === null ? (
        <p className="text-sm text-muted">Not stored (not sent, or the organisation stores no prompts and responses).</p>
      ) : (
        <pre className="max-h-96 overflow-auto rounded-md bg-surface-muted p-3 font-mono text-xs break-words whitespace-pre-wrap">{text}</pre>
      )}
    </div>
  );
}

function CostComparison({ computed, client }: { computed: string | null; client: string | null }) {
  if (computed === null || client === null) return null;
  const diff = dec(client).minus(dec(computed));
  if (diff.isZero()) return <Badge tone="success">matches</Badge>;
  return <Badge tone="warning">client {diff.isPositive() ? "+" : "−"}{formatUsd(diff.abs())}</Badge>;
}

export function UsageEventDetailView({ event: e }: { event: UsageEventDetailData }) {
  const redactions = Object.entries(e.redactionSummary).filter(([, count]) => count > 0);
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <div className="min-w-0 space-y-6">
        <Card title="Call">
          <Fields
            items={[
              ["Internal id", <span key="id" className="font-mono">{e.id}</span>],
              ["Event id", <span key="ev" className="font-mono break-all">{e.eventId}</span>],
              ["Occurred", utc(e.occurredAt)],
              ["Received", utc(e.receivedAt)],
              ["Organisation", `${e.orgName} (${e.orgSlug})`],
              ["Project", e.projectKey],
              ["User", e.userExternalId ? `${e.userExternalId}${e.userName || e.userEmail ? ` — ${[e.userName, e.userEmail].filter(Boolean).join(", ")}` : ""}` : null],
              ["Provider / model", `${e.provider ?? "—"} / ${e.model ?? "—"}`],
              ["Category", e.category],
              ["Purpose", e.purposeDetail],
              ["Document", e.documentRef],
              ["API key", e.apiKeyPrefix ? <span key="k" className="font-mono">{e.apiKeyPrefix}</span> : null],
              ["Duration", e.durationMs === null ? null : `${e.durationMs.toLocaleString("en-US")} ms`],
              ["Status", e.success ? <Badge key="s" tone="success">succeeded</Badge> : <Badge key="s" tone="danger">failed</Badge>],
              ["Error", e.error],
            ]}
          />
        </Card>
        <Card title="Prompt and response (redacted before storage)">
          <div className="space-y-4">
            <Content label="Prompt" text={e.prompt} />
            <Content label="Response" text={e.response} />
          </div>
        </Card>
        {e.metadata !== null || e.rawUsage !== null ? (
          <Card title="Metadata">
            <pre className="max-h-80 overflow-auto rounded-md bg-surface-muted p-3 font-mono text-xs whitespace-pre-wrap">{JSON.stringify({ metadata: e.metadata, usage: e.rawUsage }, null, 2)}</pre>
          </Card>
        ) : null}
      </div>
      <div className="min-w-0 space-y-6">
        <Card title="Cost">
          <Fields
            items={[
              ["Computed", <span key="c" data-testid="computed-cost"><Money value={e.costUsd} />{e.costUsd !== null ? <span className="block font-mono text-xs text-muted">${e.costUsd}</span> : null}</span>],
              ["Client-reported", e.clientCostUsd === null ? null : <span key="cc"><Money value={e.clientCostUsd} /> <CostComparison computed={e.costUsd} client={e.clientCostUsd} /><span className="block font-mono text-xs text-muted">${e.clientCostUsd}</span></span>],
              ["Budget", e.overBudget || e.budgetOverride ? <span key="b" className="flex flex-wrap gap-1">{e.overBudget ? <Badge tone="danger">over budget</Badge> : null}{e.budgetOverride ? <Badge tone="accent">override by {e.overrideBy ?? "?"}</Badge> : null}</span> : "within budget"],
              ["Reservation", e.reservationId ? <span key="r" className="font-mono text-xs break-all">{e.reservationId}</span> : null],
            ]}
          />
        </Card>
        <Card title="Tokens">
          <Fields
            items={[
              ["Input (all)", n(e.inputTokens)],
              ["Input uncached", n(e.tokens.inputUncached)],
              ["Cache read", n(e.tokens.cacheRead)],
              ["Cache write", n(e.tokens.cacheWrite)],
              ["Cache write, 1 hour (part of cache write)", n(e.tokens.cacheWrite1h)],
              ["Output (all)", n(e.tokens.output)],
              ["Reasoning (part of output)", n(e.tokens.reasoning)],
            ]}
          />
        </Card>
        <Card title="Price version">
          {e.price ? (
            <Fields
              items={[
                ["Model", `${e.price.provider} / ${e.price.model}`],
                ["Effective from", utc(e.price.effectiveFrom)],
                ["Input / Mtok", `$${e.price.inputPerMtok}`],
                ["Cached input / Mtok", e.price.cachedInputPerMtok === null ? null : `$${e.price.cachedInputPerMtok}`],
                ["Cache write / Mtok", e.price.cacheWritePerMtok === null ? null : `$${e.price.cacheWritePerMtok}`],
                ["Output / Mtok", `$${e.price.outputPerMtok}`],
                ["Per request", e.price.perRequest === null ? null : `$${e.price.perRequest}`],
                ["Source", e.price.source],
              ]}
            />
          ) : (
            <p className="text-sm text-muted">Unpriced: the catalog had no price for this model at this time. A super admin can add a price on the Prices page and price the waiting events there.</p>
          )}
          {e.pricing ? (
            <div className="mt-3 border-t border-border pt-3" data-testid="price-applied">
              <p className="mb-1 text-sm font-medium">Applied to this event</p>
              <Fields
                items={[
                  ["Service tier", e.pricing.serviceTier ? `${e.pricing.serviceTier} prices` : `standard prices${e.serviceTier ? ` (sent as "${e.serviceTier}")` : ""}`],
                  ["Long-context tier", e.pricing.tierAboveInputTokens === null ? "none (standard rates)" : `above ${e.pricing.tierAboveInputTokens.toLocaleString("en-US")} input tokens`],
                  ["Input", `${count(e.tokens.inputUncached)} × $${e.pricing.rates.inputPerMtok}/Mtok = $${e.pricing.parts.input}`],
                  ["Cache read", `${count(e.tokens.cacheRead)} × $${e.pricing.rates.cachedInputPerMtok}/Mtok = $${e.pricing.parts.cacheRead}`],
                  ["Cache write (5 min)", `${count(e.tokens.cacheWrite - e.tokens.cacheWrite1h)} × $${e.pricing.rates.cacheWritePerMtok}/Mtok = $${e.pricing.parts.cacheWrite}`],
                  ["Cache write (1 hour)", `${count(e.tokens.cacheWrite1h)} × $${e.pricing.rates.cacheWrite1hPerMtok}/Mtok = $${e.pricing.parts.cacheWrite1h}`],
                  ["Output", `${count(e.tokens.output)} × $${e.pricing.rates.outputPerMtok}/Mtok = $${e.pricing.parts.output}`],
                  ["Per request", e.pricing.perRequest === null ? null : `$${e.pricing.perRequest}`],
                ]}
              />
            </div>
          ) : null}
        </Card>
        <Card title="Redaction">
          {redactions.length === 0 ? (
            <p className="text-sm text-muted">Nothing was redacted.</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="redaction-summary">
              {redactions.map(([kind, count]) => (
                <li key={kind} className="flex justify-between">
                  <span>{kind.replace(/_/g, " ")}</span>
                  <span className="tabular-nums">{count}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
