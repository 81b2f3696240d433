import { z } from "zod";
import { type Division, type TicketPriority, ticketStatusEnum } from "@/db/schema";
import type { Transaction } from "@/db/client";
import { operatorScope, type TenantScope, withTenant } from "@/db/tenant";
import { getDivision } from "@/lib/divisions/divisions";
import { RuleError } from "@/lib/errors";
import { suggestArticles, suggestionUrl } from "@/lib/knowledge/suggest";
import { listMembers } from "@/lib/members/members";
import { getTeam } from "@/lib/teams/teams";
import { assignTicket } from "@/lib/tickets/assign";
import { editTicketTags, normalizeTag, setTicketPriority, setTicketTags, ticketPriorities } from "@/lib/tickets/labels";
import { mergedInto, ticketsMergedInto } from "@/lib/tickets/merge";
import { moveTicket } from "@/lib/tickets/move";
import { type AssigneeFilter, listQueue, QUEUE_PAGE_SIZE, QUEUE_SORTS, type QueueQuery, type QueueRow } from "@/lib/tickets/queue";
import { parseSearch } from "@/lib/tickets/queue-search";
import { findTicketByNumber } from "@/lib/tickets/search";
import { getTicketWithMessages } from "@/lib/tickets/tickets";
import { type Command, type CommandContext, CommandError, InvalidInputError, type OptionValues, toKebab, UsageError } from "./command";
import { describeFieldError } from "./field-messages";
import { divisionOption, tenantBySlug, tenantOfDivision } from "./lookup";
import { labelled, moment, table } from "./output";

const statusChoices = ticketStatusEnum.enumValues.map(toKebab);

export const numberOption = { value: "N", description: "the ticket's number, as in [TAG#N]", required: true };

export function ticketNumberOf(values: OptionValues, option = "number"): number {
  const number = Number(values[option]);
  if (!Number.isInteger(number) || number < 1) {
    throw new InvalidInputError({ [`--${option}`]: ["must be a ticket number, a whole number from 1"] });
  }
  return number;
}

const sortChoices = [...QUEUE_SORTS];
/** The most a page may hold: listQueue's own ceiling. */
const MAX_LIMIT = 200;
const uuid = z.uuid();

/** The command line's words for a list option (`--status open,on-hold`): trimmed, none empty. */
function listOf(value: string | undefined): string[] {
  return (value ?? "").split(",").map((item) => item.trim()).filter(Boolean);
}

/** Who `--assignee` names, before the database is asked: nobody, the caller, or a member. */
type AssigneeOption = { kind: "nobody" } | { kind: "member"; key: string };

function assigneeOption(value: string | undefined): AssigneeOption | undefined {
  const given = value?.trim().toLowerCase();
  if (given === undefined) return undefined;
  if (given === "nobody") return { kind: "nobody" };
  if (given === "me") {
    // The command line acts as the operator (operatorScope), who is no member and is given no ticket.
    throw new InvalidInputError({
      "--assignee": ["cannot be me: the command line runs as the operator, not as a member; give the member's email or id"],
    });
  }
  if (!given.includes("@") && !uuid.safeParse(given).success) {
    throw new InvalidInputError({ "--assignee": ["must be nobody, or the email or id of a member of this company"] });
  }
  return { kind: "member", key: given };
}

/** The queue's query from the options, refusing what is not one of its values; no database needed. */
function queueQueryOf(values: OptionValues): Omit<QueueQuery, "divisionIds" | "teamId" | "assignee"> {
  const fields: Record<string, string[]> = {};
  const statuses = listOf(values.status).map((status) => status.toLowerCase().replace(/-/g, "_"));
  const parsedStatuses = z.array(z.enum(ticketStatusEnum.enumValues)).safeParse(statuses);
  if (!parsedStatuses.success) fields["--status"] = [describeFieldError("invalidChoice", "status", statusChoices)];
  const priority = ticketPriorities.find((choice) => choice === values.priority?.trim().toLowerCase());
  if (values.priority !== undefined && !priority) {
    fields["--priority"] = [describeFieldError("invalidChoice", "priority", ticketPriorities)];
  }
  const sort = sortChoices.find((choice) => choice === values.sort?.trim().toLowerCase());
  if (values.sort !== undefined && !sort) fields["--sort"] = [describeFieldError("invalidChoice", "sort", sortChoices)];
  const limit = values.limit === undefined ? QUEUE_PAGE_SIZE : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    fields["--limit"] = [`must be a whole number between 1 and ${MAX_LIMIT}`];
  }
  if (listOf(values.division).some((id) => !uuid.safeParse(id).success)) fields["--division"] = ["must be ids"];
  if (values.team !== undefined && !uuid.safeParse(values.team).success) fields["--team"] = ["must be an id"];
  if (Object.keys(fields).length > 0) throw new InvalidInputError(fields);
  return {
    statuses: parsedStatuses.data && parsedStatuses.data.length > 0 ? parsedStatuses.data : undefined,
    priority,
    tag: values.tag === undefined ? undefined : (normalizeTag(values.tag) ?? undefined),
    highlighted: values.highlighted !== undefined || undefined,
    search: parseSearch(values.search),
    sort,
    after: values.after,
    limit,
  };
}

