import { describe, expect, it } from "vitest";
import { clientAddress, stampedForwardedFor, throttleAddress } from "../../../lib/auth/client-address";
import { deviceCookieValue, knownDevice } from "../../../lib/auth/device";
import { decideAttempt, delayAfter, secondsUntil, THROTTLE, waitMessage } from "../../../lib/auth/throttle-policy";

const account = THROTTLE.account;
const at = (ms: number) => new Date(Date.UTC(2026, 10, 1) + ms);

describe("the sign-in throttle's decision", () => {
  it("lets the first five failures of an account through freely, then doubles the wait from one second", () => {
    expect([0, 1, 2, 3, 4].map((n) => delayAfter(n, account))).toEqual([0, 0, 0, 0, 0]);
    expect([5, 6, 7, 8].map((n) => delayAfter(n, account))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("never waits longer than fifteen minutes, however many failures", () => {
    expect(delayAfter(15, account)).toBe(15 * 60_000);
    expect(delayAfter(1_000_000, account)).toBe(15 * 60_000);
  });

  it("gives a client address a larger free allowance than an account, and then slows it the same way", () => {
    expect(THROTTLE.address.freeFailures).toBeGreaterThan(account.freeFailures);
    expect(THROTTLE.address.freeFailures).toBeLessThan(30);
    expect(delayAfter(THROTTLE.address.freeFailures, THROTTLE.address)).toBe(1000);
  });

  it("admits an attempt once the wait after the last failure has passed, counting it as the next failure", () => {
    const record = { failures: 6, lastFailureAt: at(0) };
    expect(decideAttempt(record, at(1999), account)).toEqual({ type: "refuse", retryAt: at(2000) });
    expect(decideAttempt(record, at(2000), account)).toEqual({ type: "admit", failures: 7 });
  });

  it("starts afresh for a key with no record, or one idle longer than its window", () => {
    expect(decideAttempt(null, at(0), account)).toEqual({ type: "admit", failures: 1 });
    const stale = { failures: 40, lastFailureAt: at(0) };
    expect(decideAttempt(stale, at(10_000), account).type).toBe("refuse");
    expect(decideAttempt(stale, at(account.forgetAfterMs - 1), account)).toEqual({ type: "admit", failures: 41 });
    expect(decideAttempt(stale, at(account.forgetAfterMs), account)).toEqual({ type: "admit", failures: 1 });
  });

  it("tells the user the wait in seconds under a minute, else in whole minutes rounded up", () => {
    expect(secondsUntil(at(1500), at(0))).toBe(2);
    expect(secondsUntil(at(0), at(10))).toBe(1);
    expect(waitMessage(59)).toEqual({ key: "throttledSeconds", values: { count: 59 } });
    expect(waitMessage(61)).toEqual({ key: "throttledMinutes", values: { count: 2 } });
  });
});

describe("the client address", () => {
  it("believes only the entry our side appended: the peer, or with proxies in front the one the outermost added", () => {
    // A client-sent header comes first; the door appends the peer after it.
    const stamped = stampedForwardedFor("6.6.6.6", "203.0.113.9");
    expect(stamped).toBe("6.6.6.6, 203.0.113.9");
    expect(clientAddress(stamped, 0)).toBe("203.0.113.9");
    // One proxy in front: it appended the client, the door appended the proxy.
    expect(clientAddress("6.6.6.6, 198.51.100.7, 10.0.0.2", 1)).toBe("198.51.100.7");
    expect(clientAddress(undefined, 0)).toBeNull();
    expect(stampedForwardedFor(undefined, "127.0.0.1")).toBe("127.0.0.1");
  });

  it("counts an IPv6 client by its /64 network, and unwraps IPv4-mapped addresses", () => {
    expect(throttleAddress("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttleAddress("::ffff:192.0.2.4")).toBe("192.0.2.4");
    expect(throttleAddress("not an address")).toBeNull();
  });
});

describe("the known-device cookie", () => {
  it("names its device for the account it was issued for, and for no other", () => {
    const cookie = deviceCookieValue(null, "owner@acme.test");
    const id = knownDevice(cookie, "owner@acme.test");
    expect(id).toMatch(/^[\w-]{20,}$/);
    expect(knownDevice(cookie, "someone-else@acme.test")).toBeNull();
    // Renewed for the same device, it keeps its id.
    expect(knownDevice(deviceCookieValue(id, "owner@acme.test"), "owner@acme.test")).toBe(id);
  });

  it("refuses a forged or altered cookie", () => {
    const [id] = deviceCookieValue(null, "owner@acme.test").split(".");
    expect(knownDevice(`${id}.forged-signature`, "owner@acme.test")).toBeNull();
    expect(knownDevice(`other-id.${deviceCookieValue(null, "owner@acme.test").split(".")[1]}`, "owner@acme.test")).toBeNull();
    expect(knownDevice(undefined, "owner@acme.test")).toBeNull();
  });
});
