import { describe, expect, it } from "vitest";
import { BACKOFF } from "../../../lib/dispatch/backoff";
import { type ConnectionState, decideConnection, isFailing } from "../../../lib/dispatch/connection-state";

const HOUR = 60 * 60_000;
const input = { intervalMs: 5 * 60_000, random: () => 0.5 };
const stored = (state: ConnectionState, failureCount = 0) => ({ state, failureCount });

describe("a mailbox's connection state", () => {
  it("is connected after any poll that goes through, back on the division's interval", () => {
    for (const state of ["new", "connected", "backoff", "authFailed", "needsReconnect"] as const) {
      expect(decideConnection(stored(state, 4), { type: "polled" }, input)).toEqual({
        state: "connected",
        failureCount: 0,
        nextPollInMs: 5 * 60_000,
      });
    }
  });

  it("is due again at once after a poll that stopped at its batch limit with more mail waiting", () => {
    expect(decideConnection(stored("backoff", 2), { type: "polled", more: true }, input)).toEqual({
      state: "connected",
      failureCount: 0,
      nextPollInMs: 0,
    });
    expect(decideConnection(stored("connected"), { type: "polled", more: false }, input).nextPollInMs).toBe(5 * 60_000);
  });

  it("backs off after a failure that may pass by itself, longer with each one in a row", () => {
    const first = decideConnection(stored("connected"), { type: "failed", failure: "timeout" }, input);
    expect(first).toEqual({ state: "backoff", failureCount: 1, nextPollInMs: BACKOFF.baseMs });
    const fourth = decideConnection(stored("backoff", 3), { type: "failed", failure: "connectionRefused" }, input);
    expect(fourth).toEqual({ state: "backoff", failureCount: 4, nextPollInMs: 8 * BACKOFF.baseMs });
    expect(decideConnection(stored("backoff", 30), { type: "failed", failure: "hostNotFound" }, input).nextPollInMs).toBe(HOUR);
  });

  it("says authFailed when the server refuses the login, and waits at least 15 minutes", () => {
    const refused = decideConnection(stored("connected"), { type: "failed", failure: "loginFailed" }, input);
    expect(refused).toEqual({ state: "authFailed", failureCount: 1, nextPollInMs: BACKOFF.loginFailedMinMs });
    // A password fixed in the meantime and then a network failure: no longer a login problem.
    expect(decideConnection(stored("authFailed", 2), { type: "failed", failure: "timeout" }, input).state).toBe("backoff");
  });

  it("needs a reconnect once the grant is revoked, and stays so through failures until a poll goes through", () => {
    const revoked = decideConnection(stored("connected"), { type: "failed", failure: "oauthRevoked" }, input);
    expect(revoked).toEqual({ state: "needsReconnect", failureCount: 1, nextPollInMs: HOUR });
    const again = decideConnection(stored("needsReconnect", 1), { type: "failed", failure: "loginFailed" }, input);
    expect(again).toEqual({ state: "needsReconnect", failureCount: 2, nextPollInMs: HOUR });
    expect(decideConnection(stored("needsReconnect", 2), { type: "polled" }, input).state).toBe("connected");
  });

  it("counts backoff, authFailed and needsReconnect as failing, new and connected not", () => {
    expect((["new", "connected", "backoff", "authFailed", "needsReconnect"] as const).filter(isFailing)).toEqual([
      "backoff",
      "authFailed",
      "needsReconnect",
    ]);
  });
});
