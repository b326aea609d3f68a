"use client";

import { useActionState } from "react";
import { sendTestWebhookAction, updateAlertSettingsAction, type AlertSettingsState, type TestWebhookState } from "@/app/(console)/alerts/actions";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SigningSecretOnce } from "./webhook-secret";

export interface AlertSettingsValues {
  singleCallThresholdUsd: string | null;
  spikeFactor: string;
  webhookUrls: string[];
}

export function AlertSettingsForm({ orgId, settings }: { orgId: string; settings: AlertSettingsValues }) {
  const [state, action, pending] = useActionState<AlertSettingsState, FormData>(updateAlertSettingsAction, {});
  const keep = (name: string, current: string) => (state.ok === false ? state.data?.[name] ?? current : current);
  const urlsError = state.ok === false ? state.errors?.webhookUrls : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="orgId" value={orgId} />
      <FormMessage state={state} />
      {state.signingSecret ? <SigningSecretOnce secret={state.signingSecret} /> : null}
      <TextField
        label="Single-call threshold (USD)"
        name="singleCallThresholdUsd"
        inputMode="decimal"
        placeholder="off"
        defaultValue={keep("singleCallThresholdUsd", settings.singleCallThresholdUsd ?? "")}
        error={state.ok === false ? state.errors?.singleCallThresholdUsd : undefined}
        hint="A call costing more raises an expensive-call alert. Empty: off."
      />
      <TextField
        label="Daily spike factor"
        name="spikeFactor"
        inputMode="decimal"
        defaultValue={keep("spikeFactor", settings.spikeFactor)}
        error={state.ok === false ? state.errors?.spikeFactor : undefined}
        hint="Today's spend above this multiple of the 7-day daily average raises a spike alert."
      />
      <div className="space-y-1">
        <label htmlFor="field-webhookUrls" className="block text-sm font-medium">
          Webhook URLs
        </label>
        <textarea
          id="field-webhookUrls"
          name="webhookUrls"
          rows={3}
          spellCheck={false}
          defaultValue={keep("webhookUrls", settings.webhookUrls.join("\n"))}
          placeholder={"https://hooks.slack.com/services/…"}
          aria-invalid={urlsError ? true : undefined}
          aria-describedby={urlsError ? "field-webhookUrls-error" : "field-webhookUrls-hint"}
          className="block w-full rounded-md border border-border bg-surface px-3 py-2 font-mono text-xs text-foreground placeholder:text-muted focus:border-accent focus:outline-none aria-[invalid=true]:border-danger"
        />
        {urlsError ? (
          <p id="field-webhookUrls-error" className="text-sm text-danger break-words" role="alert">
            {urlsError}
          </p>
        ) : (
          <p id="field-webhookUrls-hint" className="text-xs text-muted">
            One per line, up to 10, https or http to public addresses. Each new alert is POSTed as JSON signed per Standard Webhooks, with a Slack-compatible <code>text</code>.
          </p>
        )}
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save settings"}
      </Button>
    </form>
  );
}

const RESULT_LABEL = { delivered: "Delivered", pending: "Failed, will be retried", failed: "Failed" } as const;

export function TestWebhookButton({ orgId, hasUrls }: { orgId: string; hasUrls: boolean }) {
  const [state, action, pending] = useActionState<TestWebhookState, FormData>(sendTestWebhookAction, {});
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="orgId" value={orgId} />
      <p className="text-sm text-muted">{hasUrls ? "Sends a test message to every saved URL now." : "Save a webhook URL first."}</p>
      <Button type="submit" variant="secondary" disabled={pending || !hasUrls}>
        {pending ? "Sending…" : "Send test"}
      </Button>
      <FormMessage state={state} />
      {state.results?.length ? (
        <ul className="space-y-1 text-sm" aria-label="Test results" data-testid="webhook-test-results">
          {state.results.map((r) => (
            <li key={r.url} className="break-all">
              <span className={r.status === "delivered" ? "text-success" : "text-danger"}>{RESULT_LABEL[r.status]}</span>
              {r.responseStatus !== null ? ` (HTTP ${r.responseStatus})` : ""} · <span className="font-mono text-xs">{r.url}</span>
              {r.error && r.responseStatus === null ? <span className="block text-xs text-muted">{r.error}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
