import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { type Contact, contacts } from "@/db/schema";
import { findContact } from "@/db/queries/contacts";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { NotFoundError, RuleError } from "@/lib/errors";
import { zodFieldErrors } from "@/lib/forms";

/** The contact for an address, registered when new; a name learnt later fills an empty one. */
export async function registerContact(
  tx: Executor,
  scope: TenantScope,
  input: { email: string; name?: string | null },
): Promise<Contact> {
  const email = input.email.toLowerCase();
  const name = input.name?.trim() || null;
  await tx.insert(contacts).values({ tenantId: scope.tenantId, email, name }).onConflictDoNothing();
  const contact = (await findContact(tx, scope, { email }))!;
  if (!contact.name && name) {
    await tx.update(contacts).set({ name }).where(eq(contacts.id, contact.id));
    return { ...contact, name };
  }
  return contact;
}

/** A text staff may clear: blank (or null) stores null, so "no organization" is one value. */
function clearable(max: number) {
  return z
    .string()
    .trim()
    .max(max, "tooLong")
    .nullable()
    .transform((value) => value || null)
    .optional();
}

/**
 * What staff may change of a contact. The address is not among them: it is how mail finds the
 * contact. A field left out stays as it is.
 */
export const contactFields = z.object({
  name: clearable(200),
  organization: clearable(200),
  notes: clearable(10_000),
});
export type ContactInput = z.input<typeof contactFields>;

const editable = ["name", "organization", "notes"] as const;

/** Changes a contact's name, organization or notes, and records which of them changed (not to what). */
export async function updateContact(
  tx: Executor,
  scope: TenantScope,
  contactId: string,
  input: ContactInput,
): Promise<Contact> {
  const parsed = contactFields.safeParse(input);
  if (!parsed.success) throw new RuleError("invalidInput", zodFieldErrors(parsed.error));
  const [current] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, contactId)))
    .for("update");
  if (!current) throw new NotFoundError("contact");
  const values = Object.fromEntries(editable.filter((field) => parsed.data[field] !== undefined).map((field) => [field, parsed.data[field]]));
  const changed = editable.filter((field) => field in values && values[field] !== current[field]);
  if (changed.length === 0) return current;
  const [updated] = await tx
    .update(contacts)
    .set(values)
    .where(and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, contactId)))
    .returning();
  if (!updated) throw new NotFoundError("contact");
  await recordAudit(tx, scope, "contact.updated", { type: "contact", id: contactId }, { changed });
  return updated;
}
