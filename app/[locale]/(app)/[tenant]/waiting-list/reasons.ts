import type { WaitingReason } from "@/lib/inbound/decide";

const REASONS: WaitingReason[] = ["automationMode", "unknownSender", "missingFrom", "autoReply", "bounce", "mailingList", "bulk"];

/** The message key under `waitingList.reasons` for why a mail was held. */
export function reasonOf(code: string | null): WaitingReason | "other" {
  return REASONS.find((reason) => reason === code) ?? "other";
}

/** Held because of the division's rules rather than what the mail is: shown in the brand's colour. */
export function heldByRule(code: string | null): boolean {
  return code === "automationMode" || code === "unknownSender";
}
