import crypto from "node:crypto";
import nodemailer from "nodemailer";
import type { Database } from "../../db/client";
import type { DivisionSettingsPatch } from "../../lib/divisions/settings";
import type { MailboxSettingsInput } from "../../lib/mailboxes/settings";
import { startCuttingProxy } from "./cutting-proxy";
import type { Dovecot } from "./dovecot";
import { outboundDesk } from "./outbound-desk";

/**
 * A help desk whose IMAP mailbox is a Dovecot user named by its full address, so that mail can reach
 * it over LMTP as it would from the internet (`deliverOverLmtp`).
 */
export async function dovecotDesk(
  db: Database,
  dovecot: Dovecot,
  input: { settings?: DivisionSettingsPatch; mailbox?: Partial<MailboxSettingsInput>; wrongPassword?: boolean } = {},
) {
  const desk = await outboundDesk(db, { tag: "MAIL", ...input.settings });
  const { mailbox, address } = await addDovecotMailbox(desk, dovecot, {
    address: `support-${crypto.randomBytes(3).toString("hex")}@mailco.test`,
    ...(input.wrongPassword ? { password: "not-the-password" } : {}),
    ...input.mailbox,
  });
  return { ...desk, mailbox, address };
}

/** One more IMAP mailbox of the desk's division: a new Dovecot user named by its full address. */
export async function addDovecotMailbox(
  desk: Awaited<ReturnType<typeof outboundDesk>>,
  dovecot: Dovecot,
  input: Partial<MailboxSettingsInput> & { address: string },
) {
  const { address, ...fields } = input;
  await dovecot.addUser(address, "support-pw");
  const login = dovecot.login(address, "imap", "tls");
  const mailbox = await desk.addMailbox(address, {
    host: login.host,
    port: String(login.port),
    security: "tls",
    username: address,
    password: "support-pw",
    processedFolder: "Processed",
    ...fields,
  });
  return { mailbox, address };
}

/**
 * A help desk (polled hourly, no confirmations) whose one IMAP mailbox is reached through a cutting
 * proxy (tests/setup/cutting-proxy.ts), in plain IMAP so that the proxy can read the commands and
 * count the connections. Only IDLE and the worker's own doings bring its mail in within a test.
 */
export async function deskBehindProxy(db: Database, dovecot: Dovecot, tag: string) {
  const desk = await outboundDesk(db, { tag, pollIntervalMinutes: 60, sendConfirmations: false });
  const proxy = await startCuttingProxy({ host: dovecot.host, port: dovecot.ports.imap });
  const { mailbox, address } = await addDovecotMailbox(desk, dovecot, {
    address: `${tag.toLowerCase()}-${crypto.randomBytes(3).toString("hex")}@mailco.test`,
    host: proxy.host,
    port: String(proxy.port),
    security: "none",
  });
  return { desk, proxy, mailbox, address };
}

/** Hands a mail to Dovecot's LMTP service, as a mail server delivering from the internet does. */
export async function deliverOverLmtp(dovecot: Dovecot, to: string, mail: { from?: string; subject: string; text?: string }) {
  const lmtp = nodemailer.createTransport({ host: dovecot.host, port: dovecot.ports.lmtp, lmtp: true, ignoreTLS: true });
  try {
    await lmtp.sendMail({ from: mail.from ?? "jan@customer.test", to, subject: mail.subject, text: mail.text ?? "Hello." });
  } finally {
    lmtp.close();
  }
}
