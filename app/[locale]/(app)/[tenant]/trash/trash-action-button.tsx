"use client";

import { startTransition, useActionState } from "react";
import { Button, type ButtonVariant } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import { Icon, type IconName } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";

/**
 * One button of the trash (move there, restore, delete for good, empty): runs its action with the
 * item, after the browser's confirm dialog when `confirm` is given, and shows the refusal, if any,
 * beside it. Labels and the confirm text come translated from the page.
 */
export function TrashActionButton({
  input,
  action,
  label,
  confirm,
  icon,
  variant = "secondary",
  name,
}: {
  input: Record<string, unknown>;
  action: (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;
  label: string;
  confirm?: string;
  icon?: IconName;
  variant?: ButtonVariant;
  /** For tests and scripts: which of the trash's actions this button is. */
  name: "moveToTrash" | "restore" | "purge" | "emptyTrash";
}) {
  const [state, run, pending] = useActionState(action, {});

  function onClick() {
    if (confirm && !window.confirm(confirm)) return;
    startTransition(() => run(input));
  }

  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <FieldErrors errors={state.error ? [state.error] : []} values={state.errorValues} />
      <Button variant={variant} size="sm" onClick={onClick} pending={pending} data-trash-action={name}>
        {!pending && icon && <Icon name={icon} className="size-4" />}
        {label}
      </Button>
    </div>
  );
}
