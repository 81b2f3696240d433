"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { createCannedReply, deleteCannedReply, updateCannedReply } from "@/lib/canned-replies/canned-replies";
import { optionalUuid } from "@/lib/forms";

// Who may change which reply is lib/canned-replies' rule (a division's: administrators; one's own:
// its owner), so these actions take any member and let it refuse.

const text = { name: z.string(), body: z.string() };

/** A division's canned reply (`divisionId` given), or the member's own (none). */
export const createCannedReplyAction = tenantAction(
  { schema: z.object({ divisionId: optionalUuid, ...text }) },
  async (tx, ctx, input) => {
    const reply = await createCannedReply(tx, scopeOf(ctx), input);
    refresh();
    return { id: reply.id };
  },
);

export const updateCannedReplyAction = tenantAction(
  { schema: z.object({ id: z.uuid(), ...text }) },
  async (tx, ctx, { id, ...input }) => {
    await updateCannedReply(tx, scopeOf(ctx), id, input);
    refresh();
  },
);

export const deleteCannedReplyAction = tenantAction({ schema: z.object({ id: z.uuid() }) }, async (tx, ctx, { id }) => {
  await deleteCannedReply(tx, scopeOf(ctx), id);
  refresh();
});
