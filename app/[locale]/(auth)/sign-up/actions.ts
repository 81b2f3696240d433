"use server";

import { after } from "next/server";
import { seeRequestOrigin } from "@/app/_public-address/see-request-origin";
import { getDb } from "@/db";
import { requestSignUp } from "@/lib/accounts/sign-up";
import { type ActionState, actionError } from "@/lib/auth/action";
import { formDataToObject, zodFieldErrors } from "@/lib/forms";
import { isLocale, type Locale, routing } from "@/lib/i18n/routing";
import { sendAccountMail } from "@/lib/outbox/account-mail";
import { signUpSchema } from "@/lib/tenants/sign-up";

/**
 * A company asks to sign up. Not tenant-scoped (there is no tenant yet). The answer is the same for
 * an address with an account as for a new one: the address it was sent to. The mail is sent after
 * the response, so its sending does not show in the response's timing either; the worker sends it
 * should this fail.
 */
export async function signUpAction(
  _previous: ActionState<{ email: string }>,
  input: FormData,
): Promise<ActionState<{ email: string }>> {
  const form = formDataToObject(input);
  const language: Locale = typeof form.locale === "string" && isLocale(form.locale) ? form.locale : routing.defaultLocale;
  const parsed = signUpSchema.safeParse({
    companyName: form.companyName,
    adminName: form.adminName,
    email: form.email,
    password: form.password,
    locale: language,
  });
  if (!parsed.success) return { error: "invalidInput", fieldErrors: zodFieldErrors(parsed.error) };
  try {
    // The link in the mail leads to where this form was sent from, when nothing is configured.
    await seeRequestOrigin();
    const db = await getDb();
    const { mailId } = await requestSignUp(db, parsed.data);
    if (mailId) after(() => sendAccountMail(db, { ids: [mailId] }).then(() => undefined));
    return { ok: true, result: { email: parsed.data.email } };
  } catch (error) {
    return actionError(error);
  }
}
