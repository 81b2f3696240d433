"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { checkbox, listOf, optionalUuid } from "@/lib/forms";
import {
  attachWaitingEmail,
  convertWaitingEmail,
  decideWaitingEmails,
  deleteWaitingEmail,
  markWaitingSpam,
  releaseWaitingEmail,
} from "@/lib/inbound/waiting-decisions";
import { searchTickets } from "@/lib/tickets/search";

// Every member works the waiting list, as they work tickets: no particular role.

const entry = z.object({ id: z.uuid() });

/** A ticket of the chosen division and team; "register" (the button pressed) also makes the sender a contact. */
export const convertWaitingAction = tenantAction(
  { schema: entry.extend({ divisionId: optionalUuid, teamId: optionalUuid, register: checkbox }) },
  async (tx, ctx, input) => {
    const result = await convertWaitingEmail(tx, scopeOf(ctx), input);
    refresh();
    return result;
  },
);

export const attachWaitingAction = tenantAction(
  { schema: entry.extend({ ticketId: z.uuid() }) },
  async (tx, ctx, input) => {
    const result = await attachWaitingEmail(tx, scopeOf(ctx), input);
    refresh();
    return result;
  },
);

/** Tickets to attach to, by number ("42", "[TAG#42]") or words of the subject; changes nothing. */
export const searchTicketsAction = tenantAction(
  { schema: z.object({ query: z.string().trim().min(1, "required").max(200, "tooLong") }), readOnly: true },
  (tx, ctx, { query }) => searchTickets(tx, scopeOf(ctx), { query }),
);

export const spamWaitingAction = tenantAction(
  { schema: entry.extend({ blockDomain: checkbox }) },
  async (tx, ctx, input) => {
    const result = await markWaitingSpam(tx, scopeOf(ctx), input);
    refresh();
    return result;
  },
);

export const releaseWaitingAction = tenantAction({ schema: entry }, async (tx, ctx, input) => {
  const result = await releaseWaitingEmail(tx, scopeOf(ctx), input);
  refresh();
  return result;
});

export const deleteWaitingAction = tenantAction({ schema: entry }, async (tx, ctx, input) => {
  const result = await deleteWaitingEmail(tx, scopeOf(ctx), input);
  refresh();
  return result;
});

/** One decision for the entries ticked on the list page: the button pressed says which. */
export const bulkWaitingAction = tenantAction(
  {
    schema: z.object({
      ids: listOf(z.uuid()).refine((ids) => ids.length > 0, "noneSelected"),
      action: z.enum(["convert", "register", "spam", "release", "delete"]),
      divisionId: optionalUuid,
      teamId: optionalUuid,
    }),
  },
  async (tx, ctx, input) => {
    const action =
      input.action === "convert" || input.action === "register"
        ? { kind: "convert" as const, register: input.action === "register", divisionId: input.divisionId, teamId: input.teamId }
        : input.action === "spam"
          ? { kind: "spam" as const, blockDomain: false }
          : { kind: input.action };
    const result = await decideWaitingEmails(tx, scopeOf(ctx), { ids: input.ids, action });
    refresh();
    return { decided: result.decided.length, alreadyDecided: result.alreadyDecided.length };
  },
);
