"use server";

import { after } from "next/server";
import { seeRequestOrigin } from "@/app/_public-address/see-request-origin";
import { getDb } from "@/db";
import { forgotPasswordSchema, requestPasswordReset } from "@/lib/accounts/password";
import { type ActionState, actionError } from "@/lib/auth/action";
import { formDataToObject, zodFieldErrors } from "@/lib/forms";
import { sendAccountMail } from "@/lib/outbox/account-mail";

/**
 * "Forgot password": the same answer whether or not the address has an account; the mail, if any,
 * is sent after the response (the worker sends it should this fail).
 */
export async function forgotPasswordAction(
  _previous: ActionState<{ email: string }>,
  input: FormData,
): Promise<ActionState<{ email: string }>> {
  const parsed = forgotPasswordSchema.safeParse(formDataToObject(input));
  if (!parsed.success) return { error: "invalidInput", fieldErrors: zodFieldErrors(parsed.error) };
  try {
    // The link in the mail leads to where this form was sent from, when nothing is configured.
    await seeRequestOrigin();
    const db = await getDb();
    const { mailId } = await requestPasswordReset(db, parsed.data);
    if (mailId) after(() => sendAccountMail(db, { ids: [mailId] }).then(() => undefined));
    return { ok: true, result: { email: parsed.data.email } };
  } catch (error) {
    return actionError(error);
  }
}
