// Parsers for provider cost reports exactly as the admin APIs return them (SPEC §3 bills:import):
// OpenAI `GET /v1/organization/costs` pages (amount.value in USD, grouped by line_item and
// optionally project_id) and Anthropic `GET /v1/organizations/cost_report` pages (amount a decimal
// string in cents, grouped by description). A file is one page or a JSON array of pages. Unknown
// fields are ignored; the first bad field is named in the error. Amounts stay exact decimals.
import { z } from "zod";
import { Decimal } from "@/lib/money";

export const BILL_PROVIDERS = ["openai", "anthropic"] as const;
export type BillProvider = (typeof BILL_PROVIDERS)[number];

export function isBillProvider(value: string): value is BillProvider {
  return (BILL_PROVIDERS as readonly string[]).includes(value);
}

/** Token types of a bill line, one vocabulary for both providers. */
export const TOKEN_TYPES = ["input", "cached_input", "cache_write", "cache_write_1h", "output", "other"] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export interface BillLineInput {
  /** UTC day of the bucket, YYYY-MM-DD. */
  day: string;
  lineItem: string | null;
  /** Model id as billed (dated ids kept), null for lines that name no model. */
  model: string | null;
  tokenType: TokenType | null;
  serviceTier: string | null;
  costType: string | null;
  contextWindow: string | null;
  projectRef: string | null;
  /** Exact USD amount as a plain decimal string. */
  amountUsd: string;
}

export interface ParsedBill {
  provider: BillProvider;
  /** Every bucket day in the file (also days without lines: the bill says nothing was spent). */
  days: string[];
  lines: BillLineInput[];
}

export class BillParseError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = "BillParseError";
  }
}

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;
const decimalString = z.string().regex(DECIMAL_TEXT, "expected a decimal number");
const finiteNumber = z.number().refine(Number.isFinite, "expected a finite number");
const optionalText = z.string().nullish();

const openAiResultSchema = z.object({
  object: z.literal("organization.costs.result").optional(),
  amount: z.object({
    value: z.union([finiteNumber, decimalString], { error: "expected a number" }),
    currency: z.string().refine((c) => c.toLowerCase() === "usd", "only USD amounts are supported"),
  }),
  line_item: optionalText,
  project_id: optionalText,
});

const unixSeconds = z.number().int("expected whole Unix seconds").nonnegative("expected Unix seconds");

const openAiPageSchema = z.object({
  object: z.literal("page").optional(),
  data: z.array(
    z.object({
      object: z.literal("bucket").optional(),
      start_time: unixSeconds,
      end_time: unixSeconds.optional(),
      results: z.array(openAiResultSchema),
    }),
  ),
  has_more: z.boolean().optional(),
  next_page: z.string().nullish(),
});

const rfc3339 = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), "expected an RFC 3339 timestamp");

const anthropicResultSchema = z.object({
  // Cents (the lowest currency unit) as a decimal string; a number is accepted too.
  amount: z.union([decimalString, finiteNumber], { error: "expected a decimal string" }),
  currency: z.string().refine((c) => c.toUpperCase() === "USD", "only USD amounts are supported"),
  description: optionalText,
  cost_type: optionalText,
  context_window: optionalText,
  model: optionalText,
  service_tier: optionalText,
  token_type: optionalText,
  workspace_id: optionalText,
});

const anthropicPageSchema = z.object({
  data: z.array(
    z.object({
      starting_at: rfc3339,
      ending_at: rfc3339.optional(),
      results: z.array(anthropicResultSchema),
    }),
  ),
  has_more: z.boolean().optional(),
  next_page: z.string().nullish(),
});

export type OpenAiCostsPage = z.infer<typeof openAiPageSchema>;
export type AnthropicCostReportPage = z.infer<typeof anthropicPageSchema>;

/** `data[0].results[1].amount.value` for a zod path (with the array index of the page first). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(file)";
}

function parsePages<S extends z.ZodType>(schema: S, data: unknown): z.infer<S>[] {
  const pages = Array.isArray(data) ? data : [data];
  if (Array.isArray(data) && data.length === 0) throw new BillParseError("(file): the array holds no pages", "(file)");
  const out: z.infer<S>[] = [];
  for (let i = 0; i < pages.length; i++) {
    const page = pages[i];
    if (page === null || typeof page !== "object" || Array.isArray(page)) {
      const where = Array.isArray(data) ? `[${i}]` : "(file)";
      throw new BillParseError(`${where}: expected a cost report page (an object with "data")`, where);
    }
    const result = schema.safeParse(page);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = formatPath([...(Array.isArray(data) ? [i] : []), ...issue.path]);
      throw new BillParseError(`${field}: ${issue.message}`, field);
    }
    out.push(result.data);
  }
  return out;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `"gpt-4o-2024-08-06, cached input"` → model and the kind of charge after the last comma. */
