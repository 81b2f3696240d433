import { eq, like } from "drizzle-orm";
import { z } from "zod";
import type { Database, Executor } from "@/db/client";
import { bindTenant, operatorScope } from "@/db/tenant";
import { memberships, type Tenant, tenants, type User, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { newPassword, strongPassword } from "@/lib/auth/password-strength";
import { normalizeEmail } from "@/lib/auth/sign-in";
import { createDivision } from "@/lib/divisions/divisions";
import { RuleError } from "@/lib/errors";
import { type Locale, locales } from "@/lib/i18n/routing";
import { RESERVED_SLUGS, slugify, tagFromName } from "./slug";

export const personName = z.string().trim().min(1, "required").max(100, "tooLong");
export const emailAddress = z.email("invalidEmail").transform(normalizeEmail);
export const companyName = z.string().trim().min(1, "required").max(100, "tooLong");
export const firstDivisionName = z.string().trim().min(1).max(80).default("Support");

/** What a company signs up with, on the sign-up page and with `postdesk tenant create`. */
export const signUpSchema = z
  .object({
    companyName,
    adminName: personName,
    email: emailAddress,
    password: newPassword,
    locale: z.enum(locales).default("en"),
    firstDivisionName,
  })
  .superRefine(strongPassword("password", (form) => [form.email, form.adminName, form.companyName]));
export type SignUpInput = z.input<typeof signUpSchema>;
export type SignUpData = z.output<typeof signUpSchema>;

export interface NewCompany {
  companyName: string;
  adminName: string;
  /** Normalized (emailAddress). */
  email: string;
  passwordHash: string;
  locale: Locale;
  firstDivisionName: string;
}

/**
 * A trusted sign-up, with nothing to verify: the operator's `postdesk tenant create` (and the
 * tests). The web's sign-up goes through the owner's mailbox first (lib/accounts/sign-up.ts).
 */
export async function signUp(db: Database, raw: SignUpInput): Promise<{ tenant: Tenant; user: User; divisionId: string }> {
  const input = signUpSchema.parse(raw);
  return createCompany(db, { ...input, passwordHash: await hashPassword(input.password) });
}

/**
 * A company comes to be: its tenant, its owner and its first division, in one transaction. The email
 * must not belong to anyone yet (a person with an account joins other companies by invitation).
 */
export async function createCompany(
  db: Executor,
  input: NewCompany,
): Promise<{ tenant: Tenant; user: User; divisionId: string }> {
  const { passwordHash } = input;
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
    if (taken) throw new RuleError("invalidInput", { email: ["emailTaken"] });

    const base = slugify(input.companyName);
    const existing = new Set(
      (await tx.select({ slug: tenants.slug }).from(tenants).where(like(tenants.slug, `${base}%`))).map(
        (t) => t.slug,
      ),
    );
    // A slug is the first path segment of the company's pages: it must not shadow the public ones.
    for (const reserved of RESERVED_SLUGS) existing.add(reserved);
    let slug = base;
    for (let n = 2; existing.has(slug); n++) slug = `${base}-${n}`;

    const [tenant] = await tx.insert(tenants).values({ name: input.companyName, slug }).returning();
    const [user] = await tx
      .insert(users)
      .values({ email: input.email, name: input.adminName, passwordHash, locale: input.locale })
      .returning();
    if (!tenant || !user) throw new Error("Sign-up inserts returned nothing");
    await tx.insert(memberships).values({
      tenantId: tenant.id,
      userId: user.id,
      role: "owner",
      mayPurge: true,
      mayReadOthersMailboxes: true,
    });
    // From here on the transaction writes tenant data, under the tenant's row-level security.
    await bindTenant(tx, tenant.id);
    const division = await createDivision(tx, operatorScope(tenant.id), {
      name: input.firstDivisionName,
      tag: tagFromName(input.companyName),
      language: input.locale,
    });
    return { tenant, user, divisionId: division.id };
  });
}
