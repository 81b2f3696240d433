import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, type DatabaseHandle, openDatabase } from "../../db/client";
import { inboundEmails, tickets } from "../../db/schema";
import { repoRoot } from "../setup/cli";
import { dovecotDesk } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import { expectEachMailOnce, trustMailServer } from "../setup/poll-fixtures";
import { type PrivatePostgres, startPrivatePostgres } from "../setup/private-postgres";
import { until } from "../setup/until";

/**
 * Nothing is lost when the other side fails: PostgreSQL goes away for 30 s in the middle of a poll
 * and comes back. The database is a private cluster of this file's own (the shared server
 * is never stopped); the worker is a real `postdesk worker` process, which must ride out the outage
 * by itself: no exit, no restart, and every mail of the mailbox ends with exactly one outcome.
 */

/** Enough that the poll's batch, stored at once and processed a mail at a time, is caught midway. */
const MAILS = 40;
const OUTAGE_MS = 30_000;

let dovecot: Dovecot;
let caFile: string;
let cluster: PrivatePostgres;
let handle: DatabaseHandle;
let db: Database;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [dovecot, cluster] = await Promise.all([startDovecot(), startPrivatePostgres()]);
  caFile = trustMailServer(dovecot);
  handle = await openDatabase(cluster.url);
  db = handle.db;
}, 60_000);
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await handle?.close();
  await cluster?.destroy();
  await dovecot?.stop();
}, 30_000);

/** `postdesk worker` in a process of its own, on the private cluster; its events on stdout. */
function workerProcess() {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, "bin", "postdesk.mjs"), "worker", "--tick-ms", "200", "--events"],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: cluster.url, POSTDESK_MAIL_CA_FILE: caFile },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const events = () =>
    stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; ok?: boolean; fetched?: number; where?: string; at: number });
  return { child, stderr: () => stderr, events };
}

describe("PostgreSQL going away in the middle of a poll", () => {
  it(
    "for 30 s: the worker rides it out without a restart, and every mail ends with exactly one outcome",
    async () => {
      const desk = await dovecotDesk(db, dovecot, { settings: { tag: "DOWN", sendConfirmations: false } });
      // Made by the first poll anyway; made here so that it can be counted before.
      await dovecot.createFolder(desk.address, "Processed");
      for (let i = 0; i < MAILS; i++) {
        await dovecot.deliver(
          desk.address,
          mail({ from: `customer${i}@customers.test`, to: desk.address, subject: `Order ${i} never arrived` }),
        );
      }
      /** What the database holds of the mailbox's mail. */
      const ledger = async () => {
        const rows = await db.select({ outcome: inboundEmails.outcome }).from(inboundEmails).where(eq(inboundEmails.mailboxId, desk.mailbox.id));
        const [made] = await db.select({ n: count() }).from(tickets).where(eq(tickets.divisionId, desk.divisionId));
        return { inboundRows: rows.length, pending: rows.filter((row) => row.outcome === "pending").length, tickets: made!.n };
      };
      const folders = async () => ({
        inbox: (await dovecot.listFolder(desk.address, "INBOX")).length,
        processed: (await dovecot.listFolder(desk.address, "Processed")).length,
      });
      const counts = async () => ({ ...(await folders()), ...(await ledger()) });

      const before = await counts();
      console.log("before the poll:", before);
      expect(before).toEqual({ inbox: MAILS, processed: 0, inboundRows: 0, pending: 0, tickets: 0 });

      const worker = workerProcess();
      // The batch stored, a few of its mails made into tickets, the rest waiting: the poll is in flight.
      const midway = await until(
        "the poll a few mails in",
        async () => {
          const now = await ledger();
          return now.inboundRows - now.pending >= 3 && now.pending > 0 ? now : null;
        },
        30_000,
        worker.stderr,
      );
      const stoppedAt = Date.now();
      await cluster.stop();
      console.log("database stopped mid-poll:", { ...(await folders()), lastSeenInDatabase: midway });

      await delay(OUTAGE_MS - (Date.now() - stoppedAt));
      expect(worker.child.exitCode, worker.stderr()).toBeNull();
      const during = await folders();
      await cluster.start();
      const outageMs = Date.now() - stoppedAt;
      console.log(`database back after ${outageMs} ms; mail folders then:`, during);

      // Settled: every mail moved out of the inbox, and none stored without its outcome.
      let last: unknown = null;
      const after = await until(
        "the inbox drained and every stored mail with its outcome",
        async () => {
          const now = await counts().catch(() => null);
          last = now ?? last;
          return now && now.inbox === 0 && now.pending === 0 ? now : null;
        },
        45_000,
        () => `last seen: ${JSON.stringify(last)}\n${worker.stderr().slice(-4_000)}`,
      );
      console.log(`after recovery (${Date.now() - stoppedAt - outageMs} ms after the database came back):`, after);
      expect(after).toEqual({ inbox: 0, processed: MAILS, inboundRows: MAILS, pending: 0, tickets: MAILS });

      await expectEachMailOnce(db, desk.tenantId, desk.mailbox.id, MAILS);
      // Each a new ticket, and the outage counted as none of a mail's three processing attempts.
      const outcomes = await db
        .select({ outcome: inboundEmails.outcome, attempts: inboundEmails.attempts })
        .from(inboundEmails)
        .where(eq(inboundEmails.mailboxId, desk.mailbox.id));
      expect(outcomes).toEqual(Array.from({ length: MAILS }, () => ({ outcome: "ticket_created", attempts: 0 })));
      // The same process all along: it never exited, and it started once.
      expect(worker.child.exitCode).toBeNull();
      expect(worker.stderr().match(/: running;/g)).toHaveLength(1);
      const events = worker.events();
      const errors: Record<string, number> = {};
      for (const event of events) {
        // "poll <mailbox id>" and the like: counted by what failed, not which mailbox.
        const where = event.type === "error" ? event.where?.split(" ")[0] : undefined;
        if (where) errors[where] = (errors[where] ?? 0) + 1;
      }
      const polls = events.filter((e) => e.type === "poll").map((e) => (e.ok ? `ok, ${e.fetched} fetched` : "failed"));
      console.log(`the same worker process (pid ${worker.child.pid}) throughout; errors it reported:`, errors, "polls that returned:", polls);

      const exited = new Promise<number | null>((resolve) => worker.child.once("exit", (code) => resolve(code)));
      worker.child.kill("SIGTERM");
      expect(await exited).toBe(0);
    },
    120_000,
  );

  it("a transaction cut off by the outage fails with CONNECTION_CLOSED, and the process lives on to use the server again", async () => {
    await cluster.start();
    const own = await openDatabase(cluster.url);
    try {
      const cut = own.db.transaction((tx) => tx.execute(sql`select pg_sleep(10)`));
      cut.catch(() => {});
      await until(
        "the transaction's query running on the server",
        async () => {
          const running = await db.execute(
            sql`select 1 from pg_stat_activity where state = 'active' and query like 'select pg_sleep%'`,
          );
          return (running as unknown as unknown[]).length > 0;
        },
        10_000,
      );
      await cluster.stop();
      await expect(cut).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
      // postgres.js 3.4 then sent its ROLLBACK on the dead connection from a setImmediate and killed the
      // process (porsager/postgres#1208); 4.x does not. Give such a throw the time to happen.
      await delay(200);
      await cluster.start();
      expect(await own.db.execute(sql`select 42 as answer`)).toEqual([{ answer: 42 }]);
    } finally {
      await own.close();
    }
  }, 30_000);
});
