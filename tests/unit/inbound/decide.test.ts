import { describe, expect, it } from "vitest";
import { type DecisionInput, decideInbound, listedSender, REOPEN_WINDOW_DAYS } from "../../../lib/inbound/decide";
import type { ParsedEmail } from "../../../lib/mail/types";

const now = new Date("2026-11-23T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

function email(overrides: Partial<ParsedEmail> = {}): ParsedEmail {
  return {
    messageId: "m1@customer.test",
    inReplyTo: null,
    references: [],
    from: { address: "jan@customer.test", name: "Jan" },
    replyTo: [],
    to: [{ address: "support@acme.test" }],
    cc: [],
    subject: "Printer on fire",
    date: now,
    text: "Help",
    html: null,
    displayText: "Help",
    attachments: [],
    headers: {},
    problems: [],
    ...overrides,
  };
}

function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    email: email(),
    automated: null,
    division: { automationMode: "convert_and_register", spamDomains: [], highlightDomains: [] },
    thread: null,
    contactExists: false,
    now,
    ...overrides,
  };
}

const division = (patch: Partial<DecisionInput["division"]>) => ({ ...input().division, ...patch });

describe("deciding what becomes of an inbound email", () => {
  it("blocks a sender from a spam domain, its subdomains, or a listed address, before anything else", () => {
    const spam = division({ spamDomains: ["spam.test", "bad@other.test"] });
    for (const address of ["x@spam.test", "x@mail.spam.test", "bad@other.test"]) {
      expect(decideInbound(input({ division: spam, email: email({ from: { address } }) }))).toEqual({
        outcome: "blocked",
        reason: "spamSender",
      });
    }
    expect(decideInbound(input({ division: spam, email: email({ from: { address: "good@other.test" } }) })).outcome).toBe(
      "ticket_created",
    );
    expect(listedSender("x@notspam.test", ["spam.test"])).toBe(false);
  });

  it("drops loops and our own notifications coming back", () => {
    expect(decideInbound(input({ automated: { kind: "loop", evidence: "X-Loop" } }))).toEqual({
      outcome: "loop",
      reason: "loop",
    });
    expect(decideInbound(input({ automated: { kind: "own_notification", evidence: "From" } })).outcome).toBe("loop");
  });

  it("puts a bounce about one of our messages on its ticket as a note, without reopening it", () => {
    const thread = { ticketId: "t1", status: "closed" as const, closedAt: daysAgo(1), reason: "header" as const };
    expect(decideInbound(input({ automated: { kind: "bounce", evidence: "multipart/report" }, thread }))).toEqual({
      outcome: "ticket_message",
      ticketId: "t1",
      asNote: true,
      reopen: false,
      reason: "header",
    });
  });

  it("sends machine mail that refers to nothing of ours to the waiting list with its reason", () => {
    const cases = [
      ["auto_reply", "autoReply"],
      ["bounce", "bounce"],
      ["list", "mailingList"],
      ["bulk", "bulk"],
    ] as const;
    for (const [kind, reason] of cases) {
      expect(decideInbound(input({ automated: { kind, evidence: "x" } }))).toEqual({ outcome: "waiting_list", reason });
    }
    // A subject match is not enough for machine mail: only a header link to our message is.
    const bySubject = { ticketId: "t1", status: "open" as const, closedAt: null, reason: "subject" as const };
    expect(decideInbound(input({ automated: { kind: "auto_reply", evidence: "x" }, thread: bySubject })).outcome).toBe(
      "waiting_list",
    );
  });

  it("a mail without a sender waits, with the reason", () => {
    expect(decideInbound(input({ email: email({ from: null }) }))).toEqual({ outcome: "waiting_list", reason: "missingFrom" });
  });

  it("a reply joins its ticket, and reopens it when closed within the window", () => {
    const open = { ticketId: "t1", status: "answered" as const, closedAt: null, reason: "tag" as const };
    expect(decideInbound(input({ thread: open }))).toEqual({
      outcome: "ticket_message",
      ticketId: "t1",
      asNote: false,
      reopen: false,
      reason: "tag",
    });
    const closed = { ...open, status: "closed" as const, closedAt: daysAgo(REOPEN_WINDOW_DAYS - 1) };
    expect(decideInbound(input({ thread: closed }))).toMatchObject({ outcome: "ticket_message", reopen: true });
  });

  it("a reply long after its ticket closed starts a new ticket that points at the old one", () => {
    const closed = { ticketId: "old", status: "closed" as const, closedAt: daysAgo(REOPEN_WINDOW_DAYS + 1), reason: "header" as const };
    expect(decideInbound(input({ thread: closed, contactExists: true }))).toEqual({
      outcome: "ticket_created",
      registerContact: false,
      highlighted: false,
      followUpOfId: "old",
    });
  });

  it("applies the division's automation mode to new mail", () => {
    expect(decideInbound(input({ division: division({ automationMode: "waiting_list" }), contactExists: true }))).toEqual({
      outcome: "waiting_list",
      reason: "automationMode",
    });
    const known = division({ automationMode: "convert_known" });
    expect(decideInbound(input({ division: known, contactExists: false }))).toEqual({
      outcome: "waiting_list",
      reason: "unknownSender",
    });
    expect(decideInbound(input({ division: known, contactExists: true }))).toMatchObject({
      outcome: "ticket_created",
      registerContact: false,
    });
    expect(decideInbound(input({ contactExists: false }))).toMatchObject({ outcome: "ticket_created", registerContact: true });
  });

  it("highlights tickets from highlight domains", () => {
    const highlight = division({ highlightDomains: ["vip.test"] });
    expect(decideInbound(input({ division: highlight, email: email({ from: { address: "ceo@vip.test" } }) }))).toMatchObject({
      highlighted: true,
    });
  });
});