export const ticketList: Command = {
  words: ["ticket", "list"],
  summary: "list a company's tickets as the queue does: most recent activity first, a page at a time",
  description:
    "Give the company (--tenant) or one or more of its divisions (--division): with --tenant alone,\n" +
    "every division's tickets; without --status, tickets in every status (the queue's \"All\" tab).\n" +
    "--search finds what the queue's search box finds: every word in the subject, a message or a sender\n" +
    "(English word forms, Polish with or without diacritics, the start of a word), or the text inside\n" +
    "the subject; a ticket number (42, #42, [TAG#42]) lists that ticket first. A page ends with the\n" +
    "cursor of the next one: give it to --after, with the same options, for more.",
  options: {
    tenant: { value: "SLUG", description: "the company, by its slug (or give --division)" },
    division: {
      value: "ID",
      description: "only this division's tickets, from `division list`",
      repeatable: true,
    },
    search: { value: "TEXT", description: "only the tickets the queue's search finds for it" },
    status: {
      value: statusChoices.join("|"),
      description: "only tickets in this status",
      choices: statusChoices,
      repeatable: true,
    },
    assignee: { value: "nobody|EMAIL|ID", description: "only the tickets of this member (or unassigned: nobody)" },
    team: { value: "ID", description: "only this team's tickets, from `team list`" },
    priority: { value: ticketPriorities.join("|"), description: "only tickets of this priority", choices: ticketPriorities },
    tag: { value: "TAG", description: "only tickets with this tag" },
    highlighted: { description: "only highlighted tickets" },
    sort: {
      value: sortChoices.join("|"),
      description: "last change first (default), newest first, or most urgent first",
      choices: sortChoices,
    },
    after: { value: "CURSOR", description: "the page after the one whose `next` this is" },
    limit: { value: "N", description: `tickets per page, 1 to ${MAX_LIMIT} (default ${QUEUE_PAGE_SIZE})` },
  },
  fieldOptions: { tags: "tag" },
  async run(values, context) {
    if (values.tenant === undefined && values.division === undefined) {
      throw new UsageError("say whose tickets: --tenant SLUG, or --division ID");
    }
    const query = queueQueryOf(values);
    const assignee = assigneeOption(values.assignee);
    const divisionIds = listOf(values.division);
    const db = await context.database();
    const tenant = values.tenant
      ? await tenantBySlug(db, values.tenant)
      : await tenantOfDivision(db, divisionIds[0]!);
    const { divisions, page } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      // Another company's division is not found, as one that does not exist.
      const divisions: Division[] = [];
      for (const id of divisionIds) divisions.push(await getDivision(tx, scope, id));
      if (values.team !== undefined) await getTeam(tx, scope, values.team);
      const page = await listQueue(tx, scope, {
        ...query,
        divisionIds: divisionIds.length > 0 ? divisionIds : undefined,
        teamId: values.team,
        assignee: assignee && (await assigneeFilter(tx, scope, assignee)),
      }).catch((error: unknown) => {
        if (error instanceof RuleError && error.key === "queueCursorInvalid") {
          throw new InvalidInputError({ "--after": ["must be the `next` cursor of an earlier page of this list, with the same --sort"] });
        }
        throw error;
      });
      return { divisions, page };
    });
    const tickets = [...page.pinned, ...page.rows];
    const where = divisions.length > 0 ? divisions.map((d) => `${d.name} (${d.tag})`).join(", ") : tenant.name;
    return {
      json: { pinned: page.pinned.map(ticketJson), rows: page.rows.map(ticketJson), next: page.next },
      human:
        tickets.length === 0
          ? `No ${query.search ? "tickets found" : "tickets"} in ${where}${query.after ? " after that cursor" : ""}.`
          : [
              table(
                ["TICKET", "STATUS", "PRIORITY", "MESSAGES", "HIGHLIGHTED", "CONTACT", "TAGS", "SUBJECT"],
                tickets.map((t) => [
                  `[${t.divisionTag}#${t.number}]`,
                  toKebab(t.status),
                  t.priority,
                  String(t.messageCount),
                  t.highlighted ? "yes" : "no",
                  t.contactEmail ?? t.senderAddress ?? "-",
                  t.tags.length > 0 ? t.tags.join(",") : "-",
                  t.subject,
                ]),
              ),
              ...(page.next ? ["", `More: --after ${page.next}`] : []),
            ].join("\n"),
    };
  },
};

