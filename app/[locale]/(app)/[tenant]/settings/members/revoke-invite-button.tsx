"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState } from "react";
import { Button } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";

export function RevokeInviteButton({
  inviteId,
  email,
  action,
}: {
  inviteId: string;
  email: string;
  action: (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;
}) {
  const t = useTranslations("members.pending");
  const [state, revoke, pending] = useActionState(action, {});

  function onClick() {
    if (!window.confirm(t("revokeConfirm", { email }))) return;
    startTransition(() => revoke({ inviteId }));
  }

  return (
    <div className="flex items-center gap-3">
      <FieldErrors errors={state.error ? [state.error] : []} />
      <Button variant="danger" size="sm" onClick={onClick} pending={pending}>
        {t("revoke")}
      </Button>
    </div>
  );
}
