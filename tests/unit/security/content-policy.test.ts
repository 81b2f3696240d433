import { getScriptNonceFromHeader } from "next/dist/server/app-render/get-script-nonce-from-header";
import { describe, expect, it } from "vitest";
import { newNonce, pageContentSecurityPolicy } from "@/lib/security/content-policy";

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

describe("a nonce", () => {
  it("is 128 random bits in base64, different every time", () => {
    const nonces = Array.from({ length: 1000 }, newNonce);
    expect(new Set(nonces).size).toBe(1000);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    expect(nonces.every((nonce) => /^[A-Za-z0-9+/]{22}==$/.test(nonce))).toBe(true);
  });
});
