import fs from "node:fs";
import tls from "node:tls";
import { and, asc, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Mailbox, mailboxes } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { getDivision } from "@/lib/divisions/divisions";
import { NotFoundError, RuleError } from "@/lib/errors";
import type { MailServerLogin } from "@/lib/mail/types";
import type { TenantScope } from "@/lib/scope";
import { openSecret, sealSecret } from "@/lib/secrets";
import type { MailboxSettings } from "./settings";

/** A mailbox as the UI and CLI may see it: no secrets, sealed or not. */
export type MailboxView = Omit<Mailbox, "passwordEnc" | "oauthTokensEnc" | "smtpPasswordEnc" | "seenUidls"> & {
  hasPassword: boolean;
  /** The protocol is fixed once mail has been downloaded; a new mailbox is the way to switch. */
  protocolLocked: boolean;
};

export function viewOf(mailbox: Mailbox): MailboxView {
  const { passwordEnc, oauthTokensEnc: _tokens, smtpPasswordEnc: _smtp, seenUidls: _seen, ...rest } = mailbox;
  return { ...rest, hasPassword: Boolean(passwordEnc), protocolLocked: mailbox.firstDownloadAt !== null };
}

export async function listMailboxes(tx: Executor, scope: TenantScope, divisionId: string): Promise<Mailbox[]> {
  await getDivision(tx, scope, divisionId);
  return tx
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.divisionId, divisionId)))
    .orderBy(asc(mailboxes.createdAt));
}

export async function getMailbox(tx: Executor, scope: TenantScope, mailboxId: string): Promise<Mailbox> {
  const [mailbox] = await tx
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, mailboxId)));
  if (!mailbox) throw new NotFoundError("mailbox");
  return mailbox;
}

function columnsOf(settings: MailboxSettings) {
  const { password, connectTimeoutSeconds, ...rest } = settings;
  return {
    ...rest,
    connectTimeoutMs: connectTimeoutSeconds * 1000,
    ...(password !== undefined ? { passwordEnc: sealSecret(password) } : {}),
  };
}

export async function createMailbox(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  settings: MailboxSettings,
): Promise<Mailbox> {
  await getDivision(tx, scope, divisionId);
  if (settings.password === undefined) throw new RuleError("invalidInput", { password: ["required"] });
  const existing = await listMailboxes(tx, scope, divisionId);
  const [mailbox] = await tx
    .insert(mailboxes)
    .values({
      tenantId: scope.tenantId,
      divisionId,
      ...columnsOf(settings),
      // The first mailbox of a division is the one it sends from until teams say otherwise.
      isDefault: existing.length === 0,
      nextPollAt: new Date(),
    })
    .returning();
  if (!mailbox) throw new Error("Mailbox insert returned nothing");
  await recordAudit(tx, scope, "mailbox.created", { type: "mailbox", id: mailbox.id }, {
    address: mailbox.address,
    protocol: mailbox.protocol,
    host: mailbox.host,
  });
  return mailbox;
}

export async function updateMailbox(
  tx: Executor,
  scope: TenantScope,
  mailboxId: string,
  settings: MailboxSettings,
): Promise<Mailbox> {
  const current = await getMailbox(tx, scope, mailboxId);
  if (current.firstDownloadAt && settings.protocol !== current.protocol) {
    throw new RuleError("invalidInput", { protocol: ["protocolLocked"] });
  }
  const [mailbox] = await tx
    .update(mailboxes)
    .set({ ...columnsOf(settings), updatedAt: new Date() })
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, mailboxId)))
    .returning();
  await recordAudit(tx, scope, "mailbox.updated", { type: "mailbox", id: mailboxId }, {
    passwordChanged: settings.password !== undefined,
  });
  return mailbox!;
}

/**
 * Extra TLS trust for mail servers with a private CA (self-hosted Exchange or Dovecot): the PEM file
 * named by POSTDESK_MAIL_CA_FILE is trusted besides the system's CAs.
 */
function extraTrust(): MailServerLogin["tls"] | undefined {
  const file = process.env.POSTDESK_MAIL_CA_FILE;
  // Node's `ca` replaces the default roots: keep them beside the extra one.
  return file ? { ca: [...tls.rootCertificates, fs.readFileSync(file, "utf8")].join("\n") } : undefined;
}

/** How to log into the mailbox's inbound server; the password is opened only here, for the connection. */
export function inboundLogin(mailbox: Mailbox, trust: MailServerLogin["tls"] = extraTrust()): MailServerLogin {
  return {
    host: mailbox.host,
    port: mailbox.port,
    security: mailbox.security,
    username: mailbox.username,
    password: mailbox.passwordEnc ? openSecret(mailbox.passwordEnc) : "",
    timeoutMs: mailbox.connectTimeoutMs,
    ...(trust ? { tls: trust } : {}),
  };
}
