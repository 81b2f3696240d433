import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundEmails } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { cleanupMailboxes } from "../../lib/dispatch/cleanup";
import type { PollOptions } from "../../lib/dispatch/ingest";
import { pollMailbox } from "../../lib/dispatch/poll";
import { connectPop3 } from "../../lib/mail/pop3";
import { purgeFromTrash } from "../../lib/trash/purge";
import { moveToTrash } from "../../lib/trash/trash";
import { testDatabase } from "../setup/db";
import { startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import type { TestMailServer } from "../setup/mail-server";
import { startMailutils } from "../setup/mailutils";
import { mailboxOnServer, trustMailServer } from "../setup/poll-fixtures";

/**
 * POP3 "leave a copy on the server" with "remove from the server when deleted here": a mail deleted
 * for good in Postdesk (trash, then purge) loses its kept copy at the next poll, and only then is its
 * removal marker cleared; without the option the copy stays. Against Dovecot and GNU Mailutils pop3d.
 */

const db = await testDatabase();

const servers: Record<string, () => Promise<TestMailServer>> = { dovecot: startDovecot, mailutils: startMailutils };

describe.each(Object.keys(servers))("POP3 'remove when deleted here' on %s", (name) => {
  let server: TestMailServer;
  beforeAll(async () => {
    server = await servers[name]!();
    trustMailServer(server);
  }, 60_000);
  afterAll(() => server?.stop(), 30_000);

  /** What the maildrop holds, as a POP3 UIDL listing from a session of its own. */
  async function uidlsOnServer(user: string): Promise<string[]> {
    const session = await connectPop3(server.login(user, "pop3", "tls"));
    try {
      return (await session.uidl()).map((entry) => entry.uidl);
    } finally {
      await session.quit();
    }
  }

  /** A POP3 mailbox that keeps copies, with one customer mail polled into a ticket. */
  async function polledTicket(removeWhenDeleted: boolean) {
    const desk = await mailboxOnServer(db, server, {
      protocol: "pop3",
      pop3LeaveCopy: "on",
      ...(removeWhenDeleted ? { pop3RemoveWhenDeleted: "on" } : {}),
    });
    const tenantId = desk.company.tenant.id;
    await server.deliver(desk.user, mail({ subject: "Please forget me" }));
    const poll = (options: Pick<PollOptions, "checkpoint"> = {}) =>
      pollMailbox(db, { tenantId, mailboxId: desk.mailbox.id, ...options });
    expect(await poll()).toMatchObject({ ok: true, fetched: 1 });
    const [row] = await withTenant(db, tenantId, (tx) =>
      tx.select().from(inboundEmails).where(and(eq(inboundEmails.tenantId, tenantId), eq(inboundEmails.mailboxId, desk.mailbox.id))),
    );
    expect(row).toMatchObject({ outcome: "ticket_created" });
    const onServer = await uidlsOnServer(desk.user);
    expect(onServer).toEqual([row!.uidl]);
    const member: TenantScope = { tenantId, userId: desk.company.user.id, role: "agent", mayPurge: true };
    const purgeTicket = () =>
      withTenant(db, tenantId, async (tx) => {
        await moveToTrash(tx, member, { kind: "ticket", id: row!.ticketId! });
        await purgeFromTrash(tx, member, { kind: "ticket", id: row!.ticketId! });
      });
    const inboundRow = async () =>
      (await withTenant(db, tenantId, (tx) => tx.select().from(inboundEmails).where(eq(inboundEmails.id, row!.id))))[0]!;
    return { ...desk, tenantId, poll, purgeTicket, inboundRow, uidl: row!.uidl! };
  }

  it("a purged ticket's kept copy is gone from the server after the next poll, and the marker is cleared", async () => {
    const desk = await polledTicket(true);
    await desk.purgeTicket();
    expect(await desk.inboundRow()).toMatchObject({ removeFromServer: true, size: 0, purgedAt: expect.any(Date) });
    // Purging itself touches no server: the copy waits for the next poll.
    expect(await uidlsOnServer(desk.user)).toEqual([desk.uidl]);

    expect(await desk.poll()).toMatchObject({ ok: true, fetched: 0 });
    expect(await uidlsOnServer(desk.user)).toEqual([]);
    const after = await desk.inboundRow();
    expect(after.removeFromServer).toBe(false);
    expect(after.acknowledgedAt).not.toBeNull();
    // Nothing comes back: the row, emptied, still names the mail.
    expect(await desk.poll()).toMatchObject({ ok: true, fetched: 0 });
  });

  it("a poll cut off before QUIT deletes nothing and keeps the marker; the next poll removes the copy", async () => {
    const desk = await polledTicket(true);
    await desk.purgeTicket();
    await server.deliver(desk.user, mail({ subject: "Something new" }));
    const cut = await desk.poll({
      checkpoint: (point) => {
        if (point === "stored") throw new Error("worker killed");
      },
    });
    expect(cut.ok).toBe(false);
    expect(await uidlsOnServer(desk.user)).toContain(desk.uidl);
    expect((await desk.inboundRow()).removeFromServer).toBe(true);

    expect(await desk.poll()).toMatchObject({ ok: true });
    const left = await uidlsOnServer(desk.user);
    expect(left).not.toContain(desk.uidl);
    expect(left).toHaveLength(1);
    expect((await desk.inboundRow()).removeFromServer).toBe(false);
  });

  it("the hourly cleanup removes the copy too, without a poll", async () => {
    const desk = await polledTicket(true);
    await desk.purgeTicket();
    const summary = await cleanupMailboxes(db, { now: new Date(), owner: "cleanup-trash", tenantId: desk.tenantId });
    expect(summary).toMatchObject({ cleaned: 1, removed: 1, failed: [] });
    expect(await uidlsOnServer(desk.user)).toEqual([]);
    expect((await desk.inboundRow()).removeFromServer).toBe(false);
  });

  it("without 'remove when deleted here' the kept copy stays on the server after purge and poll", async () => {
    const desk = await polledTicket(false);
    await desk.purgeTicket();
    expect((await desk.inboundRow()).removeFromServer).toBe(false);
    expect(await desk.poll()).toMatchObject({ ok: true, fetched: 0 });
    expect(await uidlsOnServer(desk.user)).toEqual([desk.uidl]);
  });
});
