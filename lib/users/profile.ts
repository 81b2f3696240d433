import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { users } from "@/db/schema";
import { NotFoundError } from "@/lib/errors";
import { locales } from "@/lib/i18n/routing";
import { sanitizeSignatureHtml } from "@/lib/mail/sanitize";
import { personName } from "@/lib/tenants/sign-up";

/** Long enough for a signature with a logo's markup and a disclaimer; a signature is not a letter. */
export const SIGNATURE_HTML_MAX = 10_000;
export const SIGNATURE_TEXT_MAX = 2_000;

/** A person's own name, language and signatures: the same in every company they belong to. */
export const profileSchema = z.object({
  name: personName,
  locale: z.enum(locales, "invalidChoice"),
  signatureHtml: z.string().max(SIGNATURE_HTML_MAX, "tooLong"),
  signatureText: z.string().max(SIGNATURE_TEXT_MAX, "tooLong"),
});

export type Profile = z.output<typeof profileSchema>;

const profileColumns = {
  name: users.name,
  locale: users.locale,
  signatureHtml: users.signatureHtml,
  signatureText: users.signatureText,
};

export async function getProfile(db: Executor, userId: string): Promise<Profile> {
  const [row] = await db.select(profileColumns).from(users).where(eq(users.id, userId));
  if (!row) throw new NotFoundError("user");
  return {
    name: row.name,
    locale: locales.find((locale) => locale === row.locale) ?? "en",
    signatureHtml: row.signatureHtml ?? "",
    signatureText: row.signatureText ?? "",
  };
}

/**
 * Saves a person's profile. The HTML signature goes out in their replies, so it is kept only as
 * sanitized (lib/mail/sanitize.ts); an empty signature is none. Returns what was stored.
 */
export async function updateProfile(db: Executor, userId: string, input: Profile): Promise<Profile> {
  const signatureHtml = input.signatureHtml.trim() ? sanitizeSignatureHtml(input.signatureHtml) : "";
  const signatureText = input.signatureText.replace(/\s+$/, "").replace(/^\s*\n/, "");
  const [row] = await db
    .update(users)
    .set({
      name: input.name,
      locale: input.locale,
      signatureHtml: signatureHtml || null,
      signatureText: signatureText || null,
    })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  if (!row) throw new NotFoundError("user");
  return { ...input, signatureHtml, signatureText };
}
