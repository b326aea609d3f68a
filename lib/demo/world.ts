// The demo's world (SPEC §2), as plain data: organisations, projects, categories with their typical
// prompt sizes, the models each uses, sample prompts and the daily rhythm. lib/server/demo.ts turns it
// into traffic through the ingest path.
export interface DemoModel {
  provider: string;
  model: string;
  /** Relative use among the models of a category. */
  weight: number;
}

export interface DemoProject {
  key: string;
  categories: { name: string; weight: number; inputMedian: number; outputMedian: number; models: DemoModel[] }[];
}

export interface DemoOrgSpec {
  slug: string;
  name: string;
  weight: number;
  users: number;
  projects: DemoProject[];
}

// Preferred models per provider (first one found in the catalog is used); an org-internal model
// without a price shows the "unpriced models" flow.
export const WANTED: Record<string, string[]> = {
  openai: ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o", "gpt-4.1", "gpt-5-mini"],
  anthropic: ["claude-3-5-haiku", "claude-haiku-4-5", "claude-sonnet-4", "claude-3-7-sonnet", "claude-sonnet-4-5"],
  google: ["gemini-2.0-flash", "gemini-2.5-flash", "gemini-1.5-flash", "gemini-2.5-pro"],
  mistral: ["mistral-small", "mistral-small-latest", "mistral-large", "mistral-large-latest"],
};

export function demoWorld(models: { cheap: DemoModel[]; strong: DemoModel[] }): DemoOrgSpec[] {
  const internal: DemoModel = { provider: "selfhosted", model: "acme-llama-ft-v2", weight: 1 };
  // Sizes are those of a company's real workloads (long documents, retrieved context): with the default
  // 40,000 events the demo spends a few thousand dollars a month.
  const category = (name: string, weight: number, inputMedian: number, outputMedian: number, pool: DemoModel[]) => ({ name, weight, inputMedian: inputMedian * 4, outputMedian: outputMedian * 3, models: pool });
  return [
    {
      slug: "acme-health",
      name: "Acme Health",
      weight: 34,
      users: 160,
      projects: [
        { key: "patient-chat", categories: [category("chat", 6, 1800, 350, models.cheap), category("triage", 2, 2500, 200, models.strong)] },
        { key: "records", categories: [category("document_analysis", 4, 12000, 900, models.strong), category("summarization", 3, 6000, 400, models.cheap)] },
        { key: "research", categories: [category("embedding_prep", 1, 3000, 50, [...models.cheap, internal])] },
      ],
    },
    {
      slug: "northwind-legal",
      name: "Northwind Legal",
      weight: 26,
      users: 90,
      projects: [
        { key: "contracts", categories: [category("document_analysis", 5, 20000, 1500, models.strong), category("extraction", 3, 8000, 600, models.cheap)] },
        { key: "assistant", categories: [category("chat", 4, 2200, 500, models.strong)] },
      ],
    },
    {
      slug: "globex-support",
      name: "Globex Support",
      weight: 22,
      users: 120,
      projects: [
        { key: "helpdesk", categories: [category("chat", 8, 1500, 300, models.cheap), category("classification", 4, 600, 20, models.cheap)] },
        { key: "kb", categories: [category("summarization", 2, 5000, 350, models.cheap)] },
      ],
    },
    {
      slug: "initech-research",
      name: "Initech Research",
      weight: 12,
      users: 60,
      projects: [{ key: "lab", categories: [category("reasoning", 3, 4000, 2500, models.strong), category("code_review", 2, 9000, 800, models.strong)] }],
    },
    {
      slug: "umbrella-media",
      name: "Umbrella Media",
      weight: 6,
      users: 40,
      projects: [{ key: "newsroom", categories: [category("copywriting", 4, 900, 700, models.cheap), category("translation", 2, 1500, 1400, models.cheap)] }],
    },
  ];
}

export const FIRST_NAMES = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "John", "Radia", "Tim", "Hedy", "Edsger", "Katherine", "Donald"];
export const PROMPTS = [
  "Summarise the attached discharge letter for the patient in plain language.",
  "Extract the termination clauses from this contract and list notice periods.",
  "Customer asks why their invoice doubled; reply politely and suggest next steps. Contact: jane.doe@example.com",
  "Classify this ticket: 'App crashes when I upload a photo from my phone +1 415 555 0134'.",
  "Translate the press release into German, keeping the headline short.",
  "Review this pull request diff for security problems.",
];
export const RESPONSES = [
  "Here is a short summary: …",
  "Found 3 termination clauses: 30 days, 60 days and immediate for cause.",
  "Thanks for reaching out! The increase comes from the annual plan renewal …",
  "Category: bug/mobile-upload (confidence 0.92)",
  "Pressemitteilung: …",
  "No critical issues; consider validating the redirect URL.",
];

/** Share of a day's traffic per UTC hour: quiet nights, busy office hours. */
export const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 11, 11, 10, 10, 11, 11, 10, 8, 6, 5, 4, 3, 2, 1];
export const HOUR_CUMULATIVE = HOUR_WEIGHTS.reduce<number[]>((acc, w) => [...acc, (acc.at(-1) ?? 0) + w], []);
export const HOUR_TOTAL = HOUR_CUMULATIVE.at(-1)!;

