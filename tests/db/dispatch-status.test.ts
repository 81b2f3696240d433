import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisions, inboundEmails, type Mailbox, mailboxes } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { createDivision } from "../../lib/divisions/divisions";
import { divisionDispatchStatus, leaseStateOf, startOfUtcDay } from "../../lib/dispatch/status";
import { NotFoundError } from "../../lib/errors";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

const NOW = new Date("2031-05-14T12:00:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

async function desk() {
  const base = await makeTenant(db, "Dispatch");
  const scope: TenantScope = { tenantId: base.tenant.id, userId: base.user.id, role: "agent" };

  async function addMailbox(address: string, state: Partial<Mailbox> = {}, divisionId = base.divisionId) {
    const [mailbox] = await db
      .insert(mailboxes)
      .values({
        tenantId: base.tenant.id,
        divisionId,
        name: address.split("@")[0]!,
        address,
        protocol: "imap",
        host: "imap.dispatch.test",
        port: 993,
        security: "tls",
        username: address,
        ...state,
      })
      .returning();
    return mailbox!;
  }

  /** A mail stored from the mailbox at `receivedAt`. */
  async function received(mailbox: Mailbox, receivedAt: Date) {
    const raw = Buffer.from(`Subject: ${crypto.randomUUID()}\r\n\r\nHi.\r\n`);
    await db.insert(inboundEmails).values({
      tenantId: base.tenant.id,
      mailboxId: mailbox.id,
      divisionId: mailbox.divisionId,
      uniqueKey: `import:${crypto.randomUUID()}`,
      raw,
      size: raw.length,
      sha256: crypto.createHash("sha256").update(raw).digest("hex"),
      receivedAt,
    });
  }

  const status = (divisionId = base.divisionId, since?: Date) =>
    withTenant(db, base.tenant.id, (tx) => divisionDispatchStatus(tx, scope, { divisionId, now: NOW, since }));

  return { ...base, scope, addMailbox, received, status };
}

describe("a division's dispatch status", () => {
  it("shows each mailbox's last and next poll, the mails it stored since midnight UTC, and whether it is idle or being polled", async () => {
    const d = await desk();
    const idle = await d.addMailbox("idle@dispatch.test", {
      leaseOwner: "worker-1",
      leaseExpiresAt: minutes(1),
      idleSince: minutes(-30),
      lastPollAt: minutes(-30),
      nextPollAt: minutes(5),
    });
    const polling = await d.addMailbox("polling@dispatch.test", {
      leaseOwner: "worker-2",
      leaseExpiresAt: minutes(2),
      lastPollAt: minutes(-1),
      nextPollAt: minutes(-1),
    });
    // Its worker died while holding IDLE: the lease ran out, so nothing listens any more.
    const orphaned = await d.addMailbox("orphaned@dispatch.test", {
      leaseOwner: "worker-3",
      leaseExpiresAt: minutes(-1),
      idleSince: minutes(-60),
    });
    await d.received(idle, minutes(-5));
    await d.received(idle, startOfUtcDay(NOW));
    await d.received(idle, new Date(startOfUtcDay(NOW).getTime() - 1));
    await d.received(orphaned, minutes(-90));

    const { division, since, mailboxes: rows } = await d.status();
    expect(division).toEqual({ id: d.divisionId, name: expect.any(String), dispatcherActive: true, pollIntervalMinutes: 1 });
    expect(since).toEqual(new Date("2031-05-14T00:00:00Z"));
    expect(rows.map((row) => row.address)).toEqual(["idle@dispatch.test", "orphaned@dispatch.test", "polling@dispatch.test"]);
    const [idleRow, orphanedRow, pollingRow] = rows;
    expect(idleRow).toMatchObject({
      id: idle.id,
      protocol: "imap",
      active: true,
      lastPollAt: minutes(-30),
      nextPollAt: minutes(5),
      ingestedToday: 2,
      idle: true,
      polling: false,
      failure: null,
      failureCount: 0,
    });
    expect(pollingRow).toMatchObject({ id: polling.id, ingestedToday: 0, idle: false, polling: true });
    expect(orphanedRow).toMatchObject({ id: orphaned.id, ingestedToday: 1, idle: false, polling: false, lastPollAt: null });
    // Nothing of the lease itself leaves: who holds it is the workers' business.
    expect(Object.keys(idleRow!)).not.toContain("leaseOwner");
  });

  it("counts from the `since` it is given", async () => {
    const d = await desk();
    const mailbox = await d.addMailbox("support@dispatch.test");
    await d.received(mailbox, minutes(-60 * 20));
    await d.received(mailbox, minutes(-10));
    expect((await d.status()).mailboxes[0]!.ingestedToday).toBe(1);
    expect((await d.status(d.divisionId, minutes(-60 * 24))).mailboxes[0]!.ingestedToday).toBe(2);
  });

  it("says why a failing mailbox fails, since when the streak began, and how many attempts failed", async () => {
    const d = await desk();
    await d.addMailbox("locked@dispatch.test", {
      lastErrorCode: "loginFailed",
      lastError: "AUTHENTICATIONFAILED Authentication failed.",
      lastErrorAt: minutes(-120),
      failureCount: 4,
      lastPollAt: minutes(-3),
      nextPollAt: minutes(12),
    });
    await d.addMailbox("odd@dispatch.test", { lastErrorCode: "somethingNew", lastErrorAt: minutes(-1), failureCount: 1 });
    const [locked, odd] = (await d.status()).mailboxes;
    expect(locked).toMatchObject({
      failure: "loginFailed",
      lastErrorCode: "loginFailed",
      lastError: "AUTHENTICATIONFAILED Authentication failed.",
      lastErrorAt: minutes(-120),
      failureCount: 4,
      host: "imap.dispatch.test",
      port: 993,
      connectTimeoutMs: 30_000,
    });
    // A code this version does not know reads as an unexpected answer, never as a raw key.
    expect(odd).toMatchObject({ failure: "protocolError", lastErrorCode: "somethingNew" });
  });

  it("shows the division's dispatcher switch and interval, only its own mailboxes, and inactive ones as such", async () => {
    const d = await desk();
    const other = await withTenant(db, d.tenant.id, (tx) =>
      createDivision(tx, { ...d.scope, role: "owner" }, { name: "Sales", tag: "SALES" }),
    );
    await db.update(divisions).set({ dispatcherActive: false, pollIntervalMinutes: 15 }).where(eq(divisions.id, d.divisionId));
    await d.addMailbox("paused@dispatch.test", { active: false });
    const elsewhere = await d.addMailbox("sales@dispatch.test", {}, other.id);
    await d.received(elsewhere, minutes(-1));

    const status = await d.status();
    expect(status.division).toMatchObject({ dispatcherActive: false, pollIntervalMinutes: 15 });
    expect(status.mailboxes.map((m) => [m.address, m.active])).toEqual([["paused@dispatch.test", false]]);
    const sales = await d.status(other.id);
    expect(sales.mailboxes.map((m) => [m.address, m.ingestedToday])).toEqual([["sales@dispatch.test", 1]]);
  });

  it("a division with no mailboxes has an empty list; an unknown division is not found", async () => {
    const d = await desk();
    expect((await d.status()).mailboxes).toEqual([]);
    await expect(d.status(crypto.randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("leaseStateOf", () => {
  it("reads polling, idle or free from the lease columns", () => {
    expect(leaseStateOf({ leaseExpiresAt: null, idleSince: null }, NOW)).toBe("free");
    expect(leaseStateOf({ leaseExpiresAt: minutes(1), idleSince: null }, NOW)).toBe("polling");
    expect(leaseStateOf({ leaseExpiresAt: minutes(1), idleSince: minutes(-5) }, NOW)).toBe("idle");
    expect(leaseStateOf({ leaseExpiresAt: NOW, idleSince: null }, NOW)).toBe("free");
    expect(leaseStateOf({ leaseExpiresAt: minutes(-1), idleSince: minutes(-5) }, NOW)).toBe("free");
  });
});
