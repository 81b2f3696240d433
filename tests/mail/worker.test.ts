import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundEmails, mailboxes, tickets } from "../../db/schema";
import { startWorker, type WorkerEvent } from "../../lib/dispatch/worker";
import { ownDatabase } from "../setup/db";
import { deliverOverLmtp, dovecotDesk } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { trustDovecot } from "../setup/poll-fixtures";

// The worker polls every mailbox of every tenant: it gets a database of its own.
const { db } = await ownDatabase();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  trustDovecot(dovecot);
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ticketCount = async (divisionId: string) =>
  (await db.select({ n: count() }).from(tickets).where(eq(tickets.divisionId, divisionId)))[0]!.n;

describe("the embedded worker", () => {
  it("holds IMAP IDLE: a mail delivered over LMTP is a ticket within 3 seconds, and stop() gives everything back", async () => {
    const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
    const worker = startWorker(db, { tickMs: 200, chores: [] });
    try {
      await until("IDLE on the mailbox", async () => worker.idleCount() === 1);
      const row = await until("idleSince", async () => {
        const [m] = await db.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id));
        return m?.idleSince ? m : null;
      });
      expect(row.leaseOwner).toBe(worker.id);

      const latencies: number[] = [];
      for (let i = 1; i <= 3; i++) {
        const started = Date.now();
        await deliverOverLmtp(dovecot, desk.address, { subject: `Urgent ${i}` });
        await until(`ticket ${i}`, async () => (await ticketCount(desk.divisionId)) === i, 5_000);
        latencies.push(Date.now() - started);
      }
      console.log(`IMAP IDLE: delivery over LMTP to ticket in ${latencies.join(", ")} ms (poll interval 60 min)`);
      expect(Math.max(...latencies)).toBeLessThan(3_000);
    } finally {
      await worker.stop();
    }
    const [after] = await db.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id));
    expect(after).toMatchObject({ leaseOwner: null, leaseExpiresAt: null, idleSince: null });
  }, 30_000);

  it("reconnects a dropped IDLE connection, and mail that arrived meanwhile is not missed", async () => {
    const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
    const events: WorkerEvent[] = [];
    const worker = startWorker(db, { tickMs: 200, chores: [], onEvent: (e) => events.push(e) });
    try {
      await until("IDLE on the mailbox", async () => worker.idleCount() === 1);
      const polls = () => events.filter((e) => e.type === "poll" && e.mailboxId === desk.mailbox.id).length;
      const before = polls();
      await dovecot.kick(desk.address);
      await deliverOverLmtp(dovecot, desk.address, { subject: "Sent while the line was down" });
      // The reconnect (after 1 s) polls once, which finds the mail; IDLE then works again.
      await until("the mail that arrived during the cut", async () => (await ticketCount(desk.divisionId)) === 1, 8_000);
      await until("the poll after the reconnect", async () => polls() > before);
      await until("IDLE back on", async () => events.filter((e) => e.type === "idle" && e.mailboxId === desk.mailbox.id).length >= 3);
      expect(events.filter((e) => e.type === "idle").map((e) => (e as { on: boolean }).on)).toEqual([true, false, true]);
      expect(worker.idleCount()).toBe(1);
      const started = Date.now();
      await deliverOverLmtp(dovecot, desk.address, { subject: "After the reconnect" });
      await until("the next mail over IDLE", async () => (await ticketCount(desk.divisionId)) === 2, 3_000);
      console.log(`IDLE after a reconnect: ticket in ${Date.now() - started} ms`);
    } finally {
      await worker.stop();
    }
  }, 30_000);

  it("tries a mailbox whose password is wrong at most a handful of times in 10 minutes, and says why", async () => {
    const desk = await dovecotDesk(db, dovecot, { wrongPassword: true });
    let clock = new Date();
    const events: WorkerEvent[] = [];
    const worker = startWorker(db, { loop: false, chores: [], now: () => clock, onEvent: (e) => events.push(e) });
    try {
      for (let second = 0; second <= 600; second += 10) {
        clock = new Date(clock.getTime() + 10_000);
        await worker.tick();
      }
    } finally {
      await worker.stop();
    }
    const attempts = events.filter((e) => e.type === "poll" && e.mailboxId === desk.mailbox.id);
    console.log(`wrong password: ${attempts.length} login attempts in 10 minutes of test clock`);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.length).toBeLessThanOrEqual(3);
    const [row] = await db.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id));
    expect(row).toMatchObject({ lastErrorCode: "loginFailed", leaseOwner: null });
    expect(row!.lastErrorAt).not.toBeNull();
    expect(row!.nextPollAt!.getTime()).toBeGreaterThan(clock.getTime());
  }, 60_000);

  it("leaves alone a mailbox another worker holds, and polls mail that waited in a mailbox without IDLE slots", async () => {
    const desk = await dovecotDesk(db, dovecot);
    await deliverOverLmtp(dovecot, desk.address, { subject: "Waiting" });
    await db
      .update(mailboxes)
      .set({ leaseOwner: "someone-else", leaseExpiresAt: new Date(Date.now() + 60_000) })
      .where(eq(mailboxes.id, desk.mailbox.id));
    const worker = startWorker(db, { loop: false, chores: [], maxIdle: 0 });
    await worker.tick();
    expect(await ticketCount(desk.divisionId)).toBe(0);
    await db.update(mailboxes).set({ leaseOwner: null, leaseExpiresAt: null }).where(eq(mailboxes.id, desk.mailbox.id));
    await worker.tick();
    await worker.stop();
    expect(await ticketCount(desk.divisionId)).toBe(1);
    const [stored] = await db
      .select({ n: count() })
      .from(inboundEmails)
      .where(and(eq(inboundEmails.mailboxId, desk.mailbox.id), eq(inboundEmails.outcome, "ticket_created")));
    expect(stored!.n).toBe(1);
    const [row] = await db.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id));
    expect(row).toMatchObject({ leaseOwner: null, idleSince: null });
  }, 30_000);
});
