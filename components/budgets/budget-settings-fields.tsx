import type { ReactNode } from "react";
import { SelectField, TextField } from "@/components/ui/field";

export interface BudgetSettingsValues {
  limitUsd?: string;
  period?: string;
  mode?: string;
  warnPercent?: string;
}

/** Limit, period, mode and warning threshold: the settings shared by the create and edit forms. */
const fieldId = (prefix: string | undefined, name: string) => (prefix ? `${prefix}-${name}` : undefined);

export function BudgetSettingsFields({
  idPrefix,
  values,
  errors,
  warnHint,
}: {
  /** Distinguishes the ids when both forms could share a page; default ids are field-<name>. */
  idPrefix?: string;
  values: BudgetSettingsValues;
  errors?: Record<string, string>;
  warnHint: ReactNode;
}) {
  return (
    <>
      <TextField
        label="Limit (USD)"
        name="limitUsd"
        id={fieldId(idPrefix, "limitUsd")}
        inputMode="decimal"
        required
        placeholder="e.g. 500"
        defaultValue={values.limitUsd}
        error={errors?.limitUsd}
      />
      <div className="grid grid-cols-2 gap-3">
        <SelectField label="Period" name="period" id={fieldId(idPrefix, "period")} defaultValue={values.period ?? "monthly"} error={errors?.period}>
          <option value="monthly">Monthly</option>
          <option value="weekly">Weekly</option>
          <option value="daily">Daily</option>
        </SelectField>
        <SelectField label="Mode" name="mode" id={fieldId(idPrefix, "mode")} defaultValue={values.mode ?? "soft"} error={errors?.mode}>
          <option value="soft">Soft</option>
          <option value="hard">Hard</option>
        </SelectField>
      </div>
      <TextField
        label="Warning at (%)"
        name="warnPercent"
        id={fieldId(idPrefix, "warnPercent")}
        inputMode="numeric"
        defaultValue={values.warnPercent ?? "80"}
        error={errors?.warnPercent}
        hint={warnHint}
      />
    </>
  );
}
