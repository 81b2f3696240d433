"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useEffect, useState } from "react";
import { Avatar } from "@/app/_components/avatar";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { FormAlert, inputClasses } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { Role } from "@/db/schema";
import type { ActionState } from "@/lib/auth/action";
import { type AssigneeOption, DeactivateMemberPanel } from "./deactivate-member-panel";

type Action = (previous: ActionState<void>, input: FormData | Record<string, unknown>) => Promise<ActionState<void>>;

export interface MemberView {
  membershipId: string;
  name: string;
  email: string;
  role: Role;
  mayPurge: boolean;
  mayReadOthersMailboxes: boolean;
}

export function MemberRow({
  member,
  isYou,
  editable,
  roleOptions,
  updateAction,
  removeAction,
  deactivation,
}: {
  member: MemberView;
  isYou: boolean;
  /** The signed-in user may change this member (owners only by owners). */
  editable: boolean;
  roleOptions: Role[];
  updateAction: Action;
  removeAction: Action;
  /** What deactivating this member needs: their open tickets and who could take them. */
  deactivation: { company: string; openTickets: number; assignees: AssigneeOption[]; action: Action };
}) {
  const t = useTranslations("members");
  const tRoles = useTranslations("roles");
  const update = useActionForm(updateAction);
  const [removeState, remove, removing] = useActionState(removeAction, {});
  const [dirty, setDirty] = useState(false);
  const [deactivating, setDeactivating] = useState(false);

  useEffect(() => {
    if (update.state.ok) setDirty(false);
  }, [update.state]);

  function onRemove() {
    if (!window.confirm(t("removeConfirm", { name: member.name }))) return;
    startTransition(() => remove({ membershipId: member.membershipId }));
  }

  const id = (field: string) => `${field}-${member.membershipId}`;

  const identity = (
    <div className="flex min-w-0 items-center gap-3">
      <Avatar name={member.name} tone="neutral" />
      <div className="min-w-0">
        <p className="flex items-center gap-2 truncate text-sm font-medium text-zinc-900">
          <span className="truncate">{member.name}</span>
          {isYou && <Badge tone="brand">{t("you")}</Badge>}
        </p>
        <p className="truncate text-sm text-zinc-500">{member.email}</p>
      </div>
    </div>
  );

  if (!editable) {
    return (
      <div className="grid gap-3 px-5 py-4 sm:px-6 md:grid-cols-12 md:items-center md:gap-4" data-member={member.email}>
        <div className="md:col-span-4">{identity}</div>
        <div className="md:col-span-2">
          <Badge tone={member.role === "agent" ? "neutral" : "brand"}>{tRoles(member.role)}</Badge>
        </div>
        <ul className="space-y-1 text-xs text-zinc-600 md:col-span-6">
          <Right on={member.mayPurge} label={t("rights.mayPurge")} />
          <Right on={member.mayReadOthersMailboxes} label={t("rights.mayReadOthersMailboxes")} />
        </ul>
      </div>
    );
  }

  return (
    <>
    <form
      ref={update.formRef}
      onSubmit={update.onSubmit}
      onChange={() => setDirty(true)}
      noValidate
      className="grid gap-3 px-5 py-4 sm:px-6 md:grid-cols-12 md:items-center md:gap-4"
      data-member={member.email}
    >
      <input type="hidden" name="membershipId" value={member.membershipId} />
      <div className="md:col-span-4">{identity}</div>
      <div className="md:col-span-2">
        <label htmlFor={id("role")} className="sr-only">
          {t("columns.role")}
        </label>
        <select id={id("role")} name="role" defaultValue={member.role} className={`${inputClasses()} py-1.5`}>
          {roleOptions.map((role) => (
            <option key={role} value={role}>
              {tRoles(role)}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="space-y-1.5 md:col-span-3">
        <legend className="sr-only">{t("columns.rights")}</legend>
        <RightCheckbox id={id("mayPurge")} name="mayPurge" label={t("rights.mayPurge")} defaultChecked={member.mayPurge} />
        <RightCheckbox
          id={id("mayReadOthersMailboxes")}
          name="mayReadOthersMailboxes"
          label={t("rights.mayReadOthersMailboxes")}
          defaultChecked={member.mayReadOthersMailboxes}
        />
      </fieldset>
      <div className="flex flex-wrap items-center gap-2 md:col-span-3 md:justify-end">
        <Button type="submit" variant={dirty ? "primary" : "secondary"} size="sm" pending={update.pending} disabled={!dirty}>
          {t("save")}
        </Button>
        {!isYou && (
          <Button
            variant="secondary"
            size="sm"
            onClick={() => setDeactivating(true)}
            aria-label={t("deactivateLabel", { name: member.name })}
            aria-expanded={deactivating}
            disabled={deactivating}
          >
            {t("deactivate")}
          </Button>
        )}
        {!isYou && (
          <Button
            variant="ghost"
            size="sm"
            onClick={onRemove}
            pending={removing}
            aria-label={t("removeLabel", { name: member.name })}
            title={t("remove")}
            className="text-zinc-500 hover:bg-red-50 hover:text-red-700"
          >
            {!removing && <Icon name="trash" className="size-4.5" />}
          </Button>
        )}
      </div>
      {(update.state.error || (update.state.ok && !dirty)) && (
        <div className="md:col-span-12">
          <FormAlert state={update.state} success={t("saved")} />
        </div>
      )}
      {removeState.error && (
        <div className="md:col-span-12">
          <FormAlert state={removeState} />
        </div>
      )}
    </form>
    {deactivating && (
      <DeactivateMemberPanel
        member={member}
        company={deactivation.company}
        openTickets={deactivation.openTickets}
        assignees={deactivation.assignees}
        action={deactivation.action}
        onCancel={() => setDeactivating(false)}
      />
    )}
    </>
  );
}

function RightCheckbox({ id, name, label, defaultChecked }: { id: string; name: string; label: string; defaultChecked: boolean }) {
  return (
    <div className="flex items-start gap-2">
      <input
        id={id}
        name={name}
        type="checkbox"
        defaultChecked={defaultChecked}
        className="mt-0.5 size-4 shrink-0 rounded border-zinc-300 accent-brand-600"
      />
      <label htmlFor={id} className="text-xs leading-5 text-zinc-700">
        {label}
      </label>
    </div>
  );
}

function Right({ on, label }: { on: boolean; label: string }) {
  return (
    <li className={`flex items-center gap-1.5 ${on ? "text-zinc-700" : "text-zinc-400 line-through"}`}>
      <Icon name={on ? "check" : "lock"} className={`size-3.5 ${on ? "text-emerald-600" : "text-zinc-300"}`} />
      {label}
    </li>
  );
}
