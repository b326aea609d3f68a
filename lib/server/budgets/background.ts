// Work that runs after a response (alerts, webhook deliveries): never awaited by the request
// that started it, never allowed to throw into it. Tests and the CLI wait for it explicitly.
const pending = new Set<Promise<unknown>>();

export function runInBackground(label: string, work: () => Promise<unknown>): void {
  const p: Promise<unknown> = Promise.resolve()
    .then(work)
    .catch((err: unknown) => console.error(`${label} failed:`, err instanceof Error ? err.message : String(err)))
    .finally(() => pending.delete(p));
  pending.add(p);
}

/** Resolves when all background work started so far (and any it started) has finished. */
export async function backgroundWorkSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}
