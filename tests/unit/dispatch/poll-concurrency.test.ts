import { describe, expect, it } from "vitest";
import { pollConcurrency } from "../../../lib/dispatch/worker";

describe("the polls a worker runs at once", () => {
  it("are 16 unless POSTDESK_POLL_CONCURRENCY says otherwise", () => {
    expect(pollConcurrency({})).toBe(16);
    expect(pollConcurrency({ POSTDESK_POLL_CONCURRENCY: "" })).toBe(16);
    expect(pollConcurrency({ POSTDESK_POLL_CONCURRENCY: "40" })).toBe(40);
  });

  it("refuse a setting that is no whole number above 0, rather than poll nothing", () => {
    for (const value of ["0", "-3", "2.5", "many"]) {
      expect(() => pollConcurrency({ POSTDESK_POLL_CONCURRENCY: value })).toThrow(/POSTDESK_POLL_CONCURRENCY/);
    }
  });
});
