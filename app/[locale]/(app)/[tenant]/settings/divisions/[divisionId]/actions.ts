"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { updateDivisionSettings } from "@/lib/divisions/divisions";
import { clearDivisionPgpKey, setDivisionPgpKey } from "@/lib/divisions/pgp-key";
import { divisionSettingsSchema } from "@/lib/divisions/settings";
import { scopeOf } from "@/lib/auth/context";
import { settingsValues } from "./settings-values";

/** Mail settings, the PGP key among them, are for administrators (owner or admin) only. */
const roles = ["owner", "admin"] as const;

/** Saves the whole settings form. */
export const updateDivisionSettingsAction = tenantAction(
  { schema: divisionSettingsSchema.extend({ divisionId: z.uuid() }), roles },
  async (tx, ctx, { divisionId, ...settings }) => {
    const updated = await updateDivisionSettings(tx, scopeOf(ctx), divisionId, settings);
    refresh();
    return settingsValues(updated);
  },
);

const pgpKeySchema = z.object({
  divisionId: z.uuid(),
  armoredPrivateKey: z.string().trim().min(1, "required").max(100_000, "tooLong"),
  // Not trimmed: spaces may be part of a passphrase. An empty field means the key has none.
  passphrase: z
    .string()
    .max(1_000, "tooLong")
    .optional()
    .transform((passphrase) => passphrase || null),
});

/**
 * Keeps the private key the division decrypts PGP mail with, once it unlocks. Only its fingerprint
 * comes back: the key and passphrase never leave the server again.
 */
export const setDivisionPgpKeyAction = tenantAction(
  { schema: pgpKeySchema, roles },
  async (tx, ctx, { divisionId, ...key }) => {
    const { fingerprint } = await setDivisionPgpKey(tx, scopeOf(ctx), divisionId, key);
    refresh();
    return { fingerprint };
  },
);

export const clearDivisionPgpKeyAction = tenantAction(
  { schema: z.object({ divisionId: z.uuid() }), roles },
  async (tx, ctx, { divisionId }) => {
    await clearDivisionPgpKey(tx, scopeOf(ctx), divisionId);
    refresh();
  },
);
