import type { InboundOutcome } from "@/db/schema";

/**
 * What became of inbound mail, in the words of the CLI's summaries (import, poll, report), in the
 * order a reader expects them. JSON keeps the outcome codes (`ticket_created`).
 */
const outcomeLabels: Record<InboundOutcome, string> = {
  ticket_created: "new ticket",
  ticket_message: "added to a ticket",
  waiting_list: "waiting list",
  duplicate: "duplicate",
  blocked: "blocked (spam sender)",
  loop: "mail loop",
  unprocessed: "unprocessed",
  pending: "pending (to be retried)",
};

type OutcomeCounts = Partial<Record<InboundOutcome, number>>;

function occurred(outcomes: OutcomeCounts): [InboundOutcome, number][] {
  return (Object.keys(outcomeLabels) as InboundOutcome[])
    .filter((outcome) => (outcomes[outcome] ?? 0) > 0)
    .map((outcome) => [outcome, outcomes[outcome] ?? 0]);
}

/** `label, count` pairs of the outcomes that occurred, indented, for `labelled`. */
export function outcomePairs(outcomes: OutcomeCounts, indent = "  "): [string, string][] {
  return occurred(outcomes).map(([outcome, n]) => [`${indent}${outcomeLabels[outcome]}`, String(n)]);
}

/** The outcomes on one line: "new ticket 2, added to a ticket 1"; "nothing" when there were none. */
export function outcomeLine(outcomes: OutcomeCounts): string {
  const parts = occurred(outcomes).map(([outcome, n]) => `${outcomeLabels[outcome]} ${n}`);
  return parts.length > 0 ? parts.join(", ") : "nothing";
}
