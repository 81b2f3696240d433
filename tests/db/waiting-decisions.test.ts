import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, contacts, divisions, inboundEmails, messages, outbox, tickets } from "../../db/schema";
import { operatorScope, type TenantScope, withTenant } from "../../db/tenant";
import { createDivision, updateDivisionSettings } from "../../lib/divisions/divisions";
import type { DivisionSettingsPatch } from "../../lib/divisions/settings";
import { RuleError } from "../../lib/errors";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import {
  attachWaitingEmail,
  convertWaitingEmail,
  decideWaitingEmails,
  deleteWaitingEmail,
  markWaitingSpam,
  releaseWaitingEmail,
} from "../../lib/inbound/waiting-decisions";
import { getWaitingEntry, listWaitingEmails } from "../../lib/inbound/waiting-list";
import { createTeam } from "../../lib/teams/teams";
import { searchTickets } from "../../lib/tickets/search";
import { listQueue } from "../../lib/tickets/queue";
import { getTicketWithMessages } from "../../lib/tickets/tickets";
import { restoreFromTrash } from "../../lib/trash/trash";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";

const db = await testDatabase();

/** A customer's mail with a small PDF attached. */
function mailWithPdf(from = "Jan Kowalski <jan@customer.test>"): Buffer {
  const boundary = `b-${crypto.randomBytes(6).toString("hex")}`;
  return Buffer.from(
    [
      `From: ${from}`,
      "To: support@acme.test",
      "Subject: Invoice attached",
      "Date: Mon, 23 Nov 2026 10:00:00 +0100",
      `Message-ID: <${crypto.randomUUID()}@customer.test>`,
      "MIME-Version: 1.0",
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Please find the invoice attached.",
      `--${boundary}`,
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("%PDF-1.4 not really").toString("base64"),
      `--${boundary}--`,
      "",
    ].join("\r\n"),
  );
}

/** A company whose division holds every new mail on the waiting list; `member` acts as its owner. */
async function heldDesk(settings: DivisionSettingsPatch = {}) {
  const company = await makeTenant(db, "Waiting");
  const tenantId = company.tenant.id;
  const operator = operatorScope(tenantId);
  const member: TenantScope = { tenantId, userId: company.user.id, role: "owner" };
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operator, company.divisionId, { tag: "WAIT", automationMode: "waiting_list", ...settings }),
  );
  const hold = async (raw: Buffer) => {
    const { email } = await storeInboundEmail(db, {
      tenantId,
      divisionId: company.divisionId,
      mailboxId: null,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    const result = await processInboundEmail(db, { tenantId, inboundEmailId: email.id });
    expect(result.outcome).toBe("waiting_list");
    return result.inboundEmailId;
  };
  const run = <T,>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, tenantId, work);
  const row = (id: string) => run(async (tx) => (await tx.select().from(inboundEmails).where(eq(inboundEmails.id, id)))[0]!);
  const confirmations = (ticketId: string) =>
    run((tx) => tx.select().from(outbox).where(and(eq(outbox.ticketId, ticketId), eq(outbox.kind, "confirmation"))));
  const refusal = (work: Promise<unknown>) =>
    work.then(
      () => null,
      (error: unknown) => (error instanceof RuleError ? error.key : error),
    );
  return { company, tenantId, operator, member, hold, run, row, confirmations, refusal };
}

