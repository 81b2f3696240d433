"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { getDivision } from "@/lib/divisions/divisions";
import { listOf, optionalUuid } from "@/lib/forms";
import { scopeOf } from "@/lib/auth/context";
import { ticketPriorityEnum } from "@/db/schema";
import { assignTicket } from "@/lib/tickets/assign";
import { addTicketTags, removeTicketTags, setTicketPriority } from "@/lib/tickets/labels";
import { moveTicket } from "@/lib/tickets/move";
import { addNote, replyToTicket } from "@/lib/tickets/reply";
import { setTicketStatus, settableTicketStatuses } from "@/lib/tickets/status";
import { MAX_REPLY_ATTACHMENT_BYTES } from "./reply-limits";

// Every member works tickets: these actions need membership in the tenant, no particular role.

const messageText = z
  .string()
  .max(100_000, "tooLong")
  .refine((text) => text.trim() !== "", "required");

/** The files of a file input; an input left empty still sends one nameless, empty file. */
const files = z
  .preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(z.instanceof(File)))
  .transform((list) => list.filter((file) => file.name !== ""))
  .refine(
    (list) => list.reduce((total, file) => total + file.size, 0) <= MAX_REPLY_ATTACHMENT_BYTES,
    "attachmentsTooLarge",
  );

const replySchema = z.object({
  ticketId: z.uuid(),
  text: messageText,
  cc: listOf(z.email()),
  attachments: files,
});

/**
 * A reply to the customer: saved on the ticket and queued in the outbox. The answer says whether it
 * will leave soon, or waits because the division's sending is off or it has no mailbox to send from.
 */
export const replyToTicketAction = tenantAction({ schema: replySchema }, async (tx, ctx, input) => {
  const scope = scopeOf(ctx);
  const attachments = await Promise.all(
    input.attachments.map(async (file) => ({
      filename: file.name,
      contentType: file.type || "application/octet-stream",
      content: Buffer.from(await file.arrayBuffer()),
    })),
  );
  const { outbox } = await replyToTicket(tx, scope, {
    ticketId: input.ticketId,
    text: input.text,
    cc: input.cc,
    attachments,
  });
  const division = await getDivision(tx, scope, outbox.divisionId);
  refresh();
  return { sendingEnabled: division.sendingEnabled, hasSender: outbox.mailboxId !== null };
});

export const addNoteAction = tenantAction(
  { schema: z.object({ ticketId: z.uuid(), text: messageText }) },
  async (tx, ctx, { ticketId, text }) => {
    await addNote(tx, scopeOf(ctx), { ticketId, text });
    refresh();
  },
);

export const setTicketStatusAction = tenantAction(
  { schema: z.object({ ticketId: z.uuid(), status: z.enum(settableTicketStatuses) }) },
  async (tx, ctx, { ticketId, status }) => {
    const ticket = await setTicketStatus(tx, scopeOf(ctx), { ticketId, status });
    refresh();
    return { status: ticket.status };
  },
);

export const moveTicketAction = tenantAction(
  { schema: z.object({ ticketId: z.uuid(), divisionId: z.uuid(), teamId: optionalUuid }) },
  async (tx, ctx, input) => {
    const ticket = await moveTicket(tx, scopeOf(ctx), input);
    refresh();
    return { divisionId: ticket.divisionId, number: ticket.number };
  },
);

/** Gives the ticket to a member (or nobody); assignTicket emails them, unless they took it themselves. */
export const assignTicketAction = tenantAction(
  { schema: z.object({ ticketId: z.uuid(), assigneeId: optionalUuid }) },
  async (tx, ctx, input) => {
    await assignTicket(tx, scopeOf(ctx), input);
    refresh();
  },
);

export const setTicketPriorityAction = tenantAction(
  { schema: z.object({ ticketId: z.uuid(), priority: z.enum(ticketPriorityEnum.enumValues) }) },
  async (tx, ctx, input) => {
    await setTicketPriority(tx, scopeOf(ctx), input);
    refresh();
  },
);

/** Adds the tags typed (comma-separated) or takes off the one whose chip was clicked. */
export const changeTicketTagsAction = tenantAction(
  {
    schema: z.object({
      ticketId: z.uuid(),
      add: z.string().max(2000).optional(),
      remove: z.string().max(200).optional(),
    }),
  },
  async (tx, ctx, input) => {
    const scope = scopeOf(ctx);
    if (input.remove) await removeTicketTags(tx, scope, { ticketId: input.ticketId, tags: [input.remove] });
    else await addTicketTags(tx, scope, { ticketId: input.ticketId, tags: (input.add ?? "").split(",") });
    refresh();
  },
);
