import fs from "node:fs";
import { openDatabase } from "../../db/client";
import { pollMailbox } from "../../lib/dispatch/poll";

/**
 * The child process of the memory measurement (memory.ts): polls one mailbox twice, a small mail
 * first (every module the poll path needs is loaded by then), then the large one, and prints how far
 * its resident memory rose over the baseline during the second poll, as one JSON line.
 */

const [url, tenantId, mailboxId] = process.argv.slice(2) as [string, string, string];
const handle = await openDatabase(url);
const poll = async () => {
  const result = await pollMailbox(handle.db, { tenantId, mailboxId, limit: 1 });
  if (!result.ok) throw new Error(`poll failed: ${result.failure}: ${result.detail}`);
  return result;
};
await poll();

const rssMB = () => process.memoryUsage().rss / 2 ** 20;
// Writing 5 resets the kernel's peak (VmHWM) to the current RSS: the start-up's peak is forgotten.
fs.writeFileSync("/proc/self/clear_refs", "5");
const baseline = rssMB();
let sampledPeak = baseline;
const sampler = setInterval(() => {
  sampledPeak = Math.max(sampledPeak, rssMB());
}, 10);
const result = await poll();
clearInterval(sampler);
const hwmKB = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0);
await handle.close();
process.stdout.write(`${JSON.stringify({ baseline, sampledPeak, kernelPeak: hwmKB / 1024, fetched: result.fetched, outcomes: result })}\n`);
