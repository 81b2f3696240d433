import crypto from "node:crypto";
import { and, eq, isNull, lt } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { findMailbox } from "@/db/queries/mailboxes";
import { type Mailbox, mailboxes, memberships, type OAuthConnectRequest, oauthConnectRequests, users } from "@/db/schema";
import { type TenantScope, withTenant } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { found, RuleError } from "@/lib/errors";
import { authorizationRequest, exchangeCode, type OAuthEmail, type OAuthTokens } from "@/lib/oauth/client";
import { OAuthError, type OAuthFailure } from "@/lib/oauth/failure";
import { type Env, missingMailScopes, type OAuthProviderId, registrationOf, type ServerPresets } from "@/lib/oauth/providers";
import { openSecret, sealSecret } from "@/lib/secrets";
import { connectAccount } from "./oauth-tokens";

/**
 * "Connect with Google / Microsoft / …" for a mailbox: the authorization code flow with PKCE, its
 * state bound to the user who started it and to the mailbox, usable once and for ten minutes. Only
 * the hash of the state is stored: a leaked row cannot finish anyone's connect. The callback stores
 * the tokens sealed (oauth-tokens.ts) and fills in the provider's mail servers.
 *
 * Whoever connected a mailbox's account is the only one who may connect it again while they are a
 * member: the account is theirs (or one they have access to), and a colleague reconnecting would
 * silently swap it for their own.
 */

/** Long enough to sign in and pass multi-factor prompts; a state older than this is refused. */
export const CONNECT_REQUEST_TTL_MS = 10 * 60_000;

/** The environment the provider registrations are read from (lib/oauth/providers). */
export interface ConnectDeps {
  env: Env;
}

export async function startConnect(
  tx: Executor,
  scope: TenantScope,
  input: { mailboxId: string; provider: OAuthProviderId; redirectUri: string; loginAddress?: string; now: Date },
  deps: ConnectDeps,
): Promise<{ url: string }> {
  const userId = scope.userId;
  if (!userId) throw new Error("Connecting a mailbox's account needs a signed-in user: the callback comes back to their session");
  const mailbox = found(await findMailbox(tx, scope, { mailboxId: input.mailboxId }), "mailbox");
  const registration = found(registrationOf(deps.env, input.provider), "OAuth provider");
  await refuseOtherConnector(tx, scope, mailbox);

  const loginAddress = input.loginAddress ?? mailbox.username;
  const request = await authorizationRequest(registration, {
    redirectUri: input.redirectUri,
    // A login address of its own is a shared mailbox: a colleague with access signs in, not the
    // mailbox, so hinting its address would only prefill the wrong account.
    ...(input.loginAddress === undefined ? { loginHint: mailbox.username } : {}),
  });
  // Requests nobody finished are of no use once expired; the tenant's are cleared as new ones start.
  await tx
    .delete(oauthConnectRequests)
    .where(and(eq(oauthConnectRequests.tenantId, scope.tenantId), lt(oauthConnectRequests.expiresAt, input.now)));
  await tx.insert(oauthConnectRequests).values({
    stateHash: stateHash(request.state),
    tenantId: scope.tenantId,
    userId,
    divisionId: mailbox.divisionId,
    mailboxId: mailbox.id,
    provider: input.provider,
    codeVerifierEnc: sealSecret(request.codeVerifier),
    nonceEnc: sealSecret(request.nonce),
    redirectUri: input.redirectUri,
    loginAddress,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + CONNECT_REQUEST_TTL_MS),
  });
  return { url: request.url };
}

export type ConnectOutcome =
  | { type: "connected"; tenantId: string; mailboxId: string; account: string }
  /** No request with this state: never issued, used already, or its mailbox deleted since. */
  | { type: "unknownState" }
  | { type: "expired" }
  /** The callback came back to another session than the one that started it (or its user left the company). */
  | { type: "wrongUser" }
  /** Someone else connected the mailbox while this request was open: only they may connect it again. */
  | { type: "connectedByOther"; name: string; email: string }
  /** The user said no on the provider's page. */
  | { type: "denied" }
  /** The user unticked permissions the mail servers need (Google lets them): the tokens could not sign in. */
  | { type: "missingScopes"; scopes: string[] }
  | { type: "failed"; failure: OAuthFailure };

/**
 * The provider sent the browser back to `callbackUrl`. The request is spent before anything else
 * is checked, so a callback is answered once whatever it turns out to be: a second one with the
 * same state, or one that reached another user's session (a leaked URL), finds nothing to use.
 */
