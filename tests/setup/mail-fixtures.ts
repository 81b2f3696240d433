import crypto from "node:crypto";

/** A header value as mail clients send text beyond ASCII: one RFC 2047 encoded word. */
export function encodedWord(text: string): string {
  return `=?utf-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

/** Small mails written in the tests: headers as given, CRLF line ends, a Message-ID unless told not to. */
export function mail(fields: {
  from?: string | null;
  to?: string;
  subject?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
  body?: string;
  contentType?: string;
}): Buffer {
  const lines: string[] = [];
  if (fields.from !== null) lines.push(`From: ${fields.from ?? "Jan Kowalski <jan@customer.test>"}`);
  lines.push(`To: ${fields.to ?? "support@acme.test"}`);
  if (fields.subject !== undefined) lines.push(`Subject: ${fields.subject}`);
  lines.push("Date: Mon, 23 Nov 2026 10:00:00 +0100");
  const messageId = fields.messageId === undefined ? `${crypto.randomUUID()}@customer.test` : fields.messageId;
  if (messageId) lines.push(`Message-ID: <${messageId}>`);
  if (fields.inReplyTo) lines.push(`In-Reply-To: <${fields.inReplyTo}>`);
  if (fields.references) lines.push(`References: ${fields.references}`);
  for (const [name, value] of Object.entries(fields.headers ?? {})) lines.push(`${name}: ${value}`);
  lines.push("MIME-Version: 1.0", `Content-Type: ${fields.contentType ?? "text/plain; charset=utf-8"}`, "");
  lines.push(fields.body ?? "Hello, my printer is on fire.");
  return Buffer.from(lines.join("\r\n") + "\r\n", "utf8");
}

const POLISH = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ";
/** The same letters in ISO-8859-2 and windows-1250 (they differ for ą, ś, ź and their capitals). */
const BYTES: Record<"iso-8859-2" | "windows-1250", number[]> = {
  "iso-8859-2": [0xb1, 0xe6, 0xea, 0xb3, 0xf1, 0xf3, 0xb6, 0xbc, 0xbf, 0xa1, 0xc6, 0xca, 0xa3, 0xd1, 0xd3, 0xa6, 0xac, 0xaf],
  "windows-1250": [0xb9, 0xe6, 0xea, 0xb3, 0xf1, 0xf3, 0x9c, 0x9f, 0xbf, 0xa5, 0xc6, 0xca, 0xa3, 0xd1, 0xd3, 0x8c, 0x8f, 0xaf],
};

/** Polish text in a one-byte charset, as old mail clients send it (8bit, no encoding). */
export function polishBytes(text: string, charset: "iso-8859-2" | "windows-1250"): Buffer {
  return Buffer.from(
    [...text].map((char) => {
      const index = POLISH.indexOf(char);
      if (index >= 0) return BYTES[charset][index]!;
      const code = char.charCodeAt(0);
      if (code > 0x7f) throw new Error(`No ${charset} byte for ${char} in this fixture`);
      return code;
    }),
  );
}

/** A whole mail in a one-byte Polish charset: 8-bit body, RFC 2047 subject. */
export function polishMail(charset: "iso-8859-2" | "windows-1250", subject: string, body: string): Buffer {
  const encodedSubject = `=?${charset}?B?${polishBytes(subject, charset).toString("base64")}?=`;
  const head = [
    "From: =?utf-8?Q?Pawe=C5=82_Wi=C5=9Bniewski?= <pawel@klient.test>",
    "To: support@acme.test",
    `Subject: ${encodedSubject}`,
    "Date: Mon, 23 Nov 2026 10:00:00 +0100",
    `Message-ID: <${crypto.randomUUID()}@klient.test>`,
    "MIME-Version: 1.0",
    `Content-Type: text/plain; charset=${charset}`,
    "Content-Transfer-Encoding: 8bit",
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head, "ascii"), polishBytes(body, charset), Buffer.from("\r\n")]);
}

/**
 * A customer mail of about `size` bytes: a short text and HTML body and one attachment of random
 * bytes (which compress to nothing and are the worst case for any text encoding of them), base64
 * in lines of 76 characters as mail clients send it.
 */
export function mailWithAttachment(size: number, to = "support@mailco.test"): { raw: Buffer; attachment: Buffer } {
  const boundary = `b-${crypto.randomBytes(8).toString("hex")}`;
  const head = [
    "From: Jan Kowalski <jan@customer.test>",
    `To: ${to}`,
    "Subject: The scans you asked for",
    "Date: Mon, 23 Nov 2026 10:00:00 +0100",
    `Message-ID: <${crypto.randomUUID()}@customer.test>`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/html; charset=utf-8",
    "",
    "<p>Hello, the scans are attached. Zażółć gęślą jaźń.</p>",
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="scans.bin"',
    'Content-Disposition: attachment; filename="scans.bin"',
    "Content-Transfer-Encoding: base64",
    "",
    "",
  ].join("\r\n");
  const tail = `\r\n--${boundary}--\r\n`;
  const attachmentBytes = Math.floor(((size - head.length - tail.length) * 57) / 78);
  const attachment = crypto.randomBytes(attachmentBytes);
  const base64 = attachment.toString("base64").replace(/.{76}/g, "$&\r\n").replace(/\r\n$/, "");
  return { raw: Buffer.from(head + base64 + tail, "utf8"), attachment };
}