/** The queue's filter for a member named by email or id; one not of this company is refused. */
async function assigneeFilter(tx: Transaction, scope: TenantScope, option: AssigneeOption): Promise<AssigneeFilter> {
  if (option.kind === "nobody") return option;
  const member = (await listMembers(tx, scope)).find(
    (m) => m.userId === option.key || m.email.toLowerCase() === option.key,
  );
  if (!member) throw new InvalidInputError({ "--assignee": ["must be nobody, or the email or id of a member of this company"] });
  return { kind: "user", userId: member.userId };
}

/**
 * A row of the list as --json prints it: the queue's row without the values its cursor is made of,
 * and without the unread mark, which is a member's own (the command line is no member).
 */
function ticketJson({ cursorValue: _value, cursorUpdatedAt: _updatedAt, unread: _unread, ...row }: QueueRow) {
  return row;
}

/** How threading placed a message on its ticket, in words. */
const threadReasons: Record<string, string> = {
  new: "opened the ticket",
  header: "a reply: In-Reply-To or References names a message of the ticket",
  token: "a reply: it carries the ticket's reply token",
  tag: "the ticket's [TAG#number] in the subject",
  subject: "the same subject as the open ticket",
  attached: "put on the ticket by hand, from the waiting list",
};

export const ticketShow: Command = {
  words: ["ticket", "show"],
  summary: "show a ticket and its messages",
  description:
    "Messages show without quoted replies and signatures; --json has each message's whole text too.",
  options: { division: divisionOption, number: numberOption },
  async run(values, context) {
    const number = ticketNumberOf(values);
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, found, survivor, mergedHere } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const found = await getTicketWithMessages(tx, scope, { divisionId, number });
      return {
        division: await getDivision(tx, scope, divisionId),
        found,
        survivor: await mergedInto(tx, scope, found.ticket.id),
        mergedHere: await ticketsMergedInto(tx, scope, found.ticket.id),
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
        priority: ticket.priority,
        tags: ticket.tags,
        highlighted: ticket.highlighted,
        contact,
        followUpOfId: ticket.followUpOfId,
        mergedInto: survivor,
        merged: mergedHere.map(({ id, number, subject }) => ({ id, number, subject })),
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
          ["priority", ticket.priority],
          ["tags", ticket.tags.length > 0 ? ticket.tags.join(", ") : "none"],
          ["contact", contact ? person(contact.email, contact.name) : "-"],
          ["highlighted", ticket.highlighted ? "yes" : "no"],
          ["created", moment(ticket.createdAt)],
          ["messages", String(messages.length)],
          ...(survivor ? [["merged into", `[${division.tag}#${survivor.number}]`] as [string, string]] : []),
          ...(mergedHere.length > 0
            ? [["merged here", mergedHere.map((t) => `[${division.tag}#${t.number}]`).join(", ")] as [string, string]]
            : []),
        ]),
        ...messages.map((m, index) => `\n${messageText(m, index)}`),
      ].join("\n"),
    };
  },
};

