import type { Role } from "@/db/schema";
import type { TenantContext } from "./auth/context";

/**
 * On whose behalf tenant work runs: the signed-in member in the web app, or the operator (no user,
 * full rights) in the CLI and background jobs. Business rules take this, never a tenant id from input.
 */
export interface TenantScope {
  tenantId: string;
  userId: string | null;
  role: Role;
}

export function scopeOf(ctx: TenantContext): TenantScope {
  return { tenantId: ctx.tenant.id, userId: ctx.user.id, role: ctx.role };
}

export function operatorScope(tenantId: string): TenantScope {
  return { tenantId, userId: null, role: "owner" };
}
