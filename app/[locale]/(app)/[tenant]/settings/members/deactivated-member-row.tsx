"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState } from "react";
import { Avatar } from "@/app/_components/avatar";
import { Button } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import type { Role } from "@/db/schema";
import type { ActionState } from "@/lib/auth/action";

/** A deactivated member: greyed, with when it happened and, for who may, "Reactivate". */
export function DeactivatedMemberRow({
  member,
  since,
  reactivateAction,
}: {
  member: { membershipId: string; name: string; email: string; role: Role };
  since: string;
  /** Absent when the signed-in user may not change this member (an owner, for an admin). */
  reactivateAction?: (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;
}) {
  const tRoles = useTranslations("roles");
  return (
    <div
      className="flex flex-wrap items-center justify-between gap-3 px-5 py-4 sm:px-6"
      data-member={member.email}
      data-deactivated=""
    >
      <div className="flex min-w-0 items-center gap-3 opacity-60">
        <Avatar name={member.name} tone="neutral" />
        <div className="min-w-0">
          <p className="truncate text-sm font-medium text-zinc-700">{member.name}</p>
          <p className="truncate text-sm text-zinc-500">
            {member.email} · {tRoles(member.role)} · {since}
          </p>
        </div>
      </div>
      {reactivateAction && <ReactivateButton member={member} action={reactivateAction} />}
    </div>
  );
}

function ReactivateButton({
  member,
  action,
}: {
  member: { membershipId: string; name: string };
  action: (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;
}) {
  const t = useTranslations("members");
  const [state, reactivate, pending] = useActionState(action, {});
  return (
    <div className="flex items-center gap-3">
      <FieldErrors errors={state.error ? [state.error] : []} />
      <Button
        variant="secondary"
        size="sm"
        pending={pending}
        aria-label={t("reactivateLabel", { name: member.name })}
        onClick={() => startTransition(() => reactivate({ membershipId: member.membershipId }))}
      >
        {t("reactivate")}
      </Button>
    </div>
  );
}
