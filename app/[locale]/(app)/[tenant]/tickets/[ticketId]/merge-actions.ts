"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { mergeTickets } from "@/lib/tickets/merge";
import { mergeTargets } from "@/lib/tickets/search";
import { splitMessage } from "@/lib/tickets/split";

// Any member merges and splits the tickets they work: membership in the tenant, no particular role.

/** The tickets of this one's division it could be merged into, by number or subject. */
export const searchMergeTargetsAction = tenantAction(
  { schema: z.object({ ticketId: z.uuid(), query: z.string().max(200, "tooLong") }), readOnly: true },
  async (tx, ctx, input) => mergeTargets(tx, scopeOf(ctx), input),
);

/** Merges this ticket into the chosen one; the page then shows the survivor. */
export const mergeTicketAction = tenantAction(
  { schema: z.object({ ticketId: z.uuid(), targetId: z.uuid() }) },
  async (tx, ctx, { ticketId, targetId }) => {
    const { target } = await mergeTickets(tx, scopeOf(ctx), { sourceId: ticketId, targetId });
    refresh();
    return { ticketId: target.id };
  },
);

/** Moves one message into a new ticket; the page then shows the new ticket. */
export const splitMessageAction = tenantAction(
  { schema: z.object({ messageId: z.uuid() }) },
  async (tx, ctx, { messageId }) => {
    const { ticket } = await splitMessage(tx, scopeOf(ctx), { messageId });
    refresh();
    return { ticketId: ticket.id, number: ticket.number };
  },
);
