"use server";

import { refresh } from "next/cache";
import { tenantAction } from "@/lib/auth/action";
import { massMailSchema, sendMassMail } from "@/lib/mass-mail/mass-mail";
import { scopeOf } from "@/lib/auth/context";

/** Mass mail is sent from the division's mailboxes: administrators (owner or admin) only. */
export const sendMassMailAction = tenantAction(
  { schema: massMailSchema, roles: ["owner", "admin"] },
  async (tx, ctx, input) => {
    const outcome = await sendMassMail(tx, scopeOf(ctx), input);
    refresh();
    return { queued: outcome.queued, skippedUnsubscribed: outcome.skippedUnsubscribed };
  },
);
