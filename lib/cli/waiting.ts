import { z } from "zod";
import type { Database, Transaction } from "@/db/client";
import { operatorScope, type TenantScope, withTenant } from "@/db/tenant";
import { getDivision } from "@/lib/divisions/divisions";
import { NotFoundError, RuleError } from "@/lib/errors";
import type { DecisionResult } from "@/lib/inbound/waiting-decisions";
import { findTicketByNumber, getTicketChoice } from "@/lib/tickets/search";
import { type Command, CommandError, InvalidInputError, type OptionValues, toKebab } from "./command";
import { divisionOption, tenantOfDivision } from "./lookup";
import { labelled, moment, table } from "./output";

/**
 * `postdesk waiting …`: the waiting list of a division and the decisions on its entries, as the
 * entry page makes them. The CLI acts as the operator, so a decision records no member.
 */

const entryOption = { value: "ENTRY", description: "the entry's id, from `waiting list`", required: true };

/** Why a mail was held, in words (the codes are decide.ts's WaitingReason). */
const reasons: Record<string, string> = {
  automationMode: "the division holds every new mail",
  unknownSender: "unknown sender",
  missingFrom: "no sender address",
  autoReply: "automatic reply",
  bounce: "delivery failure notice",
  mailingList: "mailing list",
  bulk: "bulk mail",
};

/** Refusals of the decisions, in the CLI's words: what happened and what to do. */
const refusals: Record<string, { code: string; message: string }> = {
  waitingAlreadyDecided: {
    code: "already_decided",
    message: "this entry is no longer waiting: someone decided it already (see `waiting show`)",
  },
  waitingNoSender: {
    code: "no_sender",
    message: "the mail has no sender address: convert it instead of registering, or mark it as spam without --block-domain",
  },
  waitingMailUnreadable: {
    code: "unreadable",
    message: "the mail cannot be opened any more (encrypted, and the division's key changed)",
  },
};

const uuid = z.uuid();

function ids(values: OptionValues, options: string[]): void {
  const malformed = options.filter((option) => values[option] !== undefined && !uuid.safeParse(values[option]).success);
  if (malformed.length > 0) {
    throw new InvalidInputError(Object.fromEntries(malformed.map((option) => [`--${option}`, ["must be an id"]])));
  }
}

/**
 * Runs `work` on the division's entry as the operator: an entry of another division or tenant is not
 * found, and the decisions' refusals become messages.
 */
async function onEntry<T>(
  db: Database,
  values: OptionValues,
  work: (tx: Transaction, scope: TenantScope, entry: { id: string; divisionId: string }) => Promise<T>,
): Promise<T> {
  ids(values, ["division", "id"]);
  const divisionId = values.division!;
  const tenant = await tenantOfDivision(db, divisionId);
  const { getWaitingEntry } = await import("@/lib/inbound/waiting-list");
  try {
    return await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const entry = await getWaitingEntry(tx, scope, values.id!).catch((error: unknown) => {
        if (error instanceof NotFoundError) return null;
        throw error;
      });
      if (!entry || entry.divisionId !== divisionId) {
        throw new CommandError("not_found", `entry not found: the waiting list of this division has no entry "${values.id}"`);
      }
      return work(tx, scope, entry);
    });
  } catch (error) {
    const refusal = error instanceof RuleError ? refusals[error.key] : undefined;
    throw refusal ? new CommandError(refusal.code, refusal.message) : error;
  }
}

function decided(result: DecisionResult, human: string) {
  return { json: result, human };
}

export const waitingList: Command = {
  words: ["waiting", "list"],
  summary: "list the mails a division holds on its waiting list, newest first",
  options: { division: divisionOption },
  async run(values, context) {
    ids(values, ["division"]);
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { listWaitingEmails } = await import("@/lib/inbound/waiting-list");
    const { division, waiting } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      return { division: await getDivision(tx, scope, divisionId), waiting: await listWaitingEmails(tx, scope, { divisionId }) };
    });
    return {
      json: waiting.emails,
      human:
        waiting.total === 0
          ? `Nothing is waiting in ${division.name}.`
          : table(
              ["ENTRY", "RECEIVED", "FROM", "WHY", "SUBJECT"],
              waiting.emails.map((e) => [
                e.id,
                moment(e.receivedAt),
                e.from?.address ?? "-",
                reasons[e.reason ?? ""] ?? e.reason ?? "-",
                e.subject || "(no subject)",
              ]),
            ) + (waiting.emails.length < waiting.total ? `\n(the newest ${waiting.emails.length} of ${waiting.total})` : ""),
    };
  },
};

export const waitingShow: Command = {
  words: ["waiting", "show"],
  summary: "show a waiting-list entry: its mail, why it was held, and what was decided",
  options: { division: divisionOption, id: entryOption },
  async run(values, context) {
    const db = await context.database();
    const entry = await onEntry(db, values, (tx, scope, { id }) =>
      import("@/lib/inbound/waiting-list").then(({ getWaitingEntry }) => getWaitingEntry(tx, scope, id)),
    );
    const { mail } = entry;
    return {
      json: entry,
      human: [
        labelled([
          ["from", mail?.from ? (mail.from.name ? `${mail.from.name} <${mail.from.address}>` : mail.from.address) : "-"],
          ["subject", mail?.subject || "(no subject)"],
          ["date", moment(mail?.date ?? entry.receivedAt)],
          ["held because", reasons[entry.reason ?? ""] ?? entry.reason ?? "-"],
          ["decision", entry.decision ? `${entry.decision}, ${moment(entry.decidedAt)}${entry.decidedBy ? ` by ${entry.decidedBy.name}` : ""}` : "none yet"],
          ["attachments", mail && mail.attachments.length > 0 ? mail.attachments.map((a) => a.filename ?? a.contentType).join(", ") : "none"],
        ]),
        "",
        mail ? mail.text.trim() || "(no text)" : "(the mail cannot be opened)",
      ].join("\n"),
    };
  },
};

