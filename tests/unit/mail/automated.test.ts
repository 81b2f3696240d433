import { describe, expect, it } from "vitest";
import { detectAutomated, referencedMessageIds } from "@/lib/mail/automated";
import { parseEmail } from "@/lib/mail/parse";
import { corpusFiles, corpusMails, parseCorpusMail } from "../../setup/corpus";

const context = { ownAddresses: ["support@acme.example", "Help@Acme.Example"], ownMessageIdDomains: ["acme.example"] };

const customer = [
  "From: Anna Nowak <anna@customer.example>",
  "To: support@acme.example",
  "Subject: Re: [ACME#12] Printer",
  "Date: Mon, 3 Jun 2024 10:00:00 +0200",
  "Message-ID: <CAF=abc@mail.gmail.com>",
  "In-Reply-To: <ticket-12.1@acme.example>",
  "References: <ticket-12.0@acme.example> <ticket-12.1@acme.example>",
];

async function parsed(headers: string[], body = "Hello.") {
  return parseEmail(Buffer.from(`${headers.join("\r\n")}\r\n\r\n${body.replace(/\n/g, "\r\n")}`));
}

/** The customer's reply with some header lines replaced or added. */
function customerWith(...lines: string[]): string[] {
  const names = new Set(lines.map((line) => line.split(":")[0]?.toLowerCase()));
  return [...customer.filter((line) => !names.has(line.split(":")[0]?.toLowerCase())), ...lines];
}

