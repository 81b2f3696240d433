"use server";

import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { othersViewing, reportViewing } from "@/lib/tickets/presence";

/**
 * An open ticket page's report (the member has it open, writing a reply or not), answered with the
 * other members who have it open. Nothing is refreshed: the page only shows who they are.
 */
export const reportViewingAction = tenantAction(
  { schema: z.object({ ticketId: z.uuid(), replying: z.boolean() }), readOnly: true },
  async (tx, ctx, { ticketId, replying }) => {
    const scope = scopeOf(ctx);
    await reportViewing(tx, scope, { userId: ctx.user.id, ticketId, replying });
    return othersViewing(tx, scope, { userId: ctx.user.id, ticketId });
  },
);
