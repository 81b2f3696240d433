"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, SelectField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";

export interface AssigneeOption {
  userId: string;
  name: string;
}

/**
 * Deactivating a member, under their row: what it means, how many of their tickets are not closed,
 * and who takes those over (or nobody).
 */
export function DeactivateMemberPanel({
  member,
  company,
  openTickets,
  assignees,
  action,
  onCancel,
}: {
  member: { membershipId: string; name: string };
  company: string;
  openTickets: number;
  assignees: AssigneeOption[];
  action: (previous: ActionState<void>, input: FormData) => Promise<ActionState<void>>;
  onCancel: () => void;
}) {
  const t = useTranslations("members.deactivateDialog");
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  const titleId = `deactivate-title-${member.membershipId}`;

  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      noValidate
      aria-labelledby={titleId}
      className="mx-5 mb-4 space-y-3 rounded-lg bg-amber-50 p-4 ring-1 ring-amber-200 ring-inset sm:mx-6"
      data-testid="deactivate-member"
    >
      <input type="hidden" name="membershipId" value={member.membershipId} />
      <div>
        <h3 id={titleId} className="text-sm font-semibold text-amber-950">
          {t("title", { name: member.name })}
        </h3>
        <p className="mt-1 text-sm text-amber-900">{t("description", { company })}</p>
        <p className="mt-1 text-sm font-medium text-amber-900" data-testid="open-tickets">
          {t("openTickets", { count: openTickets })}
        </p>
      </div>
      {openTickets > 0 ? (
        <div className="max-w-sm">
          <SelectField
            id={`reassign-${member.membershipId}`}
            name="reassignTo"
            label={t("reassignTo")}
            defaultValue=""
            errors={errorsFor(state.fieldErrors, "reassignTo")}
          >
            <option value="">{t("leaveUnassigned")}</option>
            {assignees.map((assignee) => (
              <option key={assignee.userId} value={assignee.userId}>
                {assignee.name}
              </option>
            ))}
          </SelectField>
        </div>
      ) : (
        <input type="hidden" name="reassignTo" value="" />
      )}
      {state.error && <FormAlert state={state} fields={["reassignTo"]} />}
      <div className="flex gap-2">
        <Button type="submit" variant="danger" size="sm" pending={pending}>
          {t("confirm")}
        </Button>
        <Button variant="ghost" size="sm" onClick={onCancel}>
          {t("cancel")}
        </Button>
      </div>
    </form>
  );
}
