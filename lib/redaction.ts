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
  /** Global regular expression; every quantifier is bounded so a match never exceeds MAX_MATCH. */
  pattern: RegExp;
  /** When set, only this capture group (always a suffix of the match) is replaced. */
  group?: number;
  accept?: (match: string) => boolean;
  /** The match starts at an `@`; the local part before it is found by scanning back (email). */
  localPart?: { chars: RegExp; max: number };
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

// Linear time (SPEC §6 "no input can stall the server"): a rule may only start where a cheap
// one-character test passes (a fixed prefix, a word boundary or a one-character look-behind that
// admits only the start of a run), every quantifier has an upper bound, and no two parts of a
// pattern can share the same characters in more than a bounded number of ways (digit groups of
// phone numbers are made atomic with the `(?=(\d{1,4}))\1` idiom). So each attempt does bounded
// work and the whole scan is linear; `redaction.adversarial.test.ts` proves it on 5 MiB inputs.
const RULES: Rule[] = [
  {
    type: "private_key",
    pattern:
      /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,16000}?-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[\s\S]{0,16000})/g,
  },
  {
    // A JWT starts a token, or follows one dash (`x-eyJ…`); starting only there keeps `-eyJ-eyJ…` linear.
    type: "jwt",
    pattern: /(?<![A-Za-z0-9_-])(?:[A-Za-z0-9_]{0,64}-)?(eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,16384}\.[A-Za-z0-9_-]{0,2048})/g,
    group: 1,
  },
  {
    type: "api_key",
    pattern: new RegExp(
      [
        /\bsk-[A-Za-z0-9_-]{20,1024}/.source,
        /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/.source,
        /\bgh[pousr]_[A-Za-z0-9]{30,1024}/.source,
        /\bgithub_pat_[A-Za-z0-9_]{22,1024}/.source,
        /\bxox[abposr]-[A-Za-z0-9-]{10,1024}/.source,
        /\bAIza[0-9A-Za-z_-]{35}/.source,
        /\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,1024}/.source,
        /\bspl_[a-z0-9]{8}_[A-Za-z0-9]{32,1024}/.source,
        /\bglpat-[A-Za-z0-9_-]{20,1024}/.source,
        /\bhf_[A-Za-z0-9]{30,1024}/.source,
        /\bnpm_[A-Za-z0-9]{36}/.source,
        /\bSG\.[A-Za-z0-9_-]{16,1024}\.[A-Za-z0-9_-]{16,1024}/.source,
      ].join("|"),
      "g",
    ),
  },
  {
    type: "api_key",
    pattern:
      /\b(?:api[_-]?key|apikey|secret(?:[_-]?key)?|access[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|password|passwd|pwd|token)["']?\s{0,64}[:=]\s{0,64}["']?([A-Za-z0-9_\-+/=.!@#$%^&*]{10,1024})/gi,
    group: 1,
    accept: hasLetterAndDigit,
  },
  { type: "api_key", pattern: /\bBearer\s{1,64}([A-Za-z0-9_\-.=+/]{20,4096})/g, group: 1 },
  {
    // Anchored on the `@`: a pattern starting at the local part would rescan a long run of letters
    // from every position (100,000 × "a" took 13.8 s).
    type: "email",
    pattern: /@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,16}\.[A-Za-z]{2,63}\b/g,
    localPart: { chars: /[A-Za-z0-9._%+-]/, max: 64 },
  },
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
    pattern: /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?(?=(\d{1,4}))\1\)?){2,5}(?!\w)/g,
    accept: (m) => digitCount(m) >= 8 && digitCount(m) <= 15,
  },
  { type: "phone", pattern: /(?<![\w-])(?:1[ .-])?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-]|\.\d)/g },
  {
    type: "phone",
    pattern: /(?<![\w-])0[1-9]\d{0,3}(?:[ -]\d{2,4}){2,4}(?![\w-])/g,
    accept: (m) => digitCount(m) >= 9 && digitCount(m) <= 12,
  },
];

/** No match of any rule is longer than this (the private-key and JWT bounds are the largest). */
export const MAX_MATCH = 24 * 1024;
/** Large fields are scanned in windows of this many characters (plus the overlap below). */
export const SCAN_WINDOW = 256 * 1024;
// A window reaches MARGIN past its last possible match start, so any match starting inside it is
// seen whole (with its look-ahead); CONTEXT characters before it give look-behinds, `\b` and the
// email local part the same view as on the whole string. So windows find exactly the matches a
// scan of the whole string finds, and no match is lost at a window edge.
const MARGIN = MAX_MATCH + 64;
const CONTEXT = 128;

function bump(summary: RedactionSummary, type: RedactionType): void {
  summary[type] = (summary[type] ?? 0) + 1;
}

interface Replacement {
  from: number;
  to: number;
}

/** Where a match found at `start` is replaced, or null when the rule rejects it. */
function decide(rule: Rule, text: string, m: RegExpExecArray, start: number, floor: number): Replacement | null {
  const end = start + m[0].length;
  if (rule.localPart) {
    let from = start;
    const lowest = Math.max(floor, start - rule.localPart.max);
    while (from > lowest && rule.localPart.chars.test(text[from - 1])) from--;
    return from < start ? { from, to: end } : null;
  }
  if (rule.group !== undefined) {
    const secret = m[rule.group];
    if (typeof secret !== "string" || (rule.accept && !rule.accept(secret))) return null;
    return { from: end - secret.length, to: end };
  }
  if (rule.accept && !rule.accept(m[0])) return null;
  return { from: start, to: end };
}

function applyRule(text: string, rule: Rule, summary: RedactionSummary): string {
  const re = rule.pattern;
  const parts: string[] = [];
  let cursor = 0; // text[0, cursor) is settled
  let searchFrom = 0;
  while (searchFrom < text.length) {
    const windowStart = Math.max(0, searchFrom - CONTEXT);
    const windowEnd = Math.min(text.length, searchFrom + SCAN_WINDOW + MARGIN);
    const limit = windowEnd === text.length ? text.length : searchFrom + SCAN_WINDOW;
    const view = windowStart === 0 && windowEnd === text.length ? text : text.slice(windowStart, windowEnd);
    re.lastIndex = searchFrom - windowStart;
    let next = limit;
    for (let m = re.exec(view); m; m = re.exec(view)) {
      const start = windowStart + m.index;
      if (start >= limit) break;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const replacement = decide(rule, text, m, start, cursor);
      if (replacement) {
        parts.push(text.slice(cursor, replacement.from), redactionMarker(rule.type));
        cursor = replacement.to;
        bump(summary, rule.type);
      }
      next = Math.max(next, start + m[0].length);
    }
    searchFrom = next;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(cursor));
  return parts.join("");
}

/** Redacts one string, counting what it replaced into `summary`. Linear in the string's length. */
export function redactString(input: string, summary: RedactionSummary = {}): string {
  let text = input;
  for (const rule of RULES) text = applyRule(text, rule, summary);
  return text;
}

/** Per-rule timing hook for the benchmark: runs one rule (by index) over a string. */
export const REDACTION_RULE_COUNT = RULES.length;
export function redactWithRule(index: number, input: string, summary: RedactionSummary = {}): string {
  return applyRule(input, RULES[index], summary);
}
export const redactionRuleType = (index: number): RedactionType => RULES[index].type;

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
