import type { Database } from "@/db/client";
import type { Tenant } from "@/db/schema";
import { findTenantBySlug, findTenantOfDivision, findTenantOfKnowledgeBase, findTenantOfMailbox } from "@/lib/tenants/lookup";
import { CommandError, type OptionSpec } from "./command";

/**
 * The CLI names a company by its slug and a division or mailbox by its id alone; these find the
 * tenant to work in, or stop with "not found" (exit code 1).
 */

export const divisionOption: OptionSpec = {
  value: "ID",
  description: "the division's id, from `division list`",
  required: true,
};

export const tenantOption: OptionSpec = { value: "SLUG", description: "the company, by its slug", required: true };

export const mailboxOption: OptionSpec = {
  value: "ID",
  description: "the mailbox's id, from `mailbox list`",
  required: true,
};

export async function tenantBySlug(db: Database, slug: string): Promise<Tenant> {
  const tenant = await findTenantBySlug(db, slug);
  if (!tenant) throw new CommandError("not_found", `tenant not found: no company has the slug "${slug}"`);
  return tenant;
}

export async function tenantOfDivision(db: Database, divisionId: string): Promise<Tenant> {
  const tenant = await findTenantOfDivision(db, divisionId);
  if (!tenant) throw divisionNotFound(divisionId);
  return tenant;
}

export async function tenantOfMailbox(db: Database, mailboxId: string): Promise<Tenant> {
  const tenant = await findTenantOfMailbox(db, mailboxId);
  if (!tenant) throw mailboxNotFound(mailboxId);
  return tenant;
}

export async function tenantOfKnowledgeBase(db: Database, knowledgeBaseId: string): Promise<Tenant> {
  const tenant = await findTenantOfKnowledgeBase(db, knowledgeBaseId);
  if (!tenant) {
    throw new CommandError("not_found", `knowledge base not found: there is no knowledge base with the id "${knowledgeBaseId}"`);
  }
  return tenant;
}

export function divisionNotFound(divisionId: string): CommandError {
  return new CommandError("not_found", `division not found: there is no division with the id "${divisionId}"`);
}

export function mailboxNotFound(mailboxId: string): CommandError {
  return new CommandError("not_found", `mailbox not found: there is no mailbox with the id "${mailboxId}"`);
}
