// Redaction before storage (SPEC §6): personal data and secrets in prompts, responses, errors,
// purpose details and metadata become `[REDACTED:<type>]` before anything is written, and a
// summary {type: count} is kept. Rules run in order: secrets first (they can contain digits that
// look like phone or card numbers), then emails, cards, SSNs, IPs, phones.
import { isIPv6 } from "node:net";

export const REDACTION_TYPES = ["email", "phone", "ssn", "card", "api_key", "jwt", "private_key", "ip"] as const;
export type RedactionType = (typeof REDACTION_TYPES)[number];
export type RedactionSummary = Partial<Record<RedactionType, number>>;

export const redactionMarker = (type: RedactionType) => `[REDACTED:${type}]`;

interface Rule {
  type: RedactionType;
  pattern: RegExp;
  /** When set, only this capture group is replaced (the label before a secret stays readable). */
  group?: number;
  accept?: (match: string) => boolean;
}

/** Luhn checksum: true for numbers that can be card numbers. */
export function luhnValid(digits: string): boolean {
  let total = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
    double = !double;
  }
  return digits.length > 0 && total % 10 === 0;
}

function cardNumber(match: string): boolean {
  const digits = match.replace(/[ -]/g, "");
  if (digits.length < 13 || digits.length > 19) return false;
  // 13 digits starting with 1 are millisecond Unix timestamps, far more common than old Visa cards.
  if (digits.length === 13 && !digits.startsWith("4")) return false;
  return luhnValid(digits);
}

const digitCount = (s: string) => s.replace(/\D/g, "").length;

const hasLetterAndDigit = (s: string) => /[A-Za-z]/.test(s) && /\d/.test(s);

const RULES: Rule[] = [
  { type: "private_key", pattern: /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { type: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
  {
    type: "api_key",
    pattern: new RegExp(
      [
        /\bsk-[A-Za-z0-9_-]{20,}/.source,
        /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/.source,
        /\bgh[pousr]_[A-Za-z0-9]{30,}/.source,
        /\bgithub_pat_[A-Za-z0-9_]{22,}/.source,
        /\bxox[abposr]-[A-Za-z0-9-]{10,}/.source,
        /\bAIza[0-9A-Za-z_-]{35}/.source,
        /\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}/.source,
        /\bspl_[a-z0-9]{8}_[A-Za-z0-9]{32,}/.source,
        /\bglpat-[A-Za-z0-9_-]{20,}/.source,
        /\bhf_[A-Za-z0-9]{30,}/.source,
        /\bnpm_[A-Za-z0-9]{36}/.source,
        /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/.source,
      ].join("|"),
      "g",
    ),
  },
  {
    type: "api_key",
    pattern: /\b(?:api[_-]?key|apikey|secret(?:[_-]?key)?|access[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|password|passwd|pwd|token)["']?\s*[:=]\s*["']?([A-Za-z0-9_\-+/=.!@#$%^&*]{10,})/gi,
    group: 1,
    accept: hasLetterAndDigit,
  },
  { type: "api_key", pattern: /\bBearer\s+([A-Za-z0-9_\-.=+/]{20,})/g, group: 1 },
  { type: "email", pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
  { type: "card", pattern: /(?<![\w.-])(?:\d[ -]?){12,18}\d(?![\w-]|\.\d)/g, accept: cardNumber },
  { type: "ssn", pattern: /(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])/g },
  {
    type: "ip",
    pattern: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/g,
  },
  {
    type: "ip",
    pattern: /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g,
    accept: (m) => isIPv6(m) && /[0-9A-Fa-f]/.test(m),
  },
  {
    type: "phone",
    pattern: /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?!\w)/g,
    accept: (m) => digitCount(m) >= 8 && digitCount(m) <= 15,
  },
  { type: "phone", pattern: /(?<![\w-])(?:1[ .-])?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-]|\.\d)/g },
  {
    type: "phone",
    pattern: /(?<![\w-])0[1-9]\d{0,3}(?:[ -]\d{2,4}){2,4}(?![\w-])/g,
    accept: (m) => digitCount(m) >= 9 && digitCount(m) <= 12,
  },
];

function bump(summary: RedactionSummary, type: RedactionType): void {
  summary[type] = (summary[type] ?? 0) + 1;
}

/** Redacts one string, counting what it replaced into `summary`. */
export function redactString(input: string, summary: RedactionSummary = {}): string {
  let text = input;
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    text = text.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      if (rule.group !== undefined) {
        const secret = rest[rule.group - 1];
        if (typeof secret !== "string" || (rule.accept && !rule.accept(secret))) return match;
        bump(summary, rule.type);
        const at = match.lastIndexOf(secret);
        return `${match.slice(0, at)}${redactionMarker(rule.type)}${match.slice(at + secret.length)}`;
      }
      if (rule.accept && !rule.accept(match)) return match;
      bump(summary, rule.type);
      return redactionMarker(rule.type);
    });
  }
  return text;
}

/** Redacts every string inside a JSON value (object keys included), at any depth. */
export function redactJson<T>(value: T, summary: RedactionSummary = {}): T {
  if (typeof value === "string") return redactString(value, summary) as T;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, summary)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[redactString(k, summary)] = redactJson(v, summary);
    return out as T;
  }
  return value;
}

export interface RedactableContent {
  prompt?: string | null;
  response?: string | null;
  error?: string | null;
  purposeDetail?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** Redacts the free-text parts of a usage event and returns them with the combined summary. */
export function redactEventContent<C extends RedactableContent>(content: C): { content: C; summary: RedactionSummary } {
  const summary: RedactionSummary = {};
  const out = { ...content };
  for (const field of ["prompt", "response", "error", "purposeDetail"] as const) {
    const value = content[field];
    if (typeof value === "string") (out as RedactableContent)[field] = redactString(value, summary);
  }
  if (content.metadata) (out as RedactableContent).metadata = redactJson(content.metadata, summary);
  return { content: out, summary };
}
