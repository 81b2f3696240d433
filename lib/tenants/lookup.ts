import { eq, getTableColumns } from "drizzle-orm";
import type { Database } from "@/db/client";
import { divisions, knowledgeBases, mailboxes, type Tenant, tenants } from "@/db/schema";

/*
 * System lookups that come before any tenant is known: the CLI names a tenant by its slug, and a
 * division or a mailbox by its id alone. They run as the connecting user, outside `withTenant`; the
 * work that follows belongs inside `withTenant` with the tenant found here.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findTenantBySlug(db: Database, slug: string): Promise<Tenant | null> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  return tenant ?? null;
}

/** The tenant a division belongs to; null when there is no such division (or the id is no uuid). */
export async function findTenantOfDivision(db: Database, divisionId: string): Promise<Tenant | null> {
  // Postgres rejects a malformed uuid with an error; to a caller it is simply not found.
  if (!UUID.test(divisionId)) return null;
  const [row] = await db
    .select(getTableColumns(tenants))
    .from(divisions)
    .innerJoin(tenants, eq(tenants.id, divisions.tenantId))
    .where(eq(divisions.id, divisionId));
  return row ?? null;
}

/** The tenant a mailbox belongs to; null when there is no such mailbox (or the id is no uuid). */
export async function findTenantOfMailbox(db: Database, mailboxId: string): Promise<Tenant | null> {
  if (!UUID.test(mailboxId)) return null;
  const [row] = await db
    .select(getTableColumns(tenants))
    .from(mailboxes)
    .innerJoin(tenants, eq(tenants.id, mailboxes.tenantId))
    .where(eq(mailboxes.id, mailboxId));
  return row ?? null;
}

/** The tenant a knowledge base belongs to; null when there is no such knowledge base (or the id is no uuid). */
export async function findTenantOfKnowledgeBase(db: Database, knowledgeBaseId: string): Promise<Tenant | null> {
  if (!UUID.test(knowledgeBaseId)) return null;
  const [row] = await db
    .select(getTableColumns(tenants))
    .from(knowledgeBases)
    .innerJoin(tenants, eq(tenants.id, knowledgeBases.tenantId))
    .where(eq(knowledgeBases.id, knowledgeBaseId));
  return row ?? null;
}
