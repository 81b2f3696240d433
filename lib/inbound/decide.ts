import type { AutomationMode, TicketStatus } from "@/db/schema";
import { domainOf } from "@/lib/mail/addresses";
import type { Automated, ParsedEmail } from "@/lib/mail/types";

/**
 * What becomes of one inbound email, decided from plain data: no database, no clock of its own.
 * The order of the rules is the order of ARCHITECTURE.md's flow: spam, machines and loops, threading,
 * then the division's automation mode.
 */

/** A reply this long after its ticket was closed starts a new ticket that points at the old one. */
export const REOPEN_WINDOW_DAYS = 30;

export type ThreadReason = "header" | "token" | "tag" | "subject";

export interface ThreadMatch {
  ticketId: string;
  status: TicketStatus;
  closedAt: Date | null;
  reason: ThreadReason;
}

export type WaitingReason =
  | "automationMode"
  | "unknownSender"
  | "missingFrom"
  | "autoReply"
  | "bounce"
  | "mailingList"
  | "bulk";

export type UnprocessedReason = "tooLarge" | "pgpFailed" | "processingFailed";

export type Decision =
  | { outcome: "blocked"; reason: "spamSender" }
  | { outcome: "loop"; reason: string }
  | { outcome: "waiting_list"; reason: WaitingReason }
  | { outcome: "ticket_message"; ticketId: string; asNote: boolean; reopen: boolean; reason: ThreadReason }
  | {
      outcome: "ticket_created";
      registerContact: boolean;
      highlighted: boolean;
      followUpOfId: string | null;
    };

export interface DecisionInput {
  email: ParsedEmail;
  automated: Automated | null;
  division: {
    automationMode: AutomationMode;
    spamDomains: string[];
    highlightDomains: string[];
  };
  thread: ThreadMatch | null;
  contactExists: boolean;
  now: Date;
}

const waitingReasonOf: Record<Exclude<Automated["kind"], "loop" | "own_notification">, WaitingReason> = {
  auto_reply: "autoReply",
  bounce: "bounce",
  list: "mailingList",
  bulk: "bulk",
};

/** Whether an address is on a list of domains (a domain also covers its subdomains) or addresses. */
export function listedSender(address: string, list: string[]): boolean {
  const lower = address.toLowerCase();
  const domain = domainOf(lower);
  return list.some((entry) => {
    const item = entry.toLowerCase();
    if (item.includes("@")) return item === lower;
    return domain === item || domain.endsWith(`.${item}`);
  });
}

export function decideInbound(input: DecisionInput): Decision {
  const { email, automated, division, thread } = input;
  const sender = email.from?.address ?? null;

  if (sender && listedSender(sender, division.spamDomains)) return { outcome: "blocked", reason: "spamSender" };

  if (automated) {
    if (automated.kind === "loop" || automated.kind === "own_notification") {
      return { outcome: "loop", reason: automated.kind };
    }
    // A bounce or auto-reply about one of our messages belongs on that ticket, as a note staff see
    // and customers never do; it never reopens the ticket nor triggers anything.
    if (thread?.reason === "header" || thread?.reason === "token") {
      return { outcome: "ticket_message", ticketId: thread.ticketId, asNote: true, reopen: false, reason: thread.reason };
    }
    return { outcome: "waiting_list", reason: waitingReasonOf[automated.kind] };
  }

  if (!sender) return { outcome: "waiting_list", reason: "missingFrom" };

  const highlighted = listedSender(sender, division.highlightDomains);
  let followUpOfId: string | null = null;
  if (thread) {
    const closedLongAgo =
      thread.status === "closed" &&
      thread.closedAt !== null &&
      input.now.getTime() - thread.closedAt.getTime() > REOPEN_WINDOW_DAYS * 86_400_000;
    if (!closedLongAgo) {
      return {
        outcome: "ticket_message",
        ticketId: thread.ticketId,
        asNote: false,
        reopen: thread.status === "closed",
        reason: thread.reason,
      };
    }
    followUpOfId = thread.ticketId;
  }

  switch (division.automationMode) {
    case "waiting_list":
      return { outcome: "waiting_list", reason: "automationMode" };
    case "convert_known":
      return input.contactExists
        ? { outcome: "ticket_created", registerContact: false, highlighted, followUpOfId }
        : { outcome: "waiting_list", reason: "unknownSender" };
    case "convert_and_register":
      return { outcome: "ticket_created", registerContact: !input.contactExists, highlighted, followUpOfId };
  }
}
