/** What to do when there is no usage yet: send a first event to the ingest API. */
export function FirstEventHelp({ origin, keysHref }: { origin: string; keysHref: string | null }) {
  const example = `curl -X POST ${origin}/api/v1/usage \\
  -H "Authorization: Bearer $SPENDLINE_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"event_id": "first-event-1", "provider": "openai", "model": "gpt-4o-mini",
       "input_tokens": 1200, "output_tokens": 300, "user": "user-42", "category": "chat"}'`;
  return (
    <div className="rounded-lg border border-dashed border-border bg-surface p-6" data-testid="first-event-help">
      <h2 className="font-semibold">No usage recorded yet</h2>
      <p className="mt-1 text-sm text-muted">
        {keysHref ? (
          <>
            Create an API key on the <a href={keysHref} className="font-medium text-accent underline">API keys</a> page
          </>
        ) : (
          "Ask an owner or admin of your organisation for an API key"
        )}
        , then report each AI call from your
        application (or run <code className="font-mono">npx spendline demo:seed</code> on an empty database for demo data):
      </p>
      <pre className="mt-3 overflow-x-auto rounded-md bg-surface-muted p-3 font-mono text-xs">{example}</pre>
      <p className="mt-2 text-xs text-muted">The answer says what the call cost; the dashboards update as soon as the event is stored.</p>
    </div>
  );
}
