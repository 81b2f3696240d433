import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { attachments, messages, users } from "../../db/schema";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { listTemplates, updateTemplate } from "../../lib/templates/templates";
import { createTeam, setTeamMembers } from "../../lib/teams/teams";
import { assignTicket } from "../../lib/tickets/assign";
import { moveTicket } from "../../lib/tickets/move";
import { addNote, replyToTicket } from "../../lib/tickets/reply";
import { tokensIn, tokenMatches } from "../../lib/mail/reply-token";
import { testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";

const db = await testDatabase();

describe("a staff reply", () => {
  it("continues the customer's thread, from the ticket's mailbox, with the tag once, and answers the ticket", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    const mailbox = await desk.addMailbox("support@acme.test", { smtpDisplayName: "Acme Support" });
    await desk.receive(
      mail({ subject: "Re: Re: [ACME#1] [ACME#1] Printer", messageId: "first@customer.test", references: "<older@customer.test>" }),
    );
    const ticket = await desk.ticket(1);
    const { message, outbox: row } = await desk.tx((tx) =>
      replyToTicket(tx, desk.scope, {
        ticketId: ticket.id,
        text: "Have you tried turning it off?",
        attachments: [{ filename: "steps.txt", contentType: "text/plain", content: Buffer.from("1. off\n2. on\n") }],
      }),
    );
    expect(row.subject).toBe("Re: [ACME#1] Printer");
    expect(row.fromAddress).toBe(mailbox.address);
    expect(row.messageId).toMatch(/@acme\.test$/);
    expect(row.messageId).toBe(message.messageId);
    expect(row.headers).toEqual({
      "In-Reply-To": "<first@customer.test>",
      References: "<older@customer.test> <first@customer.test>",
    });
    expect(row.toAddresses).toEqual([{ address: "jan@customer.test", name: "Jan Kowalski" }]);
    expect(row.replyTo).toBe("support@acme.test");
    expect(row.status).toBe("ready");
    const files = await desk.tx((tx) => tx.select().from(attachments).where(eq(attachments.messageId, message.id)));
    expect(files.map((f) => f.filename)).toEqual(["steps.txt"]);
    const after = await desk.ticket(1);
    expect(after.status).toBe("answered");
    expect(after.answeredAt).not.toBeNull();
    expect(message).toMatchObject({ direction: "outbound", private: false, inReplyTo: "first@customer.test" });
  });

  it("never sends an internal note", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    await desk.addMailbox("support@acme.test");
    await desk.receive(mail({ subject: "Question" }));
    const ticket = await desk.ticket(1);
    const note = await desk.tx((tx) => addNote(tx, desk.scope, { ticketId: ticket.id, text: "Customer is on the old plan" }));
    expect(note).toMatchObject({ direction: "note", private: true });
    expect(await desk.outboxRows()).toEqual([]);
    expect((await desk.ticket(1)).status).toBe("open");
  });

  it("carries a signed ticket token in Reply-To where the division uses plus-addressing, and can be private", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false, plusAddressing: true, markOutgoingPrivate: true });
    await desk.addMailbox("support@acme.test");
    await desk.receive(mail({ subject: "Token please" }));
    const ticket = await desk.ticket(1);
    const { message, outbox: row } = await desk.tx((tx) => replyToTicket(tx, desk.scope, { ticketId: ticket.id, text: "Sure" }));
    expect(row.replyTo).toMatch(/^support\+t1\.[a-z2-7]{6}@acme\.test$/);
    const [token] = tokensIn([row.replyTo!]);
    expect(tokenMatches(token!, ticket.id)).toBe(true);
    expect(tokenMatches({ ...token!, number: 2 }, "another-ticket")).toBe(false);
    expect(message.private).toBe(true);
  });

  it("leaves from the new team's address after the ticket moves from Support to Sales", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    const support = await desk.addMailbox("support@acme.test");
    const sales = await desk.addMailbox("sales@acme.test");
    const [supportTeam, salesTeam] = await desk.tx(async (tx) => [
      await createTeam(tx, desk.scope, { divisionId: desk.divisionId, name: "Support", outboundMailboxId: support.id }),
      await createTeam(tx, desk.scope, { divisionId: desk.divisionId, name: "Sales", outboundMailboxId: sales.id }),
    ]);
    await desk.receive(mail({ subject: "Pricing" }));
    const ticket = await desk.ticket(1);
    await desk.tx((tx) => moveTicket(tx, desk.scope, { ticketId: ticket.id, divisionId: desk.divisionId, teamId: supportTeam!.id }));
    const first = await desk.tx((tx) => replyToTicket(tx, desk.scope, { ticketId: ticket.id, text: "Support here" }));
    await desk.tx((tx) => moveTicket(tx, desk.scope, { ticketId: ticket.id, divisionId: desk.divisionId, teamId: salesTeam!.id }));
    const second = await desk.tx((tx) => replyToTicket(tx, desk.scope, { ticketId: ticket.id, text: "Sales here" }));
    expect(first.outbox.fromAddress).toBe("support@acme.test");
    expect(second.outbox.fromAddress).toBe("sales@acme.test");
    expect(second.outbox.messageId).toMatch(/@acme\.test$/);
    // The second reply continues the thread from the first.
    expect(second.outbox.headers["In-Reply-To"]).toBe(`<${first.outbox.messageId}>`);
  });
});