export const waitingConvert: Command = {
  words: ["waiting", "convert"],
  summary: "make a waiting-list entry a ticket (the customer is confirmed if the division sends confirmations)",
  ...converting(false),
};

export const waitingRegister: Command = {
  words: ["waiting", "register"],
  summary: "register the sender of a waiting-list entry as a contact, and make it a ticket",
  description: "A registered sender is known: in \"convert if known\" mode their next mail becomes a ticket.",
  ...converting(true),
};

/** What convert and register share: where the ticket goes, and the run itself. */
function converting(register: boolean): Pick<Command, "options" | "fieldOptions" | "run"> {
  return {
    options: {
      division: divisionOption,
      id: entryOption,
      "to-division": { value: "ID", description: "the division to make it a ticket of (default: the entry's)" },
      team: { value: "ID", description: "a team of that division, from `team list`" },
    },
    fieldOptions: { teamId: "team", divisionId: "to-division" },
    async run(values, context) {
      ids(values, ["to-division", "team"]);
      return convert(values, await context.database(), register);
    },
  };
}

async function convert(values: OptionValues, db: Database, register: boolean) {
  const { convertWaitingEmail } = await import("@/lib/inbound/waiting-decisions");
  const { result, tag, number } = await onEntry(db, values, async (tx, scope, { id }) => {
    const result = await convertWaitingEmail(tx, scope, {
      id,
      register,
      divisionId: values["to-division"] ?? null,
      teamId: values.team ?? null,
    });
    const ticket = await getTicketChoice(tx, scope, result.ticketId!);
    return { result, tag: ticket.divisionTag, number: ticket.number };
  });
  return {
    json: { ...result, ticketNumber: number },
    human: `${register ? "Registered the sender and made" : "Made"} the entry ticket [${tag}#${number}].`,
  };
}

export const waitingAttach: Command = {
  words: ["waiting", "attach"],
  summary: "put a waiting-list entry on an existing ticket, as the customer's message",
  options: {
    division: divisionOption,
    id: entryOption,
    number: { value: "N", description: "the ticket's number, as in [TAG#N]", required: true },
    "to-division": { value: "ID", description: "the division of the ticket (default: the entry's)" },
  },
  async run(values, context) {
    const number = Number(values.number);
    if (!Number.isInteger(number) || number < 1) {
      throw new InvalidInputError({ "--number": ["must be a ticket number, a whole number from 1"] });
    }
    ids(values, ["to-division"]);
    const db = await context.database();
    const { attachWaitingEmail } = await import("@/lib/inbound/waiting-decisions");
    const { result, tag } = await onEntry(db, values, async (tx, scope, { id, divisionId }) => {
      const ticketDivisionId = values["to-division"] ?? divisionId;
      const ticket = await findTicketByNumber(tx, scope, { divisionId: ticketDivisionId, number }).catch(() => {
        throw new CommandError("not_found", `ticket not found: the division has no ticket number ${number}`);
      });
      return { result: await attachWaitingEmail(tx, scope, { id, ticketId: ticket.id }), tag: ticket.divisionTag };
    });
    return { json: { ...result, ticketNumber: number }, human: `Put the entry on ticket [${tag}#${number}].` };
  },
};

export const waitingSpam: Command = {
  words: ["waiting", "spam"],
  summary: "block a waiting-list entry as spam",
  options: {
    division: divisionOption,
    id: entryOption,
    "block-domain": { description: "also put the sender's domain on the division's spam list" },
  },
  async run(values, context) {
    const db = await context.database();
    const { markWaitingSpam } = await import("@/lib/inbound/waiting-decisions");
    const result = await onEntry(db, values, (tx, scope, { id }) =>
      markWaitingSpam(tx, scope, { id, blockDomain: values["block-domain"] !== undefined }),
    );
    return {
      json: result,
      human: `Blocked the entry as spam${result.blockedDomain ? `; mail from ${result.blockedDomain} is blocked from now on` : ""}.`,
    };
  },
};

export const waitingRelease: Command = {
  words: ["waiting", "release"],
  summary: "run a waiting-list entry through the division's current rules again",
  description: "After an admin changed the automation mode or a domain list: the entry may become a ticket, or wait again.",
  options: { division: divisionOption, id: entryOption },
  async run(values, context) {
    const db = await context.database();
    const { releaseWaitingEmail } = await import("@/lib/inbound/waiting-decisions");
    const result = await onEntry(db, values, (tx, scope, { id }) => releaseWaitingEmail(tx, scope, { id }));
    return decided(
      result,
      result.outcome === "waiting_list" ? "Released; the division's rules hold it on the waiting list again." : `Released; it is now: ${toKebab(result.outcome)}.`,
    );
  },
};

export const waitingDelete: Command = {
  words: ["waiting", "delete"],
  summary: "move a waiting-list entry to the trash",
  options: { division: divisionOption, id: entryOption },
  async run(values, context) {
    const db = await context.database();
    const { deleteWaitingEmail } = await import("@/lib/inbound/waiting-decisions");
    const result = await onEntry(db, values, (tx, scope, { id }) => deleteWaitingEmail(tx, scope, { id }));
    return decided(result, "Moved the entry to the trash.");
  },
};

export const waitingCommands = [
  waitingList,
  waitingShow,
  waitingConvert,
  waitingAttach,
  waitingRegister,
  waitingSpam,
  waitingRelease,
  waitingDelete,
];
