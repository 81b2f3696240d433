"use server";

import { getDb } from "@/db";
import { confirmTwoFactor, disableTwoFactor, startTwoFactor, type TwoFactorSetup } from "@/lib/accounts/two-factor";
import { type ActionState, actionError } from "@/lib/auth/action";
import { currentSession } from "@/lib/auth/session";
import { formDataToObject } from "@/lib/forms";

/**
 * Two-step verification of the signed-in person's own account: like changing the password, no
 * tenant is involved (so not `tenantAction`), and the page of a company that requires it, which
 * its members cannot enter yet, uses these actions too.
 */

function proofOf(input: FormData) {
  const form = formDataToObject(input);
  return {
    password: typeof form.password === "string" ? form.password : "",
    code: typeof form.code === "string" ? form.code : "",
  };
}

export async function startTwoFactorAction(_previous: ActionState<TwoFactorSetup>): Promise<ActionState<TwoFactorSetup>> {
  const session = await currentSession();
  if (!session) return { error: "signedOut" };
  try {
    return { ok: true, result: await startTwoFactor(await getDb(), session.userId) };
  } catch (error) {
    return actionError(error);
  }
}

export async function confirmTwoFactorAction(
  _previous: ActionState<{ recoveryCodes: string[] }>,
  input: FormData,
): Promise<ActionState<{ recoveryCodes: string[] }>> {
  const session = await currentSession();
  if (!session) return { error: "signedOut" };
  try {
    return { ok: true, result: await confirmTwoFactor(await getDb(), session, proofOf(input)) };
  } catch (error) {
    return actionError(error);
  }
}

export async function disableTwoFactorAction(_previous: ActionState, input: FormData): Promise<ActionState> {
  const session = await currentSession();
  if (!session) return { error: "signedOut" };
  try {
    await disableTwoFactor(await getDb(), session, proofOf(input));
    return { ok: true };
  } catch (error) {
    return actionError(error);
  }
}
