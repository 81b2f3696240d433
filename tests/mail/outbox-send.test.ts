import { eq } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications, outbox } from "../../db/schema";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { clearErrors, resetSending } from "../../lib/outbox/admin";
import { sendOutbox } from "../../lib/outbox/send";
import { sendMassMail } from "../../lib/mass-mail/mass-mail";
import { listDivisionContacts } from "../../lib/mass-mail/recipients";
import { unsubscribeContact, unsubscribeToken } from "../../lib/mass-mail/unsubscribe";
import { createTeam } from "../../lib/teams/teams";
import { moveTicket } from "../../lib/tickets/move";
import { replyToTicket } from "../../lib/tickets/reply";
import { testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";

const db = await testDatabase();
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
}, 30_000);
afterAll(() => sink?.stop());

/** A desk whose mailbox sends to the sink, with `count` staff replies queued. */
async function deskWithReplies(count: number, settings: Parameters<typeof outboundDesk>[1] = {}) {
  const desk = await outboundDesk(db, { sendConfirmations: false, ...settings });
  const mailbox = await desk.addMailbox(`support-${desk.tenantId.slice(0, 8)}@acme.test`, {
    smtpHost: "127.0.0.1",
    smtpPort: String(sink.port),
    smtpSecurity: "none",
    smtpDisplayName: "Acme Support",
  });
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    await desk.receive(mail({ subject: `Question ${i}` }));
    const ticket = await desk.ticket(i);
    const { outbox: row } = await desk.tx((tx) =>
      replyToTicket(tx, desk.ownerScope, {
        ticketId: ticket.id,
        text: `Answer ${i}`,
        ...(i === 1 ? { attachments: [{ filename: "log.txt", contentType: "text/plain", content: Buffer.from("ok\n") }] } : {}),
      }),
    );
    ids.push(row.id);
  }
  const rows = () => desk.tx((tx) => tx.select().from(outbox).where(eq(outbox.divisionId, desk.divisionId)));
  const received = () => sink.messages.filter((m) => m.envelope.from === mailbox.address);
  return { desk, mailbox, ids, rows, received };
}

const minutes = (from: Date, n: number) => new Date(from.getTime() + n * 60_000);

