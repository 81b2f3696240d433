"use client";

import { startTransition, useActionState, useEffect, useState } from "react";
import { Button, type ButtonVariant } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import { useRouter } from "@/lib/i18n/navigation";

type Action<R> = (previous: ActionState<R>, input: Record<string, unknown>) => Promise<ActionState<R>>;

/**
 * A deletion that asks first: the button opens the question, and only its "delete" runs the action.
 * `doneHref`: where to go once it is done (the page of what was deleted no longer exists).
 */
export function ConfirmButton<R>({
  action,
  input,
  text,
  doneHref,
  variant = "danger",
  size = "md",
}: {
  action: Action<R>;
  input: Record<string, unknown>;
  text: { button: string; question: string; confirm: string; cancel: string };
  doneHref?: string;
  variant?: ButtonVariant;
  size?: "sm" | "md";
}) {
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const [state, run, pending] = useActionState<ActionState<R>, Record<string, unknown>>(action, {});

  useEffect(() => {
    if (!state.ok) return;
    if (doneHref) router.push(doneHref);
    else setAsking(false);
  }, [state, doneHref, router]);

  if (!asking) {
    return (
      <Button variant={variant} size={size} onClick={() => setAsking(true)}>
        {variant === "danger" && <Icon name="trash" className="size-4" />}
        {text.button}
      </Button>
    );
  }
  return (
    <div role="alertdialog" aria-label={text.question} className="space-y-3 rounded-lg bg-red-50 px-4 py-3 text-sm text-red-950 ring-1 ring-red-200 ring-inset">
      <p className="flex items-start gap-2 font-medium">
        <Icon name="alert" className="mt-0.5 size-4.5 shrink-0 text-red-600" />
        {text.question}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="danger" size="sm" pending={pending} onClick={() => startTransition(() => run(input))}>
          {text.confirm}
        </Button>
        <Button variant="ghost" size="sm" disabled={pending} onClick={() => setAsking(false)}>
          {text.cancel}
        </Button>
      </div>
      <FieldErrors errors={state.error ? [state.error] : []} />
    </div>
  );
}
