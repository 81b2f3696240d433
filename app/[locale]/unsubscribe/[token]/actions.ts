"use server";

import { getDb } from "@/db";
import { unsubscribeContact } from "@/lib/mass-mail/unsubscribe";

export interface UnsubscribeState {
  done?: boolean;
  error?: "invalidLink" | "unexpected";
}

/** Confirms an unsubscribe from its link. No session: the signed link is the permission. */
export async function unsubscribeAction(token: string, _previous: UnsubscribeState): Promise<UnsubscribeState> {
  try {
    return (await unsubscribeContact(await getDb(), token)) ? { done: true } : { error: "invalidLink" };
  } catch (error) {
    console.error("Unexpected error while unsubscribing", error);
    return { error: "unexpected" };
  }
}
