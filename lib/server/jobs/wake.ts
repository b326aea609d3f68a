// Lets code that queues work (alerts, ingest) wake this process's worker without importing it
// (which would close an import cycle: worker → jobs → alerts → worker).
let listener: (() => void) | null = null;

export function onWake(fn: (() => void) | null): void {
  listener = fn;
}

/** Asks the worker to look for due work now instead of at its next poll. */
export function wakeWorker(): void {
  listener?.();
}
