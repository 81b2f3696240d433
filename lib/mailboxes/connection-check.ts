import { z } from "zod";
import type { Executor } from "@/db/client";
import type { Mailbox } from "@/db/schema";
import { RuleError } from "@/lib/errors";
import { classifyMailError } from "@/lib/mail/connection-error";
import { connectImap, ensureFolder, listFolders } from "@/lib/mail/imap";
import type { MailServerTestResult } from "@/lib/mail/mail-server-test";
import type { MailServerLogin } from "@/lib/mail/types";
import type { TenantScope } from "@/lib/scope";
import { getMailbox, inboundLogin } from "./mailboxes";
import { defaultInboundPort } from "./ports";
import { mailboxSettingsSchema } from "./settings";

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
 * The login the poller would use with these settings. Read in a short transaction of its own: the
 * caller talks to the mail server only after it ends, so a slow server never holds the database
 * (the embedded PGlite has a single connection).
 */
export async function mailboxConnectionLogin(
  tx: Executor,
  scope: TenantScope,
  connection: MailboxConnection,
): Promise<MailServerLogin> {
  const stored = connection.mailboxId ? await getMailbox(tx, scope, connection.mailboxId) : null;
  if (connection.password === undefined && !stored?.passwordEnc) {
    throw new RuleError("invalidInput", { password: ["required"] });
  }
  const server = {
    host: connection.host,
    port: connection.port,
    security: connection.security,
    username: connection.username,
    connectTimeoutMs: connection.connectTimeoutSeconds * 1000,
  };
  // inboundLogin reads only these columns and the sealed password, which a new mailbox lacks; it
  // also adds the extra TLS trust the poller uses, so the test sees the server as the poller will.
  const login = inboundLogin(stored ? { ...stored, ...server } : ({ ...server, passwordEnc: null } as Mailbox));
  return connection.password === undefined ? login : { ...login, password: connection.password };
}

/**
 * Creates a folder on the IMAP server (after the admin confirmed it in the form) and answers with
 * the server's folders, so the form can offer the new one. Like `testMailServer`, never throws.
 */
export async function createImapFolder(login: MailServerLogin, path: string): Promise<MailServerTestResult> {
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
    return { ok: false, ...classifyMailError(error, [login.password]) };
  }
}
