import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Transaction } from "@/db/client";
import { type Invite, tenants, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { appUrl } from "@/lib/app-url";
import { NotFoundError } from "@/lib/errors";
import { accountMailText } from "@/lib/i18n/mail-text";
import type { Locale } from "@/lib/i18n/routing";
import { createInvite, type inviteSchema, renewInvite } from "@/lib/members/invites";
import { queueAccountMailForTenant } from "@/lib/outbox/account-mail";

/**
 * Invitations go out by mail: the mail is queued with the invitation, in the member's transaction,
 * so there is never an invitation nobody was told of, nor a mail with a link that does not exist.
 * It leaves through the operator's SMTP server like the other mail about accounts (the company's
 * mailboxes may not be set up yet), in the language the inviter chose for the invitee, naming the
 * company and the inviter. Returns the mail to send at once, and the link, which the page offers
 * only when such mail goes to the server's console.
 */
export interface SentInvitation {
  invite: Invite;
  mailId: string;
  link: string;
}

export async function inviteByMail(
  tx: Transaction,
  scope: TenantScope,
  input: z.output<typeof inviteSchema>,
  now = new Date(),
): Promise<SentInvitation> {
  const { invite, token } = await createInvite(tx, scope, input, now);
  return mailInvitation(tx, scope, { invite, token, locale: input.locale });
}

/** "Send again": a new link (the old one stops working) in a new mail, in the language chosen now. */
export async function sendInviteAgain(
  tx: Transaction,
  scope: TenantScope,
  input: { inviteId: string; locale: Locale },
  now = new Date(),
): Promise<SentInvitation> {
  const { invite, token } = await renewInvite(tx, scope, input.inviteId, now);
  return mailInvitation(tx, scope, { invite, token, locale: input.locale });
}

async function mailInvitation(
  tx: Transaction,
  scope: TenantScope,
  { invite, token, locale }: { invite: Invite; token: string; locale: Locale },
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
  const mailId = await queueAccountMailForTenant(tx, scope, { to: invite.email, locale, kind: "invite", ...mail });
  return { invite, mailId, link };
}
