import { z } from "zod";
import { operatorScope, withTenant } from "@/db/tenant";
import { getDivision } from "@/lib/divisions/divisions";
import { NotFoundError } from "@/lib/errors";
import { mergeTickets } from "@/lib/tickets/merge";
import { splitMessage } from "@/lib/tickets/split";
import { getTicketWithMessages } from "@/lib/tickets/tickets";
import { type Command, InvalidInputError } from "./command";
import { divisionOption, tenantOfDivision } from "./lookup";
import { numberOption, ticketNumberOf } from "./ticket";

export const ticketMerge: Command = {
  words: ["ticket", "merge"],
  summary: "merge a ticket into another of its division",
  description:
    "Ticket --number moves into ticket --into: its messages, attachments and mail go there, and replies\n" +
    "naming it (its [TAG#N], its Message-IDs) land there. It stays, closed, as a pointer. The customer\n" +
    "is not mailed.",
  options: {
    division: divisionOption,
    number: { ...numberOption, description: "the ticket to merge away, as in [TAG#N]" },
    into: { value: "M", description: "the ticket that stays, as in [TAG#M]", required: true },
  },
  async run(values, context) {
    const number = ticketNumberOf(values);
    const into = ticketNumberOf(values, "into");
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, source, target } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const division = await getDivision(tx, scope, divisionId);
      const from = await getTicketWithMessages(tx, scope, { divisionId, number });
      const to = await getTicketWithMessages(tx, scope, { divisionId, number: into });
      return { division, ...(await mergeTickets(tx, scope, { sourceId: from.ticket.id, targetId: to.ticket.id })) };
    });
    return {
      json: {
        source: { id: source.id, number: source.number, mergedIntoId: source.mergedIntoId, status: source.status },
        target: { id: target.id, number: target.number, status: target.status },
      },
      human: `Merged [${division.tag}#${source.number}] into [${division.tag}#${target.number}] ${target.subject}.`,
    };
  },
};

const uuid = z.uuid();

export const ticketSplit: Command = {
  words: ["ticket", "split"],
  summary: "move one message of a ticket into a new ticket",
  description:
    "The new ticket takes the division's next number, the message's subject, the ticket's team, and as\n" +
    "customer the message's sender (a customer's mail) or the ticket's. Message ids are in\n" +
    "`ticket show --json`.",
  options: {
    division: divisionOption,
    number: numberOption,
    message: { value: "ID", description: "the message to split out, from `ticket show --json`", required: true },
  },
  async run(values, context) {
    const number = ticketNumberOf(values);
    if (!uuid.safeParse(values.message).success) throw new InvalidInputError({ "--message": ["must be an id"] });
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, ticket, from } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const division = await getDivision(tx, scope, divisionId);
      const found = await getTicketWithMessages(tx, scope, { divisionId, number });
      // The message must be one of the ticket named: an id from another ticket is not this one's.
      if (!found.messages.some(({ message }) => message.id === values.message)) throw new NotFoundError("message");
      return { division, ...(await splitMessage(tx, scope, { messageId: values.message! })) };
    });
    return {
      json: { id: ticket.id, number: ticket.number, subject: ticket.subject, from: { id: from.id, number: from.number } },
      human: `Split the message into [${division.tag}#${ticket.number}] ${ticket.subject}.`,
    };
  },
};

export const ticketMergeCommands = [ticketMerge, ticketSplit];