export const ticketMove: Command = {
  words: ["ticket", "move"],
  summary: "move a ticket to another team, or to another division",
  description:
    "In another division the ticket takes that division's next number, and its team is the one given\n" +
    "with --team (a team of that division) or none. Within its division, --team or --no-team alone\n" +
    "changes its team.",
  options: {
    division: { ...divisionOption, description: "the division the ticket is in now, from `division list`" },
    number: numberOption,
    "to-division": { value: "ID", description: "the division to move it to (default: where it is)" },
    team: { value: "ID", description: "the team to give it to, from `team list`" },
    "no-team": { description: "leave it with no team" },
  },
  fieldOptions: { divisionId: "to-division", teamId: "team" },
  async run(values, context) {
    const number = ticketNumberOf(values);
    const noTeam = values["no-team"] !== undefined;
    if (values.team !== undefined && noTeam) throw new UsageError("give --team or --no-team, not both");
    if (values["to-division"] === undefined && values.team === undefined && !noTeam) {
      throw new UsageError("say where to: --to-division, --team or --no-team");
    }
    const malformed = (["to-division", "team"] as const).filter(
      (option) => values[option] !== undefined && !uuid.safeParse(values[option]).success,
    );
    if (malformed.length > 0) {
      throw new InvalidInputError(Object.fromEntries(malformed.map((option) => [`--${option}`, ["must be an id"]])));
    }
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const moved = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const from = await getDivision(tx, scope, divisionId);
      const { ticket } = await getTicketWithMessages(tx, scope, { divisionId, number });
      const targetId = values["to-division"] ?? divisionId;
      // A team belongs to one division: it stays only when the ticket does and no other is named.
      const teamId = values.team ?? (noTeam || targetId !== divisionId ? null : ticket.teamId);
      const after = await moveTicket(tx, scope, { ticketId: ticket.id, divisionId: targetId, teamId });
      return {
        before: ticket,
        after,
        from,
        to: targetId === divisionId ? from : await getDivision(tx, scope, targetId),
        team: after.teamId ? await getTeam(tx, scope, after.teamId) : null,
      };
    });
    const { before, after, from, to, team } = moved;
    return {
      json: {
        id: after.id,
        divisionId: after.divisionId,
        number: after.number,
        teamId: after.teamId,
        from: { divisionId: before.divisionId, number: before.number, teamId: before.teamId },
      },
      human:
        `Moved [${from.tag}#${before.number}] to [${to.tag}#${after.number}] in ${to.name}, ` +
        (team ? `team ${team.name}.` : "no team."),
    };
  },
};

export const ticketAssign: Command = {
  words: ["ticket", "assign"],
  summary: "give a ticket to a member of the company, or to nobody",
  options: {
    division: divisionOption,
    number: numberOption,
    assignee: { value: "EMAIL", description: "the member to give it to, by their sign-in email" },
    nobody: { description: "leave it unassigned" },
  },
  async run(values, context) {
    const number = ticketNumberOf(values);
    const nobody = values.nobody !== undefined;
    if (values.assignee !== undefined && nobody) throw new UsageError("give --assignee or --nobody, not both");
    if (values.assignee === undefined && !nobody) throw new UsageError("say to whom: --assignee EMAIL, or --nobody");
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, ticket, assignee } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const division = await getDivision(tx, scope, divisionId);
      const found = await getTicketWithMessages(tx, scope, { divisionId, number });
      const email = values.assignee?.trim().toLowerCase();
      const assignee = email ? (await listMembers(tx, scope)).find((m) => m.email.toLowerCase() === email) : null;
      if (assignee === undefined) {
        throw new InvalidInputError({ "--assignee": ["must be the email of a member of this company"] });
      }
      const { ticket } = await assignTicket(tx, scope, {
        ticketId: found.ticket.id,
        assigneeId: assignee?.userId ?? null,
      });
      return { division, ticket, assignee };
    });
    return {
      json: {
        id: ticket.id,
        number: ticket.number,
        assignee: assignee && { id: assignee.userId, email: assignee.email, name: assignee.name },
      },
      human: assignee
        ? `[${division.tag}#${ticket.number}] is assigned to ${person(assignee.email, assignee.name)}.`
        : `[${division.tag}#${ticket.number}] is unassigned.`,
    };
  },
};

export const ticketPriority: Command = {
  words: ["ticket", "priority"],
  summary: "set a ticket's priority",
  options: {
    division: divisionOption,
    number: numberOption,
    set: { value: ticketPriorities.join("|"), description: "the priority", required: true, choices: ticketPriorities },
  },
  async run(values, context) {
    const number = ticketNumberOf(values);
    const priority = ticketPriorities.find((choice) => choice === values.set?.trim().toLowerCase());
    if (!priority) {
      throw new InvalidInputError({ "--set": [describeFieldError("invalidChoice", "set", ticketPriorities)] });
    }
    const { division, ticket } = await inTicket(values, context, number, (tx, scope, ticketId) =>
      setTicketPriority(tx, scope, { ticketId, priority: priority satisfies TicketPriority }),
    );
    return {
      json: { id: ticket.id, number: ticket.number, priority: ticket.priority },
      human: `[${division.tag}#${ticket.number}] has ${ticket.priority} priority.`,
    };
  },
};

