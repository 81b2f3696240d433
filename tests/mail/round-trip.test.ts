import crypto from "node:crypto";
import { and, asc, count, eq } from "drizzle-orm";
import { simpleParser, type ParsedMail } from "mailparser";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messages, outbox, tickets } from "../../db/schema";
import { pollMailbox } from "../../lib/dispatch/poll";
import { sendOutbox } from "../../lib/outbox/send";
import { replyToTicket } from "../../lib/tickets/reply";
import { testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { dovecotDesk } from "../setup/dovecot-desk";
import type { outboundDesk } from "../setup/outbound-desk";
import { trustMailServer } from "../setup/poll-fixtures";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";

/**
 * Mail going all the way round: a customer's client sends over SMTP, the test SMTP server relays it
 * over LMTP into the support mailbox in Dovecot, Postdesk polls it into a ticket, a staff reply goes
 * out through the outbox over SMTP into the customer's Dovecot mailbox, and the customer's client
 * answers the mail it received there.
 */

const db = await testDatabase();
let dovecot: Dovecot;
let sink: SmtpSink;

beforeAll(async () => {
  dovecot = await startDovecot();
  trustMailServer(dovecot);
  sink = await startSmtpSink({ relayLmtp: { host: dovecot.host, port: dovecot.ports.lmtp } });
}, 60_000);
afterAll(async () => {
  await sink?.stop();
  await dovecot?.stop();
}, 30_000);

const id = () => crypto.randomBytes(3).toString("hex");

/** A Dovecot user with its own address, as a person with a mail client. */
async function person(name: string, domain: string) {
  const address = `${name}-${id()}@${domain}`;
  await dovecot.addUser(address, "pw");
  const client = nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, ignoreTLS: true });
  let seen = 0;
  return {
    address,
    send: (mail: SendMailOptions) => client.sendMail({ from: address, ...mail }),
    /** The mails that reached the inbox since the last call, parsed. */
    async newMail(): Promise<ParsedMail[]> {
      const all = await dovecot.listFolder(address, "INBOX");
      const fresh = all.slice(seen);
      seen = all.length;
      return Promise.all(fresh.map((m) => simpleParser(m.raw)));
    },
  };
}

async function helpDesk(settings: Parameters<typeof outboundDesk>[1] = {}) {
  const desk = await dovecotDesk(db, dovecot, {
    settings,
    mailbox: { smtpHost: sink.host, smtpPort: String(sink.port), smtpSecurity: "none", smtpDisplayName: "Mailco Support" },
  });
  const { mailbox } = desk;
  /** What the dispatchers do: fetch new mail, then send what is due. */
  async function cycle() {
    const polled = await pollMailbox(db, { tenantId: desk.tenantId, mailboxId: mailbox.id });
    if (!polled.ok) throw new Error(`poll failed: ${polled.failure} ${polled.detail}`);
    await sendOutbox(db, { tenantId: desk.tenantId });
    return polled;
  }
  const ticketMessages = (ticketId: string) =>
    desk.tx((tx) =>
      tx.select().from(messages).where(eq(messages.ticketId, ticketId)).orderBy(asc(messages.createdAt), asc(messages.id)),
    );
  return { ...desk, cycle, ticketMessages };
}

