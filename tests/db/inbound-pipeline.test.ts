import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisions, inboundEmails, inboundMessageIds, mailboxes, messages, notifications, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { registerContact } from "../../lib/contacts/contacts";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import type { DivisionSettingsPatch } from "../../lib/divisions/settings";
import { loadInboundContext, processInboundEmail, processStoredEmails } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail, storeInboundEmails } from "../../lib/inbound/store";
import { sealSecret } from "../../lib/secrets";
import { getTicketWithMessages } from "../../lib/tickets/tickets";
import { makeTenant, testDatabase } from "../setup/db";
import { mail, polishMail } from "../setup/mail-fixtures";

const db = await testDatabase();

async function helpDesk(settings: DivisionSettingsPatch = {}) {
  const company = await makeTenant(db, "Acme");
  const scope = operatorScope(company.tenant.id);
  const division = await withTenant(db, company.tenant.id, (tx) =>
    updateDivisionSettings(tx, scope, company.divisionId, { tag: "ACME", ...settings }),
  );
  const receive = async (raw: Buffer, key = inboundKey.import(raw), mailboxId: string | null = null) => {
    const { email } = await storeInboundEmail(db, {
      tenantId: company.tenant.id,
      divisionId: company.divisionId,
      mailboxId,
      uniqueKey: key,
      raw,
    });
    return processInboundEmail(db, { tenantId: company.tenant.id, inboundEmailId: email.id });
  };
  const ticket = (number: number) =>
    withTenant(db, company.tenant.id, (tx) =>
      getTicketWithMessages(tx, scope, { divisionId: company.divisionId, number }),
    );
  const row = (id: string) =>
    withTenant(db, company.tenant.id, async (tx) => (await tx.select().from(inboundEmails).where(eq(inboundEmails.id, id)))[0]!);
  return { company, scope, division, receive, ticket, row };
}