describe("confirmations", () => {
  it("confirm a new ticket in the division's language, marked as automatic, answering the customer's mail", async () => {
    const desk = await outboundDesk(db, { language: "pl" }, "Polska");
    await desk.addMailbox("pomoc@firma.test");
    await desk.receive(mail({ subject: "Drukarka nie działa", messageId: "pl-1@customer.test" }));
    const [row] = await desk.outboxRows("confirmation");
    expect(row).toBeDefined();
    expect(row!.subject).toBe("[ACME#1] Drukarka nie działa");
    expect(row!.text.startsWith("Dzień dobry,\n\n")).toBe(true);
    expect(row!.text).toContain("Założyliśmy zgłoszenie ACME#1");
    expect(row!.headers).toMatchObject({
      "Auto-Submitted": "auto-replied",
      "X-Auto-Response-Suppress": "All",
      "In-Reply-To": "<pl-1@customer.test>",
    });
    expect(row!.fromAddress).toBe("pomoc@firma.test");
  });

  it("greet a Polish customer with 'Dzień dobry,', not their name in the nominative, and end a sentence after 'Sp. z o.o.' with one period", async () => {
    const desk = await outboundDesk(db, { language: "pl", name: "Kowalski Sp. z o.o." }, "Kowalski");
    await desk.addMailbox("pomoc@kowalski.test");
    await desk.receive(mail({ from: "Katarzyna Żółkiewska <katarzyna@klient.test>", to: "pomoc@kowalski.test", subject: "Faktura" }));
    const [built] = await desk.outboxRows("confirmation");
    expect(built!.text.startsWith("Dzień dobry,\n\ndziękujemy za wiadomość.")).toBe(true);
    expect(built!.text).not.toContain("Żółkiewska");

    // An admin signs the division's confirmation with its name, which ends with the abbreviation's period.
    const [stored] = (await desk.tx((tx) => listTemplates(tx, desk.scope, desk.divisionId))).filter(
      (template) => template.kind === "confirmation" && template.locale === "pl",
    );
    await desk.tx((tx) =>
      updateTemplate(tx, desk.ownerScope, stored!.id, {
        name: stored!.name,
        subject: stored!.subject,
        body: `${stored!.body}\n\nZespół {{divisionName}}.`,
      }),
    );
    await desk.receive(mail({ from: "Katarzyna Żółkiewska <k.zolkiewska@klient.test>", to: "pomoc@kowalski.test", subject: "Korekta" }));
    const signed = (await desk.outboxRows("confirmation"))[1]!;
    expect(signed.text.startsWith("Dzień dobry,\n\n")).toBe(true);
    expect(signed.text.endsWith("\n\nZespół Kowalski Sp. z o.o.")).toBe(true);
    expect(signed.text).not.toContain("o.o..");
  });

  it("go to no auto-reply, list, bulk mail, bounce, no-reply address or our own address", async () => {
    const desk = await outboundDesk(db);
    await desk.addMailbox("support@acme.test");
    const automatic = [
      mail({ subject: "Out of office", headers: { "Auto-Submitted": "auto-replied" } }),
      mail({ subject: "Newsletter", headers: { "List-Id": "<news.customer.test>", "List-Unsubscribe": "<mailto:u@customer.test>" } }),
      mail({ subject: "Offer", headers: { Precedence: "bulk" } }),
      mail({ from: "MAILER-DAEMON@customer.test", subject: "Undelivered Mail Returned to Sender" }),
      mail({ from: "noreply@shop.test", subject: "Your order" }),
      mail({ from: "Support <support@acme.test>", subject: "Note to self" }),
    ];
    for (const raw of automatic) await desk.receive(raw);
    expect(await desk.outboxRows("confirmation")).toEqual([]);
    // A person writing gets one.
    await desk.receive(mail({ subject: "Real question" }));
    expect(await desk.outboxRows("confirmation")).toHaveLength(1);
  });

  it("are limited per sender per hour, and the limit is the division's setting", async () => {
    const desk = await outboundDesk(db, { confirmationsPerSenderPerHour: 2 });
    await desk.addMailbox("support@acme.test");
    for (let i = 0; i < 5; i++) await desk.receive(mail({ subject: `Question ${i}` }));
    await desk.receive(mail({ from: "Anna <anna@other.test>", subject: "Another sender" }));
    const rows = await desk.outboxRows("confirmation");
    expect(rows.map((r) => r.toAddresses[0]!.address)).toEqual(["jan@customer.test", "jan@customer.test", "anna@other.test"]);
  });

  it("are held, not sent, in a division whose sending is off; a test database starts with sending off", async () => {
    const desk = await outboundDesk(db, { sendingEnabled: false });
    await desk.addMailbox("support@acme.test");
    await desk.receive(mail({ subject: "Held" }));
    expect((await desk.outboxRows("confirmation")).map((r) => r.status)).toEqual(["ready"]);
  });
});

