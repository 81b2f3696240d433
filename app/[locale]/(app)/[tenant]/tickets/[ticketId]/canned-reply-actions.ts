"use server";

import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { listForTicket } from "@/lib/canned-replies/canned-replies";

/** The canned replies the member may insert on this ticket, filled in for it, matching the search. */
export const listCannedRepliesAction = tenantAction(
  { schema: z.object({ ticketId: z.uuid(), query: z.string().max(200, "tooLong") }), readOnly: true },
  async (tx, ctx, input) => listForTicket(tx, scopeOf(ctx), input),
);
