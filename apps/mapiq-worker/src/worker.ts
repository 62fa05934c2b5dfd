/**
 * The entry of a worker process (forked by the supervisor): waits for its job over IPC, runs
 * until told to stop, sends its final counters and exits.
 *
 * @module
 */
import type { SupervisorMessage, WorkerMessage } from "./job.ts";
import { runWorker } from "./run_worker.ts";

const stop = new AbortController();
let index = -1;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

process.on("message", (message: SupervisorMessage) => {
  if (message.type === "stop") {
    stop.abort();
    return;
  }
  index = message.job.index;
  send({ type: "ready", index });
  runWorker(message.job, stop.signal, (stats) => {
    send({ type: "stats", index, stats });
  }).then(
    (stats) => {
      send({ type: "done", index, stats });
      process.disconnect();
    },
    (error: unknown) => {
      send({ type: "failed", index, message: error instanceof Error ? error.message : String(error) });
      process.disconnect();
      process.exitCode = 1;
    },
  );
});
// The supervisor went away: stop too.
process.on("disconnect", () => {
  stop.abort();
});
