"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { forceDivisionPoll, setDispatcherActive } from "@/lib/dispatch/force";
import { scopeOf } from "@/lib/auth/context";

/** Changing what the dispatcher does is for administrators (owner or admin); agents only watch it. */
const roles = ["owner", "admin"] as const;

/** Seed: "Force scheduler": the division's mailboxes are polled now, except those being polled already. */
export const forceSchedulerAction = tenantAction(
  { schema: z.object({ divisionId: z.uuid() }), roles },
  async (tx, ctx, { divisionId }) => {
    const forced = await forceDivisionPoll(tx, scopeOf(ctx), { divisionId, now: new Date() });
    refresh();
    return forced;
  },
);

/** Activates or deactivates the division's dispatcher. */
export const setDispatcherActiveAction = tenantAction(
  { schema: z.object({ divisionId: z.uuid(), active: z.boolean() }), roles },
  async (tx, ctx, input) => {
    const result = await setDispatcherActive(tx, scopeOf(ctx), input);
    refresh();
    return result;
  },
);
