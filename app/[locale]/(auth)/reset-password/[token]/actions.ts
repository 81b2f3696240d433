"use server";

import { getDb } from "@/db";
import { resetPassword } from "@/lib/accounts/password";
import { type ActionState, actionError } from "@/lib/auth/action";
import { formDataToObject } from "@/lib/forms";

/** Sets a new password from a reset link; the browser then goes on to sign in with it. */
export async function resetPasswordAction(
  token: string,
  _previous: ActionState<{ email: string }>,
  input: FormData,
): Promise<ActionState<{ email: string }>> {
  const { password } = formDataToObject(input);
  try {
    const { email } = await resetPassword(await getDb(), { token, password: typeof password === "string" ? password : "" });
    return { ok: true, result: { email } };
  } catch (error) {
    return actionError(error);
  }
}