describe("detectAutomated", () => {
  it("finds nothing in a customer's reply, although it references our own Message-IDs", async () => {
    expect(detectAutomated(await parsed(customer), context)).toBeNull();
  });

  it("finds nothing in a colleague's mail whose Message-ID is in our domain (Thunderbird writes them so)", async () => {
    const email = await parsed(customerWith("From: Bob <bob@acme.example>", "Message-ID: <3f2a-11@acme.example>"));
    expect(detectAutomated(email, context)).toBeNull();
  });

  it.each([
    ["X-Loop naming our address", "X-Loop: support@acme.example", "loop"],
    ["X-Loop naming our address in another case", "X-Loop: <HELP@acme.example>", "loop"],
    ["an Exchange rule loop on our address", "X-MS-Exchange-Inbox-Rules-Loop: support@acme.example", "loop"],
    ["our own From", "From: ACME Support <Support@Acme.Example>", "own_notification"],
    ["a multipart/report delivery status", 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"', "bounce"],
    ["a bare message/delivery-status", "Content-Type: message/delivery-status", "bounce"],
    ["X-Failed-Recipients", "X-Failed-Recipients: gone@customer.example", "bounce"],
    ["Exchange's NDR marker", "X-MS-Exchange-Message-Is-Ndr: ", "bounce"],
    ["a MAILER-DAEMON sender", "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.customer.example>", "bounce"],
    ["a MAILER-DAEMON sender without address", "From: MAILER-DAEMON <>", "bounce"],
    ["a postmaster sender", "From: Mail Delivery System <postmaster@customer.example>", "bounce"],
    ["Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied", "auto_reply"],
    ["Auto-Submitted: auto-generated", "Auto-Submitted: auto-generated", "auto_reply"],
    ["X-Autoreply", "X-Autoreply: yes", "auto_reply"],
    ["X-Autorespond", "X-Autorespond: Out of office", "auto_reply"],
    ["X-Autoresponder", "X-Autoresponder: 1", "auto_reply"],
    ["X-Auto-Response-Suppress", "X-Auto-Response-Suppress: All", "auto_reply"],
    ["X-Auto-Response-Suppress naming receipts only", "X-Auto-Response-Suppress: DR, RN, NRN", "auto_reply"],
    ["Precedence: auto_reply", "Precedence: auto_reply", "auto_reply"],
    ["an Exchange inbox rule of someone else", "X-MS-Exchange-Inbox-Rules-Loop: anna@customer.example", "auto_reply"],
    ["Apple's vacation reply", "X-Apple-Action: VACATION", "auto_reply"],
    ["a read receipt", 'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"', "auto_reply"],
    ["List-Id", "List-Id: Customers <customers.lists.example>", "list"],
    ["List-Unsubscribe", "List-Unsubscribe: <https://news.example/unsubscribe?u=1>", "list"],
    ["Precedence: list", "Precedence: list", "list"],
    ["Precedence: bulk", "Precedence: bulk", "bulk"],
    ["Precedence: junk", "Precedence: junk", "bulk"],
    ["a null Return-Path alone", "Return-Path: <>", "bounce"],
  ])("detects %s", async (_case, line, kind) => {
    const automated = detectAutomated(await parsed(customerWith(line)), context);
    expect(automated?.kind).toBe(kind);
    expect(automated?.evidence).toBeTruthy();
  });

  it("says which header gave it away", async () => {
    expect(detectAutomated(await parsed(customerWith("Auto-Submitted: auto-replied (vacation)")), context)).toEqual({
      kind: "auto_reply",
      evidence: "Auto-Submitted: auto-replied (vacation)",
    });
  });

  it("ignores Auto-Submitted: no", async () => {
    expect(detectAutomated(await parsed(customerWith("Auto-Submitted: no")), context)).toBeNull();
  });

  it("ignores an X-Loop naming someone else", async () => {
    expect(detectAutomated(await parsed(customerWith("X-Loop: other@lists.example")), context)).toBeNull();
  });

  it("takes our own Message-ID on a mail relayed with a rewritten From for our own notification", async () => {
    const email = await parsed(customerWith("From: 'ACME via Team' <team@lists.example>", "Message-ID: <ticket-12.2@acme.example>"));
    expect(detectAutomated(email, context)).toEqual({ kind: "own_notification", evidence: "Message-ID: <ticket-12.2@acme.example>" });
  });

  it("does not take a person writing from a postmaster address for a bounce", async () => {
    expect(detectAutomated(await parsed(customerWith("From: Bob <postmaster@customer.example>")), context)).toBeNull();
  });

  it.each([
    "Out of Office: Re: [ACME#12] Printer",
    "Automatic reply: Printer",
    "Autoreply: Printer",
    "Auto reply: Printer",
    "Abwesenheitsnotiz: Drucker",
    "Automatische Antwort: Drucker",
    "Odpowiedź automatyczna: Drukarka",
    "Automatyczna odpowiedź: Drukarka",
    "Nieobecność: Drukarka",
    "Réponse automatique : Imprimante",
    "Respuesta automática: Impresora",
    "Out of office",
  ])("detects the out-of-office subject %j", async (subject) => {
    const automated = detectAutomated(await parsed(customerWith(`Subject: ${subject}`)), context);
    expect(automated).toEqual({ kind: "auto_reply", evidence: `Subject: ${subject}` });
  });

  it.each(["Nieobecność w pracy – wniosek urlopowy", "Out of office supplies, please order more", "Absences next week"])(
    "leaves a person's subject %j alone",
    async (subject) => {
      expect(detectAutomated(await parsed(customerWith(`Subject: ${subject}`)), context)).toBeNull();
    },
  );

  it("checks loops before own mail, own mail before bounces, bounces before auto-replies, and lists before bulk", async () => {
    const all = [
      "X-Loop: support@acme.example",
      "From: support@acme.example",
      "X-Failed-Recipients: x@customer.example",
      "Auto-Submitted: auto-replied",
      "List-Id: <l.example>",
      "Precedence: bulk",
    ];
    const kinds = [];
    for (let index = 0; index < all.length; index++) {
      kinds.push(detectAutomated(await parsed(customerWith(...all.slice(index))), context)?.kind);
    }
    expect(kinds).toEqual(["loop", "own_notification", "bounce", "auto_reply", "list", "bulk"]);
  });
});

describe("detectAutomated on the corpus", () => {
  const bounces = corpusMails().filter(
    (entry) => entry.path.startsWith("sisimai-set-of-emails/") && entry.tag === "bounce",
  );

  it("detects nearly every bounce of the sisimai collection as one", async () => {
    const kinds = new Map<string, string>();
    for (const entry of bounces) {
      kinds.set(entry.path, detectAutomated(await parseCorpusMail(entry.path), context)?.kind ?? "none");
    }
    const asBounce = [...kinds.values()].filter((kind) => kind === "bounce").length;
    expect(bounces.length).toBeGreaterThan(300);
    // The few others are abuse reports and provider notifications that are no SMTP bounce
    // (Amazon SNS JSON, a mailing list's "you are not a member").
    expect(asBounce / bounces.length).toBeGreaterThan(0.97);
  });

  it("detects sisimai's RFC 3834 vacation replies as auto-replies", async () => {
    const replies = corpusFiles("sisimai-set-of-emails").filter((file) => /\/rfc3834-\d+\.eml$/.test(file));
    expect(replies.length).toBeGreaterThan(0);
    for (const file of replies) {
      expect(detectAutomated(await parseCorpusMail(file), context)?.kind, file).toBe("auto_reply");
    }
  });

  it("finds nothing machine-made in sisimai's mail that only looks like a bounce", async () => {
    const email = await parseCorpusMail("sisimai-set-of-emails/not/is-not-bounce-01.eml");
    expect(detectAutomated(email, context)).toBeNull();
  });

  it.each(corpusFiles("mailgun-flanker/bounce"))("detects the bounce %s", async (file) => {
    expect(detectAutomated(await parseCorpusMail(file), context)?.kind).toBe("bounce");
  });

  it("detects flanker's read receipt as an auto-reply and its Yahoo complaint as a bounce", async () => {
    const receipt = await parseCorpusMail("mailgun-flanker/disposition-notification.eml");
    expect(detectAutomated(receipt, context)?.kind).toBe("auto_reply");
    const complaint = await parseCorpusMail("mailgun-flanker/complaints/yahoo.eml");
    expect(detectAutomated(complaint, context)?.kind).toBe("bounce");
  });

  it("finds nothing machine-made in the Polish mails but their mailing list", async () => {
    for (const file of corpusFiles("polish").filter((name) => name.endsWith(".eml"))) {
      expect(detectAutomated(await parseCorpusMail(file), context)?.kind, file).toBe("list");
    }
  });
});

describe("referencedMessageIds", () => {
  it("finds the original message enclosed in a delivery report", async () => {
    const email = await parseCorpusMail("mailgun-flanker/bounce/zed.eml");
    expect(referencedMessageIds(email)[0]).toBe("20090708054735.GC7578@example.com");
  });

  it("finds the Message-ID in enclosed text/rfc822-headers", async () => {
    const email = await parsed(
      [
        "From: MAILER-DAEMON@mx.customer.example",
        "Message-ID: <bounce-1@mx.customer.example>",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      ],
      [
        "--r",
        "Content-Type: text/plain",
        "",
        "Delivery failed.",
        "--r",
        "Content-Type: message/delivery-status",
        "",
        "Final-Recipient: rfc822; gone@customer.example",
        "Action: failed",
        "Status: 5.1.1",
        "--r",
        "Content-Type: text/rfc822-headers",
        "",
        "From: support@acme.example",
        "Message-ID: <ticket-12.3@acme.example>",
        "Subject: [ACME#12] Printer",
        "--r--",
      ].join("\n"),
    );
    expect(referencedMessageIds(email)).toEqual(["ticket-12.3@acme.example"]);
  });

  it("finds the Message-ID of an original quoted in the text of a non-standard bounce", async () => {
    const email = await parsed(
      ["From: MAILER-DAEMON@mx.customer.example", "Message-ID: <qmail-1@mx.customer.example>", "Subject: failure notice"],
      "Sorry, I couldn't deliver.\n\n--- Below this line is a copy of the message.\n\nFrom: support@acme.example\nMessage-ID: <ticket-12.4@acme.example>\nSubject: x\n\nhello",
    );
    expect(referencedMessageIds(email)).toEqual(["ticket-12.4@acme.example"]);
  });

  it("falls back to In-Reply-To and the References from the newest", async () => {
    const email = await parsed(customerWith("Auto-Submitted: auto-replied"));
    expect(referencedMessageIds(email)).toEqual(["ticket-12.1@acme.example", "ticket-12.0@acme.example"]);
  });

  it("never returns the mail's own Message-ID", async () => {
    const email = await parsed(["From: a@customer.example", "Message-ID: <self@customer.example>"], "Message-ID: <self@customer.example>");
    expect(referencedMessageIds(email)).toEqual([]);
  });

  it("finds the original of most sisimai bounces that enclose one", async () => {
    const enclosing = corpusMails().filter(
      (entry) => entry.path.startsWith("sisimai-set-of-emails/") && entry.tag === "bounce" && entry.flags.includes("embedded-rfc822"),
    );
    let found = 0;
    for (const entry of enclosing) {
      if (referencedMessageIds(await parseCorpusMail(entry.path)).length > 0) found++;
    }
    expect(enclosing.length).toBeGreaterThan(50);
    expect(found / enclosing.length).toBeGreaterThan(0.8);
  });
});
