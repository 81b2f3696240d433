import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { simpleParser } from "mailparser";
import type { Database } from "../../db/client";
import { pollMailbox } from "../../lib/dispatch/poll";
import { startWorker } from "../../lib/dispatch/worker";
import { connectImap } from "../../lib/mail/imap";
import { dovecotDesk } from "../setup/dovecot-desk";
import { outboundDesk } from "../setup/outbound-desk";
import { mixedCorpusMails } from "./mixed-mails";
import { type Figure, note, progress } from "./report";
import { type Bench, handledCount, type Measurement, select } from "./stack";

const MAILS = Number(process.env.BENCH_INGEST_MAILS ?? 2_000);
/** The worker is taken to have stopped draining once this long passes without a mail handled. */
const STALL_MS = 15_000;
/** What the limit fetches at once: a poll's batch (lib/dispatch/poll.ts POLL_BATCH). */
const FETCH_BATCH = 100;

const repoRoot = path.resolve(import.meta.dirname, "../..");

export const ingest: Measurement = {
  name: "ingest",
  summary: `${MAILS} corpus mails in one Dovecot mailbox: the worker draining them, beside fetch + parse alone, and \`postdesk import\``,
  async run(bench) {
    const { db, url } = await bench.database();
    const dovecot = await bench.dovecot();
    const desk = await dovecotDesk(db, dovecot);
    const mails = mixedCorpusMails(MAILS);
    const login = dovecot.login(desk.address, "imap", "tls");

    // Appended over one IMAP connection: doveadm would start a process per mail.
    const appending = progress("delivering into Dovecot", mails.length);
    const appender = await connectImap(login);
    for (const raw of mails) {
      await appender.append("INBOX", raw);
      appending.increment();
    }
    await appender.logout();
    appending.stop();

    const limitRate = await fetchAndParse(login, mails.length);

    // The worker as `postdesk worker` runs it, in this process; sending and the other chores off.
    const draining = progress("worker draining", mails.length);
    const started = Date.now();
    const worker = startWorker(db, { chores: [] });
    let handled = 0;
    let lastProgressAt = started;
    while (handled < mails.length && Date.now() - lastProgressAt < STALL_MS) {
      await delay(100);
      const now = await handledCount(db, desk.mailbox.id);
      if (now > handled) lastProgressAt = Date.now();
      handled = now;
      draining.update(handled);
    }
    await worker.stop();
    draining.stop();
    const byWorker = handled;
    let busyMs = lastProgressAt - started;
    if (byWorker < mails.length) {
      note(`the worker handled ${byWorker} of ${mails.length}, then nothing for ${STALL_MS / 1000} s: polling the rest as its polls do`);
      const rest = progress("pollMailbox until drained", mails.length);
      rest.update(byWorker);
      const restStarted = Date.now();
      for (;;) {
        const result = await pollMailbox(db, { tenantId: desk.tenantId, mailboxId: desk.mailbox.id });
        if (!result.ok) throw new Error(`poll failed: ${result.failure}: ${result.detail}`);
        handled = await handledCount(db, desk.mailbox.id);
        rest.update(handled);
        if (result.fetched === 0) break;
      }
      rest.stop();
      busyMs += Date.now() - restStarted;
    }
    const ingestRate = handled / (busyMs / 1000);

    const importRate = await importFiles(bench, db, url, mails);

    return [
      { measurement: "ingest", name: "limit: IMAP fetch + simpleParser", value: limitRate, unit: "mails/s", note: "no database" },
      {
        measurement: "ingest",
        name: "ingest: fetch, store, process, move",
        value: ingestRate,
        unit: "mails/s",
        note: `${handled} mails; time spent polling (a stall is not counted)`,
      },
      { measurement: "ingest", name: "ingest ÷ limit", value: ingestRate / limitRate, unit: "×", target: { op: ">=", value: 0.5 } },
      {
        measurement: "ingest",
        name: "worker drains the backlog",
        value: byWorker,
        unit: "mails",
        target: { op: ">=", value: mails.length },
        note:
          byWorker < mails.length
            ? `no mail handled for ${STALL_MS / 1000} s after ${byWorker}: the rest waits for the next scheduled poll`
            : `in ${((lastProgressAt - started) / 1000).toFixed(1)} s`,
      },
      { measurement: "ingest", name: "postdesk import (.eml files)", value: importRate, unit: "mails/s", note: "wall time of the command, start-up included" },
    ] satisfies Figure[];
  },
};

/** The most a poll could do: fetch the raw mails over IMAP and parse them, nothing stored. */
async function fetchAndParse(login: Parameters<typeof connectImap>[0], total: number): Promise<number> {
  const bar = progress("limit: fetch + parse", total);
  const started = Date.now();
  const client = await connectImap(login);
  try {
    const lock = await client.getMailboxLock("INBOX");
    try {
      const uids = (await client.search({ all: true }, { uid: true })) || [];
      for (let i = 0; i < uids.length; i += FETCH_BATCH) {
        const batch = uids.slice(i, i + FETCH_BATCH);
        const fetched = await client.fetchAll(batch.join(","), { uid: true, source: true }, { uid: true });
        for (const message of fetched) {
          if (message.source) await simpleParser(message.source);
          bar.increment();
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
    bar.stop();
  }
  return total / ((Date.now() - started) / 1000);
}

/** `postdesk import` of the same mails, written out as .eml files, into a division of another company. */
async function importFiles(
  bench: Bench,
  db: Database,
  url: string,
  mails: Buffer[],
): Promise<number> {
  const desk = await outboundDesk(db, {}, "Importer");
  const dir = await bench.tempDir("eml");
  await Promise.all(mails.map((raw, i) => fs.promises.writeFile(path.join(dir, `${String(i).padStart(5, "0")}.eml`), raw)));
  const bar = progress("postdesk import", mails.length);
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(repoRoot, "bin", "postdesk.mjs"), "import", "--division", desk.divisionId, dir], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const watch = setInterval(() => {
    handledImports(db, desk.divisionId).then((n) => bar.update(n), () => {});
  }, 500);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(watch);
  bar.update(mails.length);
  bar.stop();
  if (code !== 0) throw new Error(`postdesk import exited ${code}:\n${output.slice(-2000)}`);
  return mails.length / ((Date.now() - started) / 1000);
}

async function handledImports(db: Database, divisionId: string): Promise<number> {
  const [row] = await select<{ n: number }>(db, sql`select count(*)::int as n from inbound_emails where division_id = ${divisionId}`);
  return row?.n ?? 0;
}
