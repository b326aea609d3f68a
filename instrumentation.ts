// Runs once when the server process starts: opens the database at once, so the embedded
// database's lock is held for the whole life of the server (SPEC §2), and starts the job worker
// (lib/server/jobs: webhook deliveries, alert evaluation, reservation sweep, retention).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.SPENDLINE_BUILDING === "1") return;
  const { getDatabase } = await import("@/lib/db/client");
  await getDatabase();
  if (process.env.SPENDLINE_JOB_WORKER !== "0") {
    const { startJobWorker } = await import("@/lib/server/jobs/worker");
    startJobWorker();
  }
}
