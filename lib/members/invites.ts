import { and, eq, gt, isNotNull, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database, Executor } from "@/db/client";
import { bindTenant, type TenantScope } from "@/db/tenant";
import { type Invite, invites, memberships, type Role, roleEnum, tenants, users } from "@/db/schema";
import { canAssignRole } from "@/lib/auth/roles";
import { newLinkToken, hashLinkToken } from "@/lib/auth/link-token";
import { decoyPasswordHash, hashPassword, verifyPassword } from "@/lib/auth/password";
import { newPasswordProblems } from "@/lib/auth/password-strength";
import { admitPasswordAttempt, passwordAccepted, type SignInClient, throttledRefusal } from "@/lib/auth/sign-in";
import { recordAudit } from "@/lib/audit";
import { ForbiddenError, NotFoundError, RuleError } from "@/lib/errors";
import { locales } from "@/lib/i18n/routing";
import { zodFieldErrors } from "@/lib/forms";
import { emailAddress, personName } from "@/lib/tenants/sign-up";

/** An invitation link works once, for this long. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60_000;

export const inviteSchema = z.object({
  email: emailAddress,
  role: z.enum(roleEnum.enumValues, "invalidChoice"),
  /** The language of the invitation mail (the invitee's; the form offers the inviter's first). */
  locale: z.enum(locales, "invalidChoice"),
});

/** Creates an invitation; returns the token for the link (only its hash is stored). */
export async function createInvite(
  tx: Executor,
  scope: TenantScope,
  input: Pick<z.output<typeof inviteSchema>, "email" | "role">,
  now = new Date(),
): Promise<{ invite: Invite; token: string }> {
  if (!canAssignRole(scope.role, null, input.role)) throw new ForbiddenError();
  const [member] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(users.email, input.email)));
  if (member) throw new RuleError("invalidInput", { email: ["alreadyMember"] });

  const { token, tokenHash } = newLinkToken();
  const [invite] = await tx
    .insert(invites)
    .values({
      tenantId: scope.tenantId,
      email: input.email,
      role: input.role,
      tokenHash,
      invitedBy: scope.userId,
      expiresAt: new Date(now.getTime() + INVITE_TTL_MS),
    })
    .returning();
  if (!invite) throw new Error("Invite insert returned nothing");
  await recordAudit(tx, scope, "invite.created", { type: "invite", id: invite.id }, {
    email: input.email,
    role: input.role,
  });
  return { invite, token };
}

/**
 * A pending invitation gets a new link, good for another INVITE_TTL_MS: the old link stops working
 * (only the new token's hash is kept). For "send again", when the first mail went astray.
 */
export async function renewInvite(
  tx: Executor,
  scope: TenantScope,
  inviteId: string,
  now = new Date(),
): Promise<{ invite: Invite; token: string }> {
  const [pending] = await tx
    .select()
    .from(invites)
    .where(and(eq(invites.tenantId, scope.tenantId), eq(invites.id, inviteId), isNull(invites.acceptedAt)))
    .for("update");
  if (!pending) throw new NotFoundError("invite");
  if (!canAssignRole(scope.role, null, pending.role)) throw new ForbiddenError();
  const { token, tokenHash } = newLinkToken();
  const [invite] = await tx
    .update(invites)
    .set({ tokenHash, invitedBy: scope.userId, expiresAt: new Date(now.getTime() + INVITE_TTL_MS) })
    .where(and(eq(invites.tenantId, scope.tenantId), eq(invites.id, pending.id)))
    .returning();
  if (!invite) throw new Error("Invite update returned nothing");
  await recordAudit(tx, scope, "invite.renewed", { type: "invite", id: invite.id }, { email: invite.email });
  return { invite, token };
}

export async function revokeInvite(tx: Executor, scope: TenantScope, inviteId: string): Promise<void> {
  const [invite] = await tx
    .select()
    .from(invites)
    .where(and(eq(invites.tenantId, scope.tenantId), eq(invites.id, inviteId), isNull(invites.acceptedAt)));
  if (!invite) throw new NotFoundError("invite");
  if (!canAssignRole(scope.role, null, invite.role)) throw new ForbiddenError();
  await tx.delete(invites).where(and(eq(invites.tenantId, scope.tenantId), eq(invites.id, inviteId)));
  await recordAudit(tx, scope, "invite.revoked", { type: "invite", id: inviteId }, { email: invite.email });
}

export interface InviteDetails {
  tenantName: string;
  tenantSlug: string;
  email: string;
  role: Role;
}

/**
 * What the invitation page shows; null when the link is unknown, used or expired. Not whether the
 * address has an account: whoever holds the link (the admin who made it, too) must not learn that.
 */
