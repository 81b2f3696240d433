import crypto from "node:crypto";
import type { TestMailServer } from "../setup/mail-server";

/** Small mails for the mail-server tests, CRLF throughout as mail on the wire is. */

export function plainMail(subject: string, body = "Hello."): Buffer {
  return Buffer.from(
    [
      "From: Customer <customer@example.test>",
      "To: support@example.test",
      `Subject: ${subject}`,
      `Message-ID: <${crypto.randomUUID()}@example.test>`,
      "Date: Mon, 23 Nov 2026 10:00:00 +0100",
      "Content-Type: text/plain; charset=utf-8",
      "",
      body,
      "",
    ].join("\r\n"),
  );
}

/** Polish in windows-1250, sent as 8bit: a UTF-8 round trip would destroy every accented letter. */
const WINDOWS_1250: Record<string, number> = { ą: 0xb9, ć: 0xe6, ę: 0xea, ł: 0xb3, ń: 0xf1, ó: 0xf3, ś: 0x9c, ź: 0x9f, ż: 0xbf, Ż: 0xaf };

function windows1250(text: string): Buffer {
  return Buffer.from([...text].map((char) => WINDOWS_1250[char] ?? char.charCodeAt(0)));
}

export function windows1250Mail(): Buffer {
  const head = [
    "From: Klient <klient@example.test>",
    "To: support@example.test",
    "Subject: =?windows-1250?Q?Za=BF=F3=B3=E6_g=EA=9Cl=B9_ja=9F=F1?=",
    `Message-ID: <${crypto.randomUUID()}@example.test>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=windows-1250",
    "Content-Transfer-Encoding: 8bit",
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head), windows1250("Zażółć gęślą jaźń.\r\nŻółw na łące.\r\n")]);
}

/** Lines that begin with ".", one of them only ".": what POP3 byte-stuffing and SMTP get wrong. */
export function dottedMail(): Buffer {
  return Buffer.from(
    [
      "From: customer@example.test",
      "To: support@example.test",
      "Subject: dots",
      `Message-ID: <${crypto.randomUUID()}@example.test>`,
      "",
      ".",
      "..",
      ".hidden line",
      "a line . with a dot",
      "..double",
      ".",
      "",
    ].join("\r\n"),
  );
}

/** A new user with its own empty mailbox, so that no test depends on another. */
export async function newUser(server: TestMailServer): Promise<string> {
  const user = `user-${crypto.randomBytes(4).toString("hex")}@example.test`;
  await server.addUser(user, `pass-${crypto.randomBytes(6).toString("hex")}`);
  return user;
}
