import { z } from "zod";
import type { Transaction } from "@/db/client";
import { operatorScope, type TenantScope, withTenant } from "@/db/tenant";
import { getDivision } from "@/lib/divisions/divisions";
import { NotFoundError } from "@/lib/errors";
import { divisionOfItem, listTrash } from "@/lib/trash/list";
import { emptyTrash, purgeFromTrash } from "@/lib/trash/purge";
import { moveToTrash, restoreFromTrash, type TrashKind } from "@/lib/trash/trash";
import { type Command, type CommandContext, InvalidInputError, type OptionValues } from "./command";
import { divisionOption, tenantOfDivision } from "./lookup";
import { labelled, moment, table } from "./output";

/** On the command line a waiting-list entry is an `entry`; in lib/trash an inbound email. */
const kindNames = { ticket: "ticket", message: "message", entry: "inboundEmail" } as const satisfies Record<string, TrashKind>;
const kindWords: Record<TrashKind, string> = { ticket: "ticket", message: "message", inboundEmail: "entry" };

const itemOptions = {
  division: divisionOption,
  kind: {
    value: "ticket|message|entry",
    description: "what the item is: a ticket, one message of a ticket, or a waiting-list entry",
    choices: Object.keys(kindNames),
    required: true,
  },
  id: { value: "ID", description: "the item's id, from `trash list`", required: true },
};

function itemOf(values: OptionValues): { kind: TrashKind; id: string } {
  const kind = kindNames[values.kind as keyof typeof kindNames];
  const fields: Record<string, string[]> = {};
  if (!kind) fields["--kind"] = ["must be one of: ticket, message, entry"];
  if (!z.uuid().safeParse(values.id).success) fields["--id"] = ["must be an id, from `trash list`"];
  if (Object.keys(fields).length > 0) throw new InvalidInputError(fields);
  return { kind: kind!, id: values.id! };
}

/**
 * Runs `work` on one item of the division's trash, on the operator's behalf (the CLI has every
 * right, purging included). An item of another division is not found, as one of another company.
 */
async function onItem<T>(
  values: OptionValues,
  context: CommandContext,
  work: (tx: Transaction, scope: TenantScope, item: { kind: TrashKind; id: string }) => Promise<T>,
) {
  const item = itemOf(values);
  const db = await context.database();
  const divisionId = values.division!;
  const tenant = await tenantOfDivision(db, divisionId);
  return withTenant(db, tenant.id, async (tx) => {
    const scope = operatorScope(tenant.id);
    if ((await divisionOfItem(tx, scope, item)) !== divisionId) throw new NotFoundError(kindWords[item.kind]);
    return { item, result: await work(tx, scope, item) };
  });
}

export const trashList: Command = {
  words: ["trash", "list"],
  summary: "list a division's trash: deleted tickets, messages and waiting-list entries",
  options: { division: divisionOption },
  async run(values, context) {
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, items } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      return { division: await getDivision(tx, scope, divisionId), items: await listTrash(tx, scope, { divisionId }) };
    });
    const json = items.map(({ kind, ...item }) => ({ ...item, kind: kindWords[kind] }));
    return {
      json,
      human:
        items.length === 0
          ? `The trash of ${division.name} (${division.tag}) is empty.`
          : table(
              ["KIND", "ID", "TICKET", "SUBJECT", "DELETED", "BY", "DELETED FOR GOOD"],
              items.map((item) => [
                kindWords[item.kind],
                item.id,
                item.ticketNumber === null ? "-" : `[${division.tag}#${item.ticketNumber}]`,
                item.subject || "-",
                moment(item.deletedAt),
                item.deletedBy?.name ?? "-",
                moment(item.purgeAt),
              ]),
            ),
    };
  },
};

export const trashDelete: Command = {
  words: ["trash", "delete"],
  summary: "move a ticket, a message or a waiting-list entry to the trash",
  options: itemOptions,
  async run(values, context) {
    const { item } = await onItem(values, context, (tx, scope, item) => moveToTrash(tx, scope, item));
    return { json: { ...item, kind: kindWords[item.kind], trashed: true }, human: `Moved the ${kindWords[item.kind]} to the trash.` };
  },
};

export const trashRestore: Command = {
  words: ["trash", "restore"],
  summary: "put an item of the trash back where it was",
  options: itemOptions,
  async run(values, context) {
    const { item } = await onItem(values, context, (tx, scope, item) => restoreFromTrash(tx, scope, item));
    return { json: { ...item, kind: kindWords[item.kind], restored: true }, human: `Restored the ${kindWords[item.kind]}.` };
  },
};

export const trashPurge: Command = {
  words: ["trash", "purge"],
  summary: "delete an item of the trash for good, with its mail and attachments",
  description:
    "Only an item in the trash can be purged. Its raw mail, attachments and messages are deleted; an\n" +
    "audit entry without content stays. A POP3 mailbox that removes kept copies when deleted here\n" +
    "deletes the copy on the server at its next poll.",
  options: itemOptions,
  async run(values, context) {
    const { item, result } = await onItem(values, context, (tx, scope, item) => purgeFromTrash(tx, scope, item));
    return {
      json: { ...item, kind: kindWords[item.kind], purged: result },
      human: labelled([
        ["purged", `${kindWords[item.kind]} ${item.id}`],
        ["messages", String(result.messages)],
        ["attachments", String(result.attachments)],
        ["emails emptied", String(result.inboundEmails)],
        ["outbox rows", String(result.outbox)],
      ]),
    };
  },
};

export const trashEmpty: Command = {
  words: ["trash", "empty"],
  summary: "delete everything in a division's trash for good",
  options: { division: divisionOption },
  async run(values, context) {
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const result = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      await getDivision(tx, scope, divisionId);
      return emptyTrash(tx, scope, { divisionId });
    });
    return {
      json: result,
      human: labelled([
        ["tickets", String(result.tickets)],
        ["messages", String(result.messages)],
        ["attachments", String(result.attachments)],
        ["emails emptied", String(result.inboundEmails)],
        ["outbox rows", String(result.outbox)],
      ]),
    };
  },
};

export const trashCommands = [trashList, trashDelete, trashRestore, trashPurge, trashEmpty];
