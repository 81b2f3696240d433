import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mailboxes } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { accessTokenFor, connectAccount, openTokens, type Refresher, type TokenRefresh } from "../../lib/mailboxes/oauth-tokens";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

const NOW = new Date("2026-12-06T10:00:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

/** A mailbox connected to an account whose access token runs out at `expiresAt`. */
async function connectedMailbox(expiresAt: Date) {
  const company = await makeTenant(db, "Tokens");
  const scope: TenantScope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" };
  const mailbox = await withTenant(db, company.tenant.id, async (tx) => {
    const [row] = await tx
      .insert(mailboxes)
      .values({
        tenantId: company.tenant.id,
        divisionId: company.divisionId,
        name: "Support",
        address: "support@tokens.test",
        protocol: "imap",
        host: "imap.tokens.test",
        port: 993,
        security: "tls",
        username: "support@tokens.test",
      })
      .returning();
    await connectAccount(tx, scope, {
      mailboxId: row!.id,
      provider: "oidc",
      tokens: { accessToken: "access-1", refreshToken: "refresh-1", expiresAt },
      account: "ada@tokens.test",
      now: NOW,
    });
    return row!;
  });
  const ref = { tenantId: company.tenant.id, mailboxId: mailbox.id };
  const stored = () =>
    withTenant(db, company.tenant.id, async (tx) => (await tx.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id)))[0]!);
  return { company, ref, stored };
}

/** A provider that rotates: each refresh answers with the next access and refresh token. */
function rotatingProvider(delayMs = 0) {
  const asked: string[] = [];
  const refresh: Refresher = async (refreshToken) => {
    asked.push(refreshToken);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const n = asked.length + 1;
    return { type: "refreshed", accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresAt: minutes(60) };
  };
  return { asked, refresh };
}

describe("a connected mailbox's access token", () => {
  it("is handed out as stored while it has more than five minutes left, without asking the provider", async () => {
    const { ref } = await connectedMailbox(minutes(30));
    const provider = rotatingProvider();
    const token = await accessTokenFor(db, ref, { now: () => NOW, refresh: provider.refresh });
    expect(token).toEqual({ type: "ok", accessToken: "access-1", expiresAt: minutes(30) });
    expect(provider.asked).toEqual([]);
  });

  it("is refreshed shortly before it runs out, and the rotated refresh token is the one used next time", async () => {
    const { ref, stored } = await connectedMailbox(minutes(4));
    const provider = rotatingProvider();
    expect(await accessTokenFor(db, ref, { now: () => NOW, refresh: provider.refresh })).toMatchObject({ accessToken: "access-2" });
    const row = await stored();
    expect(openTokens(row)).toEqual({ accessToken: "access-2", refreshToken: "refresh-2" });
    expect(row.oauthExpiresAt).toEqual(minutes(60));

    // An hour on, it runs out again: the provider is asked with the refresh token it gave last.
    await accessTokenFor(db, ref, { now: () => minutes(58), refresh: provider.refresh });
    expect(provider.asked).toEqual(["refresh-1", "refresh-2"]);
    expect(openTokens(await stored())).toEqual({ accessToken: "access-3", refreshToken: "refresh-3" });
  });

  it("is refreshed once when two workers need it at the same moment; the second gets the first one's token", async () => {
    const { ref } = await connectedMailbox(minutes(-1));
    const provider = rotatingProvider(300);
    const [a, b] = await Promise.all([
      accessTokenFor(db, ref, { now: () => NOW, refresh: provider.refresh }),
      accessTokenFor(db, ref, { now: () => NOW, refresh: provider.refresh }),
    ]);
    expect(provider.asked).toEqual(["refresh-1"]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ type: "ok", accessToken: "access-2" });
  });

  it("reports a revoked grant and a passing failure as such, and keeps the stored tokens untouched", async () => {
    const { ref, stored } = await connectedMailbox(minutes(-1));
    for (const answer of [
      { type: "failed", failure: "oauthRevoked", detail: "invalid_grant: grant request is invalid" },
      { type: "failed", failure: "oauthUnavailable", detail: "503 from the token endpoint" },
    ] satisfies TokenRefresh[]) {
      expect(await accessTokenFor(db, ref, { now: () => NOW, refresh: async () => answer })).toEqual(answer);
      expect(openTokens(await stored())).toEqual({ accessToken: "access-1", refreshToken: "refresh-1" });
    }
  });

  it("is sealed at rest, and the connection names who granted it, who connected it and when", async () => {
    const { company, stored } = await connectedMailbox(minutes(30));
    const row = await stored();
    expect(row.oauthTokensEnc).not.toContain("access-1");
    expect(row.oauthTokensEnc).not.toContain("refresh-1");
    expect(row).toMatchObject({
      authKind: "oauth2",
      oauthProvider: "oidc",
      oauthAccount: "ada@tokens.test",
      oauthConnectedBy: company.user.id,
      oauthConnectedAt: NOW,
    });
  });
});
