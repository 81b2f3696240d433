import { and, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  attachments,
  auditLog,
  inboundEmails,
  mailboxes,
  messages,
  outbox,
  tickets,
} from "../../db/schema";
import { operatorScope, type TenantScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { ForbiddenError, RuleError } from "../../lib/errors";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { addNote, replyToTicket } from "../../lib/tickets/reply";
import { countQueue, listQueue } from "../../lib/tickets/queue";
import { getTicket, getTicketAttachment } from "../../lib/tickets/tickets";
import { listTrash } from "../../lib/trash/list";
import { emptyTrash, purgeFromTrash } from "../../lib/trash/purge";
import { purgeExpiredTrash } from "../../lib/trash/retention";
import { moveToTrash, restoreFromTrash, type TrashKind } from "../../lib/trash/trash";
import { makeTenant, testDatabase } from "../setup/db";
import { mail, mailWithAttachment } from "../setup/mail-fixtures";

const db = await testDatabase();
const DAY = 86_400_000;

/** A help desk whose owner may or may not purge, and a way to receive mail into it. */
async function helpDesk(name = "Trash Co") {
  const company = await makeTenant(db, name);
  const tenantId = company.tenant.id;
  const operator = operatorScope(tenantId);
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operator, company.divisionId, { tag: "TRASH", sendConfirmations: false }),
  );
  const member = (mayPurge: boolean): TenantScope => ({ tenantId, userId: company.user.id, role: "agent", mayPurge });
  const run = <T,>(work: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) => withTenant(db, tenantId, work);
  /** Stores and processes a mail; from a POP3 mailbox when given its UIDL there. */
  const receive = async (raw: Buffer, pop3?: { mailboxId: string; uidl: string }) => {
    const { email } = await storeInboundEmail(db, {
      tenantId,
      divisionId: company.divisionId,
      mailboxId: pop3?.mailboxId ?? null,
      uniqueKey: pop3 ? inboundKey.pop3(pop3.mailboxId, pop3.uidl) : inboundKey.import(raw),
      uidl: pop3?.uidl ?? null,
      raw,
    });
    return processInboundEmail(db, { tenantId, inboundEmailId: email.id });
  };
  const ticketRow = async (id: string) => (await run((tx) => tx.select().from(tickets).where(eq(tickets.id, id))))[0];
  const inboundRow = async (id: string) =>
    (
      await run((tx) =>
        tx
          .select({
            size: inboundEmails.size,
            bytes: sql<number>`octet_length(${inboundEmails.raw})`.mapWith(Number),
            messageId: inboundEmails.messageId,
            purgedAt: inboundEmails.purgedAt,
            removeFromServer: inboundEmails.removeFromServer,
            uniqueKey: inboundEmails.uniqueKey,
          })
          .from(inboundEmails)
          .where(eq(inboundEmails.id, id)),
      )
    )[0];
  const queue = () =>
    run(async (tx) => ({
      tickets: (await listQueue(tx, operator, { divisionIds: [company.divisionId] })).rows.map((t) => t.id),
      counts: (await countQueue(tx, operator, { divisionIds: [company.divisionId] }, undefined)).byStatus,
    }));
  const trash = (scope: TenantScope, item: { kind: TrashKind; id: string }, now?: Date) =>
    run((tx) => moveToTrash(tx, scope, item, now));
  return { company, tenantId, operator, member, run, receive, ticketRow, inboundRow, queue, trash };
}

/** A ticket from a customer's mail with a file, a second customer mail on it, and a staff reply queued. */
async function ticketWithConversation(desk: Awaited<ReturnType<typeof helpDesk>>) {
  const { raw } = mailWithAttachment(6_000, "support@trash.test");
  const first = await desk.receive(raw);
  const ticketId = first.ticketId!;
  const second = await desk.receive(mail({ subject: "Re: The scans you asked for", body: "Did you get them?" }));
  expect(second).toMatchObject({ outcome: "ticket_message", ticketId });
  await desk.run((tx) => replyToTicket(tx, desk.operator, { ticketId, text: "Got them, thank you." }));
  const rows = await desk.run((tx) => tx.select().from(messages).where(eq(messages.ticketId, ticketId)));
  return { ticketId, first, second, messageRows: rows };
}

