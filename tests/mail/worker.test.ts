import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundEmails, mailboxes, tickets } from "../../db/schema";
import { PRESENCE_LOCK_CLASS } from "../../lib/dispatch/presence";
import { startWorker, type WorkerEvent } from "../../lib/dispatch/worker";
import { ownDatabase } from "../setup/db";
import { deliverOverLmtp, deskBehindProxy, dovecotDesk } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { trustMailServer } from "../setup/poll-fixtures";
import { until } from "../setup/until";

// The worker polls every mailbox of every tenant: it gets a database of its own.
const { db } = await ownDatabase();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  trustMailServer(dovecot);
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

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

  it("polls a mailbox held in IDLE over its IDLE connection: announced mail and the scheduled check open no new connection", async () => {
    // Plain IMAP through a proxy that counts the connections (each one a login).
    const { desk, proxy, mailbox, address } = await deskBehindProxy(db, dovecot, "HELD");
    const events: WorkerEvent[] = [];
    const worker = startWorker(db, { tickMs: 100, chores: [], onEvent: (e) => events.push(e) });
    const polls = () => events.filter((e) => e.type === "poll" && e.mailboxId === mailbox.id && e.result.ok);
    try {
      await until("IDLE on the mailbox", async () => events.some((e) => e.type === "idle" && e.mailboxId === mailbox.id && e.on));
      // The first poll's own connection, logged out, and the IDLE connection.
      const opened = proxy.connectionsOpened();
      expect(opened).toBe(2);

      await deliverOverLmtp(dovecot, address, { subject: "Announced over IDLE" });
      await until("the announced mail", async () => (await ticketCount(desk.divisionId)) === 1, 5_000);
      expect(events.some((e) => e.type === "announced" && e.mailboxId === mailbox.id)).toBe(true);

      const before = polls().length;
      await db.update(mailboxes).set({ nextPollAt: new Date() }).where(eq(mailboxes.id, mailbox.id));
      await until("the scheduled check", async () => polls().length > before, 5_000);

      expect(proxy.connectionsOpened()).toBe(opened);
      // Held throughout: IDLE went on once and never off.
      const idleOfThis = events.filter((e) => e.type === "idle" && e.mailboxId === mailbox.id);
      expect(idleOfThis.map((e) => (e as { on: boolean }).on)).toEqual([true]);
      const processed = await dovecot.listFolder(address, "Processed");
      expect(processed.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString("latin1"))?.[1]?.trim())).toEqual(["Announced over IDLE"]);
    } finally {
      await worker.stop();
      await proxy.close();
      // Later tests' workers must not go after this mailbox through a proxy that is gone.
      await db.update(mailboxes).set({ active: false }).where(eq(mailboxes.id, mailbox.id));
    }
  }, 30_000);

  it("reconnects a dropped IDLE connection, and mail that arrived meanwhile is not missed", async () => {
    const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
    const events: WorkerEvent[] = [];
    const worker = startWorker(db, { tickMs: 200, chores: [], onEvent: (e) => events.push(e) });
    try {
      await until("IDLE on the mailbox", async () => events.some((e) => e.type === "idle" && e.mailboxId === desk.mailbox.id && e.on));
      const polls = () => events.filter((e) => e.type === "poll" && e.mailboxId === desk.mailbox.id).length;
      const before = polls();
      await dovecot.kick(desk.address);
      await deliverOverLmtp(dovecot, desk.address, { subject: "Sent while the line was down" });
      // The reconnect (after 1 s) polls once, which finds the mail; IDLE then works again.
      await until("the mail that arrived during the cut", async () => (await ticketCount(desk.divisionId)) === 1, 8_000);
      await until("the poll after the reconnect", async () => polls() > before);
      await until("IDLE back on", async () => events.filter((e) => e.type === "idle" && e.mailboxId === desk.mailbox.id).length >= 3);
      // Mailboxes of earlier tests, given back due at once, may be held beside it: only this one counts.
      const idleOfThis = events.filter((e) => e.type === "idle" && e.mailboxId === desk.mailbox.id);
      expect(idleOfThis.map((e) => (e as { on: boolean }).on)).toEqual([true, false, true]);
      expect((await db.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id)))[0]).toMatchObject({ leaseOwner: worker.id });
      const started = Date.now();
      await deliverOverLmtp(dovecot, desk.address, { subject: "After the reconnect" });
      await until("the next mail over IDLE", async () => (await ticketCount(desk.divisionId)) === 2, 3_000);
      console.log(`IDLE after a reconnect: ticket in ${Date.now() - started} ms`);
    } finally {
      await worker.stop();
    }
  }, 30_000);

  it("stop() during a reconnect wait returns within a second and gives the lease back", async () => {
    const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
    const events: WorkerEvent[] = [];
    // A minute's pause before the reconnect: stop() must not wait for it.
    const worker = startWorker(db, { tickMs: 200, chores: [], reconnectDelayMs: () => 60_000, onEvent: (e) => events.push(e) });
    let stopMs = Number.NaN;
    try {
      await until("IDLE on the mailbox", async () => events.some((e) => e.type === "idle" && e.mailboxId === desk.mailbox.id && e.on));
      await dovecot.kick(desk.address);
      await until("the reconnect wait", async () => events.some((e) => e.type === "reconnect" && e.mailboxId === desk.mailbox.id));
      const started = Date.now();
      await worker.stop();
      stopMs = Date.now() - started;
    } finally {
      await worker.stop();
    }
    console.log(`stop() during a 60 s reconnect wait returned after ${stopMs} ms`);
    expect(stopMs).toBeLessThan(1_000);
    const [after] = await db.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id));
    expect(after).toMatchObject({ leaseOwner: null, idleSince: null });
  }, 30_000);

  it("stop() between two ticks a minute apart returns within a second", async () => {
    const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
    const worker = startWorker(db, { tickMs: 60_000, chores: [] });
    let stopMs = Number.NaN;
    try {
      // The first tick leased the mailbox and opened IDLE; the worker now waits for its next tick.
      await until("IDLE on the mailbox", async () => {
        const [row] = await db.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id));
        return row?.leaseOwner === worker.id && row.idleSince !== null;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      await worker.stop();
      stopMs = Date.now() - started;
    } finally {
      await worker.stop();
    }
    console.log(`stop() during a 60 s pause between ticks returned after ${stopMs} ms`);
    expect(stopMs).toBeLessThan(1_000);
    const [after] = await db.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id));
    expect(after).toMatchObject({ leaseOwner: null, idleSince: null });
  }, 30_000);

  it("keeps counting reconnect attempts when a connection is dropped soon after it came back", async () => {
    const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
    const events: WorkerEvent[] = [];
    const worker = startWorker(db, { tickMs: 200, chores: [], reconnectDelayMs: () => 100, onEvent: (e) => events.push(e) });
    const idleOn = () => events.filter((e) => e.type === "idle" && e.mailboxId === desk.mailbox.id && e.on).length;
    try {
      await until("IDLE on the mailbox", async () => idleOn() === 1);
      for (let drop = 1; drop <= 3; drop++) {
        await dovecot.kick(desk.address);
        await until(`IDLE back after drop ${drop}`, async () => idleOn() === drop + 1);
      }
    } finally {
      await worker.stop();
    }
    // Each connection stood well under a minute: the count went on instead of starting over.
    const attempts = events.filter((e) => e.type === "reconnect" && e.mailboxId === desk.mailbox.id).map((e) => (e as { attempt: number }).attempt);
    expect(attempts).toEqual([1, 2, 3]);
  }, 30_000);

  it("gives its mailboxes back when the database session that marks it alive is cut, then takes them again", async () => {
    const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
    const events: WorkerEvent[] = [];
    const worker = startWorker(db, { tickMs: 200, chores: [], onEvent: (e) => events.push(e) });
    const idleOfThis = () => events.filter((e) => e.type === "idle" && e.mailboxId === desk.mailbox.id).map((e) => (e as { on: boolean }).on);
    try {
      await until("IDLE on the mailbox", async () => idleOfThis().includes(true));
      // Cut only the worker's presence session: other workers could now take its mailboxes.
      const cut = await db.execute(sql`
        select pg_terminate_backend(pid) as done from pg_locks
        where locktype = 'advisory' and granted and objsubid = 2 and classid = ${PRESENCE_LOCK_CLASS}::oid
          and objid = (hashtext(${worker.id})::bigint & 4294967295)::oid`);
      expect(cut).toHaveLength(1);
      await until("the mailbox given back and held again", async () => idleOfThis().join() === "true,false,true");
      expect(events.filter((e) => e.type === "error").map((e) => (e as { where: string }).where)).toContain("presence");
      // Listening again: new mail is a ticket within seconds.
      await deliverOverLmtp(dovecot, desk.address, { subject: "After the cut" });
      await until("the mail as a ticket", async () => (await ticketCount(desk.divisionId)) === 1, 5_000);
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
    expect(row).toMatchObject({ connectionState: "authFailed", lastErrorCode: "loginFailed", leaseOwner: null });
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
