import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Mailbox, memberships, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { configuredProviders, type Env, type OAuthProviderId } from "@/lib/oauth/providers";
import type { ConnectOutcome } from "./oauth-connect";
import { awaitsConnect } from "./oauth-tokens";

/**
 * What the mailbox page says about a mailbox's OAuth2 connection and which "Connect with …" buttons
 * it offers. The rule itself (only whoever connected it may connect it again while a member) is
 * enforced by startConnect and finishConnect; this only tells the page in advance, so it can say who
 * to ask instead of offering a button that would be refused.
 */

export interface MailboxConnection {
  provider: OAuthProviderId;
  /** Who the mail servers see: the provider's verified address, or the login address. */
  account: string | null;
  connectedAt: Date | null;
  /** Null when the person who connected it is no longer a member of the company. */
  connectedBy: { name: string; email: string } | null;
  /** Created to be connected, and not connected yet (abandoned at the provider): polling waits for it. */
  awaitingConnect: boolean;
  /** Access was found withdrawn: polling waits until the account is connected again. */
  needsReconnect: boolean;
  /** Whether the signed-in user may connect it again: its connector, or anyone once they have left. */
  mayReconnect: boolean;
}

export async function mailboxConnection(
  tx: Executor,
  scope: TenantScope,
  mailbox: Pick<
    Mailbox,
    "authKind" | "oauthProvider" | "oauthTokensEnc" | "oauthAccount" | "oauthConnectedAt" | "oauthConnectedBy" | "connectionState"
  >,
): Promise<MailboxConnection | null> {
  if (mailbox.authKind !== "oauth2" || !mailbox.oauthProvider) return null;
  const connector = mailbox.oauthConnectedBy;
  // Users are visible in a tenant only through their membership: one who left is not found.
  const [person] = connector
    ? await tx
        .select({ name: users.name, email: users.email })
        .from(users)
        .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.tenantId, scope.tenantId)))
        .where(eq(users.id, connector))
    : [];
  return {
    provider: mailbox.oauthProvider,
    account: mailbox.oauthAccount,
    connectedAt: mailbox.oauthConnectedAt,
    connectedBy: person ?? null,
    awaitingConnect: awaitsConnect(mailbox),
    needsReconnect: mailbox.connectionState === "needsReconnect",
    mayReconnect: !person || connector === scope.userId,
  };
}

/**
 * The providers this deployment offers, by id and name. A half-configured provider is logged and
 * none are offered: the page still shows, and the log names the variable to fix.
 */
export function offeredProviders(env: Env): { id: OAuthProviderId; name: string }[] {
  try {
    return configuredProviders(env).map((provider) => ({ id: provider.id, name: provider.name }));
  } catch (error) {
    console.error("The OAuth providers are misconfigured", error);
    return [];
  }
}

/** How a "Connect with …" came out, as the mailbox page's banner names it (a query parameter). */
export const CONNECT_RESULTS = [
  "connected",
  "unknownState",
  "expired",
  "wrongUser",
  "connectedByOther",
  "denied",
  "missingScopes",
  "revoked",
  "temporary",
  "misconfigured",
  "invalidResponse",
  /** Something unexpected: logged; the user may try again. */
  "error",
] as const;

export type ConnectResult = (typeof CONNECT_RESULTS)[number];

export function connectResultOf(outcome: ConnectOutcome): ConnectResult {
  if (outcome.type !== "failed") return outcome.type;
  // A denial is answered as its own outcome by finishConnect; here it can only be a provider's quirk.
  return outcome.failure.type;
}

export function isConnectResult(value: unknown): value is ConnectResult {
  return typeof value === "string" && (CONNECT_RESULTS as readonly string[]).includes(value);
}
