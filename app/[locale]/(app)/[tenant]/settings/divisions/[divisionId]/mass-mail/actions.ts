"use server";

import { refresh } from "next/cache";
import { tenantAction } from "@/lib/auth/action";
import { checkMassMail, massMailSchema, sendMassMail } from "@/lib/mass-mail/mass-mail";
import { scopeOf } from "@/lib/auth/context";

/**
 * The check step: the form asks before showing "send to N people", so a missing `{{link}}` or a
 * recipient who cannot be mailed is shown next to its field while the text is still being edited.
 */
export const checkMassMailAction = tenantAction(
  { schema: massMailSchema, roles: ["owner", "admin"] },
  (tx, ctx, input) => checkMassMail(tx, scopeOf(ctx), input),
);

/** Mass mail is sent from the division's mailboxes: administrators (owner or admin) only. */
export const sendMassMailAction = tenantAction(
  { schema: massMailSchema, roles: ["owner", "admin"] },
  async (tx, ctx, input) => {
    const outcome = await sendMassMail(tx, scopeOf(ctx), input);
    refresh();
    return { queued: outcome.queued, skippedUnsubscribed: outcome.skippedUnsubscribed };
  },
);
