import crypto from "node:crypto";
import net from "node:net";
import { and, count, eq, inArray, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundEmails, mailboxes } from "../../db/schema";
import { POLL_BATCH, type PollResult } from "../../lib/dispatch/poll";
import { startWorker, type WorkerEvent } from "../../lib/dispatch/worker";
import { ownDatabase } from "../setup/db";
import { addDovecotMailbox, dovecotDesk } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import { trustMailServer } from "../setup/poll-fixtures";
import { until } from "../setup/until";

/**
 * The worker at scale: a backlog drains batch after batch without waiting for the interval, and
 * without keeping other mailboxes waiting; polls run as a queue with a bound, so one slow mailbox
 * holds up one slot, not a round.
 */

// The worker polls every mailbox of every tenant: it gets a database of its own.
const { db } = await ownDatabase();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  trustMailServer(dovecot);
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
const polls = (events: WorkerEvent[], ids: string[]) =>
  events.filter((e): e is Extract<WorkerEvent, { type: "poll" }> => e.type === "poll" && ids.includes(e.mailboxId));
const handled = async (mailboxId: string) =>
  (
    await db
      .select({ n: count() })
      .from(inboundEmails)
      .where(and(eq(inboundEmails.mailboxId, mailboxId), ne(inboundEmails.outcome, "pending")))
  )[0]!.n;

describe("the worker at scale", () => {
  it("drains a backlog of more than one batch by consecutive polls, not an interval apart, and polls another due mailbox in between", async () => {
    const settings = { pollIntervalMinutes: 60, sendConfirmations: false };
    const backlog = await dovecotDesk(db, dovecot, { settings });
    const other = await dovecotDesk(db, dovecot, { settings });
    const waiting = POLL_BATCH + 20;
    for (let i = 0; i < waiting; i++) {
      await dovecot.deliver(backlog.address, mail({ from: `customer${i}@customers.test`, to: backlog.address, subject: `Backlog ${i}` }));
    }
    await dovecot.deliver(other.address, mail({ to: other.address, subject: "Waiting beside a backlog" }));
    // The backlog's mailbox has waited longest, the other one a little less: both are due.
    await db.update(mailboxes).set({ nextPollAt: minutesAgo(2) }).where(eq(mailboxes.id, backlog.mailbox.id));
    await db.update(mailboxes).set({ nextPollAt: minutesAgo(1) }).where(eq(mailboxes.id, other.mailbox.id));

    const events: WorkerEvent[] = [];
    // One poll at a time, no IDLE: the order of the polls is the order of the due queue.
    const worker = startWorker(db, { tickMs: 200, chores: [], concurrency: 1, maxIdle: 0, onEvent: (e) => events.push(e) });
    try {
      await until("the backlog and the other mail handled", async () => (await handled(backlog.mailbox.id)) === waiting && (await handled(other.mailbox.id)) === 1, 120_000);
    } finally {
      await worker.stop();
    }
    const ids = [backlog.mailbox.id, other.mailbox.id];
    const seen = polls(events, ids).map((e) => ({
      mailbox: e.mailboxId === backlog.mailbox.id ? "backlog" : "other",
      fetched: (e.result as Extract<PollResult, { ok: true }>).fetched,
      more: (e.result as Extract<PollResult, { ok: true }>).more,
      at: e.at,
    }));
    console.log(`a backlog of ${waiting}: polls ${JSON.stringify(seen.map(({ at, ...poll }) => poll))}, ${seen.at(-1)!.at - seen[0]!.at} ms from first to last`);
    expect(seen.map(({ at, ...poll }) => poll)).toEqual([
      { mailbox: "backlog", fetched: POLL_BATCH, more: true },
      { mailbox: "other", fetched: 1, more: false },
      { mailbox: "backlog", fetched: waiting - POLL_BATCH, more: false },
    ]);
    // Drained: back on its interval (an hour) only now.
    const [row] = await db.select().from(mailboxes).where(eq(mailboxes.id, backlog.mailbox.id));
    expect(row!.nextPollAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(row).toMatchObject({ leaseOwner: null, connectionState: "connected" });
  }, 180_000);

  it("keeps polling the other due mailboxes while one poll hangs on a silent server, and takes up the next as soon as one ends", async () => {
    // Accepts connections and never says a word: a poll of it waits out its 10 s timeout.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
      const slow = await desk.addMailbox(`slow-${crypto.randomBytes(3).toString("hex")}@mailco.test`, {
        host: "127.0.0.1",
        port: String(port),
        security: "none",
        connectTimeoutSeconds: 10,
      });
      const quick = [desk.mailbox.id];
      for (let i = 0; i < 5; i++) {
        const { mailbox } = await addDovecotMailbox(desk, dovecot, { address: `quick-${i}-${crypto.randomBytes(3).toString("hex")}@mailco.test` });
        quick.push(mailbox.id);
      }
      // The silent one first in the queue, then the others.
      await db.update(mailboxes).set({ nextPollAt: minutesAgo(10) }).where(eq(mailboxes.id, slow.id));
      await db.update(mailboxes).set({ nextPollAt: minutesAgo(5) }).where(inArray(mailboxes.id, quick));

      const events: WorkerEvent[] = [];
      const started = Date.now();
      const worker = startWorker(db, { tickMs: 200, chores: [], concurrency: 3, maxIdle: 0, onEvent: (e) => events.push(e) });
      try {
        await until("every mailbox polled", async () => polls(events, [slow.id, ...quick]).length === quick.length + 1, 30_000);
      } finally {
        await worker.stop();
      }
      const order = polls(events, [slow.id, ...quick]);
      const slowPoll = order.find((e) => e.mailboxId === slow.id)!;
      const quickDoneMs = Math.max(...order.filter((e) => e.mailboxId !== slow.id).map((e) => e.at)) - started;
      console.log(`one slot held by a silent server for ${slowPoll.at - started} ms: the other ${quick.length} mailboxes polled within ${quickDoneMs} ms`);
      // The six others went through the other two slots while the first one waited.
      expect(order.at(-1)!.mailboxId).toBe(slow.id);
      expect(slowPoll.result).toMatchObject({ ok: false });
      expect(order.filter((e) => e.mailboxId !== slow.id).every((e) => e.result.ok)).toBe(true);
      const rows = await db.select().from(mailboxes).where(inArray(mailboxes.id, [slow.id, ...quick]));
      expect(rows.every((m) => m.leaseOwner === null)).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, 60_000);
});