export async function inviteDetails(db: Database, token: string, now = new Date()): Promise<InviteDetails | null> {
  const [row] = await db
    .select({ invite: invites, tenant: tenants })
    .from(invites)
    .innerJoin(tenants, eq(tenants.id, invites.tenantId))
    .where(and(eq(invites.tokenHash, hashLinkToken(token)), isNull(invites.acceptedAt), gt(invites.expiresAt, now)));
  if (!row) return null;
  return { tenantName: row.tenant.name, tenantSlug: row.tenant.slug, email: row.invite.email, role: row.invite.role };
}

/**
 * Whether the link is one that was accepted already: its page and a second try say so, rather than
 * that the link is unknown. Whoever holds the link learns only that somebody accepted it.
 */
export async function inviteUsed(db: Database, token: string): Promise<boolean> {
  const [used] = await db
    .select({ id: invites.id })
    .from(invites)
    .where(and(eq(invites.tokenHash, hashLinkToken(token)), isNotNull(invites.acceptedAt)));
  return Boolean(used);
}

/** The refusal of a link that works no more: already used, or unknown, revoked or expired. */
async function spentLinkError(db: Database, token: string): Promise<RuleError> {
  return new RuleError((await inviteUsed(db, token)) ? "inviteUsed" : "inviteInvalid");
}

export const acceptInviteSchema = z.object({
  token: z.string().min(1),
  name: personName,
  password: z.string().min(1, "required").max(200, "tooLong"),
  /** The language of the invitation page: a new member's language. Someone with an account keeps theirs. */
  locale: z.enum(locales).optional(),
});

/**
 * Accepts an invitation. One form for everyone, a name and a password: someone who has an account
 * with the invited address joins with it when the password is theirs; otherwise the password must
 * be strong enough for a new account. Which case applied never shows in a refusal: it says the same
 * for the same password either way (and both count towards the sign-in throttle of the address), so
 * the link's holder learns nothing about the address. The link is spent atomically: it works once.
 */
export async function acceptInvite(
  db: Database,
  raw: z.input<typeof acceptInviteSchema> & { client?: SignInClient },
  now = new Date(),
): Promise<{ userId: string; email: string; tenantSlug: string; locale: string }> {
  const parsed = acceptInviteSchema.safeParse(raw);
  if (!parsed.success) throw new RuleError("invalidInput", zodFieldErrors(parsed.error));
  const input = parsed.data;
  const details = await inviteDetails(db, input.token, now);
  if (!details) throw await spentLinkError(db, input.token);
  // Confirming with a password is a sign-in, and choosing one looks the same from outside: the
  // sign-in throttle guards both alike.
  const admitted = await admitPasswordAttempt(db, details.email, raw.client, now);
  if (admitted.type === "refuse") throw throttledRefusal(admitted.retryAt, now);

  const [existing] = await db.select().from(users).where(eq(users.email, details.email));
  const weaknesses = newPasswordProblems(input.password, [details.email, input.name, details.tenantName]);
  // One argon2 computation in every case, so the time taken does not tell the cases apart either.
  let passwordHash: string | null = null;
  let accepted: boolean;
  if (existing) accepted = await verifyPassword(existing.passwordHash, input.password);
  else if (weaknesses.length === 0) {
    passwordHash = await hashPassword(input.password);
    accepted = true;
  } else {
    // Refused; checked against a decoy only to take as long as the other cases.
    await verifyPassword(await decoyPasswordHash(), input.password);
    accepted = false;
  }
  if (!accepted) throw new RuleError("invalidInput", { password: ["invitePasswordRefused", ...weaknesses] });
  await passwordAccepted(db, details.email, admitted.deviceId);

  return db.transaction(async (tx) => {
    const [spent] = await tx
      .update(invites)
      .set({ acceptedAt: now })
      .where(and(eq(invites.tokenHash, hashLinkToken(input.token)), isNull(invites.acceptedAt), gt(invites.expiresAt, now)))
      .returning();
    // Spent meanwhile by another request with the same link.
    if (!spent) throw new RuleError("inviteUsed");
    const user =
      existing ??
      (
        await tx
          .insert(users)
          .values({
            email: spent.email,
            name: input.name,
            passwordHash: passwordHash!,
            locale: input.locale ?? "en",
          })
          .returning()
      )[0]!;
    await bindTenant(tx, spent.tenantId);
    await tx
      .insert(memberships)
      .values({ tenantId: spent.tenantId, userId: user.id, role: spent.role })
      .onConflictDoNothing();
    await recordAudit(
      tx,
      { tenantId: spent.tenantId, userId: user.id, role: spent.role },
      "invite.accepted",
      { type: "invite", id: spent.id },
      { email: spent.email },
    );
    return { userId: user.id, email: user.email, tenantSlug: details.tenantSlug, locale: user.locale };
  });
}
