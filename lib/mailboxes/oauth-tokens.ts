import { and, eq, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { type Mailbox, mailboxes } from "@/db/schema";
import { type TenantScope, withTenant } from "@/db/tenant";
import { openSecret, sealSecret } from "@/lib/secrets";

/**
 * A mailbox's OAuth2 tokens: sealed together in `oauth_tokens_enc`, the access token's expiry beside
 * them. An access token that runs out within REFRESH_MARGIN_MS is refreshed before it is handed out,
 * one refresh at a time per mailbox: providers rotate refresh tokens, and a second worker refreshing
 * with the token the first one just used would be refused, and at some providers (and by the OAuth 2.0
 * security BCP) revoke the whole grant. The refresh token the provider returns is stored every time.
 */

export interface OAuthTokenPair {
  accessToken: string;
  refreshToken: string;
}

/** What asking the provider for a new access token came to (lib/oauth refreshes; this stores). */
export type TokenRefresh =
  | { type: "refreshed"; accessToken: string; expiresAt: Date; /** The rotated one, or the same again. */ refreshToken: string }
  /** The grant is gone: revoked consent, deleted account, expired or reused refresh token. */
  | { type: "revoked"; detail: string }
  /** Anything that may pass by itself: the provider unreachable, a 5xx. */
  | { type: "failed"; detail: string };

export type Refresher = (refreshToken: string) => Promise<TokenRefresh>;

export type AccessToken =
  | { type: "ok"; accessToken: string; expiresAt: Date }
  | { type: "revoked"; detail: string }
  | { type: "failed"; detail: string };

/** Refreshed this long before it runs out: a poll or a send started with it must not see it expire. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export function needsRefresh(expiresAt: Date | null, now: Date, marginMs = REFRESH_MARGIN_MS): boolean {
  return expiresAt === null || expiresAt.getTime() - now.getTime() <= marginMs;
}

export function openTokens(mailbox: Pick<Mailbox, "oauthTokensEnc">): OAuthTokenPair | null {
  if (!mailbox.oauthTokensEnc) return null;
  return JSON.parse(openSecret(mailbox.oauthTokensEnc)) as OAuthTokenPair;
}

function sealTokens(tokens: OAuthTokenPair): string {
  return sealSecret(JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }));
}

/**
 * The mailbox's access token, fresh for at least the margin. Under a transaction-level advisory lock
 * per mailbox the row is read again: a worker that waited for another's refresh finds the token it
 * stored and asks the provider nothing.
 */
export async function accessTokenFor(
  db: Database,
  ref: { tenantId: string; mailboxId: string },
  options: { now: () => Date; refresh: Refresher },
): Promise<AccessToken> {
  return withTenant(db, ref.tenantId, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`oauth:${ref.mailboxId}`}, 0))`);
    const [row] = await tx
      .select({ oauthTokensEnc: mailboxes.oauthTokensEnc, oauthExpiresAt: mailboxes.oauthExpiresAt })
      .from(mailboxes)
      .where(and(eq(mailboxes.tenantId, ref.tenantId), eq(mailboxes.id, ref.mailboxId)));
    const tokens = row ? openTokens(row) : null;
    if (!row || !tokens) return { type: "revoked", detail: "The mailbox has no connected account" };
    if (!needsRefresh(row.oauthExpiresAt, options.now())) {
      return { type: "ok", accessToken: tokens.accessToken, expiresAt: row.oauthExpiresAt! };
    }
    const refreshed = await options.refresh(tokens.refreshToken);
    if (refreshed.type !== "refreshed") return refreshed;
    await saveTokens(tx, ref, refreshed, options.now());
    return { type: "ok", accessToken: refreshed.accessToken, expiresAt: refreshed.expiresAt };
  });
}

async function saveTokens(
  tx: Executor,
  ref: { tenantId: string; mailboxId: string },
  tokens: OAuthTokenPair & { expiresAt: Date },
  now: Date,
): Promise<void> {
  await tx
    .update(mailboxes)
    .set({ oauthTokensEnc: sealTokens(tokens), oauthExpiresAt: tokens.expiresAt, updatedAt: now })
    .where(and(eq(mailboxes.tenantId, ref.tenantId), eq(mailboxes.id, ref.mailboxId)));
}

/**
 * A connect flow came back with tokens: the mailbox logs in with them from now on, as `account`
 * (who granted access) connected by `connectedBy`, and is polled at once.
 */
export async function connectAccount(
  tx: Executor,
  scope: TenantScope,
  input: {
    mailboxId: string;
    provider: NonNullable<Mailbox["oauthProvider"]>;
    tokens: OAuthTokenPair & { expiresAt: Date };
    account: string;
    now: Date;
  },
): Promise<void> {
  await tx
    .update(mailboxes)
    .set({
      authKind: "oauth2",
      oauthProvider: input.provider,
      oauthTokensEnc: sealTokens(input.tokens),
      oauthExpiresAt: input.tokens.expiresAt,
      oauthAccount: input.account,
      oauthConnectedBy: scope.userId,
      oauthConnectedAt: input.now,
      nextPollAt: input.now,
      updatedAt: input.now,
    })
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, input.mailboxId)));
}
