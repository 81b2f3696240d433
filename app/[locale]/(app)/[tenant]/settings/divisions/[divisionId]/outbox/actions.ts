"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { clearErrors, resetSending } from "@/lib/outbox/admin";
import { scopeOf } from "@/lib/auth/context";

/** Changing what the outbox does is for administrators (owner or admin); agents only read it. */
const roles = ["owner", "admin"] as const;

/** The whole division's outbox, or one row of it (`id`). */
const target = z.object({ divisionId: z.uuid(), id: z.uuid().optional() });

/** Seed: "Reset Email Sending Status": mail stuck in "sending" goes back to "ready". */
export const resetSendingAction = tenantAction({ schema: target, roles }, async (tx, ctx, { divisionId, id }) => {
  const count = await resetSending(tx, scopeOf(ctx), { divisionId, ids: id ? [id] : undefined });
  refresh();
  return { count };
});

/** Seed: "Clear Email Error Status": mail in "error" is tried again from scratch. */
export const clearErrorsAction = tenantAction({ schema: target, roles }, async (tx, ctx, { divisionId, id }) => {
  const count = await clearErrors(tx, scopeOf(ctx), { divisionId, ids: id ? [id] : undefined });
  refresh();
  return { count };
});
