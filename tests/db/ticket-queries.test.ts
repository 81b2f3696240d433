import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Transaction } from "../../db/client";
import { memberships, outbox, teams, tickets, users } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { NotFoundError } from "../../lib/errors";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { countQueue, listQueue } from "../../lib/tickets/queue";
import { getTicket, getTicketAttachment, getTicketCustomer } from "../../lib/tickets/tickets";
import { addNote, replyToTicket } from "../../lib/tickets/reply";
import { setTicketStatus } from "../../lib/tickets/status";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";

const db = await testDatabase();

/** A help desk without confirmations (so that a ticket's history is only what a test writes). */
async function helpDesk() {
  const company = await makeTenant(db, "Queries");
  const scope: TenantScope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" };
  await inTenant(scope, (tx) => updateDivisionSettings(tx, scope, company.divisionId, { sendConfirmations: false }));
  const receive = async (subject: string, from = "Jan Kowalski <jan@customer.test>") => {
    const raw = mail({ subject, from });
    const { email } = await storeInboundEmail(db, {
      tenantId: company.tenant.id,
      divisionId: company.divisionId,
      mailboxId: null,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    const { ticketId } = await processInboundEmail(db, { tenantId: company.tenant.id, inboundEmailId: email.id });
    return ticketId!;
  };
  return { company, scope, receive };
}

function inTenant<T>(scope: TenantScope, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return withTenant(db, scope.tenantId, work);
}

const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

describe("the ticket page's query", () => {
  it("lists the messages oldest first, with authors, attachments (no bytes) and the outbox state of what was mailed", async () => {
    const desk = await helpDesk();
    const ticketId = await desk.receive("Printer on fire");
    const { scope } = desk;
    const reply = await inTenant(scope, (tx) =>
      replyToTicket(tx, scope, {
        ticketId,
        text: "Unplug it, please.",
        cc: ["boss@customer.test"],
        attachments: [{ filename: "steps.txt", contentType: "text/plain", content: Buffer.from("1. unplug") }],
        now: later(1),
      }),
    );
    await inTenant(scope, (tx) => addNote(tx, scope, { ticketId, text: "Customer sounds calm.", now: later(2) }));
    // The sender got as far as an error: the page shows it with its code.
    await db
      .update(outbox)
      .set({ status: "error", attempts: 3, lastErrorCode: "loginFailed", lastError: "535 5.7.8 Authentication failed" })
      .where(eq(outbox.id, reply.outbox.id));

    const view = await inTenant(scope, (tx) => getTicket(tx, scope, ticketId));
    expect(view.ticket).toMatchObject({ id: ticketId, status: "answered", subject: "Printer on fire" });
    expect(view.division).toMatchObject({ id: desk.company.divisionId, sendingEnabled: false });
    expect(view.contact).toEqual({ email: "jan@customer.test", name: "Jan Kowalski" });
    expect(view.messages.map((m) => m.direction)).toEqual(["inbound", "outbound", "note"]);

    const [inbound, outbound, note] = view.messages;
    expect(inbound).toMatchObject({ fromAddress: "jan@customer.test", author: null, delivery: null, attachments: [] });
    expect(outbound).toMatchObject({
      id: reply.message.id,
      author: { id: desk.company.user.id, name: "Queries Owner" },
      ccAddresses: [{ address: "boss@customer.test" }],
      delivery: { status: "error", attempts: 3, lastErrorCode: "loginFailed", lastError: "535 5.7.8 Authentication failed" },
    });
    expect(outbound!.attachments).toEqual([
      { id: expect.any(String), filename: "steps.txt", contentType: "text/plain", size: 9, inline: false },
    ]);
    expect(note).toMatchObject({ private: true, text: "Customer sounds calm.", delivery: null });
  });

  it("names the team and assignee", async () => {
    const desk = await helpDesk();
    const ticketId = await desk.receive("Invoice");
    const { scope } = desk;
    const [team] = await inTenant(scope, (tx) =>
      tx.insert(teams).values({ tenantId: scope.tenantId, divisionId: desk.company.divisionId, name: "Billing" }).returning(),
    );
    await inTenant(scope, (tx) =>
      tx.update(tickets).set({ teamId: team!.id, assigneeId: desk.company.user.id }).where(eq(tickets.id, ticketId)),
    );
    const view = await inTenant(scope, (tx) => getTicket(tx, scope, ticketId));
    expect(view.team).toEqual({ id: team!.id, name: "Billing" });
    expect(view.assignee).toEqual({ id: desk.company.user.id, name: "Queries Owner", email: desk.company.email });
  });

  it("does not find another company's ticket, nor its attachments or customer", async () => {
    const mine = await helpDesk();
    const theirs = await helpDesk();
    const theirTicket = await theirs.receive("Secret plans");
    const { message } = await inTenant(theirs.scope, (tx) =>
      replyToTicket(tx, theirs.scope, {
        ticketId: theirTicket,
        text: "Attached.",
        attachments: [{ filename: "plans.pdf", contentType: "application/pdf", content: Buffer.from("%PDF") }],
      }),
    );
    const attachmentId = (await inTenant(theirs.scope, (tx) => getTicket(tx, theirs.scope, theirTicket))).messages.find(
      (m) => m.id === message.id,
    )!.attachments[0]!.id;

    for (const bound of [mine.scope, theirs.scope]) {
      // Bound to either tenant, a query made for mine must not reach theirs: the filter, not only row-level security.
      await expect(inTenant(bound, (tx) => getTicket(tx, mine.scope, theirTicket))).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        inTenant(bound, (tx) => getTicketAttachment(tx, mine.scope, { ticketId: theirTicket, attachmentId })),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(inTenant(bound, (tx) => getTicketCustomer(tx, mine.scope, theirTicket))).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }
  });

  it("gives an attachment's bytes only together with the ticket it belongs to", async () => {
    const desk = await helpDesk();
    const { scope } = desk;
    const first = await desk.receive("First");
    const second = await desk.receive("Second");
    await inTenant(scope, (tx) =>
      replyToTicket(tx, scope, {
        ticketId: first,
        text: "Here.",
        attachments: [{ filename: "a.txt", contentType: "text/plain", content: Buffer.from("abc") }],
      }),
    );
    const attachmentId = (await inTenant(scope, (tx) => getTicket(tx, scope, first))).messages[1]!.attachments[0]!.id;
    const found = await inTenant(scope, (tx) => getTicketAttachment(tx, scope, { ticketId: first, attachmentId }));
    expect(found).toMatchObject({ filename: "a.txt", contentType: "text/plain", content: Buffer.from("abc") });
    await expect(
      inTenant(scope, (tx) => getTicketAttachment(tx, scope, { ticketId: second, attachmentId })),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("the queue's queries", () => {
  it("filter by several statuses, order by last activity, page by cursor, and count per status", async () => {
    const desk = await helpDesk();
    const { scope } = desk;
    const divisionId = desk.company.divisionId;
    const a = await desk.receive("A");
    const b = await desk.receive("B");
    const c = await desk.receive("C");
    const d = await desk.receive("D");
    await inTenant(scope, async (tx) => {
      await replyToTicket(tx, scope, { ticketId: b, text: "Answer", now: later(1) });
      await setTicketStatus(tx, scope, { ticketId: c, status: "on_hold", now: later(2) });
      await setTicketStatus(tx, scope, { ticketId: d, status: "closed", now: later(3) });
      await addNote(tx, scope, { ticketId: a, text: "Looking", now: later(4) });
    });

    const counts = await inTenant(scope, (tx) => countQueue(tx, scope, { divisionIds: [divisionId] }, undefined));
    expect(counts.byStatus).toEqual({ open: 1, answered: 1, on_hold: 1, closed: 1 });

    const { rows: queue } = await inTenant(scope, (tx) =>
      listQueue(tx, scope, { divisionIds: [divisionId], statuses: ["open", "answered", "on_hold"] }),
    );
    expect(queue.map((t) => t.id)).toEqual([a, c, b]);
    expect(queue.find((t) => t.id === a)).toMatchObject({
      subject: "A",
      contactEmail: "jan@customer.test",
      contactName: "Jan Kowalski",
      messageCount: 2,
      teamName: null,
      assigneeName: null,
    });

    // All by last activity: a (note), d (closed), c (on hold), b (answered); two pages of two.
    const firstPage = await inTenant(scope, (tx) => listQueue(tx, scope, { divisionIds: [divisionId], limit: 2 }));
    expect(firstPage.rows.map((t) => t.id)).toEqual([a, d]);
    expect(firstPage.previous).toBeNull();
    const secondPage = await inTenant(scope, (tx) =>
      listQueue(tx, scope, { divisionIds: [divisionId], limit: 2, after: firstPage.next! }),
    );
    expect(secondPage.rows.map((t) => t.id)).toEqual([c, b]);
    expect(secondPage.next).toBeNull();
    const backAgain = await inTenant(scope, (tx) =>
      listQueue(tx, scope, { divisionIds: [divisionId], limit: 2, before: secondPage.previous! }),
    );
    expect(backAgain.rows.map((t) => t.id)).toEqual([a, d]);

    // Newest first: numbers are given in the order tickets are created.
    const { rows: byCreation } = await inTenant(scope, (tx) =>
      listQueue(tx, scope, { divisionIds: [divisionId], sort: "created" }),
    );
    expect(byCreation.map((t) => t.number)).toEqual([4, 3, 2, 1]);
  });

  it("names the assignee, and lists and counts nothing of another company's division", async () => {
    const mine = await helpDesk();
    const theirs = await helpDesk();
    const ticketId = await mine.receive("Assigned");
    await theirs.receive("Theirs");
    const [stranger] = await db
      .insert(users)
      .values({ email: `stranger-${Date.now()}@elsewhere.test`, name: "Stranger", passwordHash: "x" })
      .returning();
    await db.insert(memberships).values({ tenantId: mine.scope.tenantId, userId: stranger!.id, role: "agent" });
    await db.update(tickets).set({ assigneeId: stranger!.id }).where(eq(tickets.id, ticketId));
    const {
      rows: [row],
    } = await inTenant(mine.scope, (tx) => listQueue(tx, mine.scope, { divisionIds: [mine.company.divisionId] }));
    expect(row!.assigneeName).toBe("Stranger");

    const theirDivision = { divisionIds: [theirs.company.divisionId] };
    for (const bound of [mine.scope, theirs.scope]) {
      // Bound to either tenant, a query made for mine must not reach theirs: the filter, not only row-level security.
      const page = await inTenant(bound, (tx) => listQueue(tx, mine.scope, theirDivision));
      expect(page).toEqual({ pinned: [], rows: [], next: null, previous: null });
      const counts = await inTenant(bound, (tx) => countQueue(tx, mine.scope, theirDivision, undefined));
      expect(counts).toEqual({ byStatus: { open: 0, answered: 0, on_hold: 0, closed: 0 }, queue: 0 });
    }
  });
});
