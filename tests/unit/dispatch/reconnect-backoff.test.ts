import { describe, expect, it } from "vitest";
import { attemptsAfterDrop, RECONNECT, reconnectDelayMs } from "../../../lib/dispatch/reconnect-backoff";

const lowest = () => 0;
const highest = () => 1;

describe("the pause before an IDLE reconnect", () => {
  it("doubles from a second up to a minute, between half and all of each step", () => {
    const steps = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000];
    expect(steps.map((_, attempt) => reconnectDelayMs(attempt, highest))).toEqual(steps);
    expect(steps.map((_, attempt) => reconnectDelayMs(attempt, lowest))).toEqual(steps.map((step) => step / 2));
    expect(reconnectDelayMs(3, () => 0.5)).toBe(6_000);
  });

  it("spreads workers that lost their connections at the same moment over the whole window", () => {
    let seed = 7;
    // A small deterministic generator: the spread, not the generator, is what is tested.
    const random = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
    const pauses = Array.from({ length: 200 }, () => reconnectDelayMs(4, random));
    expect(Math.min(...pauses)).toBeGreaterThanOrEqual(8_000);
    expect(Math.max(...pauses)).toBeLessThanOrEqual(16_000);
    expect(new Set(pauses.map((ms) => Math.floor(ms / 1_000))).size).toBeGreaterThanOrEqual(7);
  });

  it("never waits more than the cap, however many attempts failed", () => {
    expect(reconnectDelayMs(1_000, highest)).toBe(RECONNECT.maxMs);
  });
});

describe("the attempt count after a connection ends", () => {
  it("starts over only once the connection stood for a minute", () => {
    expect(attemptsAfterDrop(5, RECONNECT.stableMs)).toBe(0);
    expect(attemptsAfterDrop(5, 10 * RECONNECT.stableMs)).toBe(0);
  });

  it("keeps counting when the server drops a connection soon after accepting it", () => {
    expect(attemptsAfterDrop(5, RECONNECT.stableMs - 1)).toBe(5);
    expect(attemptsAfterDrop(0, 200)).toBe(0);
    // A server that accepts and drops at once: the pauses keep growing instead of a reconnect a second.
    let attempt = 0;
    const pauses: number[] = [];
    for (let drop = 0; drop < 5; drop++) {
      attempt = attemptsAfterDrop(attempt, 500);
      pauses.push(reconnectDelayMs(attempt++, highest));
    }
    expect(pauses).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });
});
