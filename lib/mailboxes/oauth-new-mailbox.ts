import { z } from "zod";
import type { Executor } from "@/db/client";
import { oauthProviderEnum } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { found, RuleError } from "@/lib/errors";
import { registrationOf } from "@/lib/oauth/providers";
import { createMailbox, listMailboxes, updateMailbox } from "./mailboxes";
import { type ConnectDeps, presetColumns, startConnect } from "./oauth-connect";
import { awaitsConnect } from "./oauth-tokens";
import { type MailboxSettings, mailboxSettingsSchema, ownershipColumns, ownershipFields } from "./settings";

/**
 * "Connect with Google / Microsoft / …" from the new-mailbox page: the mailbox is created from the
 * provider's server presets, signing in with an OAuth2 account and no password, and its connect
 * starts at once. It is saved before the browser leaves for the provider: the callback finishes the
 * connect of a saved mailbox, and one abandoned at the provider stays, waiting to be connected.
 */

/**
 * What the new-mailbox form gives for it: no servers and no passwords, which the provider's presets
 * and tokens stand in for; the rest as typed.
 */
export const newConnectedMailboxSchema = mailboxSettingsSchema.in
  .pick({
    name: true,
    address: true,
    protocol: true,
    connectTimeoutSeconds: true,
    active: true,
    privateMail: true,
    folder: true,
    processedFolder: true,
    unprocessedFolder: true,
    pop3LeaveCopy: true,
    pop3RemoveAfterDays: true,
    pop3RemoveWhenDeleted: true,
    smtpDisplayName: true,
    smtpReplyTo: true,
    smtpTimeoutSeconds: true,
  })
  .extend({
    ...ownershipFields,
    provider: z.enum(oauthProviderEnum.enumValues, "invalidChoice"),
    // A Microsoft 365 shared mailbox: a colleague with access signs in, the mail servers see this address.
    sharedAddress: z
      .union([z.literal(""), z.email("invalidEmail").max(320, "tooLong")])
      .optional()
      .transform((address) => (address ? address.toLowerCase() : undefined)),
  })
  .transform((input, ctx) => {
    const { belongsTo: _belongsTo, personalAssignment: _assignment, ...typed } = input;
    const ownership = ownershipColumns(input, (path, message) =>
      ctx.issues.push({ code: "custom", message, path: [path], input: undefined }),
    );
    return ctx.issues.length > 0 ? z.NEVER : { ...typed, ...ownership };
  });

export type NewConnectedMailbox = z.output<typeof newConnectedMailboxSchema>;

/**
 * Creates the mailbox and starts its connect, in the caller's transaction: a provider that cannot
 * start one (misconfigured, unreachable) leaves no mailbox behind. Returns the provider's sign-in
 * address to send the browser to.
 */
export async function startNewMailboxConnect(
  tx: Executor,
  scope: TenantScope,
  input: NewConnectedMailbox & { divisionId: string; redirectUri: string; now: Date },
  deps: ConnectDeps,
): Promise<{ mailboxId: string; url: string }> {
  const { divisionId, provider, sharedAddress, redirectUri, now, ...typed } = input;
  const registration = found(registrationOf(deps.env, provider), "OAuth provider");
  const servers = presetColumns(registration.provider.presets, typed.protocol);
  // Only a provider configured by issuer may name no server for a protocol (POSTDESK_OAUTH_OIDC_IMAP …).
  if (!servers.host || !servers.port || !servers.security) {
    throw new RuleError("invalidInput", { protocol: ["providerHasNoServer"] });
  }
  const settings: MailboxSettings = {
    ...typed,
    host: servers.host,
    port: servers.port,
    security: servers.security,
    // The mail servers' login; finishConnect sets it again from the account that signed in.
    username: sharedAddress ?? typed.address,
    password: undefined,
    smtpHost: servers.smtpHost ?? null,
    smtpPort: servers.smtpPort ?? null,
    smtpSecurity: servers.smtpSecurity ?? null,
    // The account's token signs in to SMTP as to IMAP: a provider's mail servers share one grant.
    smtpAuthRequired: true,
    smtpSameCredentials: true,
    smtpUsername: null,
    smtpPassword: undefined,
  };
  // Back from the provider's page by the browser's back button, the admin clicks again: the mailbox
  // the first click made, never connected, is the one meant, not a second one beside it.
  const waiting = (await listMailboxes(tx, scope, divisionId)).find(
    (mailbox) => awaitsConnect(mailbox) && mailbox.oauthProvider === provider && mailbox.address === settings.address,
  );
  const mailbox = waiting
    ? await updateMailbox(tx, scope, waiting.id, settings)
    : await createMailbox(tx, scope, divisionId, settings, { oauthProvider: provider });
  const { url } = await startConnect(
    tx,
    scope,
    { mailboxId: mailbox.id, provider, redirectUri, ...(sharedAddress ? { loginAddress: sharedAddress } : {}), now },
    deps,
  );
  return { mailboxId: mailbox.id, url };
}
