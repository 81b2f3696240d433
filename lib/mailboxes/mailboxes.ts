import fs from "node:fs";
import tls from "node:tls";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { findDivision } from "@/db/queries/divisions";
import { findMailbox } from "@/db/queries/mailboxes";
import { type Mailbox, mailboxes, memberships, teams, ticketPriorityEnum, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { type FieldErrors, found, RuleError } from "@/lib/errors";
import type { SmtpLogin } from "@/lib/mail/smtp";
import type { MailServerLogin } from "@/lib/mail/types";
import type { TenantScope } from "@/db/tenant";
import { openSecret, sealSecret } from "@/lib/secrets";
import { type MailboxSettings, usesOwnSmtpLogin } from "./settings";
import { mayReuseSecret } from "./stored-secrets";

/** A mailbox as the UI and CLI may see it: no secrets, sealed or not. */
export type MailboxView = Omit<Mailbox, "passwordEnc" | "oauthTokensEnc" | "smtpPasswordEnc" | "seenUidls"> & {
  hasPassword: boolean;
  /** Whether a password of the outgoing server's own is stored (see usesOwnSmtpLogin). */
  hasSmtpPassword: boolean;
  /** The protocol is fixed once mail has been downloaded; a new mailbox is the way to switch. */
  protocolLocked: boolean;
};

export function viewOf(mailbox: Mailbox): MailboxView {
  const { passwordEnc, oauthTokensEnc: _tokens, smtpPasswordEnc, seenUidls: _seen, ...rest } = mailbox;
  return {
    ...rest,
    hasPassword: Boolean(passwordEnc),
    hasSmtpPassword: Boolean(smtpPasswordEnc),
    protocolLocked: mailbox.firstDownloadAt !== null,
  };
}

/** The division's mailboxes, oldest first; removed ones only when asked for (the CLI's `--all`). */
export async function listMailboxes(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  options: { includeRemoved?: boolean } = {},
): Promise<Mailbox[]> {
  found(await findDivision(tx, scope, { divisionId }), "division");
  return tx
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.tenantId, scope.tenantId),
        eq(mailboxes.divisionId, divisionId),
        options.includeRemoved ? undefined : isNull(mailboxes.removedAt),
      ),
    )
    .orderBy(asc(mailboxes.createdAt));
}

export async function getMailbox(tx: Executor, scope: TenantScope, mailboxId: string): Promise<Mailbox> {
  return found(await findMailbox(tx, scope, { mailboxId }), "mailbox");
}

function columnsOf(settings: MailboxSettings) {
  const { password, connectTimeoutSeconds, smtpPassword, smtpTimeoutSeconds, ...rest } = settings;
  return {
    ...rest,
    connectTimeoutMs: connectTimeoutSeconds * 1000,
    smtpTimeoutMs: smtpTimeoutSeconds * 1000,
    ...(password !== undefined ? { passwordEnc: sealSecret(password) } : {}),
    // A password the outgoing server no longer uses (same login as incoming, no sign-in, no server)
    // is not kept: no secret without a purpose.
    ...(!usesOwnSmtpLogin(settings)
      ? { smtpPasswordEnc: null }
      : smtpPassword !== undefined
        ? { smtpPasswordEnc: sealSecret(smtpPassword) }
        : {}),
  };
}

/**
 * The passwords these settings lack: a new mailbox's incoming one (unless it signs in with an OAuth2
 * account), and the outgoing one when it signs in with a login of its own and none is stored. A
 * stored one stands in for an empty field only where it was saved for (./stored-secrets.ts).
 * `stored` is the mailbox being updated.
 */
function missingPasswords(settings: MailboxSettings, stored: Mailbox | null, signsInWithAccount = false): FieldErrors {
  const missing: FieldErrors = {};
  if (!stored && !signsInWithAccount && settings.password === undefined) missing.password = ["required"];
  if (stored?.passwordEnc && settings.password === undefined && !mayReuseSecret("password", stored, settings)) {
    missing.password = ["reenterForNewServer"];
  }
  if (usesOwnSmtpLogin(settings) && settings.smtpPassword === undefined) {
    if (!stored?.smtpPasswordEnc) missing.smtpPassword = ["required"];
    else if (!mayReuseSecret("smtpPassword", stored, settings)) missing.smtpPassword = ["reenterForNewServer"];
  }
  return missing;
}

