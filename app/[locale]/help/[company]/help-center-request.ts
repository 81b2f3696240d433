import { notFound } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import type { Transaction } from "@/db/client";
import { withTenant } from "@/db/tenant";
import { findHelpCenter, type HelpCenter } from "@/lib/knowledge/help-center";

export interface HelpCenterRequest {
  helpCenter: HelpCenter;
  /** Reads in a transaction bound to the company (as the operator: lib/knowledge/help-center.ts shows only what is public). */
  read<T>(work: (tx: Transaction, tenantId: string) => Promise<T>): Promise<T>;
}

/**
 * The door of the public help center's pages: no session, the company by the address's slug, not
 * found when it has no help center. Cached per request, so the layout, the metadata and the page
 * share one lookup.
 */
export const helpCenterRequest = cache(async (companySlug: string): Promise<HelpCenterRequest> => {
  const db = await getDb();
  const helpCenter = await findHelpCenter(db, companySlug);
  if (!helpCenter) notFound();
  return { helpCenter, read: (work) => withTenant(db, helpCenter.id, (tx) => work(tx, helpCenter.id)) };
});
