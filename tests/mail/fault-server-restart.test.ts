import crypto from "node:crypto";
import { and, count, eq, inArray, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundEmails, mailboxes, messages, tickets } from "../../db/schema";
import { startWorker, type WorkerEvent } from "../../lib/dispatch/worker";
import { ownDatabase } from "../setup/db";
import { addDovecotMailbox, deliverOverLmtp } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { outboundDesk } from "../setup/outbound-desk";
import { trustMailServer } from "../setup/poll-fixtures";
import { until } from "../setup/until";

/**
 * Nothing lost when the mail server restarts under a worker that holds ten mailboxes in IDLE.
 * Every IDLE connection drops at once; the worker, never restarted, must open them again by itself
 * (jittered, so that ten do not storm the server in the same instant) and take the mail that
 * arrives right after the restart: ten mails, ten tickets, none twice. The poll interval is an
 * hour, so only IDLE and the worker's reconnects can bring them in within the test.
 */

const MAILBOXES = 10;
/** An IDLE reconnect comes 0.5 to 1 s after the drop (the second try 1 to 2 s): ample. */
const TICKETS_WITHIN_MS = 15_000;

// The worker polls every mailbox of the database: this file's own.
const { db } = await ownDatabase();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  trustMailServer(dovecot);
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

/** One division with ten IMAP mailboxes, each a Dovecot user named by its address. */
async function divisionWithMailboxes() {
  const desk = await outboundDesk(db, { tag: "RESTART", pollIntervalMinutes: 60, sendConfirmations: false });
  const boxes: { id: string; address: string }[] = [];
  for (let i = 0; i < MAILBOXES; i++) {
    const { mailbox, address } = await addDovecotMailbox(desk, dovecot, {
      address: `box${i}-${crypto.randomBytes(3).toString("hex")}@restart.test`,
    });
    boxes.push({ id: mailbox.id, address });
  }
  return { desk, boxes };
}

describe("a mail server restart under a worker holding ten mailboxes in IDLE", () => {
  it("the worker reconnects all ten by itself, and one mail to each delivered right after the restart is one ticket each", async () => {
    const { desk, boxes } = await divisionWithMailboxes();
    const ids = boxes.map((box) => box.id);
    const events: WorkerEvent[] = [];
    const worker = startWorker(db, { tickMs: 200, chores: [], onEvent: (e) => events.push(e) });
    const idleOn = (since: number) =>
      new Set(events.filter((e) => e.type === "idle" && e.on && e.at >= since).map((e) => (e as { mailboxId: string }).mailboxId));
    const recent = () =>
      events
        .filter((e) => e.type !== "lease" && e.type !== "poll")
        .slice(-15)
        .map((e) => JSON.stringify(e.type === "error" ? { ...e, error: String(e.error) } : e))
        .join("\n");

    const counts = async () => {
      const folders = await Promise.all(
        boxes.map(async (box) => ({
          inbox: (await dovecot.listFolder(box.address, "INBOX")).length,
          processed: (await dovecot.listFolder(box.address, "Processed")).length,
        })),
      );
      const [rows] = await db.select({ n: count() }).from(inboundEmails).where(inArray(inboundEmails.mailboxId, ids));
      const [made] = await db.select({ n: count() }).from(tickets).where(eq(tickets.divisionId, desk.divisionId));
      return {
        inbox: folders.reduce((sum, f) => sum + f.inbox, 0),
        processed: folders.reduce((sum, f) => sum + f.processed, 0),
        inboundRows: rows!.n,
        tickets: made!.n,
      };
    };
    const said = (c: Awaited<ReturnType<typeof counts>>) =>
      `INBOX ${c.inbox} / Processed ${c.processed}, ${c.inboundRows} inbound rows, ${c.tickets} tickets`;

    try {
      await until("IDLE on all ten mailboxes", async () => ids.every((id) => idleOn(0).has(id)), 20_000, recent);
      const held = await db.select().from(mailboxes).where(inArray(mailboxes.id, ids));
      expect(held.map((m) => ({ owner: m.leaseOwner, idle: m.idleSince !== null }))).toEqual(
        ids.map(() => ({ owner: worker.id, idle: true })),
      );
      const before = await counts();
      expect(before).toEqual({ inbox: 0, processed: 0, inboundRows: 0, tickets: 0 });

      const restartedAt = Date.now();
      await dovecot.restart();
      const restartMs = Date.now() - restartedAt;

      const deliveredAt = Date.now();
      await Promise.all(
        boxes.map((box, i) =>
          deliverOverLmtp(dovecot, box.address, { from: `customer${i}@customer.test`, subject: `Sent right after the restart ${i}` }),
        ),
      );
      const handled = async () =>
        (
          await db
            .select({ n: count() })
            .from(inboundEmails)
            .where(and(inArray(inboundEmails.mailboxId, ids), ne(inboundEmails.outcome, "pending")))
        )[0]!.n;
      await until("ten mails handled after the restart", async () => (await handled()) >= MAILBOXES, TICKETS_WITHIN_MS, recent);
      const ticketsMs = Date.now() - deliveredAt;
      // Moved to Processed just after each was handled.
      await until("ten mails in Processed", async () => (await counts()).processed === MAILBOXES, 5_000, recent);
      // Every connection was dropped, and every mailbox is held in IDLE again by the same worker.
      const idleOff = events.filter((e) => e.type === "idle" && !e.on && e.at >= restartedAt);
      expect(new Set(idleOff.map((e) => (e as { mailboxId: string }).mailboxId))).toEqual(new Set(ids));
      await until("IDLE back on all ten", async () => ids.every((id) => idleOn(restartedAt).has(id)), 10_000, recent);
      const backAfter = ids.map(
        (id) => events.find((e) => e.type === "idle" && e.on && e.at >= restartedAt && e.mailboxId === id)!.at - restartedAt,
      );
      const after = await counts();
      console.log(
        `server restart with ${MAILBOXES} mailboxes in IDLE: before ${said(before)}; Dovecot back on the same ports after ` +
          `${restartMs} ms, IDLE back on all ten ${Math.min(...backAfter)}-${Math.max(...backAfter)} ms after the restart; ` +
          `ten mails delivered right after were handled ${ticketsMs} ms later: ${said(after)}`,
      );

      expect(after).toEqual({ inbox: 0, processed: MAILBOXES, inboundRows: MAILBOXES, tickets: MAILBOXES });
      const rows = await db
        .select({ mailboxId: inboundEmails.mailboxId, outcome: inboundEmails.outcome })
        .from(inboundEmails)
        .where(inArray(inboundEmails.mailboxId, ids));
      expect(rows.map((row) => row.mailboxId).sort()).toEqual([...ids].sort());
      expect(rows.filter((row) => row.outcome !== "ticket_created")).toEqual([]);
      const [messageCount] = await db
        .select({ n: count() })
        .from(messages)
        .innerJoin(tickets, eq(tickets.id, messages.ticketId))
        .where(and(eq(tickets.divisionId, desk.divisionId), eq(messages.direction, "inbound")));
      expect(messageCount!.n).toBe(MAILBOXES);
      // Never given back nor taken by anyone else: no worker restart, no lost lease.
      expect(events.filter((e) => e.type === "lease" && !e.held && ids.includes(e.mailboxId))).toEqual([]);
      expect(worker.idleCount()).toBe(MAILBOXES);
      const stillHeld = await db.select({ owner: mailboxes.leaseOwner }).from(mailboxes).where(inArray(mailboxes.id, ids));
      expect(stillHeld.map((m) => m.owner)).toEqual(ids.map(() => worker.id));
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
