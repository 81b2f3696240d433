"use server";

import { cookies, headers } from "next/headers";
import { getDb } from "@/db";
import { type ActionState, actionError } from "@/lib/auth/action";
import { clientAddress, trustedProxyHops } from "@/lib/auth/client-address";
import { DEVICE_COOKIE } from "@/lib/auth/device";
import { formDataToObject } from "@/lib/forms";
import { isLocale } from "@/lib/i18n/routing";
import { acceptInvite } from "@/lib/members/invites";

export interface AcceptedInvite {
  email: string;
  tenantSlug: string;
  /** The language to land in: a new member's is the page's, someone with an account keeps theirs. */
  locale: string;
}

/** Accepts an invitation from its link. Not tenant-scoped: the link itself is the permission. */
export async function acceptInviteAction(
  locale: string,
  token: string,
  input: FormData,
): Promise<ActionState<AcceptedInvite>> {
  const form = formDataToObject(input);
  try {
    const accepted = await acceptInvite(await getDb(), {
      token,
      name: typeof form.name === "string" ? form.name : "",
      password: typeof form.password === "string" ? form.password : "",
      locale: isLocale(locale) ? locale : undefined,
      client: {
        address: clientAddress((await headers()).get("x-forwarded-for"), trustedProxyHops(process.env)),
        deviceCookie: (await cookies()).get(DEVICE_COOKIE)?.value,
      },
    });
    return { ok: true, result: { email: accepted.email, tenantSlug: accepted.tenantSlug, locale: accepted.locale } };
  } catch (error) {
    return actionError(error);
  }
}
