"use server";

import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { alwaysShowImagesFrom } from "@/lib/users/remote-images";

/** "Always show images from this sender": the signed-in member's own choice, in this company. */
export const alwaysShowImagesAction = tenantAction(
  { schema: z.object({ address: z.email().max(320) }), readOnly: true },
  async (tx, ctx, { address }) => alwaysShowImagesFrom(tx, scopeOf(ctx), { userId: ctx.user.id, address }),
);
