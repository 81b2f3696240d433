import { operatorScope, withTenant } from "@/db/tenant";
import { outboxStatusEnum } from "@/db/schema";
import { clearErrors, listOutbox, outboxCounts, resetSending } from "@/lib/outbox/admin";
import { z } from "zod";
import { type Command, UsageError } from "./command";
import { divisionOption, tenantBySlug, tenantOfDivision } from "./lookup";
import { labelled, moment, table } from "./output";
import { progressBar } from "./progress";

export const send: Command = {
  words: ["send"],
  summary: "send the mail that is due in the outbox, of every division whose sending is on",
  description:
    "What the background sender does, once: each due mail goes through its mailbox's SMTP server.\n" +
    "Temporary failures (4xx, timeouts, connection errors) are tried again later with growing pauses;\n" +
    "permanent ones (5xx) are marked as errors (see `outbox list`). Mail of divisions whose sending is\n" +
    "off stays in the outbox and is counted as held. Exits 1 when any mail failed for good.",
  options: {
    tenant: { value: "SLUG", description: "only this company's mail" },
  },
  async run(values, context) {
    const db = await context.database();
    const tenantId = values.tenant !== undefined ? (await tenantBySlug(db, values.tenant)).id : undefined;
    const { sendOutbox } = await import("@/lib/outbox/send");
    const progress = values.json || !process.stderr.isTTY ? null : progressBar("sending", "mails");
    let summary;
    try {
      summary = await sendOutbox(db, {
        ...(tenantId ? { tenantId } : {}),
        onProgress: (step) => progress?.show(step),
        signal: context.signal,
      });
    } finally {
      progress?.stop();
    }
    return {
      json: summary,
      human: labelled([
        ["sent", String(summary.sent)],
        ["to retry", String(summary.retried)],
        ["failed", String(summary.failed)],
        ["held (sending off)", String(summary.held)],
        ["skipped (unsubscribed)", String(summary.skipped)],
      ]),
      ...(summary.failed > 0
        ? { failure: { code: "send_failed", message: `${summary.failed} mails failed; see \`postdesk outbox list\`` } }
        : {}),
    };
  },
};

const outboxList: Command = {
  words: ["outbox", "list"],
  summary: "show a division's outbox: what was sent, what waits and why",
  options: {
    division: divisionOption,
    status: { value: "STATUS", description: "only mail in this status", choices: outboxStatusEnum.enumValues },
  },
  async run(values, context) {
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const status = outboxStatusEnum.enumValues.find((s) => s === values.status);
    const { rows, counts } = await withTenant(db, tenant.id, async (tx) => ({
      rows: await listOutbox(tx, operatorScope(tenant.id), { divisionId, ...(status ? { status } : {}) }),
      counts: await outboxCounts(tx, operatorScope(tenant.id), divisionId),
    }));
    return {
      json: { counts, mails: rows },
      human: [
        labelled(Object.entries(counts).map(([name, n]) => [name, String(n)] as [string, string])),
        rows.length === 0
          ? "The outbox is empty."
          : table(
              ["id", "kind", "status", "to", "subject", "attempts", "next / sent", "error"],
              rows.map((row) => [
                row.id,
                row.kind,
                row.status,
                row.toAddresses.map((a) => a.address).join(", "),
                row.subject,
                String(row.attempts),
                moment(row.status === "sent" ? row.sentAt : row.nextAttemptAt),
                row.lastErrorCode ? `${row.lastErrorCode}: ${row.lastError ?? ""}` : "",
              ]),
            ),
      ].join("\n"),
    };
  },
};

function setBackCommand(word: "reset" | "clear"): Command {
  const reset = word === "reset";
  return {
    words: ["outbox", word],
    summary: reset
      ? 'reset mail stuck in "sending" to "ready" (seed: Reset Email Sending Status)'
      : "clear the error status of failed mail, so it is tried again (seed: Clear Email Error Status)",
    description: reset
      ? "Use it when a sender died mid-send. A mail that had in fact reached the server goes out once more,\n" +
        "with the same Message-ID, so mail clients show it once."
      : "Fix the cause first (the SMTP password, a missing server): the mail is tried again from scratch.",
    options: {
      division: divisionOption,
      id: { value: "ID", description: "only this mail (from `outbox list`); default: all of the division's" },
    },
    async run(values, context) {
      if (values.id !== undefined && !z.uuid().safeParse(values.id).success) {
        throw new UsageError(`--id: "${values.id}" is not a mail id from \`outbox list\``);
      }
      const db = await context.database();
      const divisionId = values.division!;
      const tenant = await tenantOfDivision(db, divisionId);
      const input = { divisionId, ...(values.id ? { ids: [values.id] } : {}) };
      const count = await withTenant(db, tenant.id, (tx) =>
        (reset ? resetSending : clearErrors)(tx, operatorScope(tenant.id), input),
      );
      return {
        json: { count },
        human: `${count} ${count === 1 ? "mail is" : "mails are"} ready to send again.`,
      };
    },
  };
}

export const outboxCommands: Command[] = [send, outboxList, setBackCommand("reset"), setBackCommand("clear")];
