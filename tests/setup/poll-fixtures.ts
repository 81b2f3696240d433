import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Database } from "../../db/client";
import { divisions, inboundEmails, messages, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { createMailbox } from "../../lib/mailboxes/mailboxes";
import { pollMailbox } from "../../lib/dispatch/poll";
import { type MailboxSettingsInput, mailboxSettingsSchema } from "../../lib/mailboxes/settings";
import { corpusMails, readCorpus } from "./corpus";
import { makeTenant } from "./db";
import type { TestMailServer } from "./mail-server";
import { mail } from "./mail-fixtures";

/** Trust the test server's certificate the way an operator trusts a private CA. */
export function trustMailServer(server: TestMailServer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-ca-")), "mail-server-ca.pem");
  fs.writeFileSync(file, server.ca);
  process.env.POSTDESK_MAIL_CA_FILE = file;
  return file;
}

/** A company whose division reads one mailbox of a test mail server, its user named by its address. */
export async function mailboxOnServer(
  db: Database,
  server: TestMailServer,
  settings: Partial<MailboxSettingsInput> & { protocol: "imap" | "pop3" },
) {
  const company = await makeTenant(db, "Mailco");
  const scope = operatorScope(company.tenant.id);
  const user = `support-${crypto.randomBytes(4).toString("hex")}@mailco.test`;
  const password = `pw-${crypto.randomBytes(6).toString("hex")}`;
  await server.addUser(user, password);
  const security = settings.security ?? "tls";
  const login = server.login(user, settings.protocol, security);
  const mailbox = await withTenant(db, company.tenant.id, async (tx) => {
    await updateDivisionSettings(tx, scope, company.divisionId, { tag: "MAIL", maxMailSizeMegabytes: 1 });
    return createMailbox(
      tx,
      scope,
      company.divisionId,
      mailboxSettingsSchema.parse({
        name: "Support",
        address: user,
        host: login.host,
        port: String(login.port),
        security,
        username: user,
        password,
        active: "on",
        ...settings,
      }),
    );
  });
  return { company, scope, user, mailbox };
}

/**
 * 200 mixed mails: the corpus's mails (real-world, broken, bounces, lists, Polish), customer mails
 * and replies written here, spam, auto-replies, and two too large to process.
 */
export function mixedMails(count = 200): Buffer[] {
  const corpus = corpusMails()
    .filter((entry) => entry.size < 900_000)
    .slice(0, 120)
    .map((entry) => readCorpus(entry.path));
  const written: Buffer[] = [];
  for (let i = 0; written.length + corpus.length < count - 2; i++) {
    const kind = i % 5;
    if (kind === 0) written.push(mail({ subject: `Question ${i}`, messageId: `q${i}@customer.test` }));
    else if (kind === 1) written.push(mail({ subject: `Re: Question ${i - 1}`, inReplyTo: `q${i - 1}@customer.test` }));
    else if (kind === 2) written.push(mail({ from: `x${i}@spam.test`, subject: "Win a prize" }));
    else if (kind === 3) written.push(mail({ subject: "Out of office", headers: { "Auto-Submitted": "auto-replied" } }));
    else written.push(mail({ from: `Klient ${i} <k${i}@klient.test>`, subject: `Zamówienie ${i}` }));
  }
  const tooLarge = [1, 2].map((n) => mail({ subject: `Huge ${n}`, body: "x".repeat(1_100_000) }));
  return [...corpus, ...written, ...tooLarge].slice(0, count);
}

export async function setSpamDomains(db: Database, tenantId: string, divisionId: string) {
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operatorScope(tenantId), divisionId, { spamDomains: ["spam.test"] }),
  );
}

/** Every inbound email of the mailbox with its outcome, and what threading made of them. */
export async function ledger(db: Database, tenantId: string, mailboxId: string) {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx
      .select({ id: inboundEmails.id, key: inboundEmails.uniqueKey, outcome: inboundEmails.outcome, acknowledgedAt: inboundEmails.acknowledgedAt })
      .from(inboundEmails)
      .where(and(eq(inboundEmails.tenantId, tenantId), eq(inboundEmails.mailboxId, mailboxId)));
    const made = await tx
      .select({ inboundEmailId: messages.inboundEmailId, ticketId: messages.ticketId })
      .from(messages)
      .innerJoin(tickets, eq(tickets.id, messages.ticketId))
      .innerJoin(divisions, eq(divisions.id, tickets.divisionId))
      .where(eq(messages.tenantId, tenantId));
    return { rows, made };
  });
}

/** Polls until a poll finds nothing new (at most `maxPolls`); a failed poll fails the test. */
export async function drainMailbox(db: Database, tenantId: string, mailboxId: string, maxPolls = 10) {
  const results = [];
  for (let i = 0; i < maxPolls; i++) {
    const result = await pollMailbox(db, { tenantId, mailboxId });
    results.push(result);
    if (!result.ok) throw new Error(`poll failed: ${result.failure}: ${result.detail}`);
    if (result.fetched === 0) return results;
  }
  throw new Error(`still fetching after ${maxPolls} polls`);
}

/** Each of `count` mails stored once, with an outcome, and at most one message made of each. */
export async function expectEachMailOnce(db: Database, tenantId: string, mailboxId: string, count: number) {
  const { rows, made } = await ledger(db, tenantId, mailboxId);
  expect(rows).toHaveLength(count);
  expect(new Set(rows.map((r) => r.key)).size).toBe(count);
  expect(rows.filter((r) => r.outcome === "pending")).toEqual([]);
  const perEmail = new Map<string, number>();
  for (const m of made) if (m.inboundEmailId) perEmail.set(m.inboundEmailId, (perEmail.get(m.inboundEmailId) ?? 0) + 1);
  expect([...perEmail.entries()].filter(([, n]) => n > 1)).toEqual([]);
  return rows;
}
