"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { CheckboxField, errorsFor, SelectField, TextAreaField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { SaveBar } from "@/app/_components/save-bar";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import type { DivisionSettings } from "@/lib/divisions/settings";
import { locales } from "@/lib/i18n/routing";
import { AdminsOnlyNote } from "./admins-only-note";
import { MemberChecklist } from "./member-checklist";
import { SERVICE_LEVEL_FIELDS, ServiceLevelsSection } from "./service-levels-section";

const AUTOMATION_MODES = ["waiting_list", "convert_known", "convert_and_register"] as const;

/** Every field of `divisionSettingsSchema`; errors for anything else are listed above the save button. */
const FIELDS: (keyof DivisionSettings)[] = [
  "name",
  "tag",
  "language",
  "dispatcherActive",
  "pollIntervalMinutes",
  "maxMailSizeMegabytes",
  "sendingEnabled",
  "confirmationsPerSenderPerHour",
  "plusAddressing",
  "markOutgoingPrivate",
  "massMailFromMailboxId",
  "automationMode",
  "sendConfirmations",
  "checkSenderOnSubjectMatch",
  "autoCloseDays",
  "spamDomains",
  "showAnswered",
  "showOnHold",
  "highlightDomains",
  "trashRetentionDays",
  "defaultKnowledgeBaseId",
  "defaultSupportKnowledgeBaseId",
  "maxSuggestions",
  "unprocessedRecipientIds",
  "unprocessedTemplateId",
  ...SERVICE_LEVEL_FIELDS,
];

