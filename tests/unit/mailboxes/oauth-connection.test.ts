import { describe, expect, it } from "vitest";
import { mailboxPagePath, returnPathOf } from "../../../app/api/oauth/callback/return-to";
import { CONNECT_RESULTS, connectResultOf, isConnectResult } from "../../../lib/mailboxes/oauth-connection";
import en from "../../../messages/en.json";
import pl from "../../../messages/pl.json";

const divisionId = "0b6f3c9e-6c2a-4d55-9a51-7d2f0e8b1a11";
const mailboxId = "5e0c1a2b-3d4e-4f50-8a61-b72c83d94e05";

describe("the outcome of a connect, as the mailbox page's banner names it", () => {
  it("names every outcome of finishConnect, a provider's failure by its kind", () => {
    expect(connectResultOf({ type: "connected", tenantId: "t", mailboxId: "m", account: "a@b.test" })).toBe("connected");
    expect(connectResultOf({ type: "expired" })).toBe("expired");
    expect(connectResultOf({ type: "connectedByOther", name: "Ada", email: "ada@b.test" })).toBe("connectedByOther");
    expect(connectResultOf({ type: "missingScopes", scopes: ["x"] })).toBe("missingScopes");
    expect(connectResultOf({ type: "failed", failure: { type: "temporary", detail: "503" } })).toBe("temporary");
    expect(connectResultOf({ type: "failed", failure: { type: "invalidResponse", detail: "bad state" } })).toBe("invalidResponse");
  });

  it("has a title and a hint in English and Polish for every outcome", () => {
    for (const result of CONNECT_RESULTS) {
      for (const messages of [en, pl]) {
        expect(messages.mailboxes.oauth.results[result]).toEqual({ title: expect.any(String), hint: expect.any(String) });
      }
    }
  });

  it("takes only a known outcome from the query string", () => {
    expect(isConnectResult("denied")).toBe(true);
    expect(isConnectResult("toString")).toBe(false);
    expect(isConnectResult(["denied"])).toBe(false);
  });
});

describe("where the callback sends the browser back to", () => {
  it("a mailbox page only: never another site or another page", () => {
    const page = mailboxPagePath("pl", "acme-1a2b", divisionId, mailboxId);
    expect(returnPathOf(page)).toBe(page);
    expect(returnPathOf(undefined)).toBeNull();
    expect(returnPathOf("//evil.test/pl/acme/settings")).toBeNull();
    expect(returnPathOf(`https://evil.test${page}`)).toBeNull();
    expect(returnPathOf(`${page}/../../../../../tickets`)).toBeNull();
    expect(returnPathOf(mailboxPagePath("de", "acme", divisionId, mailboxId))).toBeNull();
  });
});
