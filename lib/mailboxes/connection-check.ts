import { z } from "zod";
import type { Database, Executor } from "@/db/client";
import type { Mailbox } from "@/db/schema";
import { RuleError } from "@/lib/errors";
import { classifyMailError, loginSecrets, MailConnectionError } from "@/lib/mail/connection-error";
import { connectImap, ensureFolder, listFolders } from "@/lib/mail/imap";
import { type MailServerTestResult, testMailServer } from "@/lib/mail/mail-server-test";
import type { SmtpLogin } from "@/lib/mail/smtp";
import { type SmtpTestResult, testSmtpServer } from "@/lib/mail/smtp-test";
import type { MailConnectionFailure, MailServerLogin } from "@/lib/mail/types";
import type { TenantScope } from "@/db/tenant";
import type { Env } from "@/lib/oauth/providers";
import { getMailbox, inboundLogin, outboundLogin } from "./mailboxes";
import { refuseOtherConnector } from "./oauth-connect";
import { awaitsConnect, signInToken } from "./oauth-tokens";
import { defaultInboundPort, defaultSmtpPort } from "./ports";
import { mailboxSettingsSchema } from "./settings";
import { incomingOnly, mayReuseSecret } from "./stored-secrets";

/**
 * What "Test connection", "Load folders" and "Create folder" take from the mailbox form: the server
 * and the sign-in as typed, not yet saved. On edit, `mailboxId` names the mailbox whose stored
 * password stands in for an empty password field.
 */
export const mailboxConnectionSchema = mailboxSettingsSchema.in
  .pick({
    protocol: true,
    host: true,
    port: true,
    security: true,
    username: true,
    password: true,
    connectTimeoutSeconds: true,
  })
  .extend({ mailboxId: z.uuid().optional() })
  .transform((input) => ({ ...input, port: input.port ?? defaultInboundPort(input.protocol, input.security) }));

export type MailboxConnection = z.output<typeof mailboxConnectionSchema>;

/**
 * A check's login as read from the form and the database. An OAuth2 mailbox's (`account` set) has
 * no password: it signs in with the account's access token, which `signInWithAccount` adds once the
 * form's transaction is over.
 */
export interface CheckLogin {
  login: MailServerLogin;
  account: Mailbox | null;
  /** The saved mailbox whose password (or account) the login uses, when the field was left empty. */
  reusing: Mailbox | null;
}

/**
 * The login the poller would use with these settings. Read in a short transaction of its own: the
 * caller talks to the mail server only after it ends, so a slow server never holds the database
 * (the embedded PGlite has a single connection). A mailbox connected through OAuth2 is checked only
 * by whoever connected it (seed: only the user named in the field User can activate it): the
 * account is theirs, and the check signs in as them.
 */
export async function mailboxConnectionLogin(
  tx: Executor,
  scope: TenantScope,
  connection: MailboxConnection,
): Promise<CheckLogin> {
  const stored = connection.mailboxId ? await getMailbox(tx, scope, connection.mailboxId) : null;
  if (stored?.authKind === "oauth2") {
    if (awaitsConnect(stored)) throw new RuleError("mailboxNotConnected");
    await refuseOtherConnector(tx, scope, stored);
  }
  const account = stored?.authKind === "oauth2" ? stored : null;
  if (!account && connection.password === undefined && !stored?.passwordEnc) {
    throw new RuleError("invalidInput", { password: ["required"] });
  }
  const server = {
    host: connection.host,
    port: connection.port,
    security: connection.security,
    username: connection.username,
    connectTimeoutMs: connection.connectTimeoutSeconds * 1000,
  };
  const reusing = stored && (account || connection.password === undefined) ? stored : null;
  if (reusing && !mayReuseSecret("password", reusing, incomingOnly(server))) throw secretForAnotherServer(reusing);
  // inboundLogin reads only these columns and the sealed password, which a new mailbox lacks; it
  // also adds the extra TLS trust the poller uses, so the test sees the server as the poller will.
  const login = inboundLogin(stored ? { ...stored, ...server } : ({ ...server, passwordEnc: null } as Mailbox));
  return {
    login: account || connection.password === undefined ? login : { ...login, password: connection.password },
    account,
    reusing,
  };
}

