import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { count, inArray, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../db/client";
import { inboundEmails, mailboxes } from "../../db/schema";
import { startWorker, type WorkerEvent } from "../../lib/dispatch/worker";
import { deliverOverLmtp, dovecotDesk } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import { trustMailServer } from "../setup/poll-fixtures";
import { until } from "../setup/until";

/**
 * `npm start` without DATABASE_URL runs the worker on the embedded PGlite: one connection, which
 * the polls in flight take turns on, a statement or a transaction at a time, never across the wait
 * for a mail server.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-pglite-worker-"));
let handle: DatabaseHandle;
let dovecot: Dovecot;

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", undefined);
  vi.stubEnv("POSTDESK_DATA_DIR", dataDir);
  [handle, dovecot] = await Promise.all([openDatabase(undefined), startDovecot()]);
  trustMailServer(dovecot);
}, 120_000);
afterAll(async () => {
  await handle?.close();
  await dovecot?.stop();
  vi.unstubAllEnvs();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe("the worker on the embedded PGlite", () => {
  it("polls 8 mailboxes at once on its one connection, holds IDLE on some, and gives every lease back", async () => {
    expect(handle.kind).toBe("embedded");
    const db = handle.db;
    const desks = [];
    for (let i = 0; i < 8; i++) desks.push(await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60, sendConfirmations: false } }));
    for (const desk of desks) {
      for (let n = 0; n < 3; n++) await dovecot.deliver(desk.address, mail({ to: desk.address, subject: `Waiting ${n}` }));
    }
    const ids = desks.map((d) => d.mailbox.id);
    const handled = async () =>
      (await db.select({ n: count() }).from(inboundEmails).where(ne(inboundEmails.outcome, "pending")))[0]!.n;

    const events: WorkerEvent[] = [];
    const worker = startWorker(db, { tickMs: 200, concurrency: 8, maxIdle: 2, chores: ["send", "autoClose"], onEvent: (e) => events.push(e) });
    try {
      await until("every waiting mail handled", async () => (await handled()) === 24, 60_000);
      await until("IDLE on two mailboxes", async () => worker.idleCount() === 2);
      const listening = events.find((e) => e.type === "idle" && e.on) as Extract<WorkerEvent, { type: "idle" }>;
      const desk = desks.find((d) => d.mailbox.id === listening.mailboxId)!;
      await deliverOverLmtp(dovecot, desk.address, { subject: "Over IDLE" });
      await until("the mail over IDLE", async () => (await handled()) === 25, 10_000);
    } finally {
      await worker.stop();
    }
    expect(events.filter((e) => e.type === "error")).toEqual([]);
    // Leases held at once, at the most: the polls did run side by side.
    let held = 0;
    let most = 0;
    for (const e of events) if (e.type === "lease") most = Math.max(most, (held += e.held ? 1 : -1));
    console.log(`PGlite: ${most} mailboxes leased at once at the most`);
    expect(most).toBeGreaterThanOrEqual(4);
    const rows = await db.select().from(mailboxes).where(inArray(mailboxes.id, ids));
    expect(rows.every((m) => m.leaseOwner === null && m.idleSince === null && m.connectionState === "connected")).toBe(true);
  }, 180_000);
});