describe("the trash", () => {
  it("moves a ticket, a message and a waiting-list entry there with who and when, and restores each", async () => {
    const desk = await helpDesk();
    const { ticketId, second, messageRows } = await ticketWithConversation(desk);
    const secondMessage = messageRows.find((m) => m.inboundEmailId === second.inboundEmailId)!;
    await desk.run((tx) =>
      updateDivisionSettings(tx, desk.operator, desk.company.divisionId, { automationMode: "waiting_list" }),
    );
    const held = await desk.receive(mail({ from: "stranger@elsewhere.test", subject: "Hold me" }));
    expect(held.outcome).toBe("waiting_list");

    const at = new Date("2026-12-01T09:00:00Z");
    const me = desk.member(false);
    await desk.trash(me, { kind: "ticket", id: ticketId }, at);
    await desk.trash(me, { kind: "inboundEmail", id: held.inboundEmailId }, at);
    // A message of another ticket: restore the first ticket to trash one of its messages on its own.
    await desk.run((tx) => restoreFromTrash(tx, me, { kind: "ticket", id: ticketId }));
    await desk.trash(me, { kind: "message", id: secondMessage.id }, at);
    await desk.trash(me, { kind: "ticket", id: ticketId }, at);

    const listed = await desk.run((tx) => listTrash(tx, me, { divisionId: desk.company.divisionId }));
    expect(listed.map((item) => [item.kind, item.id]).sort()).toEqual(
      [
        ["inboundEmail", held.inboundEmailId],
        ["ticket", ticketId],
      ].sort(),
    );
    for (const item of listed) {
      expect(item.deletedAt).toEqual(at);
      expect(item.deletedBy).toEqual({ id: desk.company.user.id, name: "Trash Co Owner" });
      expect(item.purgeAt).toEqual(new Date(at.getTime() + 30 * DAY));
    }
    expect(listed.find((item) => item.kind === "inboundEmail")).toMatchObject({ subject: "Hold me", from: "stranger@elsewhere.test" });

    await desk.run((tx) => restoreFromTrash(tx, me, { kind: "ticket", id: ticketId }));
    // With its ticket back, the trashed message shows in the trash on its own.
    const messagesOnly = await desk.run((tx) => listTrash(tx, me, { divisionId: desk.company.divisionId }));
    expect(messagesOnly.map((item) => [item.kind, item.id]).sort()).toEqual(
      [
        ["inboundEmail", held.inboundEmailId],
        ["message", secondMessage.id],
      ].sort(),
    );
    await desk.run((tx) => restoreFromTrash(tx, me, { kind: "message", id: secondMessage.id }));
    await desk.run((tx) => restoreFromTrash(tx, me, { kind: "inboundEmail", id: held.inboundEmailId }));
    expect(await desk.run((tx) => listTrash(tx, me))).toEqual([]);
    expect((await desk.ticketRow(ticketId))!.deletedAt).toBeNull();
    const view = await desk.run((tx) => getTicket(tx, me, ticketId));
    expect(view.messages.map((m) => m.id)).toContain(secondMessage.id);
  });

  it("leaves trashed and merged tickets out of the queue and its counts, and trashed messages off the ticket with their files", async () => {
    const desk = await helpDesk();
    const { ticketId, first, messageRows } = await ticketWithConversation(desk);
    const other = await desk.receive(mail({ subject: "Another question" }));
    const merged = await desk.receive(mail({ subject: "A third question" }));
    await desk.run((tx) =>
      tx.update(tickets).set({ mergedIntoId: other.ticketId }).where(eq(tickets.id, merged.ticketId!)),
    );
    expect((await desk.queue()).tickets.sort()).toEqual([ticketId, other.ticketId!].sort());

    await desk.trash(desk.member(false), { kind: "ticket", id: ticketId });
    const afterTicket = await desk.queue();
    expect(afterTicket.tickets).toEqual([other.ticketId]);
    expect(afterTicket.counts).toEqual({ open: 1, answered: 0, on_hold: 0, closed: 0 });
    // Read-only while in the trash: no reply, no note.
    await expect(
      desk.run((tx) => addNote(tx, desk.operator, { ticketId, text: "Still here?" })),
    ).rejects.toMatchObject({ key: "ticketInTrash" });
    await desk.run((tx) => restoreFromTrash(tx, desk.operator, { kind: "ticket", id: ticketId }));

    const withFile = messageRows.find((m) => m.inboundEmailId === first.inboundEmailId)!;
    const [file] = await desk.run((tx) => tx.select().from(attachments).where(eq(attachments.messageId, withFile.id)));
    expect(file).toBeDefined();
    await desk.trash(desk.member(false), { kind: "message", id: withFile.id });
    const view = await desk.run((tx) => getTicket(tx, desk.operator, ticketId));
    expect(view.messages.map((m) => m.id)).not.toContain(withFile.id);
    expect(view.messages).toHaveLength(2);
    await expect(
      desk.run((tx) => getTicketAttachment(tx, desk.operator, { ticketId, attachmentId: file!.id })),
    ).rejects.toMatchObject({ name: "NotFoundError" });
    const { rows: listed } = await desk.run((tx) => listQueue(tx, desk.operator, { divisionIds: [desk.company.divisionId] }));
    expect(listed.find((t) => t.id === ticketId)!.messageCount).toBe(2);
  });

  it("never threads a reply into a trashed ticket or by a trashed message's Message-ID: the reply opens a new ticket", async () => {
    const desk = await helpDesk();
    const opened = await desk.receive(mail({ subject: "Printer on fire", messageId: "first@customer.test" }));
    const followUp = await desk.receive(mail({ subject: "Re: Printer on fire", messageId: "second@customer.test" }));
    expect(followUp).toMatchObject({ outcome: "ticket_message", ticketId: opened.ticketId });
    const [secondMessage] = await desk.run((tx) =>
      tx.select().from(messages).where(eq(messages.inboundEmailId, followUp.inboundEmailId)),
    );

    await desk.trash(desk.operator, { kind: "message", id: secondMessage!.id });
    const byHeader = await desk.receive(mail({ subject: "Something else entirely", inReplyTo: "second@customer.test" }));
    expect(byHeader.outcome).toBe("ticket_created");
    expect(byHeader.ticketId).not.toBe(opened.ticketId);

    await desk.trash(desk.operator, { kind: "ticket", id: opened.ticketId! });
    const byTag = await desk.receive(mail({ subject: "Re: [TRASH#1] Printer on fire", inReplyTo: "first@customer.test" }));
    expect(byTag.outcome).toBe("ticket_created");
    expect([opened.ticketId, byHeader.ticketId]).not.toContain(byTag.ticketId);
    expect((await desk.ticketRow(opened.ticketId!))!.deletedAt).not.toBeNull();
  });

  it("refuses to purge, one item or the whole trash, for a member without the right, and deletes nothing", async () => {
    const desk = await helpDesk();
    const { ticketId } = await ticketWithConversation(desk);
    await desk.trash(desk.member(false), { kind: "ticket", id: ticketId });
    for (const attempt of [
      () => desk.run((tx) => purgeFromTrash(tx, desk.member(false), { kind: "ticket", id: ticketId })),
      () => desk.run((tx) => emptyTrash(tx, desk.member(false), { divisionId: desk.company.divisionId })),
      () => desk.run((tx) => emptyTrash(tx, { tenantId: desk.tenantId, userId: desk.company.user.id, role: "owner" })),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).key).toBe("purgeNotAllowed");
    }
    expect(await desk.ticketRow(ticketId)).toBeDefined();
    const left = await desk.run((tx) => tx.select({ id: messages.id }).from(messages).where(eq(messages.ticketId, ticketId)));
    expect(left).toHaveLength(3);
  });

  it("purges a trashed ticket with the right: raw mail, files, messages and outbox rows gone, rows of the mail kept empty, an audit entry without content", async () => {
    const desk = await helpDesk();
    const { ticketId, first, second, messageRows } = await ticketWithConversation(desk);
    const messageIds = messageRows.map((m) => m.id);
    expect(await desk.run((tx) => tx.select().from(attachments).where(inArray(attachments.messageId, messageIds)))).toHaveLength(1);
    expect(await desk.run((tx) => tx.select().from(outbox).where(eq(outbox.ticketId, ticketId)))).toHaveLength(1);

    // Only what is in the trash can be purged.
    await expect(
      desk.run((tx) => purgeFromTrash(tx, desk.member(true), { kind: "ticket", id: ticketId })),
    ).rejects.toSatisfy((error) => error instanceof RuleError && error.key === "notInTrash");

    await desk.trash(desk.member(true), { kind: "ticket", id: ticketId });
    const counts = await desk.run((tx) => purgeFromTrash(tx, desk.member(true), { kind: "ticket", id: ticketId }));
    expect(counts).toEqual({ tickets: 1, messages: 3, attachments: 1, inboundEmails: 2, outbox: 1 });

    expect(await desk.ticketRow(ticketId)).toBeUndefined();
    expect(await desk.run((tx) => tx.select().from(messages).where(inArray(messages.id, messageIds)))).toEqual([]);
    expect(await desk.run((tx) => tx.select().from(attachments).where(inArray(attachments.messageId, messageIds)))).toEqual([]);
    expect(await desk.run((tx) => tx.select().from(outbox).where(eq(outbox.ticketId, ticketId)))).toEqual([]);
    for (const id of [first.inboundEmailId, second.inboundEmailId]) {
      const row = await desk.inboundRow(id);
      expect(row).toMatchObject({ size: 0, bytes: 0, messageId: null, removeFromServer: false });
      expect(row!.purgedAt).not.toBeNull();
    }
    // The same mail stored again is recognised by its key: nothing new is made of it.
    const { raw } = mailWithAttachment(2_000, "support@trash.test");
    const again = await storeInboundEmail(db, {
      tenantId: desk.tenantId,
      divisionId: desk.company.divisionId,
      mailboxId: null,
      uniqueKey: (await desk.inboundRow(first.inboundEmailId))!.uniqueKey,
      raw,
    });
    expect(again.email.id).toBe(first.inboundEmailId);
    expect(again.created).toBe(false);

    const [entry] = await desk.run((tx) =>
      tx.select().from(auditLog).where(and(eq(auditLog.action, "trash.purged"), eq(auditLog.targetId, ticketId))),
    );
    expect(entry).toMatchObject({ actorUserId: desk.company.user.id, targetType: "ticket" });
    expect(entry!.details).toMatchObject({ kind: "ticket", ticketNumber: 1, messages: 3, attachments: 1 });
    const written = JSON.stringify(entry!.details);
    for (const content of ["scans", "Did you get them", "Got them", "jan@customer.test"]) expect(written).not.toContain(content);
  });

  it("purging a ticket takes the tickets merged into it along, so none of them comes back to the queue", async () => {
    const desk = await helpDesk();
    const survivor = await desk.receive(mail({ subject: "Printer on fire" }));
    const merged = await desk.receive(mail({ subject: "Printer still on fire" }));
    const mergedEarlier = await desk.receive(mail({ subject: "Printer smoking" }));
    await desk.run(async (tx) => {
      await tx.update(tickets).set({ mergedIntoId: survivor.ticketId }).where(eq(tickets.id, merged.ticketId!));
      await tx.update(tickets).set({ mergedIntoId: merged.ticketId }).where(eq(tickets.id, mergedEarlier.ticketId!));
    });
    await desk.trash(desk.operator, { kind: "ticket", id: survivor.ticketId! });
    const counts = await desk.run((tx) => purgeFromTrash(tx, desk.member(true), { kind: "ticket", id: survivor.ticketId! }));
    expect(counts).toMatchObject({ tickets: 3, messages: 3, inboundEmails: 3 });
    for (const id of [survivor.ticketId!, merged.ticketId!, mergedEarlier.ticketId!]) expect(await desk.ticketRow(id)).toBeUndefined();
    expect((await desk.queue()).tickets).toEqual([]);
  });

  it("purges a single trashed message and a trashed waiting-list entry; a POP3 copy kept on the server is marked for removal only where the mailbox asks", async () => {
    const desk = await helpDesk();
    const pop3 = (name: string, removeWhenDeleted: boolean) =>
      desk.run(async (tx) => {
        const [row] = await tx
          .insert(mailboxes)
          .values({
            tenantId: desk.tenantId,
            divisionId: desk.company.divisionId,
            name,
            address: `${name}@trash.test`,
            protocol: "pop3",
            host: "pop3.trash.test",
            port: 995,
            security: "tls",
            username: name,
            pop3LeaveCopy: true,
            pop3RemoveWhenDeleted: removeWhenDeleted,
          })
          .returning();
        return row!;
      });
    const removing = await pop3("removing", true);
    const keeping = await pop3("keeping", false);
    const opened = await desk.receive(mail({ subject: "Printer on fire" }), { mailboxId: removing.id, uidl: "u1" });
    const reply = await desk.receive(mail({ subject: "Re: Printer on fire" }), { mailboxId: removing.id, uidl: "u2" });
    const [replyMessage] = await desk.run((tx) => tx.select().from(messages).where(eq(messages.inboundEmailId, reply.inboundEmailId)));
    await desk.trash(desk.operator, { kind: "message", id: replyMessage!.id });
    expect(await desk.run((tx) => purgeFromTrash(tx, desk.member(true), { kind: "message", id: replyMessage!.id }))).toEqual({
      tickets: 0,
      messages: 1,
      attachments: 0,
      inboundEmails: 1,
      outbox: 0,
    });
    expect(await desk.inboundRow(reply.inboundEmailId)).toMatchObject({ bytes: 0, removeFromServer: true });
    expect(await desk.inboundRow(opened.inboundEmailId)).toMatchObject({ removeFromServer: false, purgedAt: null });
    expect((await desk.run((tx) => getTicket(tx, desk.operator, opened.ticketId!))).messages).toHaveLength(1);

    await desk.run((tx) =>
      updateDivisionSettings(tx, desk.operator, desk.company.divisionId, { automationMode: "waiting_list" }),
    );
    const held = await desk.receive(mail({ from: "stranger@elsewhere.test", subject: "Hold me" }), { mailboxId: keeping.id, uidl: "k1" });
    await desk.trash(desk.operator, { kind: "inboundEmail", id: held.inboundEmailId });
    await desk.run((tx) => purgeFromTrash(tx, desk.member(true), { kind: "inboundEmail", id: held.inboundEmailId }));
    expect(await desk.inboundRow(held.inboundEmailId)).toMatchObject({ bytes: 0, size: 0, removeFromServer: false });
    expect(await desk.run((tx) => listTrash(tx, desk.operator))).toEqual([]);
  });

  it("the retention sweep purges only what has been in the trash longer than the division's days, and empties no other company's trash", async () => {
    const desk = await helpDesk();
    const neighbour = await helpDesk("Neighbour");
    await desk.run((tx) => updateDivisionSettings(tx, desk.operator, desk.company.divisionId, { trashRetentionDays: 10 }));
    const now = new Date();
    const old = await desk.receive(mail({ subject: "Old news" }));
    const recent = await desk.receive(mail({ subject: "Recent news" }));
    const theirs = await neighbour.receive(mail({ subject: "Their news" }));
    await desk.trash(desk.operator, { kind: "ticket", id: old.ticketId! }, new Date(now.getTime() - 11 * DAY));
    await desk.trash(desk.operator, { kind: "ticket", id: recent.ticketId! }, new Date(now.getTime() - 5 * DAY));
    await neighbour.trash(neighbour.operator, { kind: "ticket", id: theirs.ticketId! }, new Date(now.getTime() - 40 * DAY));

    await purgeExpiredTrash(db, { now, tenantId: desk.tenantId });
    expect(await desk.ticketRow(old.ticketId!)).toBeUndefined();
    expect(await desk.ticketRow(recent.ticketId!)).toBeDefined();
    expect(await neighbour.ticketRow(theirs.ticketId!)).toBeDefined();

    // Emptying one company's trash, or purging by another company's id, leaves the neighbour's alone.
    await desk.run((tx) => emptyTrash(tx, desk.member(true)));
    expect(await desk.ticketRow(recent.ticketId!)).toBeUndefined();
    await expect(
      desk.run((tx) => purgeFromTrash(tx, desk.member(true), { kind: "ticket", id: theirs.ticketId! })),
    ).rejects.toMatchObject({ name: "NotFoundError" });
    expect(await neighbour.ticketRow(theirs.ticketId!)).toBeDefined();
    expect((await neighbour.inboundRow(theirs.inboundEmailId))!.bytes).toBeGreaterThan(0);

    await purgeExpiredTrash(db, { now, tenantId: neighbour.tenantId });
    expect(await neighbour.ticketRow(theirs.ticketId!)).toBeUndefined();
  });
});
