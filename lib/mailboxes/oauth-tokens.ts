import { and, eq, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { type Mailbox, mailboxes } from "@/db/schema";
import { type TenantScope, withTenant } from "@/db/tenant";
import { MailConnectionError } from "@/lib/mail/connection-error";
import { refreshTokens } from "@/lib/oauth/client";
import { classifyOAuthError } from "@/lib/oauth/failure";
import { type Env, type OAuthRegistration, registrationOf } from "@/lib/oauth/providers";
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

/**
 * Why no access token could be had: the grant is gone (revoked consent, deleted account, expired or
 * reused refresh token), the provider cannot answer now, or it refuses our client.
 */
export type TokenFailure = {
  type: "failed";
  failure: "oauthNotConnected" | "oauthRevoked" | "oauthUnavailable" | "oauthMisconfigured";
  detail: string;
};

/** What asking the provider for a new access token came to (lib/oauth refreshes; this stores). */
export type TokenRefresh =
  | { type: "refreshed"; accessToken: string; expiresAt: Date; /** The rotated one, or the same again. */ refreshToken: string }
  | TokenFailure;

export type Refresher = (refreshToken: string) => Promise<TokenRefresh>;

export type AccessToken = { type: "ok"; accessToken: string; expiresAt: Date } | TokenFailure;

/** Refreshed this long before it runs out: a poll or a send started with it must not see it expire. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export function needsRefresh(expiresAt: Date | null, now: Date, marginMs = REFRESH_MARGIN_MS): boolean {
  return expiresAt === null || expiresAt.getTime() - now.getTime() <= marginMs;
}

/**
 * An OAuth2 mailbox nobody has connected an account to yet: created from the new-mailbox page on
 * the way to the provider, and left there unfinished or still on its way back. It has nothing to sign
 * in with, so it waits (no poll, no failure) until its connect comes back with tokens.
 */
export function awaitsConnect(mailbox: Pick<Mailbox, "authKind" | "oauthTokensEnc">): boolean {
  return mailbox.authKind === "oauth2" && mailbox.oauthTokensEnc === null;
}

/** The same, in SQL: lists and the dispatcher's queries ask it of many rows without reading the sealed tokens. */
export const awaitsConnectSql = sql<boolean>`(${mailboxes.authKind} = 'oauth2' and ${mailboxes.oauthTokensEnc} is null)`;

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
    if (!row || !tokens) return { type: "failed", failure: "oauthNotConnected", detail: "The mailbox has no connected account" };
    if (!needsRefresh(row.oauthExpiresAt, options.now())) {
      return { type: "ok", accessToken: tokens.accessToken, expiresAt: row.oauthExpiresAt! };
    }
    const refreshed = await options.refresh(tokens.refreshToken);
    if (refreshed.type !== "refreshed") return refreshed;
    await saveTokens(tx, ref, refreshed, options.now());
    return { type: "ok", accessToken: refreshed.accessToken, expiresAt: refreshed.expiresAt };
  });
}

/** Refreshes at the provider the registration names, its failures sorted by what helps. */
export function providerRefresher(registration: OAuthRegistration): Refresher {
  return async (refreshToken) => {
    try {
      const tokens = await refreshTokens(registration, refreshToken);
      return { type: "refreshed", accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt };
    } catch (error) {
      const { type, detail } = classifyOAuthError(error);
      const failure =
        type === "revoked" ? "oauthRevoked" : type === "temporary" ? "oauthUnavailable" : "oauthMisconfigured";
      return { type: "failed", failure, detail };
    }
  };
}

/**
 * The access token the mailbox signs in with now, or undefined for a password mailbox; failures are
 * thrown as the MailConnectionError the poll or the send records. A grant found gone is not asked
 * about again until someone connects the account anew: the provider is not hammered hourly.
 */
export async function signInToken(
  db: Database,
  mailbox: Mailbox,
  options: { now: () => Date; env?: Env },
): Promise<string | undefined> {
  if (mailbox.authKind !== "oauth2") return undefined;
  const connectedSinceRevoked =
    mailbox.oauthConnectedAt !== null && (mailbox.lastErrorAt === null || mailbox.oauthConnectedAt > mailbox.lastErrorAt);
  if (mailbox.connectionState === "needsReconnect" && !connectedSinceRevoked) {
    throw new MailConnectionError("oauthRevoked", "Access was withdrawn; the account has not been connected again since");
  }
  const registration = mailbox.oauthProvider ? registrationOf(options.env ?? process.env, mailbox.oauthProvider) : null;
  if (!registration) {
    throw new MailConnectionError("oauthMisconfigured", `The ${mailbox.oauthProvider ?? "OAuth2"} provider is not configured`);
  }
  const token = await accessTokenFor(db, { tenantId: mailbox.tenantId, mailboxId: mailbox.id }, {
    now: options.now,
    refresh: providerRefresher(registration),
  });
  if (token.type === "failed") throw new MailConnectionError(token.failure, token.detail);
  return token.accessToken;
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
