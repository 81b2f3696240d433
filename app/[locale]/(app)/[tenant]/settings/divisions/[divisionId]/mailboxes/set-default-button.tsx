"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState } from "react";
import { Button } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";

type Action<R> = (previous: ActionState<R>, input: Record<string, unknown>) => Promise<ActionState<R>>;

/** "Set as default" on a mailbox of the division's list: its mail leaves from it from now on. */
export function SetDefaultButton({ mailboxId, action }: { mailboxId: string; action: Action<{ mailboxId: string }> }) {
  const t = useTranslations("mailboxes");
  const [state, run, pending] = useActionState(action, {});
  return (
    <span className="flex flex-wrap items-center gap-2">
      <Button
        variant="ghost"
        size="sm"
        pending={pending}
        data-testid="set-default"
        onClick={() => startTransition(() => run({ mailboxId }))}
      >
        {t("setDefault")}
      </Button>
      <FieldErrors errors={state.error ? [state.error] : []} />
    </span>
  );
}
