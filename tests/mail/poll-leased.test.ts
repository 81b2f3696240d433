import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxes } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { takeLease } from "../../lib/dispatch/lease";
import { pollLeasedMailbox } from "../../lib/dispatch/poll-leased";
import { NotFoundError } from "../../lib/errors";
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

/** An IMAP mailbox on Dovecot with one mail waiting. */
async function mailboxWithMail() {
  const desk = await mailboxOnServer(db, dovecot, { protocol: "imap" });
  await dovecot.deliver(desk.user, mail({ subject: "Leased poll" }));
  return { ...desk, tenantId: desk.company.tenant.id, mailboxId: desk.mailbox.id };
}

async function leaseOf(tenantId: string, mailboxId: string) {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx.select({ owner: mailboxes.leaseOwner, expiresAt: mailboxes.leaseExpiresAt }).from(mailboxes).where(eq(mailboxes.id, mailboxId)),
  );
  return row!;
}

describe("a poll under the mailbox's lease", () => {
  it("does nothing while another worker holds the lease", async () => {
    const { tenantId, mailboxId } = await mailboxWithMail();
    expect(await takeLease(db, { mailboxId, owner: "worker-b", now: new Date() })).toBe(true);

    expect(await pollLeasedMailbox(db, { tenantId, mailboxId, owner: "run-1" })).toEqual({ skipped: "busy" });
    expect((await ledger(db, tenantId, mailboxId)).rows).toEqual([]);
    expect((await leaseOf(tenantId, mailboxId)).owner).toBe("worker-b");
  });

  it("polls when the lease is free, and gives it back", async () => {
    const { tenantId, mailboxId } = await mailboxWithMail();

    expect(await pollLeasedMailbox(db, { tenantId, mailboxId, owner: "run-1" })).toMatchObject({
      mailboxId,
      ok: true,
      fetched: 1,
    });
    expect((await ledger(db, tenantId, mailboxId)).rows).toHaveLength(1);
    expect(await leaseOf(tenantId, mailboxId)).toEqual({ owner: null, expiresAt: null });
  });

  it("drains a backlog of several batches in one run, and stops after a batch once its drain time is spent", async () => {
    const desk = await mailboxOnServer(db, dovecot, { protocol: "imap", processedFolder: "Processed" });
    const [tenantId, mailboxId] = [desk.company.tenant.id, desk.mailbox.id];
    for (let i = 0; i < 210; i++) await dovecot.deliver(desk.user, mail({ from: `c${i}@customer.test`, subject: `Backlog ${i}` }));

    expect(await pollLeasedMailbox(db, { tenantId, mailboxId, owner: "run-1", drainMs: 0 })).toMatchObject({ ok: true, fetched: 100, more: true });
    expect((await ledger(db, tenantId, mailboxId)).rows).toHaveLength(100);

    expect(await pollLeasedMailbox(db, { tenantId, mailboxId, owner: "run-2" })).toMatchObject({ ok: true, fetched: 10, more: false });
    expect((await ledger(db, tenantId, mailboxId)).rows).toHaveLength(210);
    expect(await dovecot.listFolder(desk.user, "INBOX")).toHaveLength(0);
    expect(await leaseOf(tenantId, mailboxId)).toEqual({ owner: null, expiresAt: null });
  }, 120_000);

  it("takes over a lease that another worker let expire", async () => {
    const { tenantId, mailboxId } = await mailboxWithMail();
    expect(await takeLease(db, { mailboxId, owner: "worker-b", now: new Date(Date.now() - 10 * 60_000) })).toBe(true);

    expect(await pollLeasedMailbox(db, { tenantId, mailboxId, owner: "run-1" })).toMatchObject({ ok: true, fetched: 1 });
    expect((await leaseOf(tenantId, mailboxId)).owner).toBeNull();
  });

  it("gives the lease back when the poll fails, and when it throws", async () => {
    const { tenantId, mailboxId, user } = await mailboxWithMail();
    await dovecot.addUser(user, "a-new-password");
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // Dovecot notices a new password within a second.

    expect(await pollLeasedMailbox(db, { tenantId, mailboxId, owner: "run-1" })).toMatchObject({
      ok: false,
      failure: "loginFailed",
    });
    expect((await leaseOf(tenantId, mailboxId)).owner).toBeNull();

    // A payload naming the mailbox under another tenant finds no mailbox.
    const other = await mailboxOnServer(db, dovecot, { protocol: "imap" });
    await expect(
      pollLeasedMailbox(db, { tenantId: other.company.tenant.id, mailboxId, owner: "run-2" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await leaseOf(tenantId, mailboxId)).owner).toBeNull();
  });
});