/** What the mailbox form offers for whose it is and who its tickets go to: the division's teams, the active members. */
export async function listOwnershipChoices(tx: Executor, scope: TenantScope, divisionId: string) {
  const divisionTeams = await tx
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(and(eq(teams.tenantId, scope.tenantId), eq(teams.divisionId, divisionId)))
    .orderBy(asc(teams.name));
  const members = await tx
    .select({ userId: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, scope.tenantId), isNull(memberships.deactivatedAt)))
    .orderBy(asc(users.name));
  return { teams: divisionTeams, members, priorities: ticketPriorityEnum.enumValues };
}

export type OwnershipChoices = Awaited<ReturnType<typeof listOwnershipChoices>>;

/**
 * Whose the mailbox is and who its tickets go to, checked against the tenant: a team of this
 * division, and an owner and an assignee who are active members (a deactivated member, or someone of
 * another company, is refused).
 */
async function ownershipErrors(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  settings: MailboxSettings,
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  if (settings.teamId) {
    const [team] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.tenantId, scope.tenantId), eq(teams.divisionId, divisionId), eq(teams.id, settings.teamId)));
    if (!team) errors.teamId = ["teamOfThisDivision"];
  }
  const people = [settings.ownerUserId, settings.defaultAssigneeId].filter((id): id is string => id !== null);
  if (people.length > 0) {
    const active = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(
        and(eq(memberships.tenantId, scope.tenantId), inArray(memberships.userId, people), isNull(memberships.deactivatedAt)),
      );
    const isActive = (userId: string) => active.some((row) => row.userId === userId);
    if (settings.ownerUserId && !isActive(settings.ownerUserId)) errors.ownerUserId = ["activeMemberOnly"];
    // A personal mailbox's assignee is its owner (or no one): said once, at the owner.
    if (settings.defaultAssigneeId && !settings.ownerUserId && !isActive(settings.defaultAssigneeId)) {
      errors.defaultAssigneeId = ["activeMemberOnly"];
    }
  }
  return errors;
}

/**
 * A new mailbox, signing in by password, or with `oauthProvider` through an OAuth2 account still to
 * be connected (oauth-new-mailbox.ts): it then waits, unpolled, until the connect brings its tokens.
 */
export async function createMailbox(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  settings: MailboxSettings,
  signIn: { oauthProvider?: NonNullable<Mailbox["oauthProvider"]> } = {},
): Promise<Mailbox> {
  found(await findDivision(tx, scope, { divisionId }), "division");
  const missing = {
    ...missingPasswords(settings, null, signIn.oauthProvider !== undefined),
    ...(await ownershipErrors(tx, scope, divisionId, settings)),
  };
  if (Object.keys(missing).length > 0) throw new RuleError("invalidInput", missing);
  const existing = await listMailboxes(tx, scope, divisionId);
  const [mailbox] = await tx
    .insert(mailboxes)
    .values({
      tenantId: scope.tenantId,
      divisionId,
      ...columnsOf(settings),
      ...(signIn.oauthProvider ? { authKind: "oauth2" as const, oauthProvider: signIn.oauthProvider } : {}),
      // The first mailbox of a division is the one it sends from until teams say otherwise, or an
      // administrator makes another the default (removal.ts setDefaultMailbox); never an operator's
      // personal account, or everyone's replies would leave from their address.
      isDefault: existing.length === 0 && settings.ownerUserId === null,
      nextPollAt: new Date(),
    })
    .returning();
  if (!mailbox) throw new Error("Mailbox insert returned nothing");
  await recordAudit(tx, scope, "mailbox.created", { type: "mailbox", id: mailbox.id }, {
    address: mailbox.address,
    protocol: mailbox.protocol,
    host: mailbox.host,
    smtpHost: mailbox.smtpHost,
    ...(mailbox.privateMail ? { privateMail: true } : {}),
    ...(mailbox.teamId ? { teamId: mailbox.teamId } : {}),
    ...(mailbox.ownerUserId ? { ownerUserId: mailbox.ownerUserId } : {}),
    ...(signIn.oauthProvider ? { oauthProvider: signIn.oauthProvider } : {}),
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
  const missing = { ...missingPasswords(settings, current), ...(await ownershipErrors(tx, scope, current.divisionId, settings)) };
  if (Object.keys(missing).length > 0) throw new RuleError("invalidInput", missing);
  // A connected account's tokens, like a password, sign in only where they were connected for:
  // pointed elsewhere, the account must be connected again.
  const disconnect = current.authKind === "oauth2" && current.oauthTokensEnc !== null && !mayReuseSecret("password", current, settings);
  const [mailbox] = await tx
    .update(mailboxes)
    .set({ ...columnsOf(settings), ...(disconnect ? { oauthTokensEnc: null } : {}), updatedAt: new Date() })
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, mailboxId)))
    .returning();
  // Whether a password changed, never what it is; a sealed value differs from any other sealing.
  await recordAudit(tx, scope, "mailbox.updated", { type: "mailbox", id: mailboxId }, {
    passwordChanged: settings.password !== undefined,
    ...(disconnect ? { accountDisconnected: true } : {}),
    smtpHost: mailbox!.smtpHost,
    smtpPasswordChanged: mailbox!.smtpPasswordEnc !== current.smtpPasswordEnc,
    // Who sees which customers' tickets turns on it: the log says when it changed.
    ...(mailbox!.privateMail !== current.privateMail ? { privateMail: mailbox!.privateMail } : {}),
    // So does whose it is: a team's or a person's mailbox hides its tickets from others.
    ...(mailbox!.teamId !== current.teamId ? { teamId: mailbox!.teamId } : {}),
    ...(mailbox!.ownerUserId !== current.ownerUserId ? { ownerUserId: mailbox!.ownerUserId } : {}),
  });
  return mailbox!;
}

