import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseEmail } from "@/lib/mail/parse";
import { readCorpus } from "../../setup/corpus";

/** A mail from header lines and a body, with CRLF line ends. */
function mail(headers: string[], body = "Hello.", encoding: BufferEncoding = "utf8"): Buffer {
  return Buffer.concat([Buffer.from(`${headers.join("\r\n")}\r\n\r\n`, "latin1"), Buffer.from(body.replace(/\n/g, "\r\n"), encoding)]);
}

const basic = [
  "From: Anna Nowak <Anna.Nowak@Example.COM>",
  "To: support@acme.example",
  "Subject: Printer",
  "Date: Mon, 3 Jun 2024 10:00:00 +0200",
  "Message-ID: <abc.123@example.com>",
];

const POLISH = "Zażółć gęślą jaźń";

describe("parseEmail: Polish charsets", () => {
  it("reads a windows-1250 mail with an 8-bit body (corpus)", async () => {
    const email = await parseEmail(readCorpus("polish/linux-bluetooth-8c80964785e5.eml"));
    expect(email.subject).toBe("Re: [PATCH BlueZ 1/1] mesh: Add local/remote bools to DevKey transactions");
    expect(email.text.startsWith("Hi Michał,")).toBe(true);
    expect(email.to).toEqual([{ address: "michal.lowas-rzechonek@silvair.com", name: "Michał Lowas-Rzechonek" }]);
    expect(email.text).not.toContain("\uFFFD");
    expect(email.problems).toEqual([]);
  });

  it("reads an ISO-8859-2 quoted-printable mail (corpus)", async () => {
    const email = await parseEmail(readCorpus("polish/git-2783325c.eml"));
    expect(email.subject).toBe("Re: Re: File path not escaped in warning message");
    expect(email.text).toContain("Janusz Białobrzewski.");
    expect(email.text).toContain("---- Wiadomość Oryginalna ----");
    expect(email.text).toContain('"1ą.txt"');
    expect(email.text).not.toContain("\uFFFD");
  });

  it("reads Outlook's Polish ISO-8859-2 reply with its ODP: subject (corpus)", async () => {
    const email = await parseEmail(readCorpus("polish/linux-i2c-4c569cafe5e0.eml"));
    expect(email.subject).toBe("ODP: [PATCH v2] pca954x: Reset if channel select fails");
    expect(email.from).toEqual({ address: "wojciech.siudy@nokia.com", name: "Wojciech Siudy (Nokia)" });
    expect(email.displayText.startsWith("Hi Andi,\nnew version enabling this functionality")).toBe(true);
  });

  it.each(["iso-8859-2", "windows-1250"])("reads every Polish letter in a %s subject and body", async (charset) => {
    const raw = mail(
      [
        ...basic.filter((line) => !line.startsWith("Subject")),
        `Subject: =?${charset}?Q?${encodeQ(POLISH, charset)}?=`,
        `Content-Type: text/plain; charset=${charset}`,
        "Content-Transfer-Encoding: 8bit",
      ],
      encodeLegacy(`${POLISH}\nĄĆĘŁŃÓŚŹŻ ąćęłńóśźż`, charset),
      "latin1",
    );
    const email = await parseEmail(raw);
    expect(email.subject).toBe(POLISH);
    expect(email.text).toBe(`${POLISH}\nĄĆĘŁŃÓŚŹŻ ąćęłńóśźż`);
    expect(email.problems).toEqual([]);
  });

  it("reads raw windows-1250 bytes in a header in the charset the body declares", async () => {
    const head = Buffer.from(
      "From: Micha\xb3 <michal@example.pl>\r\nSubject: Pilne: dzia\xb3 kadr\r\nContent-Type: text/plain; charset=windows-1250\r\n\r\n",
      "latin1",
    );
    const email = await parseEmail(Buffer.concat([head, Buffer.from("Dzi\xeakuj\xea", "latin1")]));
    expect(email.from).toEqual({ address: "michal@example.pl", name: "Michał" });
    expect(email.subject).toBe("Pilne: dział kadr");
    expect(email.text).toBe("Dziękuję");
    expect(email.problems).toContain("nonUtf8Headers");
  });

  it("reads raw 8-bit bytes inside an encoded word in the word's charset", async () => {
    const raw = Buffer.from("From: a@example.com\r\nSubject: =?iso-8859-1?Q?Fr\xf6sche?=\r\n\r\nx", "latin1");
    expect((await parseEmail(raw)).subject).toBe("Frösche");
  });
});