describe("the outbox sender", () => {
  it("sends a reply as the ticket's mailbox with our Message-ID, thread headers and the attachment", async () => {
    const { desk, mailbox, ids, rows, received } = await deskWithReplies(1);
    const summary = await sendOutbox(db, { tenantId: desk.tenantId });
    expect(summary).toMatchObject({ sent: 1, failed: 0, retried: 0 });
    const [row] = await rows();
    expect(row).toMatchObject({ id: ids[0], status: "sent", attempts: 1, lastError: null });
    const [message] = received();
    expect(message!.envelope).toEqual({ from: mailbox.address, to: ["jan@customer.test"] });
    const parsed = await simpleParser(message!.raw);
    expect(parsed.messageId).toBe(`<${row!.messageId}>`);
    expect(parsed.from?.value[0]).toMatchObject({ address: mailbox.address, name: "Acme Support" });
    expect(parsed.subject).toBe("Re: [ACME#1] Question 1");
    expect(parsed.inReplyTo).toMatch(/@customer\.test>$/);
    expect(parsed.attachments.map((a) => a.filename)).toEqual(["log.txt"]);
    expect(parsed.text?.trim()).toBe("Answer 1");
  });

  it("retries after 421 with backoff and sends once the server answers 250", async () => {
    const { desk, rows, received } = await deskWithReplies(1);
    let answers = 0;
    sink.setResponder(() => (answers++ === 0 ? { code: 421, message: "Try again later" } : undefined));
    try {
      const t0 = new Date();
      expect(await sendOutbox(db, { tenantId: desk.tenantId, now: () => t0 })).toMatchObject({ sent: 0, retried: 1 });
      let [row] = await rows();
      expect(row).toMatchObject({ status: "ready", attempts: 1, lastErrorCode: "temporary" });
      expect(row!.nextAttemptAt.getTime()).toBe(minutes(t0, 1).getTime());
      // Not due yet: nothing is tried.
      expect(await sendOutbox(db, { tenantId: desk.tenantId, now: () => minutes(t0, 0.5) })).toMatchObject({ sent: 0, retried: 0 });
      expect(answers).toBe(1);
      expect(await sendOutbox(db, { tenantId: desk.tenantId, now: () => minutes(t0, 1) })).toMatchObject({ sent: 1 });
      [row] = await rows();
      expect(row).toMatchObject({ status: "sent", attempts: 2, lastError: null, lastErrorCode: null });
      expect(received()).toHaveLength(1);
    } finally {
      sink.setResponder(null);
    }
  });

  it("gives up at once on 550, tells the reply's author, and an admin's clear sends it again", async () => {
    const { desk, rows, received } = await deskWithReplies(1);
    sink.setResponder(() => ({ code: 550, message: "No such user" }));
    const t0 = new Date();
    try {
      expect(await sendOutbox(db, { tenantId: desk.tenantId, now: () => t0 })).toMatchObject({ failed: 1, retried: 0 });
      const [row] = await rows();
      expect(row).toMatchObject({ status: "error", attempts: 1, lastErrorCode: "rejected" });
      expect(row!.lastError).toContain("No such user");
      // Never retried by itself, however late.
      expect(await sendOutbox(db, { tenantId: desk.tenantId, now: () => minutes(t0, 600) })).toMatchObject({ sent: 0, failed: 0 });
    } finally {
      sink.setResponder(null);
    }
    const told = await desk.tx((tx) => tx.select().from(notifications).where(eq(notifications.userId, desk.company.user.id)));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ kind: "outbox.failed", data: { code: "rejected", to: "jan@customer.test" } });
    expect(await desk.tx((tx) => clearErrors(tx, desk.scope, { divisionId: desk.divisionId }))).toBe(1);
    expect(await sendOutbox(db, { tenantId: desk.tenantId })).toMatchObject({ sent: 1 });
    expect(received()).toHaveLength(1);
  });

  it("holds mail while the division's sending is off and delivers it exactly once when turned on", async () => {
    const { desk, rows, received } = await deskWithReplies(3, { sendingEnabled: false });
    const held = await sendOutbox(db, { tenantId: desk.tenantId });
    expect(held.sent).toBe(0);
    expect(held.held).toBeGreaterThanOrEqual(3);
    expect(received()).toHaveLength(0);
    expect((await rows()).map((r) => r.status)).toEqual(["ready", "ready", "ready"]);

    await desk.tx((tx) => updateDivisionSettings(tx, desk.scope, desk.divisionId, { sendingEnabled: true }));
    expect(await sendOutbox(db, { tenantId: desk.tenantId })).toMatchObject({ sent: 3 });
    expect(await sendOutbox(db, { tenantId: desk.tenantId })).toMatchObject({ sent: 0 });
    expect(received()).toHaveLength(3);
    expect(new Set(received().map((m) => m.raw.toString().match(/^Message-ID: (.*)$/im)?.[1])).size).toBe(3);
  });

  it("two senders at once send each mail once", async () => {
    const { desk, rows, received } = await deskWithReplies(12);
    const [a, b] = await Promise.all([sendOutbox(db, { tenantId: desk.tenantId, limit: 12 }), sendOutbox(db, { tenantId: desk.tenantId, limit: 12 })]);
    expect(a.sent + b.sent).toBe(12);
    expect(received()).toHaveLength(12);
    expect((await rows()).every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });

  it("a mail left in sending by a crash goes out again after the stale time, or at once when an admin resets it, with the same Message-ID", async () => {
    const { desk, ids, rows, received } = await deskWithReplies(2);
    // A sender claimed both and died before recording anything.
    const t0 = new Date();
    await desk.tx((tx) => tx.update(outbox).set({ status: "sending", attempts: 1, sendingStartedAt: t0 }).where(eq(outbox.divisionId, desk.divisionId)));
    expect(await sendOutbox(db, { tenantId: desk.tenantId, now: () => minutes(t0, 5) })).toMatchObject({ sent: 0 });
    expect(await desk.tx((tx) => resetSending(tx, desk.scope, { divisionId: desk.divisionId, ids: [ids[0]!] }))).toBe(1);
    expect(await sendOutbox(db, { tenantId: desk.tenantId, now: () => minutes(t0, 5) })).toMatchObject({ sent: 1 });
    expect(await sendOutbox(db, { tenantId: desk.tenantId, now: () => minutes(t0, 16) })).toMatchObject({ sent: 1 });
    const stored = await rows();
    const sentIds = received().map((m) => m.raw.toString().match(/^Message-ID: <(.*)>$/im)?.[1]);
    expect(sentIds.sort()).toEqual(stored.map((r) => r.messageId).sort());
  });

  it("after a ticket moves from team Support to team Sales, the next reply leaves from Sales' address", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    const smtp = { smtpHost: "127.0.0.1", smtpPort: String(sink.port), smtpSecurity: "none" as const };
    const tag = desk.tenantId.slice(0, 8);
    const support = await desk.addMailbox(`support-${tag}@acme.test`, { ...smtp, smtpDisplayName: "Acme Support" });
    const sales = await desk.addMailbox(`sales-${tag}@acme.test`, { ...smtp, smtpDisplayName: "Acme Sales" });
    const [supportTeam, salesTeam] = await desk.tx(async (tx) => [
      await createTeam(tx, desk.scope, { divisionId: desk.divisionId, name: "Support", outboundMailboxId: support.id }),
      await createTeam(tx, desk.scope, { divisionId: desk.divisionId, name: "Sales", outboundMailboxId: sales.id }),
    ]);
    // Mail to the support address makes a ticket of team Support.
    await desk.receive(mail({ subject: "Upgrade my plan" }), support.id);
    const ticket = await desk.ticket(1);
    expect(ticket.teamId).toBe(supportTeam!.id);
    await desk.tx((tx) => replyToTicket(tx, desk.scope, { ticketId: ticket.id, text: "Support answering" }));
    await desk.tx((tx) => moveTicket(tx, desk.scope, { ticketId: ticket.id, divisionId: desk.divisionId, teamId: salesTeam!.id }));
    await desk.tx((tx) => replyToTicket(tx, desk.scope, { ticketId: ticket.id, text: "Sales answering" }));
    expect(await sendOutbox(db, { tenantId: desk.tenantId })).toMatchObject({ sent: 2 });
    const sent = await Promise.all(
      sink.messages.filter((m) => [support.address, sales.address].includes(m.envelope.from)).map((m) => simpleParser(m.raw)),
    );
    expect(sent.map((m) => [m.text?.trim(), m.from?.value[0]?.address, m.from?.value[0]?.name])).toEqual([
      ["Support answering", support.address, "Acme Support"],
      ["Sales answering", sales.address, "Acme Sales"],
    ]);
    expect(sent[1]!.messageId).toMatch(new RegExp(`@acme\\.test>$`));
  });

  it("sends a mass mail with List-Unsubscribe, and never to a contact who unsubscribed after it was queued", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    const mailbox = await desk.addMailbox(`news-${desk.tenantId.slice(0, 8)}@acme.test`, {
      smtpHost: "127.0.0.1",
      smtpPort: String(sink.port),
      smtpSecurity: "none",
    });
    for (const who of ["Ala <ala@customer.test>", "Ola <ola@customer.test>", "Ula <ula@customer.test>"]) {
      await desk.receive(mail({ from: who, subject: `Hello from ${who}` }));
    }
    const contacts = await desk.tx((tx) => listDivisionContacts(tx, desk.ownerScope, { divisionId: desk.divisionId }));
    const t0 = new Date();
    const { queued } = await desk.tx((tx) =>
      sendMassMail(tx, desk.ownerScope, {
        divisionId: desk.divisionId,
        contactIds: contacts.map((c) => c.contactId),
        subject: "News",
        body: "Hello {{customerName}}, we moved.\n\nUnsubscribe: {{link}}",
        ratePerMinute: 1000,
      }),
    );
    expect(queued).toBe(3);
    const ola = contacts.find((c) => c.email === "ola@customer.test")!;
    expect(await unsubscribeContact(db, unsubscribeToken({ id: ola.contactId, tenantId: desk.tenantId }))).toBe(true);

    expect(await sendOutbox(db, { tenantId: desk.tenantId, now: () => minutes(t0, 5) })).toMatchObject({ sent: 2, skipped: 1 });
    const raws = sink.messages.filter((m) => m.envelope.from === mailbox.address);
    expect(raws.flatMap((m) => m.envelope.to).sort()).toEqual(["ala@customer.test", "ula@customer.test"]);
    for (const { raw } of raws) {
      expect(raw.toString()).toMatch(/^List-Unsubscribe:\s+<https?:\/\/[^>]+\/unsubscribe\/[^>]+>\r$/m);
      expect(raw.toString()).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
      expect((await simpleParser(raw)).text).toMatch(/^Hello (Ala|Ula), we moved\./);
    }
    const skipped = (await desk.outboxRows("mass_mail")).find((r) => r.toAddresses[0]?.address === "ola@customer.test");
    expect(skipped).toMatchObject({ status: "error", lastErrorCode: "unsubscribed" });
  });

  it("a mailbox without an SMTP server leaves the mail in error with the reason", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    await desk.addMailbox("nosmtp@acme.test");
    await desk.receive(mail({ subject: "No SMTP" }));
    const ticket = await desk.ticket(1);
    await desk.tx((tx) => replyToTicket(tx, desk.scope, { ticketId: ticket.id, text: "hello" }));
    await sendOutbox(db, { tenantId: desk.tenantId });
    const [row] = await desk.outboxRows("reply");
    expect(row).toMatchObject({ status: "error", lastErrorCode: "noSmtp" });
  });
});
