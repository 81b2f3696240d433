import { z } from "zod";
import { ticketStatusEnum } from "@/db/schema";
import { withTenant } from "@/db/tenant";
import { getDivision } from "@/lib/divisions/divisions";
import { operatorScope } from "@/lib/scope";
import { getTicketWithMessages, listTickets } from "@/lib/tickets/queries";
import { type Command, InvalidInputError, toKebab } from "./command";
import { describeFieldError } from "./field-messages";
import { divisionOption, tenantOfDivision } from "./lookup";
import { labelled, moment, table } from "./output";

const statusChoices = ticketStatusEnum.enumValues.map(toKebab);

export const ticketList: Command = {
  words: ["ticket", "list"],
  summary: "list a division's tickets, newest first",
  options: {
    division: divisionOption,
    status: { value: statusChoices.join("|"), description: "only tickets in this status", choices: statusChoices },
  },
  async run(values, context) {
    // Postgres enum values are snake_case; the command line spells them in kebab-case (on-hold).
    const status = values.status === undefined ? undefined : values.status.trim().toLowerCase().replace(/-/g, "_");
    const parsedStatus = z.enum(ticketStatusEnum.enumValues).optional().safeParse(status);
    if (!parsedStatus.success) {
      throw new InvalidInputError({ "--status": [describeFieldError("invalidChoice", "status", statusChoices)] });
    }
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, tickets } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      return {
        division: await getDivision(tx, scope, divisionId),
        tickets: await listTickets(tx, scope, { divisionId, status: parsedStatus.data }),
      };
    });
    return {
      json: tickets,
      human:
        tickets.length === 0
          ? `No ${status ? `${toKebab(status)} ` : ""}tickets in ${division.name} (${division.tag}).`
          : table(
              ["TICKET", "STATUS", "MESSAGES", "HIGHLIGHTED", "CONTACT", "SUBJECT"],
              tickets.map((t) => [
                `[${division.tag}#${t.number}]`,
                toKebab(t.status),
                String(t.messageCount),
                t.highlighted ? "yes" : "no",
                t.contactEmail ?? "-",
                t.subject,
              ]),
            ),
    };
  },
};

/** How threading placed a message on its ticket, in words. */
const threadReasons: Record<string, string> = {
  new: "opened the ticket",
  header: "a reply: In-Reply-To or References names a message of the ticket",
  token: "a reply: it carries the ticket's reply token",
  tag: "the ticket's [TAG#number] in the subject",
  subject: "the same subject as the open ticket",
};

export const ticketShow: Command = {
  words: ["ticket", "show"],
  summary: "show a ticket and its messages",
  description:
    "Messages show without quoted replies and signatures; --json has each message's whole text too.",
  options: {
    division: divisionOption,
    number: { value: "N", description: "the ticket's number, as in [TAG#N]", required: true },
  },
  async run(values, context) {
    const number = Number(values.number);
    if (!Number.isInteger(number) || number < 1) {
      throw new InvalidInputError({ "--number": ["must be a ticket number, a whole number from 1"] });
    }
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, found } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      return {
        division: await getDivision(tx, scope, divisionId),
        found: await getTicketWithMessages(tx, scope, { divisionId, number }),
      };
    });
    const { ticket } = found;
    const messages = found.messages.map(({ message, attachments }) => ({
      id: message.id,
      direction: message.direction,
      from: message.fromAddress ? { address: message.fromAddress, name: message.fromName } : null,
      to: message.toAddresses,
      cc: message.ccAddresses,
      subject: message.subject,
      threadReason: message.threadReason,
      private: message.private,
      attachments,
      text: message.text,
      displayText: message.displayText,
      createdAt: message.createdAt,
    }));
    const contact = found.contactEmail ? { email: found.contactEmail, name: found.contactName } : null;

    const messageText = (m: (typeof messages)[number], index: number) =>
      [
        `--- ${index + 1}. ${m.direction}${m.private ? " (private)" : ""}, ${moment(m.createdAt)}`,
        labelled([
          ["from", m.from ? person(m.from.address, m.from.name) : "-"],
          ["subject", m.subject ?? "-"],
          ["threaded", m.threadReason ? (threadReasons[m.threadReason] ?? m.threadReason) : "-"],
          ["attachments", m.attachments.length > 0 ? m.attachments.join(", ") : "none"],
        ]),
        "",
        (m.displayText ?? m.text ?? "").trim() || "(no text)",
      ].join("\n");

    return {
      json: {
        id: ticket.id,
        number: ticket.number,
        subject: ticket.subject,
        status: ticket.status,
        highlighted: ticket.highlighted,
        contact,
        followUpOfId: ticket.followUpOfId,
        createdAt: ticket.createdAt,
        updatedAt: ticket.updatedAt,
        answeredAt: ticket.answeredAt,
        closedAt: ticket.closedAt,
        messages,
      },
      human: [
        `[${division.tag}#${ticket.number}] ${ticket.subject}`,
        labelled([
          ["status", toKebab(ticket.status)],
          ["contact", contact ? person(contact.email, contact.name) : "-"],
          ["highlighted", ticket.highlighted ? "yes" : "no"],
          ["created", moment(ticket.createdAt)],
          ["messages", String(messages.length)],
        ]),
        ...messages.map((m, index) => `\n${messageText(m, index)}`),
      ].join("\n"),
    };
  },
};

export const ticketCommands = [ticketList, ticketShow];

function person(address: string, name: string | null): string {
  return name ? `${name} <${address}>` : address;
}
