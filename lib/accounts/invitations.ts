import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Transaction } from "@/db/client";
import { type Invite, tenants, users } from "@/db/schema";
import { outsideTenant, type TenantScope } from "@/db/tenant";
import { appUrl } from "@/lib/app-url";
import { NotFoundError, RuleError } from "@/lib/errors";
import { accountMailText } from "@/lib/i18n/mail-text";
import type { Locale } from "@/lib/i18n/routing";
import { createInvite, type inviteSchema, renewInvite } from "@/lib/members/invites";
import { accountMailsTo, queueAccountMail } from "@/lib/outbox/account-mail";
import { ACCOUNT_MAILS_PER_HOUR, HOUR_MS } from "./limits";

/** An invitation whose mail is queued: the mail to send at once, and the link it carries. */
export interface SentInvitation {
  invite: Invite;
  mailId: string;
  link: string;
}

/**
 * Invitations go out by mail: the mail is queued with the invitation, in the member's transaction,
 * so there is never an invitation nobody was told of, nor a mail with a link that does not exist.
 * It leaves through the operator's SMTP server like the other mail about accounts (the company's
 * mailboxes may not be set up yet), in the language the inviter chose for the invitee, naming the
 * company and the inviter. The page offers the link only when such mail goes to the server's
 * console.
 */
export async function inviteByMail(
  tx: Transaction,
  scope: TenantScope,
  input: z.output<typeof inviteSchema>,
  now = new Date(),
): Promise<SentInvitation> {
  const { invite, token } = await createInvite(tx, scope, input, now);
  return mailInvitation(tx, scope, { invite, token, locale: input.locale, now });
}

/** "Send again": a new link (the old one stops working) in a new mail, in the language chosen now. */
export async function sendInviteAgain(
  tx: Transaction,
  scope: TenantScope,
  input: { inviteId: string; locale: Locale },
  now = new Date(),
): Promise<SentInvitation> {
  const { invite, token } = await renewInvite(tx, scope, input.inviteId, now);
  return mailInvitation(tx, scope, { invite, token, locale: input.locale, now });
}

async function mailInvitation(
  tx: Transaction,
  scope: TenantScope,
  { invite, token, locale, now }: { invite: Invite; token: string; locale: Locale; now: Date },
): Promise<SentInvitation> {
  const [tenant] = await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, scope.tenantId));
  if (!tenant) throw new NotFoundError("tenant");
  // The operator (the CLI) invites as nobody in particular: the mail then names the company alone.
  const [inviter] = scope.userId
    ? await tx.select({ name: users.name }).from(users).where(eq(users.id, scope.userId))
    : [];
  const link = appUrl(`/${locale}/invite/${token}`);
  const mail = accountMailText(locale, {
    kind: "invite",
    values: { company: tenant.name, inviter: inviter?.name ?? tenant.name, link },
  });
  // Account mail is out of a tenant's reach (the app role has no grant on it: a company must never
  // read others' links), so counting and queueing are a step outside the tenant. "Send again" is
  // held to the limit of the other account mail, so that no one floods an inbox through it.
  const mailId = await outsideTenant(tx, scope, async () => {
    const hourAgo = new Date(now.getTime() - HOUR_MS);
    if ((await accountMailsTo(tx, invite.email, ["invite"], hourAgo)) >= ACCOUNT_MAILS_PER_HOUR) return null;
    return queueAccountMail(tx, { to: invite.email, locale, kind: "invite", ...mail });
  });
  if (!mailId) throw new RuleError("inviteMailLimit", {}, { email: invite.email });
  return { invite, mailId, link };
}
