"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { markAllNotificationsRead, markNotificationRead } from "@/lib/notifications/in-app";
import { scopeOf } from "@/lib/auth/context";

/** Every member reads their own notifications: no role beyond membership is needed. */
export const markNotificationReadAction = tenantAction(
  { schema: z.object({ notificationId: z.uuid() }), readOnly: true },
  async (tx, ctx, { notificationId }) => {
    await markNotificationRead(tx, scopeOf(ctx), notificationId);
    refresh();
  },
);

export const markAllNotificationsReadAction = tenantAction({ schema: z.object({}), readOnly: true }, async (tx, ctx) => {
  await markAllNotificationsRead(tx, scopeOf(ctx));
  refresh();
});
