import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxes, tickets } from "../../db/schema";
import { startWorker, type WorkerEvent } from "../../lib/dispatch/worker";
import { repoRoot } from "../setup/cli";
import { ownDatabase } from "../setup/db";
import { deliverOverLmtp, dovecotDesk } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { trustMailServer } from "../setup/poll-fixtures";
import { until } from "../setup/until";

/**
 * A restart must not delay mail. The worker that goes away is a real `postdesk worker` process (the
 * embedded runner on its own, as `npm start` runs it inside the app) holding IMAP IDLE on a mailbox
 * with the default two-minute lease; the one that comes next is started at once against the same
 * database, and a mail is delivered the moment it runs. Stopped gracefully, the old worker gave its
 * lease back; killed with SIGKILL, it could not, and the new one must see that it is gone instead of
 * waiting for the lease to run out.
 */

const { db, url } = await ownDatabase();
let dovecot: Dovecot;
let caFile: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
  caFile = trustMailServer(dovecot);
}, 60_000);
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await dovecot?.stop();
}, 30_000);

/** `postdesk worker` in a process of its own, with the default lease (two minutes). */
function workerProcess() {
  const child = spawn(process.execPath, [path.join(repoRoot, "bin", "postdesk.mjs"), "worker", "--tick-ms", "200"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url, POSTDESK_MAIL_CA_FILE: caFile },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

const mailboxRow = async (mailboxId: string) => (await db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)))[0]!;
const ticketCount = async (divisionId: string) =>
  (await db.select({ n: count() }).from(tickets).where(eq(tickets.divisionId, divisionId)))[0]!.n;

/** An old worker process holding IDLE on a new mailbox; the mailbox's lease is its. */
async function mailboxHeldByAWorkerProcess() {
  const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
  const old = workerProcess();
  const held = await until(
    "the old worker holding IDLE",
    async () => {
      const row = await mailboxRow(desk.mailbox.id);
      return row.idleSince && row.leaseOwner ? row : null;
    },
    30_000,
    old.stderr,
  );
  expect(held.leaseExpiresAt!.getTime() - Date.now()).toBeGreaterThan(60_000);
  return { desk, old, oldOwner: held.leaseOwner! };
}

/** Starts the next worker, delivers a mail at once and measures until it is a ticket. */
async function restartAndDeliver(desk: Awaited<ReturnType<typeof dovecotDesk>>, subject: string) {
  const events: WorkerEvent[] = [];
  const next = startWorker(db, { tickMs: 200, chores: [], onEvent: (e) => events.push(e) });
  try {
    const delivered = Date.now();
    await deliverOverLmtp(dovecot, desk.address, { subject });
    await until("the mail as a ticket", async () => (await ticketCount(desk.divisionId)) === 1, 10_000);
    const latencyMs = Date.now() - delivered;
    const row = await until("the new worker holding IDLE", async () => {
      const m = await mailboxRow(desk.mailbox.id);
      return m.leaseOwner === next.id && m.idleSince ? m : null;
    }, 10_000);
    return { latencyMs, events, row };
  } finally {
    await next.stop();
  }
}

describe("a restart of the embedded worker", () => {
  it(
    "after a graceful stop (SIGTERM) the lease is back, and mail delivered at once is a ticket in under 5 s",
    async () => {
      const { desk, old } = await mailboxHeldByAWorkerProcess();
      old.child.kill("SIGTERM");
      expect(await old.exited).toEqual({ code: 0, signal: null });
      expect(await mailboxRow(desk.mailbox.id)).toMatchObject({ leaseOwner: null, leaseExpiresAt: null, idleSince: null });

      const { latencyMs, events } = await restartAndDeliver(desk, "Sent right after a restart");
      console.log(`restart after SIGTERM: mail delivered at once was a ticket after ${latencyMs} ms`);
      expect(latencyMs).toBeLessThan(5_000);
      // Nothing was left to take over.
      expect(events.filter((e) => e.type === "takeover")).toEqual([]);
    },
    90_000,
  );

  it(
    "after a hard kill (SIGKILL) the next worker takes the dead one's lease at once: mail delivered at once is a ticket in under 5 s",
    async () => {
      const { desk, old, oldOwner } = await mailboxHeldByAWorkerProcess();
      old.child.kill("SIGKILL");
      expect((await old.exited).signal).toBe("SIGKILL");
      // The dead worker's lease still stands, and would for two minutes.
      const left = await mailboxRow(desk.mailbox.id);
      expect(left.leaseOwner).toBe(oldOwner);
      expect(left.leaseExpiresAt!.getTime() - Date.now()).toBeGreaterThan(60_000);

      const { latencyMs, events } = await restartAndDeliver(desk, "Sent right after a crash");
      console.log(`restart after SIGKILL: mail delivered at once was a ticket after ${latencyMs} ms`);
      expect(latencyMs).toBeLessThan(5_000);
      // Its leases ended at once (with this mailbox, any other it had taken over from earlier tests).
      expect(events.filter((e) => e.type === "takeover")).toEqual([expect.objectContaining({ type: "takeover", owner: oldOwner })]);
    },
    90_000,
  );

  it(
    "a worker that starts beside a live one never takes its leases",
    async () => {
      const { desk, old, oldOwner } = await mailboxHeldByAWorkerProcess();
      const events: WorkerEvent[] = [];
      const beside = startWorker(db, { tickMs: 100, chores: [], onEvent: (e) => events.push(e) });
      try {
        // Plenty of ticks in which it could have judged the other one gone.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        expect(events.filter((e) => e.type === "takeover" || (e.type === "lease" && e.mailboxId === desk.mailbox.id))).toEqual([]);
        expect((await mailboxRow(desk.mailbox.id)).leaseOwner).toBe(oldOwner);
        // The live worker still listens: its IDLE brings the mail in.
        await deliverOverLmtp(dovecot, desk.address, { subject: "For the worker that holds the mailbox" });
        await until("the mail as a ticket", async () => (await ticketCount(desk.divisionId)) === 1, 10_000, old.stderr);
        expect(events.filter((e) => e.type === "poll" && e.mailboxId === desk.mailbox.id)).toEqual([]);
      } finally {
        await beside.stop();
        old.child.kill("SIGTERM");
        await old.exited;
      }
    },
    90_000,
  );
});
