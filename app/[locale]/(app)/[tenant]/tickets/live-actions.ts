"use server";

import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { queueChangesSince } from "@/lib/tickets/queue-changes";

/** A time as latestQueueChange gives it; it goes to Postgres as a timestamp, so only that shape. */
const exactTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
  .nullable();

const stamp = z.object({ divisionId: z.uuid().nullable(), changedAt: exactTime, recordedAt: exactTime });

/** An open queue page asks whether its queue changed since the stamp it was drawn at (./queue-live.tsx). */
export const queueChangesAction = tenantAction({ schema: z.object({ since: stamp }), readOnly: true }, (tx, ctx, { since }) =>
  queueChangesSince(tx, scopeOf(ctx), since),
);
