import { describe, expect, it } from "vitest";
import { moreWaiting } from "../../../lib/dispatch/poll-state";

const summary = (outcomes: Record<string, number>) => ({ fetched: 100, stored: 100, acknowledged: 100, outcomes });

describe("a poll that stops at its batch limit", () => {
  it("is followed by another at once when mail is left and its whole batch was handled", () => {
    expect(moreWaiting(true, summary({ ticket_created: 90, blocked: 10 }))).toBe(true);
  });

  it("is not, when nothing is left", () => {
    expect(moreWaiting(false, summary({ ticket_created: 100 }))).toBe(false);
  });

  it("is not, when a mail of its batch is still pending: its retries are not spent within seconds", () => {
    expect(moreWaiting(true, summary({ ticket_created: 99, pending: 1 }))).toBe(false);
  });
});
