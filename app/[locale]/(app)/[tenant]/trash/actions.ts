"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { emptyTrash, purgeFromTrash } from "@/lib/trash/purge";
import { moveToTrash, restoreFromTrash } from "@/lib/trash/trash";

// Every member may move to the trash and restore; deleting for good checks the member's right in
// lib/trash/purge.ts, so a replayed action is refused there too.

const item = z.object({ kind: z.enum(["ticket", "message", "inboundEmail"]), id: z.uuid() });

export const moveToTrashAction = tenantAction({ schema: item }, async (tx, ctx, input) => {
  await moveToTrash(tx, scopeOf(ctx), input);
  refresh();
});

export const restoreFromTrashAction = tenantAction({ schema: item }, async (tx, ctx, input) => {
  await restoreFromTrash(tx, scopeOf(ctx), input);
  refresh();
});

export const purgeFromTrashAction = tenantAction({ schema: item }, async (tx, ctx, input) => {
  await purgeFromTrash(tx, scopeOf(ctx), input);
  refresh();
});

/** Empties the trash of one division, or of the whole company when none is given. */
export const emptyTrashAction = tenantAction(
  { schema: z.object({ divisionId: z.uuid().optional() }) },
  async (tx, ctx, input) => {
    await emptyTrash(tx, scopeOf(ctx), input.divisionId ? { divisionId: input.divisionId } : {});
    refresh();
  },
);
