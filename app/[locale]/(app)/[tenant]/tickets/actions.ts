"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { ticketPriorityEnum } from "@/db/schema";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { applyBulkAction, MAX_BULK_TICKETS } from "@/lib/tickets/bulk";
import { settableTicketStatuses } from "@/lib/tickets/status";

// Every member works tickets: bulk work needs membership in the tenant, no particular role.

const tagList = z.array(z.string().max(200)).max(50);

const bulkSchema = z.object({
  // Null: the queue across every division.
  divisionId: z.uuid().nullable(),
  ticketIds: z.array(z.uuid()).min(1, "nothingSelected").max(MAX_BULK_TICKETS, "tooManySelected"),
  action: z.discriminatedUnion("type", [
    z.object({ type: z.literal("assign"), assigneeId: z.uuid().nullable() }),
    z.object({ type: z.literal("status"), status: z.enum(settableTicketStatuses) }),
    z.object({ type: z.literal("move"), divisionId: z.uuid(), teamId: z.uuid().nullable() }),
    z.object({ type: z.literal("priority"), priority: z.enum(ticketPriorityEnum.enumValues) }),
    z.object({ type: z.literal("tags"), add: tagList, remove: tagList }),
    z.object({ type: z.literal("delete") }),
    z.object({ type: z.literal("merge"), targetId: z.uuid() }),
  ]),
});

/** One action on the tickets selected in the queue: all of them, or none when one is refused. */
export const bulkTicketsAction = tenantAction({ schema: bulkSchema }, async (tx, ctx, input) => {
  const result = await applyBulkAction(tx, scopeOf(ctx), input);
  refresh();
  return { count: input.ticketIds.length, changed: result.changed };
});