/**
 * The answer when a saved secret would go to a server or user it was not saved for: type the
 * password again, or (for an OAuth2 account) save the change and connect the account again.
 */
function secretForAnotherServer(stored: Mailbox): RuleError {
  return stored.authKind === "oauth2"
    ? new RuleError("accountForSavedServer")
    : new RuleError("invalidInput", { password: ["reenterForNewServer"] });
}

/**
 * The checks' logins with the OAuth2 account's access token (fresh, refreshed at the provider if
 * need be), for the incoming server and, when it signs in as the incoming one, the outgoing; as they
 * are for a password mailbox. Called after the form's transaction: the provider, like a mail server,
 * may take its time, and signInToken locks the mailbox's tokens in a transaction of its own. A token
 * that cannot be had is the check's outcome, in the words a failed login gets.
 */
export async function signInWithAccount(
  db: Database,
  check: { inbound: CheckLogin; outbound?: SmtpLogin | null; smtpSameCredentials?: boolean },
  options: { now: () => Date; env?: Env },
): Promise<
  | { ok: true; inbound: MailServerLogin; outbound: SmtpLogin | null }
  | { ok: false; failure: Extract<CheckOutcome, { ok: false }> }
> {
  const outbound = check.outbound ?? null;
  if (!check.inbound.account) return { ok: true, inbound: check.inbound.login, outbound };
  let accessToken: string | undefined;
  try {
    accessToken = await signInToken(db, check.inbound.account, options);
  } catch (error) {
    if (!(error instanceof MailConnectionError)) throw error;
    const { failure, codes } = classifyMailError(error);
    return { ok: false, failure: { ok: false, failure, codes } };
  }
  return {
    ok: true,
    inbound: { ...check.inbound.login, accessToken },
    outbound:
      outbound?.auth && check.smtpSameCredentials ? { ...outbound, auth: { ...outbound.auth, accessToken } } : outbound,
  };
}

/**
 * The outgoing server's part of the form, for "Test connection": with no SMTP server named there
 * is nothing to test. Same `mailboxId` rule as above, for the stored SMTP password.
 */
export const mailboxOutboundConnectionSchema = mailboxSettingsSchema.in
  .pick({
    smtpHost: true,
    smtpPort: true,
    smtpSecurity: true,
    smtpAuthRequired: true,
    smtpSameCredentials: true,
    smtpUsername: true,
    smtpPassword: true,
    smtpTimeoutSeconds: true,
  })
  .extend({ mailboxId: z.uuid().optional() });

export type MailboxOutboundConnection = z.output<typeof mailboxOutboundConnectionSchema>;

/**
 * The login the outbox would use with these settings, or null without an outgoing server. "Same
 * credentials as incoming" takes them from `inbound`, the login just resolved from the same form.
 */
