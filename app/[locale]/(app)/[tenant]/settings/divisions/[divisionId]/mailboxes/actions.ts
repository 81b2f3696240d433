"use server";

import { refresh } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { type ActionState, tenantAction } from "@/lib/auth/action";
import { RuleError } from "@/lib/errors";
import { testMailServer } from "@/lib/mail/mail-server-test";
import {
  type CheckOutcome,
  createImapFolder,
  type MailboxConnectionTestResult,
  mailboxConnectionLogin,
  mailboxConnectionSchema,
  mailboxOutboundConnectionSchema,
  mailboxOutboundLogin,
  outcomeForTenant,
  signInWithAccount,
  testMailboxConnection,
} from "@/lib/mailboxes/connection-check";
import { createMailbox, updateMailbox, viewOf } from "@/lib/mailboxes/mailboxes";
import { removeMailbox, setDefaultMailbox } from "@/lib/mailboxes/removal";
import { replaceMailbox } from "@/lib/mailboxes/replacement";
import { startConnect } from "@/lib/mailboxes/oauth-connect";
import { newConnectedMailboxSchema, startNewMailboxConnect } from "@/lib/mailboxes/oauth-new-mailbox";
import { mailboxSettingsSchema } from "@/lib/mailboxes/settings";
import { appUrl } from "@/lib/app-url";
import { scopeOf } from "@/lib/auth/context";
import { CALLBACK_PATH, mailboxPagePath, RETURN_COOKIE } from "@/app/api/oauth/callback/return-to";
import { mailboxFormValues } from "./form-values";

/** Mailboxes hold the company's mail passwords (incoming and SMTP): administrators (owner or admin) only. */
const roles = ["owner", "admin"] as const;

export const createMailboxAction = tenantAction(
  { schema: z.object({ divisionId: z.uuid() }).and(mailboxSettingsSchema), roles },
  async (tx, ctx, { divisionId, ...settings }) => {
    const mailbox = await createMailbox(tx, scopeOf(ctx), divisionId, settings);
    return mailboxFormValues(viewOf(mailbox));
  },
);

/** "Replace with IMAP…" saved: the new mailbox is created and the old one switched off, in one go. */
export const replaceMailboxAction = tenantAction(
  { schema: z.object({ replacesId: z.uuid() }).and(mailboxSettingsSchema), roles },
  async (tx, ctx, { replacesId, ...settings }) => {
    const { mailbox } = await replaceMailbox(tx, scopeOf(ctx), { replacesId, settings });
    return mailboxFormValues(viewOf(mailbox));
  },
);

/** "Remove mailbox", once confirmed: polling stops, its tickets and stored mail stay. */
export const removeMailboxAction = tenantAction(
  { schema: z.object({ mailboxId: z.uuid() }), roles },
  async (tx, ctx, { mailboxId }) => removeMailbox(tx, scopeOf(ctx), { mailboxId, now: new Date() }),
);

/** "Set as default" on the division's mailbox list. */
export const setDefaultMailboxAction = tenantAction(
  { schema: z.object({ mailboxId: z.uuid() }), roles },
  async (tx, ctx, { mailboxId }) => {
    await setDefaultMailbox(tx, scopeOf(ctx), mailboxId);
    refresh();
    return { mailboxId };
  },
);

export const updateMailboxAction = tenantAction(
  { schema: z.object({ mailboxId: z.uuid() }).and(mailboxSettingsSchema), roles },
  async (tx, ctx, { mailboxId, ...settings }) => {
    const mailbox = await updateMailbox(tx, scopeOf(ctx), mailboxId, settings);
    refresh();
    return mailboxFormValues(viewOf(mailbox));
  },
);

/**
 * The login for the form's current values, with the stored password when the field was left empty.
 * Not exported, so never an action of its own: the password stays on the server. The actions below
 * talk to the mail server, and for a mailbox connected through OAuth2 to its provider for the access
 * token, only after its transaction has ended, so a server that takes its whole timeout to answer
 * never holds the database.
 */
const connectionLogin = tenantAction({ schema: mailboxConnectionSchema, roles }, async (tx, ctx, connection) => ({
  protocol: connection.protocol,
  login: await mailboxConnectionLogin(tx, scopeOf(ctx), connection),
}));

/** The same, with the outgoing server's login beside it (null when the form names no SMTP server). */
const testLogins = tenantAction(
  { schema: mailboxConnectionSchema.and(mailboxOutboundConnectionSchema), roles },
  async (tx, ctx, connection) => {
    const inbound = await mailboxConnectionLogin(tx, scopeOf(ctx), connection);
    const outbound = await mailboxOutboundLogin(tx, scopeOf(ctx), connection, inbound);
    return { protocol: connection.protocol, inbound, outbound, smtpSameCredentials: connection.smtpSameCredentials };
  },
);

/** "Test connection": log into the incoming server and, when one is named, the outgoing one, unsaved. */
export async function testMailboxConnectionAction(
  tenantSlug: string,
  _previous: ActionState<MailboxConnectionTestResult> | undefined,
  input: FormData | Record<string, unknown>,
): Promise<ActionState<MailboxConnectionTestResult>> {
  const resolved = await testLogins(tenantSlug, undefined, input);
  if (!resolved.result) return { error: resolved.error, errorValues: resolved.errorValues, fieldErrors: resolved.fieldErrors };
  const signedIn = await signInWithAccount(await getDb(), resolved.result, { now: () => new Date() });
  if (!signedIn.ok) return { ok: true, result: { inbound: signedIn.failure, outbound: null } };
  return { ok: true, result: await testMailboxConnection(resolved.result.protocol, signedIn.inbound, signedIn.outbound) };
}

