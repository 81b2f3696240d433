import { describe, expect, it } from "vitest";
import {
  decidePublicAddress,
  isLoopbackHost,
  publicAddressWarnings,
  requestOriginOf,
  shouldRecordOrigin,
} from "../../lib/app-url";

const headers = (values: Record<string, string>) => new Headers(values);

describe("the public address links in mail use", () => {
  it("is POSTDESK_URL when set, over NEXTAUTH_URL and anything seen", () => {
    const env = { POSTDESK_URL: "https://help.example.com/", NEXTAUTH_URL: "https://auth.example.com" };
    expect(decidePublicAddress(env, "http://seen.example.com")).toEqual({ origin: "https://help.example.com", source: "configured" });
    expect(decidePublicAddress({ NEXTAUTH_URL: "https://auth.example.com" }, null)).toEqual({
      origin: "https://auth.example.com",
      source: "configured",
    });
  });

  it("is the origin first seen when nothing is configured", () => {
    expect(decidePublicAddress({ PORT: "3100" }, "http://192.168.1.20:3100")).toEqual({
      origin: "http://192.168.1.20:3100",
      source: "firstSeen",
    });
  });

  it("falls back to localhost on the configured PORT, else 3000, before any request", () => {
    expect(decidePublicAddress({ PORT: "3100" }, null)).toEqual({ origin: "http://localhost:3100", source: "fallback" });
    expect(decidePublicAddress({}, null)).toEqual({ origin: "http://localhost:3000", source: "fallback" });
  });
});

describe("the origin a request came to", () => {
  it("is its Host over http when no proxy says otherwise", () => {
    expect(requestOriginOf(headers({ host: "localhost:3100" }))).toBe("http://localhost:3100");
  });

  it("is what the proxy in front says, by X-Forwarded-Host and X-Forwarded-Proto (their first value)", () => {
    expect(
      requestOriginOf(
        headers({ host: "127.0.0.1:3000", "x-forwarded-host": "help.example.com, inner", "x-forwarded-proto": "https,http" }),
      ),
    ).toBe("https://help.example.com");
  });

  it("drops the scheme's default port", () => {
    expect(requestOriginOf(headers({ host: "help.example.com:443", "x-forwarded-proto": "https" }))).toBe("https://help.example.com");
  });

  it("is none for a host that is no host (a path or user part smuggled in) or an unknown scheme", () => {
    expect(requestOriginOf(headers({ host: "evil.test/x" }))).toBeNull();
    expect(requestOriginOf(headers({ host: "user@evil.test" }))).toBeNull();
    expect(requestOriginOf(headers({ host: "help.example.com", "x-forwarded-proto": "ftp" }))).toBeNull();
    expect(requestOriginOf(headers({}))).toBeNull();
  });
});

describe("which request's origin is stored", () => {
  it("the first one", () => {
    expect(shouldRecordOrigin(null, "http://localhost:3100")).toBe(true);
  });

  it("no later one, once a public origin is stored", () => {
    expect(shouldRecordOrigin("https://help.example.com", "https://other.example.com")).toBe(false);
    expect(shouldRecordOrigin("https://help.example.com", "http://localhost:3000")).toBe(false);
    expect(shouldRecordOrigin("https://help.example.com", "https://help.example.com")).toBe(false);
  });

  it("a public one over a loopback one (tried on the machine itself first), but no loopback over loopback", () => {
    expect(shouldRecordOrigin("http://localhost:3000", "http://192.168.1.20:3000")).toBe(true);
    expect(shouldRecordOrigin("http://127.0.0.1:3000", "https://help.example.com")).toBe(true);
    expect(shouldRecordOrigin("http://localhost:3000", "http://127.0.0.1:3000")).toBe(false);
  });

  it("names loopback hosts: localhost and its subdomains, 127.0.0.0/8, [::1]", () => {
    expect(["localhost", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]"].every(isLoopbackHost)).toBe(true);
    expect(["example.com", "192.168.1.20", "[::2]", "localhost.example.com"].some(isLoopbackHost)).toBe(false);
  });
});

describe("what the settings page warns of", () => {
  it("nothing when the page is open at the address in use", () => {
    expect(publicAddressWarnings("https://help.example.com", "https://help.example.com")).toEqual([]);
    expect(publicAddressWarnings("http://localhost:3000", "http://localhost:3000")).toEqual([]);
  });

  it("an address other than the page's", () => {
    expect(publicAddressWarnings("https://help.example.com", "https://desk.example.com")).toEqual(["differs"]);
    expect(publicAddressWarnings("http://localhost:3000", "http://localhost:3100")).toEqual(["differs"]);
  });

  it("a loopback address while the page is not on loopback, said instead of 'differs'", () => {
    expect(publicAddressWarnings("http://localhost:3000", "https://help.example.com")).toEqual(["loopback"]);
  });

  it("plain http to a host that is not loopback, even when the page is open there", () => {
    expect(publicAddressWarnings("http://help.example.com", "http://help.example.com")).toEqual(["insecure"]);
    expect(publicAddressWarnings("http://help.example.com", "https://help.example.com")).toEqual(["differs", "insecure"]);
  });

  it("only what the address itself shows when the request's origin is unknown", () => {
    expect(publicAddressWarnings("http://help.example.com", null)).toEqual(["insecure"]);
    expect(publicAddressWarnings("https://help.example.com", null)).toEqual([]);
  });

  it("compares origins, so a configured address with a path is right at its origin", () => {
    expect(publicAddressWarnings("https://example.com/help", "https://example.com")).toEqual([]);
  });
});
