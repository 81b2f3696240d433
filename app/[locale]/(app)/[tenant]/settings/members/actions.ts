"use server";

import { refresh } from "next/cache";
import { after } from "next/server";
import { z } from "zod";
import { getDb } from "@/db";
import { inviteByMail, type SentInvitation, sendInviteAgain } from "@/lib/accounts/invitations";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { locales } from "@/lib/i18n/routing";
import { inviteSchema, revokeInvite } from "@/lib/members/invites";
import {
  deactivateMember,
  deactivateMemberSchema,
  reactivateMember,
  removeMember,
  updateMember,
  updateMemberSchema,
} from "@/lib/members/members";
import { accountMailDelivery, sendAccountMail } from "@/lib/outbox/account-mail";

const managers = ["owner", "admin"] as const;

export const updateMemberAction = tenantAction(
  { schema: updateMemberSchema, roles: managers },
  async (tx, ctx, input) => {
    await updateMember(tx, scopeOf(ctx), input);
    refresh();
  },
);

export const removeMemberAction = tenantAction(
  { schema: z.object({ membershipId: z.uuid() }), roles: managers },
  async (tx, ctx, { membershipId }) => {
    await removeMember(tx, scopeOf(ctx), membershipId);
    refresh();
  },
);

export const deactivateMemberAction = tenantAction(
  { schema: deactivateMemberSchema, roles: managers },
  async (tx, ctx, input) => {
    await deactivateMember(tx, scopeOf(ctx), input);
    refresh();
  },
);

export const reactivateMemberAction = tenantAction(
  { schema: z.object({ membershipId: z.uuid() }), roles: managers },
  async (tx, ctx, { membershipId }) => {
    await reactivateMember(tx, scopeOf(ctx), membershipId);
    refresh();
  },
);

export interface InvitationSent {
  email: string;
  /** Only when account mail goes to the server's console: the inviter passes the link on. */
  link: string | null;
}

/**
 * The invitation mail is sent after the response, once the transaction that queued it is
 * committed; the worker's chore sends it should this fail.
 */
function sendAfterResponse(sent: SentInvitation): InvitationSent {
  after(async () => {
    await sendAccountMail(await getDb(), { ids: [sent.mailId] });
  });
  refresh();
  return { email: sent.invite.email, link: accountMailDelivery().type === "console" ? sent.link : null };
}

export const createInviteAction = tenantAction(
  { schema: inviteSchema, roles: managers },
  async (tx, ctx, input) => sendAfterResponse(await inviteByMail(tx, scopeOf(ctx), input)),
);

export const sendInviteAgainAction = tenantAction(
  { schema: z.object({ inviteId: z.uuid(), locale: z.enum(locales, "invalidChoice") }), roles: managers },
  async (tx, ctx, input) => sendAfterResponse(await sendInviteAgain(tx, scopeOf(ctx), input)),
);

export const revokeInviteAction = tenantAction(
  { schema: z.object({ inviteId: z.uuid() }), roles: managers },
  async (tx, ctx, { inviteId }) => {
    await revokeInvite(tx, scopeOf(ctx), inviteId);
    refresh();
  },
);