/** "Load folders from server": the incoming server only, with the form's values, unsaved. */
export async function loadMailboxFoldersAction(
  tenantSlug: string,
  _previous: ActionState<CheckOutcome> | undefined,
  input: FormData | Record<string, unknown>,
): Promise<ActionState<CheckOutcome>> {
  const resolved = await connectionLogin(tenantSlug, undefined, input);
  if (!resolved.result) return { error: resolved.error, errorValues: resolved.errorValues, fieldErrors: resolved.fieldErrors };
  const signedIn = await signInWithAccount(await getDb(), { inbound: resolved.result.login }, { now: () => new Date() });
  if (!signedIn.ok) return { ok: true, result: signedIn.failure };
  return { ok: true, result: outcomeForTenant(await testMailServer(resolved.result.protocol, signedIn.inbound)) };
}

/** The same, for creating a folder: only IMAP has folders. */
const folderLogin = tenantAction(
  {
    schema: z.object({ folderToCreate: z.string().trim().min(1, "required").max(200, "tooLong") }).and(mailboxConnectionSchema),
    roles,
  },
  async (tx, ctx, { folderToCreate, ...connection }) => {
    if (connection.protocol !== "imap") throw new RuleError("invalidInput", { protocol: ["invalidChoice"] });
    return { folder: folderToCreate, login: await mailboxConnectionLogin(tx, scopeOf(ctx), connection) };
  },
);

/** Creates the processed or unprocessed folder on the IMAP server, once the admin confirmed it. */
export async function createMailboxFolderAction(
  tenantSlug: string,
  _previous: ActionState<CheckOutcome> | undefined,
  input: FormData | Record<string, unknown>,
): Promise<ActionState<CheckOutcome>> {
  const resolved = await folderLogin(tenantSlug, undefined, input);
  if (!resolved.result) return { error: resolved.error, errorValues: resolved.errorValues, fieldErrors: resolved.fieldErrors };
  const signedIn = await signInWithAccount(await getDb(), { inbound: resolved.result.login }, { now: () => new Date() });
  if (!signedIn.ok) return { ok: true, result: signedIn.failure };
  return { ok: true, result: await createImapFolder(signedIn.inbound, resolved.result.folder) };
}

/** The provider's address for "Connect with …"; the redirect happens outside the action door, which catches everything. */
const startConnectRequest = tenantAction(
  {
    schema: z.object({
      mailboxId: z.uuid(),
      divisionId: z.uuid(),
      locale: z.enum(["en", "pl"]),
      provider: z.enum(["google", "microsoft", "oidc"]),
      // A Microsoft 365 shared mailbox: a colleague with access signs in, the mail servers see this address.
      sharedAddress: z.union([z.literal(""), z.email("invalidEmail").max(320, "tooLong")]).optional(),
    }),
    roles,
  },
  async (tx, ctx, input) => {
    const { url } = await startConnect(
      tx,
      scopeOf(ctx),
      {
        mailboxId: input.mailboxId,
        provider: input.provider,
        redirectUri: appUrl(CALLBACK_PATH),
        ...(input.sharedAddress ? { loginAddress: input.sharedAddress.toLowerCase() } : {}),
        now: new Date(),
      },
      { env: process.env },
    );
    return { url, back: mailboxPagePath(input.locale, ctx.tenant.slug, input.divisionId, input.mailboxId) };
  },
);

/** "Connect with …" on a new mailbox's page: the mailbox is created from the provider's servers, then its connect starts. */
const startNewMailboxConnectRequest = tenantAction(
  {
    schema: z.object({ divisionId: z.uuid(), locale: z.enum(["en", "pl"]) }).and(newConnectedMailboxSchema),
    roles,
  },
  async (tx, ctx, { locale, ...input }) => {
    const { mailboxId, url } = await startNewMailboxConnect(
      tx,
      scopeOf(ctx),
      { ...input, redirectUri: appUrl(CALLBACK_PATH), now: new Date() },
      { env: process.env },
    );
    return { url, back: mailboxPagePath(locale, ctx.tenant.slug, input.divisionId, mailboxId) };
  },
);

/** "Connect with …": off to the provider's sign-in, remembering the mailbox page to come back to. */
export async function connectMailboxAction(
  tenantSlug: string,
  _previous: ActionState | undefined,
  input: FormData | Record<string, unknown>,
): Promise<ActionState> {
  return goToProvider(await startConnectRequest(tenantSlug, undefined, input));
}

/** "Connect with …" before the mailbox is saved: it is saved now, and the browser comes back to its page. */
export async function connectNewMailboxAction(
  tenantSlug: string,
  _previous: ActionState | undefined,
  input: FormData | Record<string, unknown>,
): Promise<ActionState> {
  return goToProvider(await startNewMailboxConnectRequest(tenantSlug, undefined, input));
}

async function goToProvider(started: ActionState<{ url: string; back: string }>): Promise<ActionState> {
  if (!started.result) return { error: started.error, errorValues: started.errorValues, fieldErrors: started.fieldErrors };
  (await cookies()).set(RETURN_COOKIE, started.result.back, {
    path: CALLBACK_PATH,
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level navigation from another site.
    sameSite: "lax",
    secure: appUrl("/").startsWith("https:"),
    maxAge: 10 * 60,
  });
  redirect(started.result.url);
}
