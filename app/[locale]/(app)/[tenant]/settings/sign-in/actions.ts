"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { setRequiredSignIn, setRequireTwoFactor } from "@/lib/auth/sign-in-policy";
import { configuredProviderIds } from "@/lib/oauth/providers";

export const setRequiredSignInAction = tenantAction(
  {
    schema: z.object({ requiredSignIn: z.union([z.literal(""), z.enum(["google", "microsoft", "oidc"])]) }),
    roles: ["owner", "admin"],
  },
  async (tx, ctx, { requiredSignIn }) => {
    await setRequiredSignIn(tx, scopeOf(ctx), {
      provider: requiredSignIn === "" ? null : requiredSignIn,
      currentMethod: ctx.signInMethod,
      configured: configuredProviderIds(process.env),
    });
    refresh();
  },
);

export const setRequireTwoFactorAction = tenantAction(
  { schema: z.object({ requireTwoFactor: z.enum(["on", "off"]) }), roles: ["owner", "admin"] },
  async (tx, ctx, { requireTwoFactor }) => {
    await setRequireTwoFactor(tx, scopeOf(ctx), {
      required: requireTwoFactor === "on",
      session: { signInMethod: ctx.signInMethod, twoFactor: ctx.twoFactor },
    });
    refresh();
  },
);
