"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState } from "react";
import { Button } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";

type OutboxAction = (previous: ActionState<{ count: number }>, input: Record<string, unknown>) => Promise<ActionState<{ count: number }>>;

/**
 * "Reset Email Sending Status" or "Clear Email Error Status", for the whole outbox or one email
 * (`id`), with how many emails it set back.
 */
export function OutboxButton({
  kind,
  divisionId,
  id,
  disabled = false,
  action,
}: {
  kind: "resetSending" | "clearErrors";
  divisionId: string;
  id?: string;
  disabled?: boolean;
  action: OutboxAction;
}) {
  const t = useTranslations("outbox");
  const [state, run, pending] = useActionState(action, {});
  const one = id !== undefined;
  return (
    <div className={`flex items-center gap-3 ${one ? "justify-end" : ""}`}>
      <FieldErrors errors={state.error ? [state.error] : []} />
      {state.ok && state.result && !one && (
        <p role="status" className="text-sm text-emerald-700">
          {t(kind === "resetSending" ? "resetDone" : "clearDone", { count: state.result.count })}
        </p>
      )}
      <Button
        variant={one ? "ghost" : "secondary"}
        size="sm"
        pending={pending}
        disabled={disabled}
        onClick={() => startTransition(() => run({ divisionId, ...(one ? { id } : {}) }))}
      >
        {!pending && <Icon name="refresh" className="size-4" />}
        {one ? t(kind === "resetSending" ? "resetOne" : "clearOne") : t(kind)}
      </Button>
    </div>
  );
}
