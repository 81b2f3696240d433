"use client";

import { useTranslations } from "next-intl";
import { Button, type ButtonVariant } from "@/app/_components/button";
import { FormAlert } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";

type FormAction = (previous: ActionState<void>, input: FormData) => Promise<ActionState<void>>;

/** One button that runs an action with fixed values ("Set as default"); a refusal shows below it. */
export function AccountActionButton({
  action,
  values,
  label,
  variant = "secondary",
  testId,
}: {
  action: FormAction;
  values: Record<string, string>;
  label: string;
  variant?: ButtonVariant;
  testId?: string;
}) {
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2">
      {Object.entries(values).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="submit" size="sm" variant={variant} pending={pending} data-testid={testId}>
        {label}
      </Button>
      <FormAlert state={state.ok ? undefined : state} />
    </form>
  );
}

/** A personal mailbox's new tickets: assigned to its owner, or left unassigned in their personal queue. */
export function PersonalAssignmentForm({
  action,
  mailboxId,
  assignsToOwner,
}: {
  action: FormAction;
  mailboxId: string;
  assignsToOwner: boolean;
}) {
  const t = useTranslations("profile.emailAccounts");
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2">
      <input type="hidden" name="mailboxId" value={mailboxId} />
      <fieldset className="space-y-2">
        <legend className="text-xs font-medium text-zinc-500">{t("newTickets")}</legend>
        {(["owner", "queue"] as const).map((choice) => (
          <label key={choice} className="flex cursor-pointer items-center gap-2 text-sm text-zinc-800">
            <input
              type="radio"
              name="personalAssignment"
              value={choice}
              defaultChecked={assignsToOwner === (choice === "owner")}
              className="size-4 accent-brand-600"
            />
            {t(choice === "owner" ? "assignedToMe" : "personalQueue")}
          </label>
        ))}
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" size="sm" variant="secondary" pending={pending}>
          {t("saveAssignment")}
        </Button>
        <FormAlert state={state} success={t("assignmentSaved")} />
      </div>
    </form>
  );
}