export const ticketTag: Command = {
  words: ["ticket", "tag"],
  summary: "add tags to a ticket, take some off, or replace them",
  description:
    "Tags are stored lower-case and trimmed, without repeats; lists are comma-separated. --set replaces\n" +
    "all the ticket's tags (--set '' takes them all off); --add and --remove may go together.",
  options: {
    division: divisionOption,
    number: numberOption,
    add: { value: "TAGS", description: "tags to add, such as invoice,vip" },
    remove: { value: "TAGS", description: "tags to take off" },
    set: { value: "TAGS", description: "the ticket's tags from now on, instead of the ones it has" },
  },
  fieldOptions: { tags: "add" },
  async run(values, context) {
    const number = ticketNumberOf(values);
    const list = (option: string | undefined) => (option ?? "").split(",");
    if (values.set !== undefined && (values.add !== undefined || values.remove !== undefined)) {
      throw new UsageError("give --set alone, or --add and --remove");
    }
    if (values.set === undefined && values.add === undefined && values.remove === undefined) {
      throw new UsageError("say what to do: --add TAGS, --remove TAGS or --set TAGS");
    }
    const { division, ticket } = await inTicket(values, context, number, (tx, scope, ticketId) =>
      values.set !== undefined
        ? setTicketTags(tx, scope, { ticketId, tags: list(values.set) })
        : editTicketTags(tx, scope, { ticketId, add: list(values.add), remove: list(values.remove) }),
    );
    return {
      json: { id: ticket.id, number: ticket.number, tags: ticket.tags },
      human:
        ticket.tags.length > 0
          ? `[${division.tag}#${ticket.number}] is tagged ${ticket.tags.join(", ")}.`
          : `[${division.tag}#${ticket.number}] has no tags.`,
    };
  },
};

export const ticketSuggest: Command = {
  words: ["ticket", "suggest"],
  summary: "the articles suggested as answers to a ticket, best first",
  description:
    "The division's support knowledge base, ranked by the customer's words (the subject and their\n" +
    "messages, not the staff's), in the customer's language first; at most the division's max\n" +
    "suggestions. The ranking is explained in lib/knowledge/suggest.ts.",
  options: { division: divisionOption, number: numberOption },
  async run(values, context) {
    const number = ticketNumberOf(values);
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, ticket, suggestions } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const division = await getDivision(tx, scope, divisionId);
      // The ticket alone: its messages are the ranking's to read, and only the customer's.
      const ticket = await findTicketByNumber(tx, scope, { divisionId, number });
      return { division, ticket, suggestions: await suggestArticles(tx, scope, { ticketId: ticket.id }) };
    });
    if (!suggestions.knowledgeBaseId) {
      throw new CommandError(
        "no_support_knowledge_base",
        `${division.name} (${division.tag}) has no support knowledge base to suggest from: set one with ` +
          `\`postdesk division set --division ${division.id} --default-support-knowledge-base-id KB\``,
      );
    }
    const articles = suggestions.articles.map((article) => ({
      id: article.id,
      title: article.title,
      locale: article.locale,
      state: article.state,
      score: article.score,
      url: suggestionUrl(article),
    }));
    const name = `[${division.tag}#${ticket.number}]`;
    return {
      json: {
        ticket: { number: ticket.number, subject: ticket.subject },
        knowledgeBaseId: suggestions.knowledgeBaseId,
        limit: suggestions.limit,
        articles,
      },
      human:
        suggestions.limit === 0
          ? `${division.name} (${division.tag}) suggests no articles: its max suggestions is 0.`
          : articles.length === 0
            ? `No article matches ${name} ${ticket.subject}.`
            : [
                `${name} ${ticket.subject}`,
                table(
                  ["SCORE", "LANGUAGE", "STATE", "TITLE", "PUBLIC ADDRESS"],
                  articles.map((a) => [a.score.toFixed(3), a.locale, a.state, a.title, a.url ?? "-"]),
                ),
              ].join("\n"),
    };
  },
};

/** Finds the ticket by its division and number and changes it, as the operator, in one transaction. */
async function inTicket<T>(
  values: OptionValues,
  context: CommandContext,
  number: number,
  change: (tx: Transaction, scope: TenantScope, ticketId: string) => Promise<T>,
) {
  const db = await context.database();
  const divisionId = values.division!;
  const tenant = await tenantOfDivision(db, divisionId);
  return withTenant(db, tenant.id, async (tx) => {
    const scope = operatorScope(tenant.id);
    const division = await getDivision(tx, scope, divisionId);
    const { ticket } = await getTicketWithMessages(tx, scope, { divisionId, number });
    return { division, ticket: await change(tx, scope, ticket.id) };
  });
}

export const ticketCommands = [ticketList, ticketShow, ticketSuggest, ticketMove, ticketAssign, ticketPriority, ticketTag];

function person(address: string, name: string | null): string {
  return name ? `${name} <${address}>` : address;
}
