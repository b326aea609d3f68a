// Work after a response (alert evaluation, webhook deliveries) is durable: it is queued in the
// database and done by the job worker (lib/server/jobs), which the server starts. Code that runs
// no worker — tests, the demo seed, CLI commands — calls this to do every job and delivery that
// is due now before it goes on.
export async function backgroundWorkSettled(): Promise<void> {
  const { runDueWork } = await import("../jobs/worker");
  for (let pass = 0; pass < 20; pass++) {
    const done = await runDueWork();
    if (done.jobs === 0 && done.deliveries === 0) return;
  }
}
