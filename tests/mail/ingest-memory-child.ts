/**
 * A poller in a process of its own, for the memory test: polls one mailbox once, the way the
 * worker does, and prints how far the process's resident memory rose above where it stood just
 * before the poll. A worker thread samples it every 10 ms, so a long synchronous step on the main
 * thread (parsing a 30 MB mail) is still seen at its height. Run with --expose-gc, so the
 * starting point is taken after a full collection. Arguments come from the environment.
 */
import { Worker } from "node:worker_threads";
import { openDatabase } from "../../db/client";
import type { PollCheckpoint } from "../../lib/dispatch/ingest";
import { pollMailbox } from "../../lib/dispatch/poll";

const { DATABASE_URL, TENANT_ID, MAILBOX_ID } = process.env;
const handle = await openDatabase(DATABASE_URL);

const sampler = new Worker(
  `const { parentPort } = require("node:worker_threads");
   let peak = 0, phasePeak = 0;
   const phases = {};
   const sample = () => { const rss = process.memoryUsage.rss(); peak = Math.max(peak, rss); phasePeak = Math.max(phasePeak, rss); };
   const timer = setInterval(sample, 10);
   parentPort.on("message", (point) => {
     sample();
     if (point !== "stop") { phases[point] = phasePeak; phasePeak = 0; return; }
     clearInterval(timer);
     parentPort.postMessage({ peak, phases });
   });`,
  { eval: true },
);
await new Promise((resolve) => setTimeout(resolve, 100));
(globalThis as { gc?: () => void }).gc?.();
const baseline = process.memoryUsage.rss();

// The peak of each step (fetched and stored, processed, moved) as well, to tell where memory goes.
const result = await pollMailbox(handle.db, {
  tenantId: TENANT_ID!,
  mailboxId: MAILBOX_ID!,
  checkpoint: (point: PollCheckpoint) => sampler.postMessage(point),
});

const { peak, phases } = await new Promise<{ peak: number; phases: Record<string, number> }>((resolve) => {
  sampler.once("message", resolve);
  sampler.postMessage("stop");
});
await sampler.terminate();
const growthByStep = Object.fromEntries(Object.entries(phases).map(([point, rss]) => [point, rss - baseline]));
process.stdout.write(JSON.stringify({ result, baseline, peak, growth: peak - baseline, growthByStep }));
await handle.close();