export async function mailboxOutboundLogin(
  tx: Executor,
  scope: TenantScope,
  connection: MailboxOutboundConnection,
  inbound: CheckLogin,
): Promise<SmtpLogin | null> {
  if (connection.smtpHost === null) return null;
  const smtpPort = connection.smtpPort ?? defaultSmtpPort(connection.smtpSecurity);
  const ownLogin = connection.smtpAuthRequired && !connection.smtpSameCredentials;
  const stored = ownLogin && connection.mailboxId ? await getMailbox(tx, scope, connection.mailboxId) : null;
  const missing: Record<string, string[]> = {};
  if (ownLogin && !connection.smtpUsername) missing.smtpUsername = ["required"];
  if (ownLogin && connection.smtpPassword === undefined && !stored?.smtpPasswordEnc) missing.smtpPassword = ["required"];
  if (Object.keys(missing).length > 0) throw new RuleError("invalidInput", missing);
  const typed = {
    ...inbound.login,
    smtpHost: connection.smtpHost,
    smtpPort,
    smtpSecurity: connection.smtpSecurity,
    smtpAuthRequired: connection.smtpAuthRequired,
    smtpSameCredentials: connection.smtpSameCredentials,
    smtpUsername: ownLogin ? connection.smtpUsername : null,
  };
  if (ownLogin && stored && connection.smtpPassword === undefined && !mayReuseSecret("smtpPassword", stored, typed)) {
    throw new RuleError("invalidInput", { smtpPassword: ["reenterForNewServer"] });
  }
  // With the same credentials, the incoming server's saved password (or account) goes here too.
  if (inbound.reusing && !mayReuseSecret("password", inbound.reusing, typed)) throw secretForAnotherServer(inbound.reusing);

  // As for the incoming server: outboundLogin reads these columns (and the sealed SMTP password of
  // the stored mailbox) and adds the extra TLS trust the outbox uses.
  const login = outboundLogin({
    smtpHost: connection.smtpHost,
    smtpPort,
    smtpSecurity: connection.smtpSecurity,
    smtpAuthRequired: connection.smtpAuthRequired,
    smtpSameCredentials: connection.smtpSameCredentials,
    smtpUsername: connection.smtpUsername,
    smtpPasswordEnc: stored?.smtpPasswordEnc ?? null,
    smtpTimeoutMs: connection.smtpTimeoutSeconds * 1000,
    username: inbound.login.username,
    passwordEnc: null,
  } as Mailbox);
  if (!login?.auth) return login;
  const password = connection.smtpSameCredentials ? inbound.login.password : (connection.smtpPassword ?? login.auth.password);
  return { ...login, auth: { ...login.auth, password } };
}

/**
 * A check's outcome as the tenant's browser gets it: what failed and its codes, without the server's
 * own words (`detail`), which may be anything the server named in the form chose to answer.
 */
export type CheckOutcome =
  | { ok: true; folders?: string[]; messageCount?: number }
  | { ok: false; failure: MailConnectionFailure; codes: string };

export function outcomeForTenant(result: MailServerTestResult | SmtpTestResult): CheckOutcome {
  if (result.ok) return result;
  return { ok: false, failure: result.failure, codes: result.codes };
}

/** What "Test connection" found: the incoming server, and the outgoing one when there is one. */
export interface MailboxConnectionTestResult {
  inbound: CheckOutcome;
  outbound: CheckOutcome | null;
}

/** Both servers at once: the admin waits for the slower one, not for the sum. Never throws. */
export async function testMailboxConnection(
  protocol: "imap" | "pop3",
  inbound: MailServerLogin,
  outbound: SmtpLogin | null,
): Promise<MailboxConnectionTestResult> {
  const [inboundResult, outboundResult] = await Promise.all([
    testMailServer(protocol, inbound),
    outbound ? testSmtpServer(outbound) : null,
  ]);
  return { inbound: outcomeForTenant(inboundResult), outbound: outboundResult && outcomeForTenant(outboundResult) };
}

/**
 * Creates a folder on the IMAP server (after the admin confirmed it in the form) and answers with
 * the server's folders, so the form can offer the new one. Like `testMailServer`, never throws.
 */
export async function createImapFolder(login: MailServerLogin, path: string): Promise<CheckOutcome> {
  try {
    const client = await connectImap(login);
    try {
      await ensureFolder(client, path);
      const folders = await listFolders(client);
      return { ok: true, folders: folders.map((folder) => folder.path) };
    } finally {
      await client.logout().catch(() => client.close());
    }
  } catch (error) {
    return outcomeForTenant({ ok: false, ...classifyMailError(error, loginSecrets(login)) });
  }
}
