import { type MailboxRef, mailboxesToPoll } from "@/lib/dispatch/select";
import type { PollResult } from "@/lib/dispatch/poll";
import { type Command, UsageError } from "./command";
import { describeConnectionFailure } from "./connection-failures";
import { outcomeLine } from "./inbound-outcomes";
import { tenantOfDivision, tenantOfMailbox } from "./lookup";
import { moment } from "./output";

type PollReport = PollResult & { address: string; divisionId: string };

export const poll: Command = {
  words: ["poll"],
  summary: "fetch new mail now, from one mailbox, a division's or all of them",
  description:
    "Give one of --mailbox, --division or --all. Mailboxes are polled one after another, each as the\n" +
    "dispatcher would: a failure is recorded on its mailbox (see `mailbox list`) and the others go on.\n" +
    "Exits 1 when any mailbox failed.",
  options: {
    mailbox: { value: "ID", description: "this mailbox, even when switched off" },
    division: { value: "ID", description: "the division's active mailboxes" },
    all: { description: "every active mailbox of every division whose dispatcher is on" },
  },
  async run(values, context) {
    const chosen = ["mailbox", "division", "all"].filter((option) => values[option] !== undefined);
    if (chosen.length !== 1) {
      throw new UsageError(
        chosen.length === 0
          ? "say which mailboxes: --mailbox ID, --division ID or --all"
          : `give only one of ${chosen.map((option) => `--${option}`).join(", ")}`,
      );
    }
    const db = await context.database();
    // The lookups also refuse an id that is no uuid (as not found), before it reaches a query.
    let refs: MailboxRef[];
    if (values.mailbox !== undefined) {
      await tenantOfMailbox(db, values.mailbox);
      refs = await mailboxesToPoll(db, { mailboxId: values.mailbox });
    } else if (values.division !== undefined) {
      await tenantOfDivision(db, values.division);
      refs = await mailboxesToPoll(db, { divisionId: values.division });
    } else {
      refs = await mailboxesToPoll(db, { all: true });
    }

    const { pollMailbox } = await import("@/lib/dispatch/poll");
    const reports: PollReport[] = [];
    for (const ref of refs) {
      // Ctrl-C: the mailboxes polled so far are reported, the rest wait for the next poll.
      if (context.signal.aborted) break;
      const result = await pollMailbox(db, { tenantId: ref.tenantId, mailboxId: ref.mailboxId });
      reports.push({ ...result, address: ref.address, divisionId: ref.divisionId });
    }

    const failed = reports.filter((report) => !report.ok);
    const failedText = `${failed.length} of ${reports.length} mailboxes failed: ${addresses(failed)}`;
    const failure =
      reports.length < refs.length
        ? { code: "interrupted", message: `stopped after ${reports.length} of ${refs.length} mailboxes` }
        : failed.length > 0
          ? { code: "poll_failed", message: failedText }
          : undefined;
    return {
      json: reports,
      human:
        refs.length === 0
          ? values.all
            ? "No active mailboxes in divisions whose dispatcher is on."
            : "The division has no active mailboxes."
          : reports.map(reportLine).join("\n"),
      ...(failure ? { failure } : {}),
    };
  },
};

function reportLine(report: PollReport): string {
  const mailbox = `${report.address} (${report.mailboxId})`;
  if (!report.ok && report.nextPollAt === null) {
    return `${mailbox}: not polled: its OAuth2 account is not connected yet; connect it on the mailbox's page`;
  }
  if (!report.ok) {
    const why = describeConnectionFailure(report.failure, report.detail);
    return `${mailbox}: failed: ${why}; next try at ${moment(report.nextPollAt)}`;
  }
  const counts = `fetched ${report.fetched}, stored ${report.stored}, acknowledged ${report.acknowledged}`;
  const outcomes = report.fetched > 0 ? `: ${outcomeLine(report.outcomes)}` : "";
  const resync = report.resync
    ? " (the folder's UIDVALIDITY changed: its mail was read again, and mail stored before recognised)"
    : "";
  const more = report.more ? " (more mail is waiting: poll again; a running dispatcher does so at once)" : "";
  return `${mailbox}: ${counts}${outcomes}${resync}${more}`;
}

function addresses(reports: PollReport[]): string {
  return reports.map((report) => report.address).join(", ");
}
