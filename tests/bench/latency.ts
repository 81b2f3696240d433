import crypto from "node:crypto";
import nodemailer from "nodemailer";
import { startWorker, type Worker } from "../../lib/dispatch/worker";
import type { Dovecot } from "../setup/dovecot";
import { dovecotDesk } from "../setup/dovecot-desk";
import { type Figure, note, percentile, progress } from "./report";
import { type Measurement, ticketExists, waitFor } from "./stack";

const MAILS = Number(process.env.BENCH_LATENCY_MAILS ?? 200);
const RESTARTS = Number(process.env.BENCH_LATENCY_RESTARTS ?? 3);
/** A mail not ticketed by then counts as this late: the figure fails either way. */
const GIVE_UP_MS = 90_000;

export const latency: Measurement = {
  name: "latency",
  summary: `${MAILS} mails over LMTP one at a time to a mailbox the worker holds in IDLE: delivery → ticket row; then after ${RESTARTS} worker restarts`,
  async run(bench) {
    const { db } = await bench.database();
    const dovecot = await bench.dovecot();
    const desk = await dovecotDesk(db, dovecot, { settings: { sendConfirmations: false } });
    const lmtp = lmtpTransport(dovecot);
    bench.defer(() => lmtp.close());
    const run = crypto.randomBytes(3).toString("hex");
    let sent = 0;

    /** Milliseconds from the moment Dovecot accepted the mail over LMTP to its ticket row. */
    async function deliverAndWait(): Promise<number> {
      const subject = `Latency ${run} ${++sent}`;
      await lmtp.sendMail({ from: "jan@customer.test", to: desk.address, subject, text: "Hello." });
      const accepted = performance.now();
      const found = await waitFor(() => ticketExists(db, desk.divisionId, subject), GIVE_UP_MS, 5);
      return found ? performance.now() - accepted : GIVE_UP_MS;
    }

    let worker: Worker = startWorker(db, { chores: [] });
    bench.defer(() => worker.stop());
    if (!(await waitFor(() => worker.idleCount() === 1, 60_000, 50))) throw new Error("the worker did not hold the mailbox in IDLE within 60 s");

    const bar = progress("delivery → ticket, IDLE held", MAILS);
    const held: number[] = [];
    for (let i = 0; i < MAILS; i++) {
      held.push(await deliverAndWait());
      bar.increment();
    }
    bar.stop();

    const restarts = progress("delivery → ticket, after restart", RESTARTS);
    const afterRestart: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      await worker.stop();
      worker = startWorker(db, { chores: [] });
      afterRestart.push(await deliverAndWait());
      restarts.increment();
      // Back in IDLE before the next restart, as a worker that has run a while would be.
      await waitFor(() => worker.idleCount() === 1, 60_000, 50);
    }
    restarts.stop();
    note(`after restart: ${afterRestart.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(", ")}`);
    note("with 1,000 mailboxes held: see idle (mail delivered to mailboxes of its worker at 1,000 IDLE connections)");

    const seconds = (ms: number) => ms / 1000;
    return [
      { measurement: "latency", name: "IDLE held, p50", value: seconds(percentile(held, 0.5)), unit: "s", target: { op: "<=", value: 0.3 } },
      { measurement: "latency", name: "IDLE held, p99", value: seconds(percentile(held, 0.99)), unit: "s", target: { op: "<=", value: 1 }, note: `${MAILS} mails` },
      {
        measurement: "latency",
        name: "right after a worker restart, worst",
        value: seconds(Math.max(...afterRestart)),
        unit: "s",
        target: { op: "<=", value: 1 },
        note: `${RESTARTS} restarts, mail delivered as the new worker starts`,
      },
    ] satisfies Figure[];
  },
};

/** One LMTP client for all deliveries, as a mail server in front of Dovecot would keep. */
export function lmtpTransport(dovecot: Dovecot) {
  return nodemailer.createTransport({ host: dovecot.host, port: dovecot.ports.lmtp, lmtp: true, ignoreTLS: true, logger: false });
}
