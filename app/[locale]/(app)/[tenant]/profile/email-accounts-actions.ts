"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import {
  clearDefaultAccount,
  setDefaultAccount,
  setPersonalMailboxAssignment,
} from "@/lib/mailboxes/default-account";
import { PERSONAL_ASSIGNMENTS } from "@/lib/mailboxes/ownership";

/**
 * "Set as default" in My email accounts: one's own choice, for one's own replies (a light agent's
 * too, like their other preferences). Whether they may send from it is checked in lib, never trusted
 * from the form.
 */
export const setDefaultAccountAction = tenantAction(
  { schema: z.object({ mailboxId: z.uuid() }), readOnly: true },
  async (tx, ctx, input) => {
    await setDefaultAccount(tx, scopeOf(ctx), input);
    refresh();
  },
);

/** "Use the division's default": forgets one's own choice in that division. */
export const clearDefaultAccountAction = tenantAction(
  { schema: z.object({ divisionId: z.uuid() }), readOnly: true },
  async (tx, ctx, input) => {
    await clearDefaultAccount(tx, scopeOf(ctx), input);
    refresh();
  },
);

/** A personal mailbox's owner decides: new tickets assigned to them, or left in their personal queue. */
export const setPersonalAssignmentAction = tenantAction(
  { schema: z.object({ mailboxId: z.uuid(), personalAssignment: z.enum(PERSONAL_ASSIGNMENTS, "invalidChoice") }) },
  async (tx, ctx, input) => {
    await setPersonalMailboxAssignment(tx, scopeOf(ctx), {
      mailboxId: input.mailboxId,
      assignToOwner: input.personalAssignment === "owner",
    });
    refresh();
  },
);
