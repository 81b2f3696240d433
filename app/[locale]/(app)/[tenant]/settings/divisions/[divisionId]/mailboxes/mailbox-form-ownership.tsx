"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { FieldErrors, SelectField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import type { OwnershipChoices } from "@/lib/mailboxes/mailboxes";
import { MAILBOX_OWNERSHIPS, PERSONAL_ASSIGNMENTS } from "@/lib/mailboxes/ownership";
import { type SectionProps, useFieldProps } from "./mailbox-form-fields";

/**
 * Whose the mailbox is (the division's, a team's, one operator's) and what the tickets its mail
 * creates start with. A personal mailbox's tickets are its owner's: assigned to them, or waiting
 * unassigned in their personal queue.
 */
export function OwnershipSection({ values, fieldErrors, choices }: SectionProps & { choices: OwnershipChoices }) {
  const t = useTranslations("mailboxForm");
  const tPriorities = useTranslations("tickets.priorities");
  const { field, errors } = useFieldProps(fieldErrors);
  const [belongsTo, setBelongsTo] = useState(values.belongsTo);
  const [ownerUserId, setOwnerUserId] = useState(values.ownerUserId ?? "");
  const owner = choices.members.find((member) => member.userId === ownerUserId);
  const ownerName = owner?.name ?? t("fields.personalAssignment.theOwner");

  return (
    <FormSection title={t("sections.ownership.title")} description={t("sections.ownership.description")}>
      <fieldset className="space-y-3" aria-describedby="belongsTo-help">
        <legend className="text-sm font-medium text-zinc-800">{t("fields.belongsTo.label")}</legend>
        <p id="belongsTo-help" className="-mt-2 text-xs leading-5 text-zinc-500">
          {t("fields.belongsTo.help")}
        </p>
        {MAILBOX_OWNERSHIPS.map((choice) => (
          <label key={choice} className="flex cursor-pointer items-start gap-3">
            <input
              type="radio"
              name="belongsTo"
              value={choice}
              checked={belongsTo === choice}
              onChange={() => setBelongsTo(choice)}
              className="mt-0.5 size-4 accent-brand-600"
            />
            <span>
              <span className="block text-sm font-medium text-zinc-900">{t(`fields.belongsTo.${choice}`)}</span>
              <span className="block text-xs leading-5 text-zinc-500">{t(`fields.belongsTo.${choice}Help`)}</span>
            </span>
          </label>
        ))}
        <FieldErrors errors={errors("belongsTo")} />
      </fieldset>

      {belongsTo === "team" && (
        <SelectField {...field("teamId")} defaultValue={values.teamId ?? ""} className="max-w-sm">
          <option value="">{t("fields.teamId.choose")}</option>
          {choices.teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </SelectField>
      )}
      {belongsTo === "personal" && (
        <SelectField {...field("ownerUserId")} value={ownerUserId} onChange={(event) => setOwnerUserId(event.target.value)}>
          <option value="">{t("fields.ownerUserId.choose")}</option>
          {choices.members.map((member) => (
            <option key={member.userId} value={member.userId}>
              {member.name} ({member.email})
            </option>
          ))}
        </SelectField>
      )}

      <div className="grid gap-5 sm:grid-cols-2">
        <SelectField {...field("defaultPriority")} defaultValue={values.defaultPriority}>
          {choices.priorities.map((priority) => (
            <option key={priority} value={priority}>
              {tPriorities(priority)}
            </option>
          ))}
        </SelectField>
        <TextField
          {...field("defaultTags")}
          defaultValue={values.defaultTags.join(", ")}
          placeholder={t("fields.defaultTags.placeholder")}
        />
      </div>

      {belongsTo === "personal" ? (
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-zinc-800">{t("fields.personalAssignment.label")}</legend>
          {PERSONAL_ASSIGNMENTS.map((choice) => (
            <label key={choice} className="flex cursor-pointer items-start gap-3">
              <input
                type="radio"
                name="personalAssignment"
                value={choice}
                defaultChecked={values.personalAssignment === choice}
                className="mt-0.5 size-4 accent-brand-600"
              />
              <span className="text-sm text-zinc-900">{t(`fields.personalAssignment.${choice}`, { owner: ownerName })}</span>
            </label>
          ))}
          <FieldErrors errors={errors("personalAssignment")} />
        </fieldset>
      ) : (
        <SelectField {...field("defaultAssigneeId")} defaultValue={values.defaultAssigneeId ?? ""} className="max-w-sm">
          <option value="">{t("fields.defaultAssigneeId.none")}</option>
          {choices.members.map((member) => (
            <option key={member.userId} value={member.userId}>
              {member.name}
            </option>
          ))}
        </SelectField>
      )}
    </FormSection>
  );
}