export async function finishConnect(
  db: Database,
  input: { callbackUrl: string | URL; userId: string; now: Date },
  deps: ConnectDeps,
): Promise<ConnectOutcome> {
  const state = new URL(input.callbackUrl).searchParams.get("state");
  if (!state) return { type: "unknownState" };
  const request = await spendRequest(db, stateHash(state), input.now);
  const checked = checkRequest(request, input);
  if (checked.type !== "exchange") return checked;

  const registration = registrationOf(deps.env, checked.request.provider);
  if (!registration) {
    return { type: "failed", failure: { type: "misconfigured", detail: `${checked.request.provider} is no longer configured` } };
  }
  let tokens: OAuthTokens;
  try {
    tokens = await exchangeCode(registration, {
      callbackUrl: input.callbackUrl,
      redirectUri: checked.request.redirectUri,
      state,
      codeVerifier: openSecret(checked.request.codeVerifierEnc),
      nonce: openSecret(checked.request.nonceEnc),
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return error.failure.type === "denied" ? { type: "denied" } : { type: "failed", failure: error.failure };
  }
  const missing = missingMailScopes(registration.provider, tokens.scope);
  if (missing.length > 0) return { type: "missingScopes", scopes: missing };

  const { tenantId, mailboxId, provider } = checked.request;
  return withTenant(db, tenantId, async (tx) => {
    const [membership] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, input.userId)));
    if (!membership) return { type: "wrongUser" };
    const scope: TenantScope = { tenantId, userId: input.userId, role: membership.role };
    const mailbox = await findMailbox(tx, scope, { mailboxId });
    if (!mailbox) return { type: "unknownState" };
    const connectedBy = await otherConnectingMember(tx, scope, mailbox, input.userId);
    if (connectedBy) return { type: "connectedByOther", ...connectedBy };

    const loginAddress = checked.request.loginAddress ?? mailbox.username;
    const account = accountOf(tokens.email, loginAddress);
    await connectAccount(tx, scope, {
      mailboxId,
      provider,
      tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt },
      account,
      now: input.now,
    });
    await tx
      .update(mailboxes)
      .set({ username: loginAddress, ...presetColumns(registration.provider.presets, mailbox.protocol) })
      .where(and(eq(mailboxes.tenantId, tenantId), eq(mailboxes.id, mailboxId)));
    await recordAudit(tx, scope, "mailbox.oauthConnected", { type: "mailbox", id: mailboxId }, { provider, account });
    return { type: "connected", tenantId, mailboxId, account };
  });
}

type SpentRequest = OAuthConnectRequest & { mailboxId: string };

/**
 * What a spent request allows, from plain data: refusals as they are answered, else the exchange.
 * A request without a mailbox is for a mailbox not yet created, which this flow never starts.
 */
export function checkRequest(
  request: OAuthConnectRequest | null,
  callback: { userId: string; now: Date },
): { type: "unknownState" } | { type: "wrongUser" } | { type: "expired" } | { type: "exchange"; request: SpentRequest } {
  if (!request || request.mailboxId === null) return { type: "unknownState" };
  if (request.userId !== callback.userId) return { type: "wrongUser" };
  if (request.expiresAt.getTime() <= callback.now.getTime()) return { type: "expired" };
  return { type: "exchange", request: { ...request, mailboxId: request.mailboxId } };
}

/**
 * Who the mailbox is, as the mail servers see it: the provider's verified address for the person
 * who signed in, else the login address. An unverified address (any Microsoft one) is only a claim.
 */
export function accountOf(email: OAuthEmail | undefined, loginAddress: string): string {
  return email?.verified ? email.address : loginAddress;
}

/** The provider's servers for the mailbox's protocol and for sending, where it names them; the rest stays as set. */
export function presetColumns(
  presets: ServerPresets,
  protocol: Mailbox["protocol"],
): Partial<Pick<Mailbox, "host" | "port" | "security" | "smtpHost" | "smtpPort" | "smtpSecurity">> {
  const inbound = presets[protocol];
  return {
    ...(inbound ? { host: inbound.host, port: inbound.port, security: inbound.security } : {}),
    ...(presets.smtp ? { smtpHost: presets.smtp.host, smtpPort: presets.smtp.port, smtpSecurity: presets.smtp.security } : {}),
  };
}

/**
 * Marks the request used and returns it, or null when there is none unused. The tenant is not
 * known until the row is read, so this runs as the connecting user, outside row-level security, as
 * invitations are accepted; the conditional update lets exactly one of two concurrent callbacks win.
 */
async function spendRequest(db: Database, hash: string, now: Date): Promise<OAuthConnectRequest | null> {
  const [spent] = await db
    .update(oauthConnectRequests)
    .set({ usedAt: now })
    .where(and(eq(oauthConnectRequests.stateHash, hash), isNull(oauthConnectRequests.usedAt)))
    .returning();
  return spent ?? null;
}

/**
 * Signing in with the mailbox's account (connecting it again, testing the connection, loading or
 * creating folders) is its connector's while they are a member: anyone else is told whom to ask.
 */
export async function refuseOtherConnector(tx: Executor, scope: TenantScope, mailbox: Mailbox): Promise<void> {
  const connectedBy = await otherConnectingMember(tx, scope, mailbox, scope.userId);
  if (connectedBy) throw new RuleError("mailboxConnectedByOther", {}, connectedBy);
}

/**
 * The member who connected the mailbox's account, when that is someone other than `userId`; null
 * when anyone may connect it: never connected, signing in by password now, or its connector no
 * longer a member of the company (users are visible in a tenant only through their membership).
 */
async function otherConnectingMember(
  tx: Executor,
  scope: TenantScope,
  mailbox: Mailbox,
  userId: string | null,
): Promise<{ name: string; email: string } | null> {
  const connectedBy = mailbox.oauthConnectedBy;
  if (mailbox.authKind !== "oauth2" || !connectedBy || connectedBy === userId) return null;
  const [person] = await tx
    .select({ name: users.name, email: users.email })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.tenantId, scope.tenantId)))
    .where(eq(users.id, connectedBy));
  return person ?? null;
}

function stateHash(state: string): string {
  return crypto.createHash("sha256").update(state).digest("hex");
}
