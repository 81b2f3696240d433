import crypto from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database, Executor } from "@/db/client";
import { bindTenant, type TenantScope } from "@/db/tenant";
import { type Invite, invites, memberships, type Role, roleEnum, tenants, users } from "@/db/schema";
import { canAssignRole } from "@/lib/auth/roles";
import { hashPassword } from "@/lib/auth/password";
import { authenticate, type SignInClient } from "@/lib/auth/sign-in";
import { secondsUntil, waitMessage } from "@/lib/auth/throttle-policy";
import { recordAudit } from "@/lib/audit";
import { ForbiddenError, NotFoundError, RuleError } from "@/lib/errors";
import { locales } from "@/lib/i18n/routing";
import { emailAddress, newPassword, personName } from "@/lib/tenants/sign-up";

/** An invitation link works once, for this long. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60_000;

export const inviteSchema = z.object({
  email: emailAddress,
  role: z.enum(roleEnum.enumValues, "invalidChoice"),
});

function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** Creates an invitation; returns the token for the link (only its hash is stored). */
export async function createInvite(
  tx: Executor,
  scope: TenantScope,
  input: z.output<typeof inviteSchema>,
  now = new Date(),
): Promise<{ invite: Invite; token: string }> {
  if (!canAssignRole(scope.role, null, input.role)) throw new ForbiddenError();
  const [member] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(users.email, input.email)));
  if (member) throw new RuleError("invalidInput", { email: ["alreadyMember"] });

  const token = crypto.randomBytes(24).toString("base64url");
  const [invite] = await tx
    .insert(invites)
    .values({
      tenantId: scope.tenantId,
      email: input.email,
      role: input.role,
      tokenHash: hashToken(token),
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
  /** The invitee already has an account: they confirm with their password instead of choosing one. */
  existingUser: boolean;
}

/** What the invitation page shows; null when the link is unknown, used or expired. */
export async function inviteDetails(db: Database, token: string, now = new Date()): Promise<InviteDetails | null> {
  const [row] = await db
    .select({ invite: invites, tenant: tenants })
    .from(invites)
    .innerJoin(tenants, eq(tenants.id, invites.tenantId))
    .where(and(eq(invites.tokenHash, hashToken(token)), isNull(invites.acceptedAt), gt(invites.expiresAt, now)));
  if (!row) return null;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, row.invite.email));
  return {
    tenantName: row.tenant.name,
    tenantSlug: row.tenant.slug,
    email: row.invite.email,
    role: row.invite.role,
    existingUser: Boolean(user),
  };
}

export const acceptInviteSchema = z.object({
  token: z.string().min(1),
  name: personName.optional(),
  password: z.string().min(1, "required"),
  /** The language of the invitation page: a new member's language. Someone with an account keeps theirs. */
  locale: z.enum(locales).optional(),
});

/**
 * Accepts an invitation: a new person sets their name and password; someone with an account confirms
 * with their password. The link is spent atomically, so it works exactly once.
 */
export async function acceptInvite(
  db: Database,
  input: z.input<typeof acceptInviteSchema> & { client?: SignInClient },
  now = new Date(),
): Promise<{ userId: string; email: string; tenantSlug: string; locale: string }> {
  const details = await inviteDetails(db, input.token, now);
  if (!details) throw new RuleError("inviteInvalid");
  const [existing] = await db.select().from(users).where(eq(users.email, details.email));
  let passwordHash: string | null = null;
  if (existing) {
    // Confirming with a password is a sign-in: the same throttle guards it.
    const signIn = await authenticate(db, { email: existing.email, password: input.password, client: input.client, now });
    if (!signIn.ok && signIn.reason === "throttled") {
      const wait = waitMessage(secondsUntil(signIn.retryAt, now));
      throw new RuleError(wait.key, {}, wait.values);
    }
    if (!signIn.ok) throw new RuleError("invalidInput", { password: ["wrongPassword"] });
  } else {
    const name = personName.safeParse(input.name);
    const password = newPassword.safeParse(input.password);
    const fieldErrors: Record<string, string[]> = {};
    if (!name.success) fieldErrors.name = ["required"];
    if (!password.success) fieldErrors.password = ["passwordTooShort"];
    if (!name.success || !password.success) throw new RuleError("invalidInput", fieldErrors);
    passwordHash = await hashPassword(password.data);
  }

  return db.transaction(async (tx) => {
    const [spent] = await tx
      .update(invites)
      .set({ acceptedAt: now })
      .where(and(eq(invites.tokenHash, hashToken(input.token)), isNull(invites.acceptedAt), gt(invites.expiresAt, now)))
      .returning();
    if (!spent) throw new RuleError("inviteInvalid");
    const user =
      existing ??
      (
        await tx
          .insert(users)
          .values({
            email: spent.email,
            name: personName.parse(input.name),
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