export function DivisionSettingsForm({
  divisionId,
  initial,
  canEdit,
  action,
  knowledgeBases,
  templates,
  mailboxes,
  members,
  timeZones,
}: {
  divisionId: string;
  initial: DivisionSettings;
  canEdit: boolean;
  action: (previous: ActionState<DivisionSettings>, input: FormData) => Promise<ActionState<DivisionSettings>>;
  knowledgeBases: { id: string; name: string }[];
  templates: { id: string; name: string; locale: string }[];
  mailboxes: { id: string; name: string; address: string }[];
  members: { userId: string; name: string; email: string }[];
  timeZones: string[];
}) {
  const t = useTranslations("divisionSettings");
  const tLanguage = useTranslations("language.name");
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  const [saved, setSaved] = useState({ values: initial, version: 0 });
  const [dirty, setDirty] = useState(false);

  // After a save the fields show the values as stored (a tag upper-cased, domains lower-cased).
  useEffect(() => {
    if (state.ok && state.result) {
      const values = state.result;
      setSaved((previous) => ({ values, version: previous.version + 1 }));
      setDirty(false);
    }
  }, [state]);

  const v = saved.values;
  const errors = (name: keyof DivisionSettings) => errorsFor(state.fieldErrors, name);
  const label = (name: keyof DivisionSettings) => t(`fields.${name}.label`);
  const help = (name: keyof DivisionSettings) => t(`fields.${name}.help`);
  /** What every field of the form shares: its name as id, its label, help line and errors. */
  const field = (name: keyof DivisionSettings) => ({
    id: name,
    name,
    label: label(name),
    help: help(name),
    errors: errors(name),
  });

  return (
    <form ref={formRef} onSubmit={onSubmit} onChange={() => setDirty(true)} noValidate className="space-y-6">
      <input type="hidden" name="divisionId" value={divisionId} />
      {!canEdit && <AdminsOnlyNote>{t("onlyAdmins")}</AdminsOnlyNote>}

      <fieldset key={saved.version} disabled={!canEdit} className="space-y-6 lg:space-y-0 lg:divide-y lg:divide-zinc-200">
        <FormSection title={t("sections.general.title")} description={t("sections.general.description")}>
          <div className="grid gap-5 sm:grid-cols-2">
            <TextField {...field("name")} defaultValue={v.name} />
            <TextField
              id="tag"
              name="tag"
              label={label("tag")}
              help={t("fields.tag.help", { example: "[ACME#123]" })}
              defaultValue={v.tag}
              className="font-mono uppercase"
              autoCapitalize="characters"
              errors={errors("tag")}
            />
          </div>
          <SelectField {...field("language")} defaultValue={v.language}>
            {locales.map((locale) => (
              <option key={locale} value={locale}>
                {tLanguage(locale)}
              </option>
            ))}
          </SelectField>
        </FormSection>

        <FormSection title={t("sections.dispatcher.title")} description={t("sections.dispatcher.description")}>
          <CheckboxField {...field("dispatcherActive")} defaultChecked={v.dispatcherActive} />
          <TextField
            {...field("pollIntervalMinutes")}
            type="number"
            inputMode="numeric"
            min={1}
            max={1440}
            defaultValue={v.pollIntervalMinutes}
            className="max-w-40"
          />
          <TextField
            {...field("maxMailSizeMegabytes")}
            type="number"
            inputMode="numeric"
            min={1}
            max={100}
            defaultValue={v.maxMailSizeMegabytes}
            className="max-w-40"
          />
        </FormSection>

        <FormSection title={t("sections.outbound.title")} description={t("sections.outbound.description")}>
          <CheckboxField {...field("sendingEnabled")} defaultChecked={v.sendingEnabled} />
          <TextField
            {...field("confirmationsPerSenderPerHour")}
            type="number"
            inputMode="numeric"
            min={1}
            max={100}
            defaultValue={v.confirmationsPerSenderPerHour}
            className="max-w-40"
          />
          <CheckboxField
            id="plusAddressing"
            name="plusAddressing"
            label={label("plusAddressing")}
            help={t("fields.plusAddressing.help", { example: "support+t1042.k7f3@example.com" })}
            errors={errors("plusAddressing")}
            defaultChecked={v.plusAddressing}
          />
          <CheckboxField {...field("markOutgoingPrivate")} defaultChecked={v.markOutgoingPrivate} />
          <SelectField
            {...field("massMailFromMailboxId")}
            defaultValue={v.massMailFromMailboxId ?? ""}
            disabled={mailboxes.length === 0 || undefined}
          >
            {mailboxes.length === 0 ? (
              <option value="">{t("fields.massMailFromMailboxId.noneYet")}</option>
            ) : (
              <>
                <option value="">{t("none")}</option>
                {mailboxes.map((mailbox) => (
                  <option key={mailbox.id} value={mailbox.id}>
                    {mailbox.name} ({mailbox.address})
                  </option>
                ))}
              </>
            )}
          </SelectField>
        </FormSection>

        <FormSection title={t("sections.automation.title")} description={t("sections.automation.description")}>
          <SelectField {...field("automationMode")} defaultValue={v.automationMode}>
            {AUTOMATION_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {t(`automationModes.${mode}`)}
              </option>
            ))}
          </SelectField>
          <CheckboxField {...field("sendConfirmations")} defaultChecked={v.sendConfirmations} />
          <CheckboxField {...field("checkSenderOnSubjectMatch")} defaultChecked={v.checkSenderOnSubjectMatch} />
          <TextField
            {...field("autoCloseDays")}
            type="number"
            inputMode="numeric"
            min={-1}
            max={3650}
            placeholder={t("fields.autoCloseDays.placeholder")}
            defaultValue={v.autoCloseDays ?? ""}
            className="max-w-40"
          />
          <TextAreaField
            {...field("spamDomains")}
            placeholder={t("fields.spamDomains.placeholder")}
            defaultValue={v.spamDomains.join("\n")}
          />
        </FormSection>

        <FormSection title={t("sections.queue.title")} description={t("sections.queue.description")}>
          <CheckboxField {...field("showAnswered")} defaultChecked={v.showAnswered} />
          <CheckboxField {...field("showOnHold")} defaultChecked={v.showOnHold} />
          <TextAreaField
            {...field("highlightDomains")}
            placeholder={t("fields.highlightDomains.placeholder")}
            defaultValue={v.highlightDomains.join("\n")}
          />
        </FormSection>

        <FormSection title={t("sections.trash.title")} description={t("sections.trash.description")}>
          <TextField
            {...field("trashRetentionDays")}
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            defaultValue={v.trashRetentionDays}
            className="max-w-40"
          />
        </FormSection>

        <ServiceLevelsSection values={v} fieldErrors={state.fieldErrors} timeZones={timeZones} />

        <FormSection title={t("sections.knowledgeBase.title")} description={t("sections.knowledgeBase.description")}>
          {(["defaultKnowledgeBaseId", "defaultSupportKnowledgeBaseId"] as const).map((name) => (
            <SelectField
              key={name}
              {...field(name)}
              defaultValue={v[name] ?? ""}
              disabled={knowledgeBases.length === 0 || undefined}
            >
              {knowledgeBases.length === 0 ? (
                <option value="">{t(`fields.${name}.noneYet`)}</option>
              ) : (
                <>
                  <option value="">{t("none")}</option>
                  {knowledgeBases.map((kb) => (
                    <option key={kb.id} value={kb.id}>
                      {kb.name}
                    </option>
                  ))}
                </>
              )}
            </SelectField>
          ))}
          <TextField
            {...field("maxSuggestions")}
            type="number"
            inputMode="numeric"
            min={0}
            max={20}
            defaultValue={v.maxSuggestions}
            className="max-w-40"
          />
        </FormSection>

        <FormSection title={t("sections.notifications.title")} description={t("sections.notifications.description")}>
          <MemberChecklist
            name="unprocessedRecipientIds"
            label={label("unprocessedRecipientIds")}
            help={help("unprocessedRecipientIds")}
            members={members}
            checked={v.unprocessedRecipientIds}
            errors={errors("unprocessedRecipientIds")}
          />
          <SelectField
            {...field("unprocessedTemplateId")}
            defaultValue={v.unprocessedTemplateId ?? ""}
          >
            <option value="">{t("none")}</option>
            {templates.map((template) => (
              <option key={template.id} value={template.id}>
                {template.name} ({template.locale.toUpperCase()})
              </option>
            ))}
          </SelectField>
        </FormSection>
      </fieldset>

      {canEdit && (
        <SaveBar
          state={state}
          fields={FIELDS}
          dirty={dirty}
          pending={pending}
          text={{ save: t("save"), saved: t("saved"), unsaved: t("unsaved"), hint: t("hint") }}
        />
      )}
    </form>
  );
}
