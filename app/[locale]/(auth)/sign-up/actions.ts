"use server";

import { getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { type ActionState, actionError } from "@/lib/auth/action";
import { formDataToObject, zodFieldErrors } from "@/lib/forms";
import { isLocale, type Locale, routing } from "@/lib/i18n/routing";
import { signUp, signUpSchema } from "@/lib/tenants/sign-up";

/**
 * A company signs up. Not tenant-scoped (there is no tenant yet): the first division is named in the
 * language of the page, which also becomes the owner's language. The client signs in afterwards
 * with the credentials it already holds, so nothing secret comes back.
 */
export async function signUpAction(locale: string, input: FormData): Promise<ActionState> {
  const language: Locale = isLocale(locale) ? locale : routing.defaultLocale;
  const t = await getTranslations({ locale: language, namespace: "signUp" });
  const form = formDataToObject(input);
  const parsed = signUpSchema.safeParse({
    companyName: form.companyName,
    adminName: form.adminName,
    email: form.email,
    password: form.password,
    locale: language,
    firstDivisionName: t("firstDivisionName"),
  });
  if (!parsed.success) return { error: "invalidInput", fieldErrors: zodFieldErrors(parsed.error) };
  try {
    await signUp(await getDb(), parsed.data);
    return { ok: true };
  } catch (error) {
    return actionError(error);
  }
}