describe("the round trip", () => {
  it(
    "five ways a customer's client replies to a staff reply all land on the ticket",
    async () => {
      const desk = await helpDesk({ plusAddressing: true });
      const jan = await person("jan", "customer.test");

      await jan.send({ to: desk.address, subject: "Printer on fire", text: "Help, it is burning." });
      await desk.cycle();
      const ticket = await desk.ticket(1);
      expect(ticket.subject).toBe("Printer on fire");
      const [confirmation] = await jan.newMail();
      expect(confirmation?.subject).toBe("[MAIL#1] Printer on fire");
      expect(confirmation?.headers.get("auto-submitted")).toBe("auto-replied");

      await desk.tx((tx) => replyToTicket(tx, desk.ownerScope, { ticketId: ticket.id, text: "Unplug it, please." }));
      await desk.cycle();
      const [reply] = await jan.newMail();
      expect(reply?.subject).toBe("Re: [MAIL#1] Printer on fire");
      expect(reply?.from?.value[0]).toMatchObject({ address: desk.address, name: "Mailco Support" });
      const replyTo = reply!.replyTo!.value[0]!.address!;
      expect(replyTo).toMatch(new RegExp(`^${desk.address.split("@")[0]}\\+t1\\.[a-z2-7]{6}@mailco\\.test$`));
      const references = [...(Array.isArray(reply!.references) ? reply!.references : reply!.references ? [reply!.references] : [])];

      // 1. A standard client (Thunderbird, Apple Mail): In-Reply-To and References.
      await jan.send({
        to: desk.address,
        subject: `Re: ${reply!.subject}`,
        inReplyTo: reply!.messageId!,
        references: [...references, reply!.messageId!],
        text: "Unplugged. Now what?\n\n> Unplug it, please.",
      });
      // 2. Outlook: no In-Reply-To nor References, only the subject with the tag.
      await jan.send({ to: desk.address, subject: `RE: ${reply!.subject}`, text: "From Outlook." });
      // 3. Gmail: References alone.
      await jan.send({ to: desk.address, subject: "Re: Printer on fire", references: [...references, reply!.messageId!], text: "From Gmail." });
      // 4. A reply whose subject the customer rewrote.
      await jan.send({ to: desk.address, subject: "Different topic, same thread", inReplyTo: reply!.messageId!, text: "Changed subject." });
      // 5. A new mail to the plus address of the Reply-To, nothing else to go by.
      await jan.send({ to: replyTo, subject: "Another question", text: "To the plus address." });

      const polled = await desk.cycle();
      expect(polled).toMatchObject({ ok: true, fetched: 5 });
      const onTicket = (await desk.ticketMessages(ticket.id)).filter((m) => m.direction === "inbound");
      expect(onTicket.map((m) => [m.threadReason, m.text?.split("\n")[0]])).toEqual([
        ["new", "Help, it is burning."],
        ["header", "Unplugged. Now what?"],
        ["tag", "From Outlook."],
        ["header", "From Gmail."],
        ["header", "Changed subject."],
        ["token", "To the plus address."],
      ]);
      const [all] = await desk.tx((tx) => tx.select({ n: count() }).from(tickets).where(eq(tickets.divisionId, desk.divisionId)));
      expect(all?.n).toBe(1);
      // The replies reopened the answered ticket.
      expect((await desk.ticket(1)).status).toBe("open");
    },
    60_000,
  );

  it(
    "an autoresponder answering our confirmations for 50 rounds gets at most the division's limit of them",
    async () => {
      const limit = 3;
      const desk = await helpDesk({ confirmationsPerSenderPerHour: limit });
      const robot = await person("robot", "customer.test");
      let confirmations = 0;
      for (let round = 1; round <= 50; round++) {
        // A careless autoresponder: a fresh subject each time, none of the headers that mark it as automatic.
        await robot.send({ to: desk.address, subject: `Thank you for your message (case ${round})`, text: "We got your mail." });
        await desk.cycle();
        confirmations += (await robot.newMail()).filter((m) => m.headers.get("auto-submitted") === "auto-replied").length;
      }
      console.log(`autoresponder loop: 50 rounds, ${confirmations} confirmations sent (limit ${limit} per sender per hour)`);
      expect(confirmations).toBe(limit);
      const queued = await desk.tx((tx) =>
        tx.select({ n: count() }).from(outbox).where(and(eq(outbox.divisionId, desk.divisionId), eq(outbox.kind, "confirmation"))),
      );
      expect(queued[0]!.n).toBe(limit);

      // A well-behaved one (Auto-Submitted, In-Reply-To our confirmation) gets nothing back at all.
      const polite = await person("polite", "customer.test");
      await polite.send({ to: desk.address, subject: "Question", text: "A real question." });
      await desk.cycle();
      let [last] = await polite.newMail();
      expect(last?.subject).toMatch(/^\[MAIL#\d+\] Question$/);
      for (let round = 1; round <= 10; round++) {
        await polite.send({
          to: desk.address,
          subject: `Automatic reply: ${last!.subject}`,
          inReplyTo: last!.messageId!,
          headers: { "Auto-Submitted": "auto-replied" },
          text: "I am away.",
        });
        await desk.cycle();
        const fresh = await polite.newMail();
        expect(fresh).toEqual([]);
      }
      const ticket = await desk.tx(async (tx) =>
        (await tx.select().from(tickets).where(and(eq(tickets.divisionId, desk.divisionId), eq(tickets.subject, "Question"))))[0]!,
      );
      const notes = (await desk.ticketMessages(ticket.id)).filter((m) => m.direction === "note");
      expect(notes).toHaveLength(10);
    },
    120_000,
  );
});