/** Q-encodes the bytes of `text` in a single-byte charset. */
function encodeQ(text: string, charset: string): string {
  return [...Buffer.from(encodeLegacy(text, charset), "latin1")]
    .map((byte) => {
      if (byte === 0x20) return "_";
      const special = byte > 0x7e || byte === 0x3d || byte === 0x3f || byte === 0x5f;
      return special ? `=${byte.toString(16).toUpperCase()}` : String.fromCharCode(byte);
    })
    .join("");
}

/** The Polish letters in ISO-8859-2 / windows-1250, as a latin1 string of their bytes. */
function encodeLegacy(text: string, charset: string): string {
  const iso: Record<string, number> = {
    ą: 0xb1, ć: 0xe6, ę: 0xea, ł: 0xb3, ń: 0xf1, ó: 0xf3, ś: 0xb6, ź: 0xbc, ż: 0xbf,
    Ą: 0xa1, Ć: 0xc6, Ę: 0xca, Ł: 0xa3, Ń: 0xd1, Ó: 0xd3, Ś: 0xa6, Ź: 0xac, Ż: 0xaf,
  };
  const windows: Record<string, number> = { ...iso, ą: 0xb9, ś: 0x9c, ź: 0x9f, Ą: 0xa5, Ś: 0x8c, Ź: 0x8f };
  const table = charset === "windows-1250" ? windows : iso;
  return [...text].map((char) => String.fromCharCode(table[char] ?? char.charCodeAt(0))).join("");
}

describe("parseEmail: identifiers and addresses", () => {
  it("returns Message-IDs and references without angle brackets, oldest reference first", async () => {
    const email = await parseEmail(
      mail([
        "From: a@example.com",
        "Message-ID: <Own.ID@Example.com>",
        "In-Reply-To: <parent@example.com> (Anna's message of Monday)",
        "References: <root@example.com>\r\n <middle@example.com>,<parent@example.com>",
      ]),
    );
    expect(email.messageId).toBe("Own.ID@Example.com");
    expect(email.inReplyTo).toBe("parent@example.com");
    expect(email.references).toEqual(["root@example.com", "middle@example.com", "parent@example.com"]);
  });

  it("takes Message-IDs written without brackets as they are", async () => {
    const email = await parseEmail(mail(["From: a@example.com", "Message-ID: bare@example.com", "References: one@example.com two@example.com"]));
    expect(email.messageId).toBe("bare@example.com");
    expect(email.references).toEqual(["one@example.com", "two@example.com"]);
  });

  it("lower-cases addresses, keeps display names and flattens groups", async () => {
    const email = await parseEmail(
      mail([
        "From: =?utf-8?Q?J=C3=B3zef?= <Jozef@Example.COM>",
        "To: Team: Bob <BOB@example.com>, carol@EXAMPLE.com;, support@acme.example",
        "Cc: undisclosed-recipients:;",
        "Reply-To: Replies <Replies@Example.com>",
      ]),
    );
    expect(email.from).toEqual({ address: "jozef@example.com", name: "Józef" });
    expect(email.to).toEqual([{ address: "bob@example.com", name: "Bob" }, { address: "carol@example.com" }, { address: "support@acme.example" }]);
    expect(email.cc).toEqual([]);
    expect(email.replyTo).toEqual([{ address: "replies@example.com", name: "Replies" }]);
  });

  it("keeps every header under its lower-cased name, in order, unfolded and decoded", async () => {
    const email = await parseEmail(
      mail([
        ...basic,
        "Received: from a by b; Mon, 3 Jun 2024 10:00:00 +0200",
        "Received: from c\r\n\tby d; Mon, 3 Jun 2024 09:59:00 +0200",
        "X-Custom: =?utf-8?B?xbvDs8WCdw==?= ok",
      ]),
    );
    expect(email.headers.received).toEqual(["from a by b; Mon, 3 Jun 2024 10:00:00 +0200", "from c\tby d; Mon, 3 Jun 2024 09:59:00 +0200"]);
    expect(email.headers["x-custom"]).toEqual(["Żółw ok"]);
    expect(email.headers["message-id"]).toEqual(["<abc.123@example.com>"]);
    expect(email.date?.toISOString()).toBe("2024-06-03T08:00:00.000Z");
  });
});

