import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, divisions, inboundEmails, messages, outbox, tickets } from "../../db/schema";
import { operatorScope, type TenantScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { NotFoundError, RuleError } from "../../lib/errors";
import { processInboundEmail } from "../../lib/inbound/process";
import { replyAddressFor } from "../../lib/mail/reply-token";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { moveToTrash } from "../../lib/trash/trash";
import { mergeTickets } from "../../lib/tickets/merge";
import { searchTickets } from "../../lib/tickets/search";
import { splitMessage } from "../../lib/tickets/split";
import { getTicketWithMessages } from "../../lib/tickets/tickets";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";

const db = await testDatabase();

/** A mail with one attached file, so that what moves can be seen to carry its attachments. */
function mailWithFile(fields: { from: string; subject: string; messageId: string; filename: string }): Buffer {
  return Buffer.from(
    [
      `From: ${fields.from}`,
      "To: support@acme.test",
      `Subject: ${fields.subject}`,
      `Message-ID: <${fields.messageId}>`,
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "See attached.",
      "--b",
      `Content-Type: text/plain; name="${fields.filename}"`,
      `Content-Disposition: attachment; filename="${fields.filename}"`,
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("error 42\n").toString("base64"),
      "--b--",
      "",
    ].join("\r\n"),
  );
}

/** A division (tag ACME, sender check on) that tickets mail through the real pipeline. */
async function helpDesk() {
  const company = await makeTenant(db, "Mergers");
  const tenantId = company.tenant.id;
  const scope: TenantScope = { tenantId, userId: company.user.id, role: "owner" };
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operatorScope(tenantId), company.divisionId, { tag: "ACME", checkSenderOnSubjectMatch: true }),
  );
  const receive = async (raw: Buffer) => {
    const { email } = await storeInboundEmail(db, {
      tenantId,
      divisionId: company.divisionId,
      mailboxId: null,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    return processInboundEmail(db, { tenantId, inboundEmailId: email.id });
  };
  const ticket = (number: number) =>
    withTenant(db, tenantId, (tx) => getTicketWithMessages(tx, scope, { divisionId: company.divisionId, number }));
  const run = <T>(work: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) => withTenant(db, tenantId, work);
  /** Jan's ticket 1 (with a file) and Anna's ticket 2 (with a file), each with its confirmation queued. */
  const twoTickets = async () => {
    const jan = await receive(
      mailWithFile({ from: "Jan <jan@customer.test>", subject: "Printer", messageId: "jan-1@customer.test", filename: "jan.txt" }),
    );
    const anna = await receive(
      mailWithFile({ from: "Anna <anna@customer.test>", subject: "Printer too", messageId: "anna-1@customer.test", filename: "anna.txt" }),
    );
    return { survivorId: jan.ticketId!, mergedId: anna.ticketId! };
  };
  return { company, tenantId, scope, receive, ticket, run, twoTickets };
}

describe("merging tickets", () => {
  it("moves the messages with their attachments, the outbox rows and the inbound emails to the survivor, mails nobody, and audits both", async () => {
    const desk = await helpDesk();
    const { survivorId, mergedId } = await desk.twoTickets();
    const outboxBefore = await desk.run((tx) => tx.select().from(outbox).where(eq(outbox.tenantId, desk.tenantId)));
    expect(outboxBefore.filter((row) => row.ticketId === mergedId)).toHaveLength(1);

    const { source, target } = await desk.run((tx) => mergeTickets(tx, desk.scope, { sourceId: mergedId, targetId: survivorId }));
    expect(source).toMatchObject({ mergedIntoId: survivorId, status: "closed" });
    expect(target.id).toBe(survivorId);

    const survivor = await desk.ticket(1);
    expect(survivor.messages.map((m) => m.message.fromAddress)).toEqual(["jan@customer.test", "anna@customer.test"]);
    expect(survivor.messages.map((m) => m.attachments)).toEqual([["jan.txt"], ["anna.txt"]]);
    expect((await desk.ticket(2)).messages).toEqual([]);

    const outboxAfter = await desk.run((tx) => tx.select().from(outbox).where(eq(outbox.tenantId, desk.tenantId)));
    expect(outboxAfter).toHaveLength(outboxBefore.length);
    expect(outboxAfter.every((row) => row.ticketId === survivorId)).toBe(true);
    const inbound = await desk.run((tx) => tx.select().from(inboundEmails).where(eq(inboundEmails.tenantId, desk.tenantId)));
    expect(inbound.map((row) => row.ticketId)).toEqual([survivorId, survivorId]);

    const audit = await desk.run((tx) =>
      tx.select().from(auditLog).where(and(eq(auditLog.tenantId, desk.tenantId), eq(auditLog.action, "ticket.merged"))),
    );
    expect(audit.map((row) => row.targetId).sort()).toEqual([survivorId, mergedId].sort());
    expect(audit[0]!.actorUserId).toBe(desk.company.user.id);
  });

  it("sends a customer reply carrying the merged ticket's old [TAG#n] to the survivor", async () => {
    const desk = await helpDesk();
    const { survivorId, mergedId } = await desk.twoTickets();
    await desk.run((tx) => mergeTickets(tx, desk.scope, { sourceId: mergedId, targetId: survivorId }));

    const reply = await desk.receive(mail({ from: "Anna <anna@customer.test>", subject: "Re: [ACME#2] Printer too" }));
    expect(reply).toMatchObject({ outcome: "ticket_message", ticketId: survivorId });
    expect((await desk.ticket(1)).messages.at(-1)?.message).toMatchObject({ threadReason: "tag", fromAddress: "anna@customer.test" });
    // The survivor's own customer is a participant of what it now carries, too.
    const jan = await desk.receive(mail({ from: "Jan <jan@customer.test>", subject: "Re: [ACME#2] Printer too" }));
    expect(jan).toMatchObject({ outcome: "ticket_message", ticketId: survivorId });
    // A stranger still cannot write into it by the number alone.
    const stranger = await desk.receive(mail({ from: "Mallory <mallory@elsewhere.test>", subject: "Re: [ACME#2] Printer too" }));
    expect(stranger.outcome).toBe("ticket_created");
  });

  it("sends a reply by In-Reply-To to a message of the merged ticket, or to its confirmation, to the survivor", async () => {
    const desk = await helpDesk();
    const { survivorId, mergedId } = await desk.twoTickets();
    const [confirmation] = await desk.run((tx) =>
      tx.select().from(outbox).where(and(eq(outbox.tenantId, desk.tenantId), eq(outbox.ticketId, mergedId))),
    );
    await desk.run((tx) => mergeTickets(tx, desk.scope, { sourceId: mergedId, targetId: survivorId }));

    const byMessage = await desk.receive(mail({ from: "anna@customer.test", subject: "something else", inReplyTo: "anna-1@customer.test" }));
    expect(byMessage).toMatchObject({ outcome: "ticket_message", ticketId: survivorId });
    const byConfirmation = await desk.receive(
      mail({ from: "anna@customer.test", subject: "thanks", inReplyTo: confirmation!.messageId.replace(/^<|>$/g, "") }),
    );
    expect(byConfirmation).toMatchObject({ outcome: "ticket_message", ticketId: survivorId });
    expect((await desk.ticket(1)).messages.slice(-2).map((m) => m.message.threadReason)).toEqual(["header", "header"]);
  });

  it("sends a reply to the merged ticket's signed reply address (plus-addressing) to the survivor", async () => {
    const desk = await helpDesk();
    const { survivorId, mergedId } = await desk.twoTickets();
    await desk.run((tx) => mergeTickets(tx, desk.scope, { sourceId: mergedId, targetId: survivorId }));
    const to = replyAddressFor("support@acme.test", { id: mergedId, number: 2 });
    const reply = await desk.receive(mail({ from: "anna@customer.test", to, subject: "no tag, no headers" }));
    expect(reply).toMatchObject({ outcome: "ticket_message", ticketId: survivorId });
    expect((await desk.ticket(1)).messages.at(-1)?.message.threadReason).toBe("token");
  });

  it("follows a chain of merges to the last survivor, and reopens it for the customer's mail", async () => {
    const desk = await helpDesk();
    const { survivorId: first, mergedId: second } = await desk.twoTickets();
    const third = (await desk.receive(mail({ from: "jan@customer.test", subject: "Third" }))).ticketId!;
    await desk.run(async (tx) => {
      await mergeTickets(tx, desk.scope, { sourceId: second, targetId: first });
      await mergeTickets(tx, desk.scope, { sourceId: first, targetId: third });
      await tx.update(tickets).set({ status: "closed", closedAt: new Date() }).where(eq(tickets.id, third));
    });
    const reply = await desk.receive(mail({ from: "anna@customer.test", subject: "Re: [ACME#2] Printer too" }));
    expect(reply).toMatchObject({ outcome: "ticket_message", ticketId: third, reason: "reopened" });
    expect((await desk.ticket(3)).ticket.status).toBe("open");
  });

  it("keeps the later customer mail and answer, unions the tags, and leaves a waiting source's survivor open", async () => {
    const desk = await helpDesk();
    const { survivorId, mergedId } = await desk.twoTickets();
    const late = new Date("2030-01-01T00:00:00Z");
    await desk.run(async (tx) => {
      await tx.update(tickets).set({ status: "answered", tags: ["vip"], priority: "low" }).where(eq(tickets.id, survivorId));
      await tx.update(tickets).set({ lastCustomerMessageAt: late, tags: ["printer"], priority: "urgent" }).where(eq(tickets.id, mergedId));
    });
    const { target } = await desk.run((tx) => mergeTickets(tx, desk.scope, { sourceId: mergedId, targetId: survivorId }));
    expect(target).toMatchObject({ status: "open", lastCustomerMessageAt: late, priority: "urgent", tags: ["vip", "printer"] });
  });

  it("refuses a ticket merged into itself, into another division, an already merged one and one in the trash", async () => {
    const desk = await helpDesk();
    const { survivorId, mergedId } = await desk.twoTickets();
    const third = (await desk.receive(mail({ from: "jan@customer.test", subject: "Third" }))).ticketId!;
    const fourth = (await desk.receive(mail({ from: "jan@customer.test", subject: "Fourth" }))).ticketId!;
    const refusal = (sourceId: string, targetId: string) =>
      desk.run((tx) => mergeTickets(tx, desk.scope, { sourceId, targetId })).then(
        () => null,
        (error: unknown) => (error instanceof RuleError ? error.key : error),
      );

    expect(await refusal(survivorId, survivorId)).toBe("mergeIntoItself");
    const [other] = await desk.run((tx) =>
      tx.insert(divisions).values({ tenantId: desk.tenantId, name: "Sales", tag: "SALES" }).returning(),
    );
    const [elsewhere] = await desk.run((tx) =>
      tx.insert(tickets).values({ tenantId: desk.tenantId, divisionId: other!.id, number: 1, subject: "Elsewhere" }).returning(),
    );
    expect(await refusal(survivorId, elsewhere!.id)).toBe("mergeOtherDivision");

    await desk.run((tx) => mergeTickets(tx, desk.scope, { sourceId: mergedId, targetId: survivorId }));
    expect(await refusal(mergedId, third)).toBe("ticketAlreadyMerged");
    expect(await refusal(third, mergedId)).toBe("ticketAlreadyMerged");

    await desk.run((tx) => moveToTrash(tx, desk.scope, { kind: "ticket", id: fourth }));
    expect(await refusal(fourth, third)).toBe("ticketInTrash");
    expect(await refusal(third, fourth)).toBe("ticketInTrash");
  });

  it("does not find another tenant's tickets", async () => {
    const desk = await helpDesk();
    const { survivorId, mergedId } = await desk.twoTickets();
    const other = await makeTenant(db, "Others");
    const otherScope = operatorScope(other.tenant.id);
    await expect(
      withTenant(db, other.tenant.id, (tx) => mergeTickets(tx, otherScope, { sourceId: mergedId, targetId: survivorId })),
    ).rejects.toBeInstanceOf(NotFoundError);
    const [message] = await desk.run((tx) => tx.select().from(messages).where(eq(messages.ticketId, mergedId)));
    await expect(
      withTenant(db, other.tenant.id, (tx) => splitMessage(tx, otherScope, { messageId: message!.id })),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await withTenant(db, other.tenant.id, (tx) => searchTickets(tx, otherScope, { divisionId: desk.company.divisionId, query: "Printer" }))).toEqual([]);
  });
});

describe("splitting a message into a new ticket", () => {
  it("makes the division's next ticket for the message's sender, moving the message with its attachment and mail", async () => {
    const desk = await helpDesk();
    const first = await desk.receive(
      mailWithFile({ from: "Jan <jan@customer.test>", subject: "Printer", messageId: "p-1@customer.test", filename: "a.txt" }),
    );
    // Ola answers Jan's mail (In-Reply-To): on the same ticket, although she is not its customer.
    const ola = Buffer.from(
      mailWithFile({ from: "Ola <ola@customer.test>", subject: "Re: Printer", messageId: "p-2@customer.test", filename: "b.txt" })
        .toString()
        .replace("MIME-Version", "In-Reply-To: <p-1@customer.test>\r\nMIME-Version"),
    );
    expect(await desk.receive(ola)).toMatchObject({ outcome: "ticket_message", ticketId: first.ticketId });
    const [secondMessage] = await desk.run((tx) => tx.select().from(messages).where(eq(messages.messageId, "p-2@customer.test")));

    const { ticket, from } = await desk.run((tx) => splitMessage(tx, desk.scope, { messageId: secondMessage!.id }));
    expect(from.id).toBe(first.ticketId);
    expect(ticket).toMatchObject({ divisionId: desk.company.divisionId, subject: "Re: Printer", status: "open" });
    const split = await desk.ticket(ticket.number);
    expect(split.contactEmail).toBe("ola@customer.test");
    expect(split.messages.map((m) => [m.message.id, m.attachments])).toEqual([[secondMessage!.id, ["b.txt"]]]);
    expect((await desk.ticket(1)).messages.map((m) => m.attachments)).toEqual([["a.txt"]]);
    const [inbound] = await desk.run((tx) => tx.select().from(inboundEmails).where(eq(inboundEmails.id, secondMessage!.inboundEmailId!)));
    expect(inbound!.ticketId).toBe(ticket.id);

    const reply = await desk.receive(mail({ from: "ola@customer.test", subject: "more", inReplyTo: "p-2@customer.test" }));
    expect(reply).toMatchObject({ outcome: "ticket_message", ticketId: ticket.id });
    const audit = await desk.run((tx) =>
      tx.select().from(auditLog).where(and(eq(auditLog.tenantId, desk.tenantId), eq(auditLog.action, "ticket.split"))),
    );
    expect(audit.map((row) => row.targetId).sort()).toEqual([first.ticketId!, ticket.id].sort());
  });

  it("refuses to split a ticket's only message", async () => {
    const desk = await helpDesk();
    const only = await desk.receive(mail({ subject: "Alone" }));
    const [message] = await desk.run((tx) => tx.select().from(messages).where(eq(messages.ticketId, only.ticketId!)));
    await expect(desk.run((tx) => splitMessage(tx, desk.scope, { messageId: message!.id }))).rejects.toMatchObject({
      key: "splitOnlyMessage",
    });
  });
});

describe("searching a division's tickets", () => {
  it("finds by number or by subject, leaving out merged tickets and the one asked to leave out", async () => {
    const desk = await helpDesk();
    const { survivorId, mergedId } = await desk.twoTickets();
    const search = (query: string, excludeId?: string) =>
      desk.run((tx) => searchTickets(tx, desk.scope, { divisionId: desk.company.divisionId, query, excludeId }));
    expect((await search("2")).map((t) => t.id)).toEqual([mergedId]);
    expect((await search("#1")).map((t) => t.id)).toEqual([survivorId]);
    expect((await search("printer")).map((t) => t.number).sort()).toEqual([1, 2]);
    expect((await search("printer", survivorId)).map((t) => t.number)).toEqual([2]);
    await desk.run((tx) => mergeTickets(tx, desk.scope, { sourceId: mergedId, targetId: survivorId }));
    expect((await search("printer")).map((t) => t.number)).toEqual([1]);
  });
});
