import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, divisions, type Mailbox, mailboxes } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { createDivision } from "../../lib/divisions/divisions";
import { forceDivisionPoll, setDispatcherActive } from "../../lib/dispatch/force";
import { releaseLease, takeLease } from "../../lib/dispatch/lease";
import { ForbiddenError, NotFoundError, RuleError } from "../../lib/errors";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

const NOW = new Date("2031-05-14T12:00:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

async function desk() {
  const base = await makeTenant(db, "Force");
  const owner: TenantScope = { tenantId: base.tenant.id, userId: base.user.id, role: "owner" };
  const admin: TenantScope = { ...owner, role: "admin" };
  const agent: TenantScope = { ...owner, role: "agent" };

  async function addMailbox(address: string, state: Partial<Mailbox> = {}, divisionId = base.divisionId) {
    const [mailbox] = await db
      .insert(mailboxes)
      .values({
        tenantId: base.tenant.id,
        divisionId,
        name: address,
        address,
        protocol: "imap",
        host: "imap.force.test",
        port: 993,
        security: "tls",
        username: address,
        nextPollAt: minutes(30),
        ...state,
      })
      .returning();
    return mailbox!;
  }

  async function reload(mailbox: Mailbox) {
    const [row] = await db.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id));
    return row!;
  }

  const force = (scope: TenantScope = owner, divisionId = base.divisionId, now = NOW) =>
    withTenant(db, base.tenant.id, (tx) => forceDivisionPoll(tx, scope, { divisionId, now }));

  return { ...base, owner, admin, agent, addMailbox, reload, force };
}

describe("Force scheduler", () => {
  it("Force scheduler while a poll runs: no second poll", async () => {
    const d = await desk();
    const busy = await d.addMailbox("busy@force.test", { nextPollAt: minutes(1) });
    expect(await takeLease(db, { mailboxId: busy.id, owner: "worker-1", now: NOW })).toBe(true);

    expect(await d.force()).toEqual({ scheduled: 0, alreadyRunning: 1 });
    // Nothing changed: the running poll sets the next time itself when it ends.
    expect(await d.reload(busy)).toMatchObject({ nextPollAt: minutes(1), leaseOwner: "worker-1" });
    // And no other worker can start a second poll of it while the first holds the lease.
    expect(await takeLease(db, { mailboxId: busy.id, owner: "worker-2", now: minutes(0.5) })).toBe(false);

    // Once that poll is over, the same click polls it.
    await releaseLease(db, { mailboxId: busy.id, owner: "worker-1" });
    expect(await d.force(d.admin, d.divisionId, minutes(1.5))).toEqual({ scheduled: 1, alreadyRunning: 0 });
    expect((await d.reload(busy)).nextPollAt).toEqual(minutes(1.5));
  });

  it("makes free mailboxes due now, also one in backoff, one held for IDLE and one whose worker died; a paused one stays as it was", async () => {
    const d = await desk();
    const free = await d.addMailbox("free@force.test");
    const backoff = await d.addMailbox("backoff@force.test", {
      failureCount: 3,
      lastErrorCode: "timeout",
      lastErrorAt: minutes(-10),
      nextPollAt: minutes(40),
    });
    const idle = await d.addMailbox("idle@force.test", { leaseOwner: "worker-1", leaseExpiresAt: minutes(1), idleSince: minutes(-20) });
    const orphaned = await d.addMailbox("orphaned@force.test", { leaseOwner: "worker-9", leaseExpiresAt: minutes(-1) });
    const paused = await d.addMailbox("paused@force.test", { active: false });

    expect(await d.force()).toEqual({ scheduled: 4, alreadyRunning: 0 });
    for (const mailbox of [free, backoff, idle, orphaned]) {
      expect((await d.reload(mailbox)).nextPollAt, mailbox.address).toEqual(NOW);
    }
    // The failure streak stays: a failure after the forced poll backs off further, not from scratch.
    expect(await d.reload(backoff)).toMatchObject({ failureCount: 3, lastErrorCode: "timeout" });
    expect(await d.reload(idle)).toMatchObject({ leaseOwner: "worker-1", idleSince: minutes(-20) });
    expect((await d.reload(paused)).nextPollAt).toEqual(minutes(30));

    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, d.tenant.id), eq(auditLog.action, "dispatcher.forced")));
    expect(audit).toMatchObject({ actorUserId: d.user.id, targetId: d.divisionId, details: { scheduled: 4, alreadyRunning: 0 } });
  });

  it("counts running polls and due mailboxes apart, and touches no other division", async () => {
    const d = await desk();
    const sales = await withTenant(db, d.tenant.id, (tx) => createDivision(tx, d.owner, { name: "Sales", tag: "SALES" }));
    await d.addMailbox("one@force.test", { leaseOwner: "worker-1", leaseExpiresAt: minutes(2) });
    await d.addMailbox("two@force.test", { leaseOwner: "worker-2", leaseExpiresAt: minutes(2) });
    await d.addMailbox("three@force.test");
    const elsewhere = await d.addMailbox("sales@force.test", {}, sales.id);
    expect(await d.force()).toEqual({ scheduled: 1, alreadyRunning: 2 });
    expect((await d.reload(elsewhere)).nextPollAt).toEqual(minutes(30));
  });

  it("an agent may not force the scheduler or switch the dispatcher", async () => {
    const d = await desk();
    const mailbox = await d.addMailbox("support@force.test");
    await expect(d.force(d.agent)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      withTenant(db, d.tenant.id, (tx) => setDispatcherActive(tx, d.agent, { divisionId: d.divisionId, active: false })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await d.reload(mailbox)).nextPollAt).toEqual(minutes(30));
    const [division] = await db.select().from(divisions).where(eq(divisions.id, d.divisionId));
    expect(division!.dispatcherActive).toBe(true);
  });

  it("is refused while the division's dispatcher is off, and changes nothing", async () => {
    const d = await desk();
    const mailbox = await d.addMailbox("support@force.test");
    await withTenant(db, d.tenant.id, (tx) => setDispatcherActive(tx, d.admin, { divisionId: d.divisionId, active: false }));
    const attempt = d.force();
    await expect(attempt).rejects.toBeInstanceOf(RuleError);
    await expect(attempt).rejects.toMatchObject({ key: "dispatcherOff" });
    expect((await d.reload(mailbox)).nextPollAt).toEqual(minutes(30));
  });

  it("does not find an unknown division", async () => {
    const d = await desk();
    await expect(d.force(d.owner, crypto.randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("setDispatcherActive", () => {
  it("turns the division's dispatcher off and on again, each change audited", async () => {
    const d = await desk();
    const set = (active: boolean) =>
      withTenant(db, d.tenant.id, (tx) => setDispatcherActive(tx, d.owner, { divisionId: d.divisionId, active }));
    expect(await set(false)).toEqual({ dispatcherActive: false });
    const [off] = await db.select().from(divisions).where(eq(divisions.id, d.divisionId));
    expect(off!.dispatcherActive).toBe(false);
    expect(await set(true)).toEqual({ dispatcherActive: true });
    const audits = await db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, d.tenant.id), eq(auditLog.action, "division.settings_changed")));
    expect(audits).toEqual([{ details: { changed: ["dispatcherActive"] } }, { details: { changed: ["dispatcherActive"] } }]);
  });
});