describe("the inbound pipeline", () => {
  it("turns a customer's mail into ticket 1 with the contact registered, and a second run changes nothing", async () => {
    const desk = await helpDesk();
    const first = await desk.receive(mail({ subject: "Printer on fire" }));
    expect(first).toMatchObject({ outcome: "ticket_created", reason: "contactRegistered" });
    const again = await desk.receive(mail({ subject: "Printer on fire", messageId: "fixed@customer.test" }));
    const repeat = await processInboundEmail(db, { tenantId: desk.company.tenant.id, inboundEmailId: again.inboundEmailId });
    expect(repeat).toEqual(again);
    const ticket = await desk.ticket(1);
    expect(ticket.ticket.subject).toBe("Printer on fire");
    expect(ticket.contactEmail).toBe("jan@customer.test");
    expect(ticket.messages[0]?.message.threadReason).toBe("new");
  });

  it("makes a ticket of a mail whose subject is longer than any index entry, and threads its reply by that subject", async () => {
    const desk = await helpDesk();
    // Random words, which do not compress: about 6,000 bytes, over btree's 2,704-byte limit.
    const subject = Array.from({ length: 600 }, () => crypto.randomBytes(4).toString("hex")).join(" ");
    const first = await desk.receive(mail({ subject }));
    expect(first).toMatchObject({ outcome: "ticket_created" });
    const { ticket } = await desk.ticket(1);
    expect(ticket.subject).toBe(subject);
    const reply = await desk.receive(mail({ subject: `Re: ${subject}` }));
    expect(reply).toMatchObject({ outcome: "ticket_message", ticketId: first.ticketId });
  });

  it("makes a ticket of a mail with a 1 MB subject, keeping the whole subject", async () => {
    const desk = await helpDesk();
    const words = Array.from({ length: 116_509 }, () => crypto.randomBytes(4).toString("hex"));
    const subject = words.join(" ");
    expect(Buffer.byteLength(subject)).toBeGreaterThanOrEqual(1024 * 1024);
    // Folded as a mail program would (RFC 5322 §2.2.3): lines stay under 998 characters.
    const folded = Array.from({ length: Math.ceil(words.length / 8) }, (_, line) => words.slice(line * 8, line * 8 + 8).join(" ")).join("\r\n ");
    const received = await desk.receive(mail({ subject: folded }));
    expect(received).toMatchObject({ outcome: "ticket_created" });
    const { ticket } = await desk.ticket(1);
    expect(ticket.subject).toBe(subject);
  });

  it("threads a reply by In-Reply-To, and by References alone", async () => {
    const desk = await helpDesk();
    await desk.receive(mail({ subject: "Invoice", messageId: "root@customer.test" }));
    const reply = await desk.receive(mail({ subject: "Re: Invoice", inReplyTo: "root@customer.test" }));
    const gmail = await desk.receive(mail({ subject: "something else", references: "<root@customer.test>" }));
    expect(reply).toMatchObject({ outcome: "ticket_message" });
    expect(gmail).toMatchObject({ outcome: "ticket_message", ticketId: reply.ticketId });
    const ticket = await desk.ticket(1);
    expect(ticket.messages.map((m) => m.message.threadReason)).toEqual(["new", "header", "header"]);
  });

  it("a reply with only [TAG#n] from another sender does not join the ticket when the sender check is on", async () => {
    const desk = await helpDesk({ checkSenderOnSubjectMatch: true });
    await desk.receive(mail({ subject: "Broken login" }));
    const stranger = await desk.receive(
      mail({ from: "Mallory <mallory@elsewhere.test>", subject: "Re: [ACME#1] Broken login" }),
    );
    expect(stranger.outcome).toBe("ticket_created");
    expect((await desk.ticket(2)).contactEmail).toBe("mallory@elsewhere.test");
    const owner = await desk.receive(mail({ subject: "RE: [ACME#1] Broken login (more details)" }));
    expect(owner.outcome).toBe("ticket_message");
    expect((await desk.ticket(1)).messages.at(-1)?.message.threadReason).toBe("tag");
  });

  it("the same tag-only reply from another sender joins the ticket when the sender check is off", async () => {
    const desk = await helpDesk({ checkSenderOnSubjectMatch: false });
    const first = await desk.receive(mail({ subject: "Broken login" }));
    const stranger = await desk.receive(
      mail({ from: "Mallory <mallory@elsewhere.test>", subject: "Re: [ACME#1] Broken login" }),
    );
    expect(stranger).toMatchObject({ outcome: "ticket_message", ticketId: first.ticketId });
  });

  it("threads by subject from a participant, in any language's reply prefix, but never onto a closed ticket", async () => {
    const desk = await helpDesk();
    const first = await desk.receive(mail({ subject: "Zamówienie 42" }));
    const reply = await desk.receive(mail({ subject: "Odp: AW: Zamówienie 42" }));
    expect(reply).toMatchObject({ outcome: "ticket_message", ticketId: first.ticketId });
    expect((await desk.ticket(1)).messages.at(-1)?.message.threadReason).toBe("subject");
    await withTenant(db, desk.company.tenant.id, (tx) =>
      tx.update(tickets).set({ status: "closed", closedAt: new Date() }).where(eq(tickets.id, first.ticketId!)),
    );
    const later = await desk.receive(mail({ subject: "Re: Zamówienie 42" }));
    expect(later.outcome).toBe("ticket_created");
  });

  it("threads by subject onto the sender's own ticket even when more than ten open tickets share the subject", async () => {
    const desk = await helpDesk();
    for (let i = 0; i < 12; i++) {
      expect(await desk.receive(mail({ from: `Customer ${i} <customer${i}@customer.test>`, subject: "Invoice" }))).toMatchObject({
        outcome: "ticket_created",
      });
    }
    const reply = await desk.receive(mail({ from: "Customer 0 <customer0@customer.test>", subject: "Re: Invoice" }));
    expect(reply).toMatchObject({ outcome: "ticket_message", ticketId: (await desk.ticket(1)).ticket.id });
  });

  it("a reply to a closed ticket reopens it", async () => {
    const desk = await helpDesk();
    const first = await desk.receive(mail({ subject: "Refund", messageId: "refund@customer.test" }));
    await withTenant(db, desk.company.tenant.id, (tx) =>
      tx.update(tickets).set({ status: "closed", closedAt: new Date() }).where(eq(tickets.id, first.ticketId!)),
    );
    const reply = await desk.receive(mail({ subject: "Re: Refund", inReplyTo: "refund@customer.test" }));
    expect(reply).toMatchObject({ outcome: "ticket_message", reason: "reopened" });
    expect((await desk.ticket(1)).ticket.status).toBe("open");
  });

  it("blocks spam senders: kept, not ticketed", async () => {
    const desk = await helpDesk({ spamDomains: ["spam.test"] });
    const result = await desk.receive(mail({ from: "x@spam.test", subject: "Cheap pills" }));
    expect(result).toMatchObject({ outcome: "blocked", reason: "spamSender", ticketId: null });
    expect((await desk.row(result.inboundEmailId)).raw.length).toBeGreaterThan(0);
  });

  it("an out-of-office reply waits with its reason; one answering our message goes on the ticket as a private note", async () => {
    const desk = await helpDesk();
    const ooo = await desk.receive(
      mail({ subject: "Out of office", headers: { "Auto-Submitted": "auto-replied" } }),
    );
    expect(ooo).toMatchObject({ outcome: "waiting_list", reason: "autoReply" });
    const first = await desk.receive(mail({ subject: "Question", messageId: "q@customer.test" }));
    const onTicket = await desk.receive(
      mail({ subject: "Automatic reply: Question", inReplyTo: "q@customer.test", headers: { "Auto-Submitted": "auto-replied" } }),
    );
    expect(onTicket).toMatchObject({ outcome: "ticket_message", ticketId: first.ticketId });
    const note = (await desk.ticket(1)).messages.at(-1)!.message;
    expect(note).toMatchObject({ direction: "note", private: true });
  });

  it("automation modes: waiting list, convert known contacts only, convert and register", async () => {
    const waiting = await helpDesk({ automationMode: "waiting_list" });
    expect(await waiting.receive(mail({ subject: "Hi" }))).toMatchObject({ outcome: "waiting_list", reason: "automationMode" });

    const known = await helpDesk({ automationMode: "convert_known" });
    expect(await known.receive(mail({ subject: "Hi" }))).toMatchObject({ outcome: "waiting_list", reason: "unknownSender" });
    await withTenant(db, known.company.tenant.id, (tx) =>
      registerContact(tx, known.scope, { email: "jan@customer.test" }),
    );
    expect(await known.receive(mail({ subject: "Hi again" }))).toMatchObject({ outcome: "ticket_created" });
  });

  it("marks tickets from highlight domains", async () => {
    const desk = await helpDesk({ highlightDomains: ["vip.test"] });
    await desk.receive(mail({ from: "ceo@vip.test", subject: "Contract" }));
    expect((await desk.ticket(1)).ticket.highlighted).toBe(true);
  });

  /** Two IMAP mailboxes of the desk's division, for one mail delivered to both. */
  async function twoMailboxes(desk: Awaited<ReturnType<typeof helpDesk>>) {
    const rows = await withTenant(db, desk.company.tenant.id, (tx) =>
      tx
        .insert(mailboxes)
        .values(
          ["support@acme.test", "sales@acme.test"].map((address) => ({
            tenantId: desk.company.tenant.id,
            divisionId: desk.company.divisionId,
            name: address,
            address,
            protocol: "imap" as const,
            host: "127.0.0.1",
            port: 143,
            security: "none" as const,
            username: address,
            passwordEnc: sealSecret("x"),
          })),
        )
        .returning(),
    );
    return rows.map((mailbox) => mailbox.id);
  }

  it("one Message-ID reaching two mailboxes of the tenant makes one ticket; the second delivery is recorded against it", async () => {
    const desk = await helpDesk();
    const [one, two] = await twoMailboxes(desk);
    const raw = mail({ subject: "To both of you", messageId: "both@customer.test" });
    const first = await desk.receive(raw, inboundKey.imap(one!, 1, 1), one!);
    const second = await desk.receive(raw, inboundKey.imap(two!, 1, 1), two!);
    expect(first.outcome).toBe("ticket_created");
    expect(second).toMatchObject({ outcome: "duplicate", reason: "sameMessageId", ticketId: first.ticketId });
    expect((await desk.row(second.inboundEmailId)).duplicateOfId).toBe(first.inboundEmailId);
  });

  it("two deliveries of one Message-ID processed at the same moment make one ticket", async () => {
    const desk = await helpDesk();
    const [one, two] = await twoMailboxes(desk);
    const raw = mail({ subject: "Racing copies", messageId: "race@customer.test" });
    const stored = await Promise.all(
      [one!, two!].map((mailboxId) =>
        storeInboundEmail(db, {
          tenantId: desk.company.tenant.id,
          divisionId: desk.company.divisionId,
          mailboxId,
          uniqueKey: inboundKey.imap(mailboxId, 1, 1),
          raw,
        }),
      ),
    );
    const results = await Promise.all(
      stored.map(({ email }) => processInboundEmail(db, { tenantId: desk.company.tenant.id, inboundEmailId: email.id })),
    );
    expect(results.map((result) => result.outcome).sort()).toEqual(["duplicate", "ticket_created"]);
    const created = results.find((result) => result.outcome === "ticket_created")!;
    expect(results.find((result) => result.outcome === "duplicate")!.ticketId).toBe(created.ticketId);
    const ticketsOfTenant = await withTenant(db, desk.company.tenant.id, (tx) =>
      tx.select().from(tickets).where(eq(tickets.tenantId, desk.company.tenant.id)),
    );
    expect(ticketsOfTenant).toHaveLength(1);
  });

  it("ten mails of one conversation processed at the same moment make one ticket", async () => {
    const desk = await helpDesk({ sendConfirmations: false });
    const stored = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const raw = mail({ subject: "Invoice does not add up", messageId: `copy-${i}@customer.test` });
        return storeInboundEmail(db, {
          tenantId: desk.company.tenant.id,
          divisionId: desk.company.divisionId,
          mailboxId: null,
          uniqueKey: inboundKey.import(raw),
          raw,
        });
      }),
    );
    const results = await Promise.all(
      stored.map(({ email }) => processInboundEmail(db, { tenantId: desk.company.tenant.id, inboundEmailId: email.id })),
    );
    expect(results.filter((r) => r.outcome === "ticket_created")).toHaveLength(1);
    expect(new Set(results.map((r) => r.ticketId)).size).toBe(1);
  });

  it("a batch written side by side keeps each conversation in order: a colleague's reply in the same batch joins its original's ticket", async () => {
    const desk = await helpDesk({ sendConfirmations: false });
    const customers = [0, 1, 2, 3, 4, 5];
    const originals = customers.map((n) =>
      mail({ from: `customer${n}@firm${n}.test`, subject: `Order ${n} is late`, messageId: `order-${n}@firm${n}.test` }),
    );
    // Another person of the customer's firm answers, with a subject of their own: only the
    // In-Reply-To ties the reply to the ticket its original is opening in the same batch.
    const replies = customers.map((n) =>
      mail({ from: `boss${n}@firm${n}.test`, subject: `Escalation ${n}`, inReplyTo: `order-${n}@firm${n}.test` }),
    );
    const raws = [...originals, ...replies];
    const stored = await storeInboundEmails(
      db,
      desk.company.tenant.id,
      raws.map((raw) => ({
        tenantId: desk.company.tenant.id,
        divisionId: desk.company.divisionId,
        mailboxId: null,
        uniqueKey: inboundKey.import(raw),
        raw,
      })),
    );
    const context = await loadInboundContext(db, desk.company.tenant.id, { divisionId: desk.company.divisionId, mailboxId: null });
    const processed: string[] = [];
    const results = await processStoredEmails(
      db,
      context,
      stored.map(({ email }, i) => ({ email, raw: raws[i] })),
      { now: () => new Date(), onProcessed: (result) => processed.push(result.inboundEmailId) },
    );

    expect(results.map((r) => r.inboundEmailId)).toEqual(stored.map(({ email }) => email.id));
    expect(new Set(processed)).toEqual(new Set(results.map((r) => r.inboundEmailId)));
    expect(results.map((r) => r.outcome)).toEqual([...customers.map(() => "ticket_created"), ...customers.map(() => "ticket_message")]);
    for (const n of customers) {
      expect(results[customers.length + n]!.ticketId).toBe(results[n]!.ticketId);
      const { ticket, messages: thread } = await desk.ticket(n + 1);
      expect(ticket.subject).toMatch(/^Order \d is late$/);
      expect(thread.map((m) => m.message.threadReason)).toEqual(["new", "header"]);
    }
  });

  it("the database refuses a second first delivery of one Message-ID, whatever the code above it does", async () => {
    const desk = await helpDesk();
    const first = await desk.receive(mail({ subject: "Once", messageId: "once@customer.test" }));
    const other = await desk.receive(mail({ subject: "Other", messageId: "other@customer.test" }));
    await expect(
      withTenant(db, desk.company.tenant.id, (tx) =>
        tx.insert(inboundMessageIds).values({
          tenantId: desk.company.tenant.id,
          messageId: "once@customer.test",
          inboundEmailId: other.inboundEmailId,
        }),
      ),
    ).rejects.toMatchObject({ cause: { constraint_name: "inbound_message_ids_pkey" } });
    expect(first.outcome).toBe("ticket_created");
  });

  it("a mail over the division's size limit is set aside unparsed, and the chosen staff are told", async () => {
    const desk = await helpDesk();
    await withTenant(db, desk.company.tenant.id, async (tx) => {
      await updateDivisionSettings(tx, desk.scope, desk.company.divisionId, {
        unprocessedRecipientIds: [desk.company.user.id],
      });
      // A 1 MB limit and a 1.2 MB mail stand in for the default 25 MB and a 30 MB mail.
      await tx.update(divisions).set({ maxMailSizeMegabytes: 1 }).where(eq(divisions.id, desk.company.divisionId));
    });
    const result = await desk.receive(mail({ subject: "Huge", body: "x".repeat(1_200_000) }));
    expect(result).toMatchObject({ outcome: "unprocessed", reason: "tooLarge" });
    const told = await withTenant(db, desk.company.tenant.id, (tx) =>
      tx.select().from(notifications).where(and(eq(notifications.userId, desk.company.user.id))),
    );
    expect(told).toHaveLength(1);
    expect(told[0]?.data).toMatchObject({ reason: "tooLarge", inboundEmailId: result.inboundEmailId });
  });

  it("mail without Message-ID, without From, or with broken MIME still gets an outcome", async () => {
    const desk = await helpDesk();
    expect((await desk.receive(mail({ subject: "No id", messageId: null }))).outcome).toBe("ticket_created");
    expect(await desk.receive(mail({ subject: "No sender", from: null }))).toMatchObject({
      outcome: "waiting_list",
      reason: "missingFrom",
    });
    const broken = Buffer.from(
      'From: a@customer.test\r\nSubject: broken\r\nContent-Type: multipart/mixed; boundary="never"\r\n\r\n--nope\r\ngarbage\r\n',
    );
    expect(["ticket_created", "waiting_list", "unprocessed"]).toContain((await desk.receive(broken)).outcome);
    const unknownCharset = mail({ subject: "Charset", contentType: "text/plain; charset=x-no-such-charset" });
    expect((await desk.receive(unknownCharset)).outcome).toBe("ticket_created");
  });

  it("shows Polish letters right from windows-1250 and ISO-8859-2 mail", async () => {
    const desk = await helpDesk();
    const text = "Zażółć gęślą jaźń. ŻÓŁW, ĄĘŚĆŃŹ.";
    await desk.receive(polishMail("windows-1250", "Pilne: płatność", text));
    await desk.receive(polishMail("iso-8859-2", "Reklamacja łóżka", text));
    const win = await desk.ticket(1);
    const iso = await desk.ticket(2);
    expect(win.ticket.subject).toBe("Pilne: płatność");
    expect(iso.ticket.subject).toBe("Reklamacja łóżka");
    expect(win.messages[0]?.message.text?.trim()).toBe(text);
    expect(iso.messages[0]?.message.text?.trim()).toBe(text);
    expect(win.messages[0]?.message.fromName).toBe("Paweł Wiśniewski");
  });

  it("keeps attachments with the message", async () => {
    const desk = await helpDesk();
    const raw = Buffer.from(
      [
        "From: jan@customer.test",
        "To: support@acme.test",
        "Subject: Screenshot",
        "Message-ID: <att@customer.test>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "See attached.",
        "--b",
        'Content-Type: text/plain; name="log.txt"',
        'Content-Disposition: attachment; filename="log.txt"',
        "Content-Transfer-Encoding: base64",
        "",
        Buffer.from("error 42\n").toString("base64"),
        "--b--",
        "",
      ].join("\r\n"),
    );
    await desk.receive(raw);
    const ticket = await desk.ticket(1);
    expect(ticket.messages[0]?.attachments).toEqual(["log.txt"]);
    const stored = await withTenant(db, desk.company.tenant.id, (tx) =>
      tx.select().from(messages).where(eq(messages.ticketId, ticket.ticket.id)),
    );
    expect(stored[0]?.text).toContain("See attached.");
  });
});

