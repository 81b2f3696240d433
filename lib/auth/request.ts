import { getLocale } from "next-intl/server";
import { cache } from "react";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import type { Transaction } from "@/db/client";
import { withScope } from "@/db/tenant";
import { redirect } from "@/lib/i18n/navigation";
import { configuredProviderIds } from "@/lib/oauth/providers";
import { scopeOf, type TenantContext, tenantAccess } from "./context";
import { currentSession } from "./session";

export interface TenantRequest {
  ctx: TenantContext;
  /** Runs queries in a transaction bound to this tenant (row-level security on). */
  run<T>(work: (tx: Transaction, ctx: TenantContext) => Promise<T>): Promise<T>;
}

/**
 * The one door for pages under `[tenant]` (server actions have `tenantAction`): the signed-in user, their tenant and
 * role. Not signed in: off to sign-in. Signed in
 * otherwise than the company requires: off to sign in with its provider, or with two-step verification (or to set it up). Not a member of this tenant: not found, exactly as for a
 * tenant that does not exist, so slugs of other companies cannot be probed. Cached per request, so
 * the layout and the page share one lookup.
 */
export const tenantRequest = cache(async (slug: string): Promise<TenantRequest> => {
  const session = await currentSession();
  if (!session) {
    return redirect({ href: "/sign-in", locale: await getLocale() });
  }
  const db = await getDb();
  const access = await tenantAccess(db, session, slug, configuredProviderIds(process.env));
  if (access.type === "notFound") notFound();
  if (access.type === "signInRequired" || access.type === "twoFactorRequired") {
    return redirect({ href: `/sign-in/required/${slug}`, locale: await getLocale() });
  }
  const { ctx } = access;
  return { ctx, run: (work) => withScope(db, scopeOf(ctx), (tx) => work(tx, ctx)) };
});
