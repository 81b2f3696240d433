"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState } from "react";
import { Button } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";

/** "Mark as read" for one notification (`notificationId`), or for all of them. */
export function MarkReadButton({
  notificationId,
  action,
}: {
  notificationId?: string;
  action: (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;
}) {
  const t = useTranslations("notifications");
  const [state, markRead, pending] = useActionState(action, {});

  return (
    <div className="flex items-center gap-3">
      <FieldErrors errors={state.error ? [state.error] : []} />
      <Button
        variant={notificationId ? "ghost" : "secondary"}
        size="sm"
        pending={pending}
        onClick={() => startTransition(() => markRead(notificationId ? { notificationId } : {}))}
      >
        {!pending && <Icon name="check" className="size-4" />}
        {notificationId ? t("markRead") : t("markAllRead")}
      </Button>
    </div>
  );
}
