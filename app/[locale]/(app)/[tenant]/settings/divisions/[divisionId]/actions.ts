"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { updateDivisionSettings } from "@/lib/divisions/divisions";
import { divisionSettingsSchema } from "@/lib/divisions/settings";
import { scopeOf } from "@/lib/scope";
import { settingsValues } from "./settings-values";

/** Saves the whole settings form. Mail settings are for administrators (owner or admin) only. */
export const updateDivisionSettingsAction = tenantAction(
  { schema: divisionSettingsSchema.extend({ divisionId: z.uuid() }), roles: ["owner", "admin"] },
  async (tx, ctx, { divisionId, ...settings }) => {
    const updated = await updateDivisionSettings(tx, scopeOf(ctx), divisionId, settings);
    refresh();
    return settingsValues(updated);
  },
);
