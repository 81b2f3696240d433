"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { createInvite, inviteSchema, revokeInvite } from "@/lib/members/invites";
import { removeMember, updateMember, updateMemberSchema } from "@/lib/members/members";
import { scopeOf } from "@/lib/auth/context";

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

/** Returns the token for the link the inviter passes on (invitation emails come with outbound mail). */
export const createInviteAction = tenantAction(
  { schema: inviteSchema, roles: managers },
  async (tx, ctx, input) => {
    const { invite, token } = await createInvite(tx, scopeOf(ctx), input);
    refresh();
    return { email: invite.email, token };
  },
);

export const revokeInviteAction = tenantAction(
  { schema: z.object({ inviteId: z.uuid() }), roles: managers },
  async (tx, ctx, { inviteId }) => {
    await revokeInvite(tx, scopeOf(ctx), inviteId);
    refresh();
  },
);