describe("parseEmail: survivable problems", () => {
  it("reports missing From, Message-ID and Date and gives an empty subject", async () => {
    const email = await parseEmail(mail(["To: support@acme.example"]));
    expect(email.from).toBeNull();
    expect(email.messageId).toBeNull();
    expect(email.date).toBeNull();
    expect(email.subject).toBe("");
    expect(email.problems).toEqual(expect.arrayContaining(["missingFrom", "missingMessageId", "missingDate"]));
    expect(email.text).toBe("Hello.");
  });

  it("reports a Date it cannot read instead of inventing one", async () => {
    const email = await parseEmail(mail(["From: a@example.com", "Date: the day after tomorrow"]));
    expect(email.date).toBeNull();
    expect(email.problems).toContain("invalidDate");
  });

  it("reports a From without any address", async () => {
    const email = await parseEmail(mail(["From: Mail Delivery System <>"]));
    expect(email.from).toBeNull();
    expect(email.problems).toContain("invalidFrom");
  });

  it("reads an unknown charset as UTF-8 and says so", async () => {
    const email = await parseEmail(mail(["From: a@example.com", "Subject: =?x-unknown?Q?caf=C3=A9?=", "Content-Type: text/plain; charset=x-klingon"], "café"));
    expect(email.text).toBe("café");
    expect(email.subject).toBe("café");
    expect(email.problems).toContain("unknownCharset");
  });

  it("reports a multipart without a boundary", async () => {
    const email = await parseEmail(mail(["From: a@example.com", "Content-Type: multipart/mixed"], "just text"));
    expect(email.problems).toContain("brokenMime");
  });

  it("reports a truncated multipart and keeps what arrived", async () => {
    const email = await parseEmail(
      mail(["From: a@example.com", 'Content-Type: multipart/mixed; boundary="b1"'], "--b1\nContent-Type: text/plain\n\nFirst part\n--b1\nContent-Type: text/plain\n\nSecond part, cut off"),
    );
    expect(email.problems).toContain("brokenMime");
    expect(email.text).toContain("First part");
  });

  it("reports a transfer encoding it does not know", async () => {
    const email = await parseEmail(mail(["From: a@example.com", "Content-Transfer-Encoding: x-rot13"]));
    expect(email.problems).toContain("unknownTransferEncoding");
  });

  it("removes an mbox 'From ' line but reads the obsolete 'From  :' header", async () => {
    const mbox = await parseEmail(Buffer.from("From MAILER-DAEMON Mon Sep 20 19:29:27 2021\nFrom: a@example.com\nSubject: x\n\nbody"));
    expect(mbox.from?.address).toBe("a@example.com");
    expect(mbox.problems).toContain("mboxFromLine");
    const obsolete = await parseEmail(Buffer.from("From  : John <john@example.com>\nSubject: x\n\nbody"));
    expect(obsolete.from).toEqual({ address: "john@example.com", name: "John" });
    expect(obsolete.problems).not.toContain("mboxFromLine");
  });

  it("removes NUL characters, which Postgres text cannot hold", async () => {
    const email = await parseEmail(mail(["From: a@example.com", "Subject: a\u0000b"], "one\u0000two"));
    expect(email.subject).toBe("ab");
    expect(email.text).toBe("onetwo");
    expect(email.problems).toContain("nulBytes");
  });

  it.each([
    ["an empty buffer", Buffer.alloc(0)],
    ["only line breaks", Buffer.from("\r\n\r\n\r\n")],
    ["random bytes", crypto.randomBytes(4096)],
    ["a body without headers", Buffer.from("\r\nJust a body")],
    ["text that is not a mail", Buffer.from("This is not an email at all, just a sentence.")],
    ["a header block of 2 MB", Buffer.from(`From: a@example.com\r\nX-Big: ${"x".repeat(2_000_000)}\r\n\r\nbody`)],
    ["a multipart with 1200 parts", Buffer.from(`From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${"--b\r\n\r\npart\r\n".repeat(1200)}--b--\r\n`)],
    ["nested multiparts that never close", Buffer.from(`Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\n`.repeat(50))],
    ["a lone encoded word", Buffer.from("Subject: =?utf-8?B?###?=\r\n\r\n")],
  ])("never throws, even for %s", async (_case, raw) => {
    const email = await parseEmail(raw);
    expect(Array.isArray(email.problems)).toBe(true);
    expect(typeof email.text).toBe("string");
    expect(typeof email.displayText).toBe("string");
  });

  it("reports an empty message", async () => {
    const email = await parseEmail(Buffer.alloc(0));
    expect(email.problems).toEqual(expect.arrayContaining(["emptyMessage", "missingFrom", "missingMessageId", "missingDate"]));
  });

  it("falls back to a plain reading when mailparser gives up", async () => {
    const email = await parseEmail(Buffer.from(`From: a@example.com\r\nSubject: big\r\nX-Big: ${"x".repeat(2_000_000)}\r\n\r\nthe body`));
    expect(email.problems).toContain("unparseable");
    expect(email.from?.address).toBe("a@example.com");
    expect(email.subject).toBe("big");
    expect(email.text).toBe("the body");
  });
});

