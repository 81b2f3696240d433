import { getScriptNonceFromHeader } from "next/dist/server/app-render/get-script-nonce-from-header";
import { describe, expect, it } from "vitest";
import { mailReaderOf, newNonce, pageContentSecurityPolicy, showsMail } from "@/lib/security/content-policy";

function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split(";").map((directive) => {
      const [name, ...sources] = directive.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe("a page's Content-Security-Policy", () => {
  const nonce = newNonce();
  const policy = directives(pageContentSecurityPolicy(nonce));

  it("runs scripts only with the response's nonce, and what they load, never inline or eval'd code", () => {
    expect(policy["script-src"]).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(policy["style-src"]).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(Object.values(policy).flat()).not.toContain("'unsafe-inline'");
    expect(Object.values(policy).flat()).not.toContain("'unsafe-eval'");
  });

  it("carries a nonce where Next.js looks for it to sign its own scripts", () => {
    expect(getScriptNonceFromHeader(pageContentSecurityPolicy(nonce))).toBe(nonce);
  });

  it("loads images only from us or the page itself, so a mail's remote images stay blocked", () => {
    expect(policy["img-src"]).toEqual(["'self'", "data:", "blob:"]);
    expect(policy["default-src"]).toEqual(["'self'"]);
  });

  it("lets no site frame the app, no <base> move its links, no plugin run, and forms post only to us", () => {
    expect(policy["frame-ancestors"]).toEqual(["'none'"]);
    expect(policy["base-uri"]).toEqual(["'none'"]);
    expect(policy["object-src"]).toEqual(["'none'"]);
    expect(policy["form-action"]).toEqual(["'self'"]);
  });

  it("under next dev, allows eval for React's error stacks and inline styles for hot reloading, still with the script nonce", () => {
    const dev = directives(pageContentSecurityPolicy(nonce, { development: true }));
    expect(dev["script-src"]).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", "'unsafe-eval'"]);
    expect(dev["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
  });
});

describe("the policy of a page that shows a mail", () => {
  const nonce = newNonce();
  const policy = directives(pageContentSecurityPolicy(nonce, { mailReader: { remoteImages: false } }));
  const asked = directives(pageContentSecurityPolicy(nonce, { mailReader: { remoteImages: true } }));

  it("lets the mail's frame, which runs under the page's policy too, apply inline styles, but loads no remote image unless asked", () => {
    expect(policy["style-src-attr"]).toEqual(["'unsafe-inline'"]);
    expect(policy["img-src"]).toEqual(["'self'", "data:", "blob:"]);
    expect(asked["img-src"]).toEqual(["'self'", "data:", "blob:", "https:", "http:"]);
  });

  it("asks for remote images only when the page's address says so", () => {
    expect(mailReaderOf(new URL("http://127.0.0.1/pl/acme/tickets/6f1c2a9e-0000-4000-8000-000000000001"))).toEqual({ remoteImages: false });
    expect(mailReaderOf(new URL("http://127.0.0.1/pl/acme/tickets/6f1c2a9e-0000-4000-8000-000000000001?images=always"))).toEqual({
      remoteImages: true,
    });
    expect(mailReaderOf(new URL("http://127.0.0.1/pl/acme/tickets?images=1"))).toBeUndefined();
  });

  it("still runs scripts and style elements only with the nonce", () => {
    expect(policy["script-src"]).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(policy["style-src"]).toEqual(["'self'", `'nonce-${nonce}'`]);
  });

  it("is a ticket's page and a waiting-list entry's, not the queue's or a settings page's", () => {
    expect(showsMail("/pl/acme/tickets/6f1c2a9e-0000-4000-8000-000000000001")).toBe(true);
    expect(showsMail("/en/acme/waiting-list/6f1c2a9e-0000-4000-8000-000000000001")).toBe(true);
    expect(showsMail("/en/acme/tickets")).toBe(false);
    expect(showsMail("/en/acme/waiting-list")).toBe(false);
    expect(showsMail("/en/acme/settings/divisions/x")).toBe(false);
    expect(showsMail("/en/acme/tickets/x/attachments/y")).toBe(false);
  });
});

describe("a nonce", () => {
  it("is 128 random bits in base64, different every time", () => {
    const nonces = Array.from({ length: 1000 }, newNonce);
    expect(new Set(nonces).size).toBe(1000);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    expect(nonces.every((nonce) => /^[A-Za-z0-9+/]{22}==$/.test(nonce))).toBe(true);
  });
});