describe("staff notifications by email", () => {
  it("tell the team whose mailbox received a new ticket, except those who turned it off", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    const mailbox = await desk.addMailbox("support@acme.test");
    const owner = await desk.tx(async (tx) => (await tx.select().from(users).where(eq(users.email, desk.company.email)))[0]!);
    const team = await desk.tx((tx) =>
      createTeam(tx, desk.scope, { divisionId: desk.divisionId, name: "Support", outboundMailboxId: mailbox.id }),
    );
    await desk.tx(async (tx) => {
      await setTeamMembers(tx, desk.scope, { teamId: team.id, userIds: [owner.id] });
    });
    await desk.receive(mail({ subject: "For the team" }), mailbox.id);
    const [note] = await desk.outboxRows("notification");
    expect(note?.toAddresses[0]?.address).toBe(desk.company.email);
    expect(note?.subject).toBe("New ticket [ACME#1] For the team");
    expect(note?.headers["Auto-Submitted"]).toBe("auto-generated");

    await desk.tx((tx) => tx.update(users).set({ notifyNewTicket: false }).where(eq(users.id, owner.id)));
    await desk.receive(mail({ subject: "Second for the team" }), mailbox.id);
    expect(await desk.outboxRows("notification")).toHaveLength(1);
  });
});

describe("unprocessed-mail emails", () => {
  it("go to the division's chosen staff with its chosen template, the reason in the reader's language", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false, maxMailSizeMegabytes: 1 });
    await desk.addMailbox("support@acme.test");
    const owner = desk.company.user;
    await desk.tx(async (tx) => {
      await tx.update(users).set({ locale: "pl" }).where(eq(users.id, owner.id));
      await updateDivisionSettings(tx, desk.scope, desk.divisionId, { unprocessedRecipientIds: [owner.id] });
    });
    const huge = mail({ subject: "Ogromny załącznik", body: "x".repeat(1_200_000) });
    expect(await desk.receive(huge)).toMatchObject({ outcome: "unprocessed", reason: "tooLarge" });
    const [sent] = await desk.outboxRows("notification");
    expect(sent?.toAddresses).toEqual([{ address: owner.email, name: owner.name }]);
    // The division's chosen template is its English one (the division's language); the reason is
    // still in the reader's Polish.
    expect(sent?.subject).toBe("An email could not be processed: (bez tematu)");
    expect(sent?.text).toMatch(/Reason: Za duży\. E-mail jest większy/);
    expect(sent?.text).toContain(`/pl/${desk.company.tenant.slug}/notifications`);
  });
});

describe("assignment emails", () => {
  it("tell the new assignee, in their language, unless they turned it off", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    await desk.addMailbox("support@acme.test");
    await desk.receive(mail({ subject: "Assign me" }));
    await desk.receive(mail({ subject: "And me" }));
    const owner = await desk.tx(async (tx) => (await tx.select().from(users).where(eq(users.email, desk.company.email)))[0]!);
    await desk.tx((tx) => tx.update(users).set({ locale: "pl" }).where(eq(users.id, owner.id)));
    const first = await desk.ticket(1);
    const result = await desk.tx((tx) => assignTicket(tx, desk.scope, { ticketId: first.id, assigneeId: owner.id }));
    expect(result.newlyAssignedUserId).toBe(owner.id);
    const [sent] = await desk.outboxRows("notification");
    expect(sent?.subject).toBe("Przypisane do Ciebie: [ACME#1] Assign me");
    expect(sent?.text).toContain(`/pl/${desk.company.tenant.slug}/tickets/${first.id}`);

    await desk.tx((tx) => tx.update(users).set({ notifyAssignment: false }).where(eq(users.id, owner.id)));
    const second = await desk.ticket(2);
    await desk.tx((tx) => assignTicket(tx, desk.scope, { ticketId: second.id, assigneeId: owner.id }));
    expect(await desk.outboxRows("notification")).toHaveLength(1);
  });
});

describe("threading by the reply token", () => {
  it("places a reply to the plus address on its ticket even with a new subject and no headers", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false, plusAddressing: true });
    await desk.addMailbox("support@acme.test");
    await desk.receive(mail({ subject: "Original" }));
    const ticket = await desk.ticket(1);
    const { outbox: row } = await desk.tx((tx) => replyToTicket(tx, desk.scope, { ticketId: ticket.id, text: "Answer" }));
    const result = await desk.receive(
      mail({ from: "Jan <jan@customer.test>", to: row.replyTo!, subject: "completely different", messageId: "tok@customer.test" }),
    );
    expect(result).toMatchObject({ outcome: "ticket_message", ticketId: ticket.id });
    const [stored] = await desk.tx((tx) =>
      tx.select().from(messages).where(and(eq(messages.ticketId, ticket.id), eq(messages.messageId, "tok@customer.test"))),
    );
    expect(stored?.threadReason).toBe("token");
    // A forged signature finds nothing.
    const forged = row.replyTo!.replace(/\.[a-z2-7]{6}@/, ".aaaaaa@");
    const other = await desk.receive(mail({ from: "x@else.test", to: forged, subject: "forged" }));
    expect(other.outcome).toBe("ticket_created");
  });
});
