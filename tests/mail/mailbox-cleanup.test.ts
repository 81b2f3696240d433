import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { divisions, mailboxes } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { takeLease } from "../../lib/dispatch/lease";
import { cleanupMailboxes } from "../../lib/dispatch/cleanup";
import { pollMailbox } from "../../lib/dispatch/poll";
import { testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import { ledger, mailboxOnServer, trustMailServer } from "../setup/poll-fixtures";

const db = await testDatabase();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  trustMailServer(dovecot);
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

const DAY = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY);

/** A POP3 mailbox that keeps copies for two days, holding two polled mails and one too large to process. */
async function keepingMailbox() {
  const desk = await mailboxOnServer(db, dovecot, { protocol: "pop3", pop3LeaveCopy: "on", pop3RemoveAfterDays: "2" });
  await dovecot.deliver(desk.user, mail({ subject: "First" }));
  await dovecot.deliver(desk.user, mail({ subject: "Second" }));
  await dovecot.deliver(desk.user, mail({ subject: "Too big", body: "x".repeat(1_100_000) }));
  const tenantId = desk.company.tenant.id;
  expect(await pollMailbox(db, { tenantId, mailboxId: desk.mailbox.id })).toMatchObject({ ok: true, fetched: 3 });
  return { ...desk, tenantId };
}

async function leaseOf(tenantId: string, mailboxId: string) {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx.select({ owner: mailboxes.leaseOwner, expiresAt: mailboxes.leaseExpiresAt }).from(mailboxes).where(eq(mailboxes.id, mailboxId)),
  );
  return row!;
}

describe("the POP3 mailbox cleanup", () => {
  it("removes kept copies once older than 'remove after N days', never unprocessed mail, and gives the lease back", async () => {
    const { tenantId, user, mailbox } = await keepingMailbox();

    expect(await cleanupMailboxes(db, { now: daysFromNow(1), owner: "cleanup-1", tenantId })).toEqual({
      cleaned: 1,
      removed: 0,
      busy: 0,
      failed: [],
    });
    expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(3);

    expect(await cleanupMailboxes(db, { now: daysFromNow(3), owner: "cleanup-1", tenantId })).toMatchObject({
      cleaned: 1,
      removed: 2,
    });
    const left = await dovecot.listFolder(user, "INBOX");
    expect(left).toHaveLength(1);
    expect(left[0]!.raw.toString()).toContain("Too big");
    expect(await leaseOf(tenantId, mailbox.id)).toEqual({ owner: null, expiresAt: null });

    // The next poll fetches nothing again: the mails it stored are not mistaken for new ones.
    expect(await pollMailbox(db, { tenantId, mailboxId: mailbox.id, now: () => daysFromNow(3) })).toMatchObject({
      ok: true,
      fetched: 0,
    });
    expect((await ledger(db, tenantId, mailbox.id)).rows).toHaveLength(3);
  });

  it("skips a mailbox whose lease another worker holds, and leaves that lease alone", async () => {
    const { tenantId, user, mailbox } = await keepingMailbox();
    const now = daysFromNow(3);
    expect(await takeLease(db, { mailboxId: mailbox.id, owner: "worker-b", now })).toBe(true);

    expect(await cleanupMailboxes(db, { now, owner: "cleanup-1", tenantId })).toEqual({
      cleaned: 0,
      removed: 0,
      busy: 1,
      failed: [],
    });
    expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(3);
    expect((await leaseOf(tenantId, mailbox.id)).owner).toBe("worker-b");
  });

  it("leaves alone mailboxes that are inactive, of a division whose dispatcher is off, or keep copies for good", async () => {
    const inactive = await keepingMailbox();
    await withTenant(db, inactive.tenantId, (tx) =>
      tx.update(mailboxes).set({ active: false }).where(eq(mailboxes.id, inactive.mailbox.id)),
    );
    const dispatcherOff = await keepingMailbox();
    await withTenant(db, dispatcherOff.tenantId, (tx) =>
      tx.update(divisions).set({ dispatcherActive: false }).where(eq(divisions.id, dispatcherOff.company.divisionId)),
    );
    const forGood = await mailboxOnServer(db, dovecot, { protocol: "pop3", pop3LeaveCopy: "on" });
    await dovecot.deliver(forGood.user, mail({ subject: "Keep forever" }));
    await pollMailbox(db, { tenantId: forGood.company.tenant.id, mailboxId: forGood.mailbox.id });

    for (const desk of [inactive, dispatcherOff, { ...forGood, tenantId: forGood.company.tenant.id }]) {
      expect(await cleanupMailboxes(db, { now: daysFromNow(30), owner: "cleanup-1", tenantId: desk.tenantId })).toEqual({
        cleaned: 0,
        removed: 0,
        busy: 0,
        failed: [],
      });
    }
    expect(await dovecot.listFolder(inactive.user, "INBOX")).toHaveLength(3);
    expect(await dovecot.listFolder(dispatcherOff.user, "INBOX")).toHaveLength(3);
    expect(await dovecot.listFolder(forGood.user, "INBOX")).toHaveLength(1);
  });

  it("reports a server that refuses the login, and gives the lease back", async () => {
    const { tenantId, mailbox, user } = await keepingMailbox();
    await dovecot.addUser(user, "a-new-password");
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // Dovecot notices a new password within a second.

    const summary = await cleanupMailboxes(db, { now: daysFromNow(3), owner: "cleanup-1", tenantId });
    expect(summary).toMatchObject({ cleaned: 0, removed: 0, busy: 0 });
    expect(summary.failed).toEqual([{ mailboxId: mailbox.id, failure: "loginFailed", detail: expect.any(String), codes: expect.any(String) }]);
    expect((await leaseOf(tenantId, mailbox.id)).owner).toBeNull();
  });
});
