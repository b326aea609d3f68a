import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClass } from "@/components/ui/button";

export interface FilterValues {
  from: string;
  to: string;
  project: string | null;
  provider: string | null;
  model: string | null;
  category: string | null;
}

export interface FilterMenuOptions {
  projects: string[];
  providers: string[];
  models: string[];
  categories: string[];
}

const control = "block w-full rounded-md border border-border bg-surface px-2 py-1.5 text-sm text-foreground focus:border-accent focus:outline-none";

function Select({ name, label, value, options }: { name: string; label: string; value: string | null; options: string[] }) {
  const values = value && !options.includes(value) ? [value, ...options] : options;
  return (
    <label className="min-w-0 space-y-1 text-sm">
      <span className="block text-xs font-medium text-muted">{label}</span>
      <select name={name} defaultValue={value ?? ""} className={control}>
        <option value="">All</option>
        {values.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The URL filters as a plain GET form: it works without JavaScript, and every widget of the page
 * reads the same parameters. `keep` carries parameters that are not edited here (org, days, …).
 */
export function FilterBar({
  path,
  values,
  options,
  keep,
  resetHref,
  children,
}: {
  path: string;
  values: FilterValues;
  options: FilterMenuOptions;
  keep: Record<string, string | null>;
  resetHref: string;
  children?: ReactNode;
}) {
  return (
    <form method="get" action={path} aria-label="Filters" className="mb-6 rounded-lg border border-border bg-surface p-3 shadow-sm">
      {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      <div className="flex flex-wrap items-end gap-3 [&>label]:w-[calc(50%-0.375rem)] md:[&>label]:w-40">
        <label className="min-w-0 space-y-1 text-sm">
          <span className="block text-xs font-medium text-muted">From (UTC)</span>
          <input type="text" name="from" defaultValue={values.from} inputMode="numeric" pattern="\d{4}-\d{2}-\d{2}" placeholder="YYYY-MM-DD" title="A date as YYYY-MM-DD (UTC)" className={`${control} font-mono`} />
        </label>
        <label className="min-w-0 space-y-1 text-sm">
          <span className="block text-xs font-medium text-muted">To (UTC)</span>
          <input type="text" name="to" defaultValue={values.to} inputMode="numeric" pattern="\d{4}-\d{2}-\d{2}" placeholder="YYYY-MM-DD" title="A date as YYYY-MM-DD (UTC)" className={`${control} font-mono`} />
        </label>
        <Select name="project" label="Project" value={values.project} options={options.projects} />
        <Select name="provider" label="Provider" value={values.provider} options={options.providers} />
        <Select name="model" label="Model" value={values.model} options={options.models} />
        <Select name="category" label="Category" value={values.category} options={options.categories} />
        {children}
        <div className="flex w-full items-end gap-2 md:w-auto">
          <button type="submit" className={buttonClass("primary", "sm")}>
            Apply
          </button>
          <Link href={resetHref} className={buttonClass("ghost", "sm")}>
            Reset
          </Link>
        </div>
      </div>
    </form>
  );
}
