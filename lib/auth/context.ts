import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { memberships, type Role, tenants, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/** Who is acting, in which tenant, with which role: handed to every page and server action. */
export interface TenantContext {
  user: { id: string; email: string; name: string; locale: string };
  tenant: { id: string; slug: string; name: string };
  role: Role;
  mayPurge: boolean;
  mayReadOthersMailboxes: boolean;
}

/** The user's membership in the tenant named by `slug`, or null when there is none. */
export async function resolveTenantContext(
  db: Executor,
  userId: string,
  slug: string,
): Promise<TenantContext | null> {
  const [row] = await db
    .select({ user: users, tenant: tenants, membership: memberships })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.userId, userId), eq(tenants.slug, slug)));
  if (!row) return null;
  return {
    user: { id: row.user.id, email: row.user.email, name: row.user.name, locale: row.user.locale },
    tenant: { id: row.tenant.id, slug: row.tenant.slug, name: row.tenant.name },
    role: row.membership.role,
    mayPurge: row.membership.mayPurge,
    mayReadOthersMailboxes: row.membership.mayReadOthersMailboxes,
  };
}

/** The tenants a user belongs to, first joined first. */
export async function userTenants(db: Executor, userId: string) {
  return db
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.createdAt);
}

export function scopeOf(ctx: TenantContext): TenantScope {
  return { tenantId: ctx.tenant.id, userId: ctx.user.id, role: ctx.role };
}
