import { findContact } from "@/db/queries/contacts";
import { operatorScope, withTenant } from "@/db/tenant";
import { type ContactListItem, listContacts } from "@/lib/contacts/directory";
import { getContact } from "@/lib/contacts/history";
import { NotFoundError } from "@/lib/errors";
import { type Command, toKebab } from "./command";
import { tenantBySlug, tenantOption } from "./lookup";
import { labelled, moment, table } from "./output";

// The list walks its pages in steps this size: few round trips, none of them large.
const PAGE = 500;

export const contactList: Command = {
  words: ["contact", "list"],
  summary: "list a company's customers by name, with their open and total tickets",
  options: {
    tenant: tenantOption,
    search: { value: "TEXT", description: "only those whose address, name or organization contains it" },
  },
  async run(values, context) {
    const db = await context.database();
    const tenant = await tenantBySlug(db, values.tenant!);
    const contacts = await withTenant(db, tenant.id, async (tx) => {
      const all: ContactListItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await listContacts(tx, operatorScope(tenant.id), { query: values.search, cursor, limit: PAGE });
        all.push(...page.contacts);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    });
    return {
      json: contacts,
      human:
        contacts.length === 0
          ? values.search
            ? `No customer of ${tenant.name} matches "${values.search}".`
            : `${tenant.name} has no customers yet.`
          : table(
              ["EMAIL", "OPEN", "TICKETS", "LAST ACTIVITY", "ORGANIZATION", "NAME"],
              contacts.map((c) => [
                c.email,
                String(c.openTicketCount),
                String(c.ticketCount),
                moment(c.lastActivityAt),
                c.organization ?? "-",
                c.name ?? "-",
              ]),
            ),
    };
  },
};

export const contactShow: Command = {
  words: ["contact", "show"],
  summary: "show a customer, staff's notes on them and their tickets, newest first",
  options: {
    tenant: tenantOption,
    email: { value: "ADDRESS", description: "the customer's email address", required: true },
  },
  async run(values, context) {
    const db = await context.database();
    const tenant = await tenantBySlug(db, values.tenant!);
    const { contact, activity, tickets } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const found = await findContact(tx, scope, { email: values.email! });
      if (!found) throw new NotFoundError("contact");
      return getContact(tx, scope, found.id);
    });
    return {
      json: {
        id: contact.id,
        email: contact.email,
        name: contact.name,
        organization: contact.organization,
        notes: contact.notes,
        unsubscribedAt: contact.unsubscribedAt,
        createdAt: contact.createdAt,
        ...activity,
        tickets,
      },
      human: [
        labelled([
          ["email", contact.email],
          ["name", contact.name ?? "-"],
          ["organization", contact.organization ?? "-"],
          ["since", moment(contact.createdAt)],
          ["tickets", `${activity.ticketCount} (${activity.openTicketCount} open)`],
        ]),
        ...(contact.notes ? ["", "notes:", contact.notes] : []),
        ...(tickets.length > 0
          ? [
              "",
              table(
                ["TICKET", "STATUS", "CREATED", "SUBJECT"],
                tickets.map((t) => [`[${t.divisionTag}#${t.number}]`, toKebab(t.status), moment(t.createdAt), t.subject]),
              ),
            ]
          : []),
      ].join("\n"),
    };
  },
};

export const contactCommands = [contactList, contactShow];
