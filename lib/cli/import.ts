import fs from "node:fs";
import path from "node:path";
import type { ImportSummary } from "@/lib/inbound/import";
import { progressBar } from "./progress";
import { type Command, CommandError, UsageError } from "./command";
import { outcomePairs } from "./inbound-outcomes";
import { divisionOption, tenantOfDivision } from "./lookup";
import { labelled } from "./output";

export const importCommand: Command = {
  words: ["import"],
  summary: "import mail files into a division, as if they had arrived in one of its mailboxes",
  description:
    "Each mail goes through the division's rules (spam, threading, automation mode) like polled mail.\n" +
    "A mail imported before is recognised by its content: importing again creates nothing new, and an\n" +
    "import stopped halfway (Ctrl-C stops after the mail at hand) continues where it stopped.\n" +
    "On a terminal a progress bar shows on stderr; the summary by outcome follows at the end.",
  options: { division: divisionOption },
  positionals: {
    value: "PATH…",
    description: "mbox files, Maildir folders, .eml files, and folders of them",
    required: true,
  },
  async run(values, context, positionals) {
    const paths = positionals.map((given) => path.resolve(context.callerDir, given));
    const missing = positionals.filter((_, index) => !fs.existsSync(paths[index]!));
    if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(", ")}`);

    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { importMails } = await import("@/lib/inbound/import");
    const progress = values.json || !process.stderr.isTTY ? null : progressBar("importing", "mails");
    const started = Date.now();
    let summary: ImportSummary;
    try {
      summary = await importMails(db, {
        tenantId: tenant.id,
        divisionId,
        paths,
        onProgress(step) {
          progress?.show(step);
          // Thrown between two mails: each one is stored and processed whole, or not at all.
          if (context.signal.aborted && step.done < step.total) {
            throw new CommandError(
              "interrupted",
              `stopped after ${step.done} of ${step.total} mails; importing again continues from there`,
            );
          }
        },
      });
    } finally {
      progress?.stop();
    }

    const seconds = (Date.now() - started) / 1000;
    return {
      json: summary,
      human:
        summary.total === 0
          ? `No mails found in ${positionals.join(", ")}.`
          : [
              `Imported ${summary.total} ${summary.total === 1 ? "mail" : "mails"} in ${seconds.toFixed(1)} s: ` +
                `${summary.imported} new, ${summary.alreadyImported} imported before.`,
              labelled(outcomePairs(summary.outcomes)),
            ].join("\n"),
    };
  },
};