describe("parseEmail: HTML and attachments", () => {
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
  const htmlMail = mail(
    ["From: a@example.com", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="outer"'],
    [
      "--outer",
      'Content-Type: multipart/related; boundary="related"',
      "",
      "--related",
      "Content-Type: text/html; charset=utf-8",
      "",
      '<html><head><style>p{color:red}</style></head><body><p onclick="x()">Hello <b>there</b></p>',
      '<img src="cid:logo@acme"><img src="https://tracker.example/p.gif"><script>alert(1)</script></body></html>',
      "--related",
      "Content-Type: image/png",
      "Content-ID: <logo@acme>",
      "Content-Transfer-Encoding: base64",
      "",
      png.toString("base64"),
      "--related--",
      "--outer",
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("%PDF-1.4 fake").toString("base64"),
      "--outer--",
    ].join("\n"),
  );

  it("derives the text from the HTML when there is no text part", async () => {
    const email = await parseEmail(htmlMail);
    expect(email.text).toBe("Hello there");
    expect(email.displayText).toBe("Hello there");
  });

  it("sanitizes the HTML, keeps cid: images and blocks remote ones", async () => {
    const email = await parseEmail(htmlMail);
    expect(email.html).toBe(
      '<p>Hello <b>there</b></p>\n<img src="cid:logo@acme" /><img data-remote-src="https://tracker.example/p.gif" />',
    );
  });

  it("lists attachments with their hash, content-id without brackets and whether they are inline", async () => {
    const email = await parseEmail(htmlMail);
    expect(email.attachments.map(({ content: _content, ...rest }) => rest)).toEqual([
      {
        filename: null,
        contentType: "image/png",
        size: png.length,
        contentId: "logo@acme",
        inline: true,
        sha256: crypto.createHash("sha256").update(png).digest("hex"),
      },
      {
        filename: "invoice.pdf",
        contentType: "application/pdf",
        size: 13,
        contentId: null,
        inline: false,
        sha256: crypto.createHash("sha256").update("%PDF-1.4 fake").digest("hex"),
      },
    ]);
    expect(email.attachments[0]?.content.equals(png)).toBe(true);
  });

  it("gives null HTML for a plain-text mail", async () => {
    expect((await parseEmail(mail(basic))).html).toBeNull();
  });

  it("does not show HTML longer than the limit, and reads the text from its beginning", async () => {
    const email = await parseEmail(mail(["From: a@example.com", "Content-Type: text/html"], `<p>start</p>${"<p>more</p>".repeat(200)}`), {
      maxHtmlLength: 100,
    });
    expect(email.html).toBeNull();
    expect(email.problems).toContain("htmlTooLong");
    expect(email.text.startsWith("start")).toBe(true);
    expect(email.text.length).toBeLessThan(200);
  });

  it("parses a 30 MB mail in reasonable time and memory", async () => {
    const payload = crypto.randomBytes(22 * 1024 * 1024);
    const raw = mail(
      [...basic, 'Content-Type: multipart/mixed; boundary="b"'],
      [
        "--b",
        "Content-Type: text/plain",
        "",
        "see attached",
        "--b",
        "Content-Type: application/octet-stream",
        'Content-Disposition: attachment; filename="x.bin"',
        "Content-Transfer-Encoding: base64",
        "",
        payload.toString("base64").replace(/.{76}/g, "$&\n"),
        "--b--",
      ].join("\n"),
    );
    expect(raw.length).toBeGreaterThan(30_000_000);
    const started = Date.now();
    const before = process.memoryUsage().rss;
    const email = await parseEmail(raw);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
    expect(email.attachments[0]?.sha256).toBe(crypto.createHash("sha256").update(payload).digest("hex"));
    expect(email.text).toBe("see attached");
  });
});

describe("parseEmail: HTML sent as text", () => {
  it("reads a mail whose two text parts are plain text and HTML source as HTML, never showing the markup", async () => {
    const email = await parseEmail(
      mail(
        [...basic.filter((line) => !/^content-type|^mime-version/i.test(line)), "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="XX"'],
        [
          "--XX",
          "Content-Type: text/plain; charset=utf-8",
          "",
          "Dzień dobry,",
          "--XX",
          "Content-Type: text/plain; charset=utf-8",
          "",
          '<!DOCTYPE html><html><head><style>p { color: red }</style></head><body><p>Zamówienie <b>nr 7</b> nie dotarło.</p><script>alert(1)</script></body></html>',
          "--XX--",
          "",
        ].join("\n"),
      ),
    );
    expect(email.text).toBe("Dzień dobry,\nZamówienie nr 7 nie dotarło.");
    expect(email.displayText).not.toMatch(/<[a-z!]/i);
    expect(email.html).toBe('<div style="white-space:pre-wrap">Dzień dobry,</div><p>Zamówienie <b>nr 7</b> nie dotarło.</p>');
    expect(email.problems).toContain("htmlAsText");
  });

  it("reads a single text/plain part that is an HTML document as HTML", async () => {
    const email = await parseEmail(mail(["From: a@example.com", "Content-Type: text/plain"], "<html><body><p>Only <i>HTML</i></p></body></html>\n"));
    expect(email.html).toBe("<p>Only <i>HTML</i></p>");
    expect(email.text.trim()).toBe("Only HTML");
  });

  it("shows a bounce that quotes the returned mail's HTML source without the markup (corpus)", async () => {
    const email = await parseEmail(readCorpus("sisimai-set-of-emails/bsd/lhost-yahoo-03.eml"));
    expect(email.text).toContain("Sorry, we were unable to deliver your message");
    expect(email.text).toContain("Nyaaan");
    expect(email.displayText).not.toMatch(/<\/?(?:html|body|div)\b/i);
    expect(email.html).toContain('<div dir="ltr">Nyaaan</div>');
  });

  it("leaves a text that only mentions a tag as text", async () => {
    const email = await parseEmail(mail(["From: a@example.com", "Content-Type: text/plain"], "Put <html> at the top of the file.\n"));
    expect(email.html).toBeNull();
    expect(email.text).toBe("Put <html> at the top of the file.\n");
  });
});
