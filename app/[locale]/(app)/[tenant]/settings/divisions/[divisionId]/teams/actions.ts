"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { createTeam, deleteTeam, setTeamMembers, teamSettingsSchema, updateTeam } from "@/lib/teams/teams";

/** Teams decide which mailbox customers hear from: administrators (owner or admin) only. */
const roles = ["owner", "admin"] as const;

export const createTeamAction = tenantAction(
  { schema: teamSettingsSchema.extend({ divisionId: z.uuid() }), roles },
  async (tx, ctx, { divisionId, memberIds, ...settings }) => {
    const scope = scopeOf(ctx);
    const team = await createTeam(tx, scope, { divisionId, ...settings });
    const members = await setTeamMembers(tx, scope, { teamId: team.id, userIds: memberIds });
    refresh();
    return { name: team.name, outboundMailboxId: team.outboundMailboxId, memberIds: members };
  },
);

export const updateTeamAction = tenantAction(
  { schema: teamSettingsSchema.extend({ teamId: z.uuid() }), roles },
  async (tx, ctx, { teamId, memberIds, ...settings }) => {
    const scope = scopeOf(ctx);
    const team = await updateTeam(tx, scope, { teamId, ...settings });
    const members = await setTeamMembers(tx, scope, { teamId, userIds: memberIds });
    refresh();
    return { name: team.name, outboundMailboxId: team.outboundMailboxId, memberIds: members };
  },
);

export const deleteTeamAction = tenantAction(
  { schema: z.object({ teamId: z.uuid() }), roles },
  async (tx, ctx, { teamId }) => {
    await deleteTeam(tx, scopeOf(ctx), teamId);
    refresh();
  },
);
