import crypto from "node:crypto";
import { cli } from "./cli";
import { dashboard } from "./dashboard";
import { helpCenter } from "./help-center";
import { idle } from "./idle";
import { ingest } from "./ingest";
import { latency } from "./latency";
import { memory } from "./memory";
import { outbound } from "./outbound";
import { queue } from "./queue";
import { type Figure, formatTable, note, resultsFile, writeResults } from "./report";
import { type Measurement, withBench } from "./stack";
import { suggestions } from "./suggestions";

/**
 * `npm run bench [-- name…]`: the figures of issue 12 ("Fast at scale"), each against its target.
 * Not part of `npm test`: it takes minutes, and its figures say how fast, not whether right.
 */

const measurements: Measurement[] = [ingest, latency, idle, queue, memory, outbound, cli, suggestions, helpCenter, dashboard];

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !measurements.some((m) => m.name === name));
if (unknown.length > 0 || asked.includes("--help")) {
  console.error(`Usage: npm run bench [-- ${measurements.map((m) => m.name).join(" | ")} …]\n`);
  for (const m of measurements) console.error(`  ${m.name.padEnd(9)} ${m.summary}`);
  process.exit(unknown.length > 0 ? 1 : 0);
}
const chosen = asked.length === 0 ? measurements : measurements.filter((m) => asked.includes(m.name));

// Mailbox passwords are sealed with it; the worker and CLI started as child processes inherit it.
process.env.POSTDESK_SECRET_KEY ??= `bench:${crypto.randomBytes(32).toString("base64")}`;
// The bench's Dovecot runs on loopback, which Postdesk refuses unless allowed (lib/mail/host-policy.ts).
process.env.POSTDESK_MAIL_HOSTS_ALLOW ??= "127.0.0.0/8,::1";

const started = Date.now();
const figures: Figure[] = [];
for (const measurement of chosen) {
  const at = Date.now();
  process.stderr.write(`\n▶ ${measurement.name}: ${measurement.summary}\n`);
  try {
    figures.push(...(await withBench((bench) => measurement.run(bench))));
  } catch (error) {
    // drizzle wraps the database's error: its cause says what went wrong.
    const cause = (error as Error).cause;
    process.stderr.write(`  failed: ${(error as Error).stack ?? String(error)}${cause ? `\n  cause: ${String(cause)}` : ""}\n`);
    figures.push({ measurement: measurement.name, name: "(failed)", value: null, unit: "", note: (error as Error).message.split("\n")[0] });
  }
  note(`${measurement.name} took ${((Date.now() - at) / 1000).toFixed(0)} s`);
}
const seconds = (Date.now() - started) / 1000;
writeResults(figures, chosen.map((m) => m.name), seconds);
console.log(`\n${formatTable(figures)}\n`);
console.log(`${chosen.length} measurement(s) in ${(seconds / 60).toFixed(1)} min on ${process.version}; written to ${resultsFile}`);
// Pools and sockets of the product code (postgres.js, imapflow) may keep the event loop alive.
process.exit(0);
