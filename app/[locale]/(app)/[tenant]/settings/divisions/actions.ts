"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { createDivision } from "@/lib/divisions/divisions";
import { divisionName, divisionTag } from "@/lib/divisions/settings";
import { isLocale } from "@/lib/i18n/routing";
import { scopeOf } from "@/lib/auth/context";

export const createDivisionAction = tenantAction(
  { schema: z.object({ name: divisionName, tag: divisionTag }), roles: ["owner", "admin"] },
  async (tx, ctx, input) => {
    // A new division writes to customers in its creator's language until someone changes it.
    const language = isLocale(ctx.user.locale) ? ctx.user.locale : undefined;
    const division = await createDivision(tx, scopeOf(ctx), { ...input, language });
    refresh();
    return { id: division.id, name: division.name };
  },
);