describe("PGP-encrypted mail", () => {
  it("is decrypted with the division's key before processing; without a usable key it is set aside", async () => {
    const openpgp = await import("openpgp");
    const { setDivisionPgpKey } = await import("../../lib/divisions/pgp-key");
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: "curve25519",
      userIDs: [{ name: "Acme Support", email: "support@acme.test" }],
      passphrase: "key-pass",
      format: "armored",
    });
    const encrypted = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: "My card number is in here." }),
      encryptionKeys: await openpgp.readKey({ armoredKey: publicKey }),
    });
    const inline = mail({ subject: "Secret", body: String(encrypted).replace(/\n/g, "\r\n") });

    const desk = await helpDesk();
    const withoutKey = await helpDesk();
    await expect(
      withTenant(db, desk.company.tenant.id, (tx) =>
        setDivisionPgpKey(tx, desk.scope, desk.company.divisionId, { armoredPrivateKey: privateKey, passphrase: "wrong" }),
      ),
    ).rejects.toMatchObject({ fieldErrors: { armoredPrivateKey: ["pgpKeyUnusable"] } });
    const { fingerprint } = await withTenant(db, desk.company.tenant.id, (tx) =>
      setDivisionPgpKey(tx, desk.scope, desk.company.divisionId, { armoredPrivateKey: privateKey, passphrase: "key-pass" }),
    );
    expect(fingerprint).toMatch(/^[0-9A-F]{40,64}$/);

    expect((await desk.receive(inline)).outcome).toBe("ticket_created");
    expect((await desk.ticket(1)).messages[0]?.message.text).toContain("My card number is in here.");

    // A second division has a key of its own that cannot open this mail.
    const other = await openpgp.generateKey({ type: "curve25519", userIDs: [{ email: "x@y.test" }], format: "armored" });
    await withTenant(db, withoutKey.company.tenant.id, (tx) =>
      setDivisionPgpKey(tx, withoutKey.scope, withoutKey.company.divisionId, {
        armoredPrivateKey: other.privateKey,
        passphrase: null,
      }),
    );
    expect(await withoutKey.receive(inline)).toMatchObject({ outcome: "unprocessed", reason: "pgpFailed" });
    // A division with no key at all sets encrypted mail aside too, rather than ticketing ciphertext.
    const noKeyAtAll = await helpDesk();
    expect(await noKeyAtAll.receive(inline)).toMatchObject({ outcome: "unprocessed", reason: "pgpFailed" });
  });
});