let trusted: { version: string; context: tls.SecureContext } | null = null;

/**
 * Extra TLS trust for mail servers with a private CA (self-hosted Exchange or Dovecot): the PEM file
 * named by POSTDESK_MAIL_CA_FILE is trusted besides the system's CAs.
 */
function extraTrust(): MailServerLogin["tls"] | undefined {
  const file = process.env.POSTDESK_MAIL_CA_FILE;
  if (!file) return undefined;
  // Built once per version of the file: a context made per connection parses the system's 140-odd
  // roots again, 35 ms of CPU each time, half a minute for a round of a thousand mailboxes.
  const version = `${file}:${fs.statSync(file).mtimeMs}`;
  if (trusted?.version !== version) {
    // Node's `ca` replaces the default roots: keep them beside the extra one.
    const ca = [...tls.rootCertificates, fs.readFileSync(file, "utf8")];
    trusted = { version, context: tls.createSecureContext({ ca }) };
  }
  return { secureContext: trusted.context };
}

/** How to log into the mailbox's inbound server; the password is opened only here, for the connection. */
export function inboundLogin(
  mailbox: Mailbox,
  accessToken?: string,
  trust: MailServerLogin["tls"] = extraTrust(),
): MailServerLogin {
  return {
    host: mailbox.host,
    port: mailbox.port,
    security: mailbox.security,
    username: mailbox.username,
    password: mailbox.passwordEnc ? openSecret(mailbox.passwordEnc) : "",
    ...(accessToken ? { accessToken } : {}),
    timeoutMs: mailbox.connectTimeoutMs,
    ...(trust ? { tls: trust } : {}),
  };
}

/**
 * How to log into the mailbox's outgoing server, or null when it has none configured. "Same
 * credentials as incoming" reuses the inbound username and password, or the OAuth2 access token.
 */
export function outboundLogin(
  mailbox: Mailbox,
  accessToken?: string,
  trust: MailServerLogin["tls"] = extraTrust(),
): SmtpLogin | null {
  if (!mailbox.smtpHost || !mailbox.smtpPort || !mailbox.smtpSecurity) return null;
  const username = mailbox.smtpSameCredentials ? mailbox.username : mailbox.smtpUsername;
  const passwordEnc = mailbox.smtpSameCredentials ? mailbox.passwordEnc : mailbox.smtpPasswordEnc;
  const password = passwordEnc ? openSecret(passwordEnc) : "";
  // The account's token signs in to SMTP as to IMAP (same credentials): a provider's mail servers share one grant.
  const token = mailbox.smtpSameCredentials && accessToken ? { accessToken } : {};
  return {
    host: mailbox.smtpHost,
    port: mailbox.smtpPort,
    security: mailbox.smtpSecurity,
    auth: mailbox.smtpAuthRequired && username ? { username, password, ...token } : null,
    timeoutMs: mailbox.smtpTimeoutMs,
    ...(trust ? { tls: trust } : {}),
  };
}
