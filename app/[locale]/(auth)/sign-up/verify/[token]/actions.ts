"use server";

import { getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { completeSignUp } from "@/lib/accounts/sign-up";
import { type ActionState, actionError } from "@/lib/auth/action";
import { isLocale, type Locale, routing } from "@/lib/i18n/routing";

/**
 * The owner confirms a sign-up from the link in their mail: the company is created, and they go on
 * to sign in with the password they chose (next-auth v4 signs in only from the browser, which does
 * not hold the password here). The first division is named in the language of the page.
 */
export async function completeSignUpAction(
  locale: string,
  token: string,
  _previous: ActionState<{ email: string }>,
): Promise<ActionState<{ email: string }>> {
  const language: Locale = isLocale(locale) ? locale : routing.defaultLocale;
  const t = await getTranslations({ locale: language, namespace: "signUp" });
  try {
    const outcome = await completeSignUp(await getDb(), { token, firstDivisionName: t("firstDivisionName") });
    if (outcome.type === "invalid") return { error: "signUpLinkInvalid" };
    if (outcome.type === "emailTaken") return { error: "signUpEmailTaken" };
    return { ok: true, result: { email: outcome.email } };
  } catch (error) {
    return actionError(error);
  }
}