describe("waiting-list decisions", () => {
  it("convert makes a ticket with the mail's message and attachment, confirms it, and records who and when", async () => {
    const desk = await heldDesk({ sendConfirmations: true });
    const id = await desk.hold(mailWithPdf());
    const now = new Date("2026-12-01T09:00:00Z");
    const result = await desk.run((tx) => convertWaitingEmail(tx, desk.member, { id, now }));
    expect(result).toMatchObject({ decision: "converted", outcome: "ticket_created" });

    const found = await desk.run((tx) => getTicketWithMessages(tx, desk.operator, { divisionId: desk.company.divisionId, number: 1 }));
    expect(found.ticket.id).toBe(result.ticketId);
    expect(found.ticket.subject).toBe("Invoice attached");
    expect(found.messages).toHaveLength(1);
    expect(found.messages[0]!.message).toMatchObject({ direction: "inbound", inboundEmailId: id, fromAddress: "jan@customer.test" });
    expect(found.messages[0]!.message.text).toContain("Please find the invoice attached.");
    expect(found.messages[0]!.attachments).toEqual(["invoice.pdf"]);
    // Converting is not registering: the sender is not in the address book.
    expect(found.ticket.contactId).toBeNull();
    // The queue still says who wrote it.
    const {
      rows: [queued],
    } = await desk.run((tx) => listQueue(tx, desk.operator, { divisionIds: [desk.company.divisionId] }));
    expect(queued).toMatchObject({ contactEmail: null, senderAddress: "jan@customer.test" });
    expect(await desk.confirmations(result.ticketId!)).toHaveLength(1);

    const row = await desk.row(id);
    expect(row).toMatchObject({
      outcome: "ticket_created",
      ticketId: result.ticketId,
      reason: "automationMode",
      decision: "converted",
      decidedById: desk.company.user.id,
      decidedAt: now,
    });
    const audit = await desk.run((tx) => tx.select().from(auditLog).where(and(eq(auditLog.targetId, id), eq(auditLog.action, "waiting_list.converted"))));
    expect(audit).toEqual([expect.objectContaining({ actorUserId: desk.company.user.id })]);
    expect((await desk.run((tx) => listWaitingEmails(tx, desk.operator))).total).toBe(0);
  });

  it("convert into another division and one of its teams confirms only when that division sends confirmations", async () => {
    const desk = await heldDesk({ sendConfirmations: true });
    const { quiet, team } = await desk.run(async (tx) => {
      const quiet = await createDivision(tx, desk.operator, { name: "Quiet", tag: "QUIET" });
      await updateDivisionSettings(tx, desk.operator, quiet.id, { sendConfirmations: false });
      return { quiet, team: await createTeam(tx, desk.operator, { divisionId: quiet.id, name: "Night shift", outboundMailboxId: null }) };
    });
    const id = await desk.hold(mail({ subject: "Moved along" }));
    const result = await desk.run((tx) => convertWaitingEmail(tx, desk.member, { id, divisionId: quiet.id, teamId: team.id }));
    const [ticket] = await desk.run((tx) => tx.select().from(tickets).where(eq(tickets.id, result.ticketId!)));
    expect(ticket).toMatchObject({ divisionId: quiet.id, teamId: team.id, number: 1 });
    expect(await desk.confirmations(ticket!.id)).toHaveLength(0);
  });

  it("convert refuses a team of another division and changes nothing", async () => {
    const desk = await heldDesk();
    const other = await desk.run(async (tx) => {
      const division = await createDivision(tx, desk.operator, { name: "Other", tag: "OTHER" });
      return createTeam(tx, desk.operator, { divisionId: division.id, name: "Elsewhere", outboundMailboxId: null });
    });
    const id = await desk.hold(mail({ subject: "Wrong team" }));
    const refused = await desk.run((tx) => convertWaitingEmail(tx, desk.member, { id, teamId: other.id })).catch((e: RuleError) => e);
    expect(refused).toBeInstanceOf(RuleError);
    expect((refused as RuleError).fieldErrors).toEqual({ teamId: ["teamNotInDivision"] });
    expect((await desk.row(id)).outcome).toBe("waiting_list");
  });

  it("attach puts the mail on an existing ticket, found by number or subject, and reopens it as a customer reply", async () => {
    const desk = await heldDesk();
    const first = await desk.hold(mail({ subject: "Broken login" }));
    const { ticketId } = await desk.run((tx) => convertWaitingEmail(tx, desk.member, { id: first }));
    await desk.run((tx) => tx.update(tickets).set({ status: "closed", closedAt: new Date() }).where(eq(tickets.id, ticketId!)));
    const byNumber = await desk.run((tx) => searchTickets(tx, desk.operator, { query: "[WAIT#1]" }));
    const bySubject = await desk.run((tx) => searchTickets(tx, desk.operator, { query: "login" }));
    expect(byNumber.map((t) => t.id)).toEqual([ticketId]);
    expect(bySubject.map((t) => t.id)).toEqual([ticketId]);

    const second = await desk.hold(mail({ subject: "still broken", body: "It happened again." }));
    const result = await desk.run((tx) => attachWaitingEmail(tx, desk.member, { id: second, ticketId: ticketId! }));
    expect(result).toMatchObject({ decision: "attached", outcome: "ticket_message", ticketId });
    const found = await desk.run((tx) => getTicketWithMessages(tx, desk.operator, { divisionId: desk.company.divisionId, number: 1 }));
    expect(found.ticket.status).toBe("open");
    expect(found.messages.map((m) => m.message.threadReason)).toEqual(["new", "attached"]);
    expect(found.messages[1]!.message.text).toContain("It happened again.");
  });

  it("register makes the sender a contact, and their next mail becomes a ticket in convert-if-known mode", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ from: "Ola Nowak <ola@new.test>", subject: "First contact" }));
    const result = await desk.run((tx) => convertWaitingEmail(tx, desk.member, { id, register: true }));
    expect(result).toMatchObject({ decision: "registered", outcome: "ticket_created" });
    const [contact] = await desk.run((tx) => tx.select().from(contacts).where(eq(contacts.email, "ola@new.test")));
    expect(contact).toMatchObject({ name: "Ola Nowak" });
    const [ticket] = await desk.run((tx) => tx.select().from(tickets).where(eq(tickets.id, result.ticketId!)));
    expect(ticket!.contactId).toBe(contact!.id);

    await desk.run((tx) => updateDivisionSettings(tx, desk.operator, desk.company.divisionId, { automationMode: "convert_known" }));
    const raw = mail({ from: "Ola Nowak <ola@new.test>", subject: "A new question" });
    const { email } = await storeInboundEmail(db, {
      tenantId: desk.tenantId,
      divisionId: desk.company.divisionId,
      mailboxId: null,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    expect(await processInboundEmail(db, { tenantId: desk.tenantId, inboundEmailId: email.id })).toMatchObject({
      outcome: "ticket_created",
    });
  });

  it("register refuses a mail with no sender", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ from: null, subject: "Who am I" }));
    expect(await desk.refusal(desk.run((tx) => convertWaitingEmail(tx, desk.member, { id, register: true })))).toBe("waitingNoSender");
    expect((await desk.row(id)).outcome).toBe("waiting_list");
  });

  it("spam blocks the mail and, when asked, puts the sender's domain on the spam list once", async () => {
    const desk = await heldDesk();
    const first = await desk.hold(mail({ from: "Spammer <deals@spam.test>", subject: "Cheap pills" }));
    const second = await desk.hold(mail({ from: "Other <more@spam.test>", subject: "Cheaper pills" }));
    const result = await desk.run((tx) => markWaitingSpam(tx, desk.member, { id: first, blockDomain: true }));
    expect(result).toMatchObject({ decision: "spam", outcome: "blocked", blockedDomain: "spam.test" });
    await desk.run((tx) => markWaitingSpam(tx, desk.member, { id: second, blockDomain: true }));
    const [division] = await desk.run((tx) => tx.select().from(divisions).where(eq(divisions.id, desk.company.divisionId)));
    expect(division!.spamDomains).toEqual(["spam.test"]);
    expect(await desk.row(first)).toMatchObject({ outcome: "blocked", reason: "automationMode", decision: "spam" });
    // The domain is blocked from now on: its next mail never reaches the waiting list.
    const raw = mail({ from: "deals@spam.test", subject: "Again" });
    const { email } = await storeInboundEmail(db, {
      tenantId: desk.tenantId,
      divisionId: desk.company.divisionId,
      mailboxId: null,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    expect((await processInboundEmail(db, { tenantId: desk.tenantId, inboundEmailId: email.id })).outcome).toBe("blocked");
  });

  it("release runs the pipeline again with the current settings: a held mail becomes a ticket after the mode changed", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ subject: "Held, then let through" }));
    const heldAgain = await desk.run((tx) => releaseWaitingEmail(tx, desk.member, { id }));
    expect(heldAgain).toMatchObject({ decision: "released", outcome: "waiting_list" });

    await desk.run((tx) => updateDivisionSettings(tx, desk.operator, desk.company.divisionId, { automationMode: "convert_and_register" }));
    const result = await desk.run((tx) => releaseWaitingEmail(tx, desk.member, { id }));
    expect(result).toMatchObject({ decision: "released", outcome: "ticket_created" });
    expect(await desk.row(id)).toMatchObject({ outcome: "ticket_created", ticketId: result.ticketId, decision: "released", decidedById: desk.company.user.id });
    const found = await desk.run((tx) => getTicketWithMessages(tx, desk.operator, { divisionId: desk.company.divisionId, number: 1 }));
    expect(found.contactEmail).toBe("jan@customer.test");
  });

  it("delete moves the entry to the trash, off the list, and restoring it puts it back", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ subject: "Throw away" }));
    await desk.run((tx) => deleteWaitingEmail(tx, desk.member, { id }));
    const listed = await desk.run((tx) => listWaitingEmails(tx, desk.operator));
    expect(listed).toEqual({ emails: [], total: 0 });
    expect(await desk.row(id)).toMatchObject({ decision: "deleted", deletedById: desk.company.user.id });
    expect(await desk.refusal(desk.run((tx) => convertWaitingEmail(tx, desk.member, { id })))).toBe("waitingAlreadyDecided");

    await desk.run((tx) => restoreFromTrash(tx, desk.member, { kind: "inboundEmail", id }));
    const back = await desk.run((tx) => listWaitingEmails(tx, desk.operator));
    expect(back.emails.map((e) => e.id)).toEqual([id]);
  });

  it("a second decision on the same entry is refused, also when two members decide at the same moment", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ subject: "Twice" }));
    await desk.run((tx) => convertWaitingEmail(tx, desk.member, { id }));
    expect(await desk.refusal(desk.run((tx) => markWaitingSpam(tx, desk.member, { id })))).toBe("waitingAlreadyDecided");

    const raced = await desk.hold(mail({ subject: "Raced" }));
    const outcomes = await Promise.all([
      desk.refusal(desk.run((tx) => convertWaitingEmail(tx, desk.member, { id: raced }))),
      desk.refusal(desk.run((tx) => convertWaitingEmail(tx, desk.member, { id: raced }))),
    ]);
    expect(outcomes.sort()).toEqual([null, "waitingAlreadyDecided"].sort());
    const made = await desk.run((tx) => tx.select().from(messages).where(eq(messages.inboundEmailId, raced)));
    expect(made).toHaveLength(1);
  });

  it("another tenant's entry is not found, for every decision and for reading it", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ subject: "Mine" }));
    const stranger = await makeTenant(db, "Stranger");
    const scope: TenantScope = { tenantId: stranger.tenant.id, userId: stranger.user.id, role: "owner" };
    const as = <T,>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, stranger.tenant.id, work).catch((e: Error) => e.name);
    expect(await as((tx) => convertWaitingEmail(tx, scope, { id }))).toBe("NotFoundError");
    expect(await as((tx) => deleteWaitingEmail(tx, scope, { id }))).toBe("NotFoundError");
    expect(await as((tx) => getWaitingEntry(tx, scope, id))).toBe("NotFoundError");
    expect(await as((tx) => decideWaitingEmails(tx, scope, { ids: [id], action: { kind: "release" } }))).toBe("NotFoundError");
    expect((await desk.row(id)).outcome).toBe("waiting_list");
  });

  it("a bulk decision converts many entries in one transaction and skips one another member decided", async () => {
    const desk = await heldDesk();
    const ids = [await desk.hold(mail({ subject: "One" })), await desk.hold(mail({ subject: "Two" })), await desk.hold(mail({ subject: "Three" }))];
    await desk.run((tx) => deleteWaitingEmail(tx, desk.member, { id: ids[1]! }));
    const result = await desk.run((tx) => decideWaitingEmails(tx, desk.member, { ids, action: { kind: "convert", register: true } }));
    expect(result.alreadyDecided).toEqual([ids[1]]);
    expect(result.decided.map((d) => d.decision)).toEqual(["registered", "registered"]);
    const made = await desk.run((tx) => tx.select().from(tickets).where(eq(tickets.tenantId, desk.tenantId)));
    expect(made.map((t) => t.subject).sort()).toEqual(["One", "Three"]);
  });

  it("a bulk decision that one entry refuses changes none of them", async () => {
    const desk = await heldDesk();
    const ids = [await desk.hold(mail({ subject: "Has a sender" })), await desk.hold(mail({ from: null, subject: "Has none" }))];
    const refused = await desk.refusal(desk.run((tx) => decideWaitingEmails(tx, desk.member, { ids, action: { kind: "convert", register: true } })));
    expect(refused).toBe("waitingNoSender");
    expect((await desk.row(ids[0]!)).outcome).toBe("waiting_list");
  });

  it("the entry reads the mail, its attachments and raw headers, and after a decision who made it", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mailWithPdf());
    const before = await desk.run((tx) => getWaitingEntry(tx, desk.member, id));
    expect(before).toMatchObject({ waiting: true, reason: "automationMode", decision: null, ticket: null });
    expect(before.mail?.subject).toBe("Invoice attached");
    expect(before.mail?.attachments).toEqual([{ index: 0, filename: "invoice.pdf", contentType: "application/pdf", size: 19 }]);
    expect(before.rawHeaders).toMatch(/^From: Jan Kowalski <jan@customer.test>\r\n/);
    expect(before.rawHeaders).not.toContain("Please find");
    await desk.run((tx) => convertWaitingEmail(tx, desk.member, { id }));
    const after = await desk.run((tx) => getWaitingEntry(tx, desk.member, id));
    expect(after).toMatchObject({
      waiting: false,
      decision: "converted",
      decidedBy: { id: desk.company.user.id, name: "Waiting Owner" },
      ticket: { divisionId: desk.company.divisionId, number: 1 },
    });
  });
});
