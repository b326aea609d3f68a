import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

import type { UnpricedModelView } from "@/lib/server/pricing";

export type { UnpricedModelView };

const tokens = (n: string) => BigInt(n).toLocaleString("en-US");

/** Models seen in events without a price; super admins get a one-click prefilled "Add price". */
export function UnpricedModels({ models, addHref }: { models: UnpricedModelView[]; addHref: ((m: UnpricedModelView) => string) | null }) {
  return (
    <ul className="space-y-2">
      {models.map((m) => (
        <li key={`${m.provider}/${m.model}`} className="flex flex-wrap items-center justify-between gap-2 border-b border-border pb-2 last:border-0" data-testid="unpriced-model">
          <div className="min-w-0">
            <p className="font-medium break-all">
              {m.provider ?? "(no provider)"} / {m.model ?? "(no model)"}
            </p>
            <p className="text-xs text-muted">
              {m.events.toLocaleString("en-US")} event{m.events === 1 ? "" : "s"} waiting · {tokens(m.inputTokens)} input / {tokens(m.outputTokens)} output tokens · first{" "}
              {m.firstSeen.slice(0, 10)}, last seen {m.lastSeen.slice(0, 10)}
            </p>
          </div>
          {addHref && m.model ? (
            <Link href={addHref(m)} className={buttonClass("secondary", "sm")} aria-label={`Add price for ${m.provider ?? ""} ${m.model}`}>
              Add price
            </Link>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