export function splitOpenAiLineItem(lineItem: string | null | undefined): { model: string | null; tokenType: TokenType | null; serviceTier: string | null } {
  if (!lineItem) return { model: null, tokenType: null, serviceTier: null };
  const comma = lineItem.lastIndexOf(",");
  if (comma <= 0) return { model: null, tokenType: null, serviceTier: null };
  const model = lineItem.slice(0, comma).trim();
  const kind = lineItem.slice(comma + 1).trim().toLowerCase();
  let tokenType: TokenType = "other";
  if (/cached|cache read/.test(kind)) tokenType = "cached_input";
  else if (/cache (write|creation)/.test(kind)) tokenType = "cache_write";
  else if (/\binput\b/.test(kind)) tokenType = "input";
  else if (/\boutput\b/.test(kind)) tokenType = "output";
  const tier = /\b(batch|flex|priority)\b/.exec(kind)?.[1] ?? null;
  return { model: model || null, tokenType, serviceTier: tier };
}

const ANTHROPIC_TOKEN_TYPES: Record<string, TokenType> = {
  uncached_input_tokens: "input",
  cache_read_input_tokens: "cached_input",
  "cache_creation.ephemeral_5m_input_tokens": "cache_write",
  "cache_creation.ephemeral_1h_input_tokens": "cache_write_1h",
  output_tokens: "output",
};

const plain = (d: InstanceType<typeof Decimal>) => d.toFixed();

export function parseOpenAiCosts(data: unknown): ParsedBill {
  const pages = parsePages(openAiPageSchema, data);
  const days = new Set<string>();
  const lines: BillLineInput[] = [];
  for (const page of pages) {
    for (const bucket of page.data) {
      const day = utcDay(bucket.start_time * 1000);
      days.add(day);
      for (const r of bucket.results) {
        const { model, tokenType, serviceTier } = splitOpenAiLineItem(r.line_item);
        lines.push({
          day,
          lineItem: r.line_item ?? null,
          model,
          tokenType,
          serviceTier,
          costType: null,
          contextWindow: null,
          projectRef: r.project_id ?? null,
          // JSON numbers arrive as doubles; their shortest text is the decimal the provider wrote.
          amountUsd: plain(new Decimal(String(r.amount.value))),
        });
      }
    }
  }
  return { provider: "openai", days: [...days].sort(), lines };
}

export function parseAnthropicCostReport(data: unknown): ParsedBill {
  const pages = parsePages(anthropicPageSchema, data);
  const days = new Set<string>();
  const lines: BillLineInput[] = [];
  for (const page of pages) {
    for (const bucket of page.data) {
      const day = utcDay(Date.parse(bucket.starting_at));
      days.add(day);
      for (const r of bucket.results) {
        const tokenType = r.token_type ? (ANTHROPIC_TOKEN_TYPES[r.token_type] ?? "other") : null;
        lines.push({
          day,
          lineItem: r.description ?? null,
          model: r.model ?? null,
          tokenType,
          serviceTier: r.service_tier ?? null,
          costType: r.cost_type ?? null,
          contextWindow: r.context_window ?? null,
          projectRef: r.workspace_id ?? null,
          // Cents → dollars, exactly (decimal division by 100 never rounds).
          amountUsd: plain(new Decimal(String(r.amount)).div(100)),
        });
      }
    }
  }
  return { provider: "anthropic", days: [...days].sort(), lines };
}

export function parseBill(provider: BillProvider, data: unknown): ParsedBill {
  return provider === "openai" ? parseOpenAiCosts(data) : parseAnthropicCostReport(data);
}

/** Parses the text of a bill file (JSON); bad JSON and bad fields alike become a BillParseError. */
export function parseBillText(provider: BillProvider, text: string): ParsedBill {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BillParseError(`(file): not valid JSON (${(err as Error).message.split("\n")[0]})`, "(file)");
  }
  return parseBill(provider, data);
}
