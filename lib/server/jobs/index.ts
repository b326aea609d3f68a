// One home for background work (STYLE): the durable queue, its worker and the jobs.
export { enqueueAlertEvaluation, sweepMissedAlerts, runAlertEvaluation, ALERT_EVALUATION_JOB } from "./alert-evaluation";
export { enqueueJob, claimDueJobs } from "./queue";
export { runDueWork, startJobWorker, type JobWorker } from "./worker";
export { wakeWorker } from "./wake";
