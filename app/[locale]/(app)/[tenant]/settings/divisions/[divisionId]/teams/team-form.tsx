"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, SelectField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { Icon } from "@/app/_components/icons";
import { SaveBar } from "@/app/_components/save-bar";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { useRouter } from "@/lib/i18n/navigation";
import type { TeamSettings } from "@/lib/teams/teams";
import { AdminsOnlyNote } from "../admins-only-note";
import { MemberChecklist } from "../member-checklist";

type SaveAction = (previous: ActionState<TeamSettings>, input: FormData) => Promise<ActionState<TeamSettings>>;
type DeleteAction = (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;

const FIELDS = ["name", "outboundMailboxId", "memberIds"];

export function TeamForm({
  divisionId,
  team,
  initial,
  mailboxes,
  members,
  canEdit,
  saveAction,
  deleteAction,
  listHref,
}: {
  divisionId: string;
  /** Set when editing a saved team; absent for a new one. */
  team?: { id: string; name: string };
  initial: TeamSettings;
  /** The division's mailboxes: the only ones a team may send from. */
  mailboxes: { id: string; name: string; address: string }[];
  /** The company's members: who may be in the team. */
  members: { userId: string; name: string; email: string }[];
  canEdit: boolean;
  saveAction: SaveAction;
  deleteAction?: DeleteAction;
  /** Where the form goes once a new team is saved, or a team deleted. */
  listHref: string;
}) {
  const t = useTranslations("teams.form");
  const tTeams = useTranslations("teams");
  const router = useRouter();
  const { state, pending, onSubmit, formRef } = useActionForm(saveAction);
  const [saved, setSaved] = useState({ values: initial, version: 0 });
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    if (!state.ok || !state.result) return;
    if (!team) {
      router.push(listHref);
      return;
    }
    const values = state.result;
    setSaved((previous) => ({ values, version: previous.version + 1 }));
    setDirty(false);
  }, [state, team, listHref, router]);

  const v = saved.values;
  const errors = (name: string) => errorsFor(state.fieldErrors, name);

  return (
    <>
      <form ref={formRef} onSubmit={onSubmit} onChange={() => setDirty(true)} noValidate className="space-y-6">
        {team ? (
          <input type="hidden" name="teamId" value={team.id} />
        ) : (
          <input type="hidden" name="divisionId" value={divisionId} />
        )}
        {!canEdit && <AdminsOnlyNote>{tTeams("onlyAdmins")}</AdminsOnlyNote>}

        <fieldset key={saved.version} disabled={!canEdit} className="space-y-6 lg:space-y-0 lg:divide-y lg:divide-zinc-200">
          <FormSection title={t("sections.general.title")} description={t("sections.general.description")}>
            <TextField
              id="name"
              name="name"
              label={t("fields.name.label")}
              help={t("fields.name.help")}
              placeholder={t("fields.name.placeholder")}
              defaultValue={v.name}
              errors={errors("name")}
              autoComplete="off"
            />
          </FormSection>

          <FormSection title={t("sections.outbound.title")} description={t("sections.outbound.description")}>
            <SelectField
              id="outboundMailboxId"
              name="outboundMailboxId"
              label={t("fields.outboundMailboxId.label")}
              help={t("fields.outboundMailboxId.help")}
              defaultValue={v.outboundMailboxId ?? ""}
              errors={errors("outboundMailboxId")}
            >
              <option value="">{tTeams("divisionDefault")}</option>
              {mailboxes.map((mailbox) => (
                <option key={mailbox.id} value={mailbox.id}>
                  {mailbox.name} &lt;{mailbox.address}&gt;
                </option>
              ))}
            </SelectField>
          </FormSection>

          <FormSection title={t("sections.members.title")} description={t("sections.members.description")}>
            <MemberChecklist
              name="memberIds"
              label={t("fields.memberIds.label")}
              help={t("fields.memberIds.help")}
              members={members}
              checked={v.memberIds}
              errors={errors("memberIds")}
            />
          </FormSection>
        </fieldset>

        {canEdit && (
          <SaveBar
            state={state}
            fields={FIELDS}
            dirty={dirty}
            pending={pending}
            text={{
              save: team ? t("save") : t("create"),
              saved: t("saved"),
              unsaved: t("unsaved"),
              hint: team ? t("hint") : t("hintNew"),
            }}
          />
        )}
      </form>

      {canEdit && team && deleteAction && (
        <div className="mt-8 lg:border-t lg:border-zinc-200 lg:pt-8">
          <DeleteTeamSection team={team} action={deleteAction} listHref={listHref} />
        </div>
      )}
    </>
  );
}

/** Deleting, apart from the form: its tickets stay in the division with no team. */
function DeleteTeamSection({
  team,
  action,
  listHref,
}: {
  team: { id: string; name: string };
  action: DeleteAction;
  listHref: string;
}) {
  const t = useTranslations("teams.form");
  const router = useRouter();
  const [state, remove, deleting] = useActionState(action, {});

  useEffect(() => {
    if (state.ok) router.push(listHref);
  }, [state, listHref, router]);

  function onDelete() {
    if (!window.confirm(t("deleteConfirm", { name: team.name }))) return;
    startTransition(() => remove({ teamId: team.id }));
  }

  return (
    <FormSection title={t("sections.delete.title")} description={t("sections.delete.description")}>
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="danger" onClick={onDelete} pending={deleting}>
          {!deleting && <Icon name="trash" className="size-4" />}
          {t("delete")}
        </Button>
      </div>
      {state.error && <FormAlert state={state} />}
    </FormSection>
  );
}
