"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { CheckboxField, FieldErrors, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { type Protocol, type SectionProps, useFieldProps } from "./mailbox-form-fields";

/** What POP3 leaves on the server. Mounted whatever the protocol: the choice outlives a switch to IMAP and back. */
export function Pop3Section({ values, fieldErrors, protocol }: SectionProps & { protocol: Protocol }) {
  const t = useTranslations("mailboxForm");
  const { field, errors } = useFieldProps(fieldErrors);
  const [leaveCopy, setLeaveCopy] = useState(values.pop3LeaveCopy);

  if (protocol !== "pop3") return null;
  return (
    <FormSection title={t("sections.pop3.title")} description={t("sections.pop3.description")}>
      <fieldset className="space-y-3" aria-describedby="pop3LeaveCopy-help">
        <legend className="text-sm font-medium text-zinc-800">{t("fields.pop3LeaveCopy.label")}</legend>
        <p id="pop3LeaveCopy-help" className="-mt-2 text-xs leading-5 text-zinc-500">
          {t("fields.pop3LeaveCopy.help")}
        </p>
        {[false, true].map((keep) => (
          <label key={String(keep)} className="flex cursor-pointer items-start gap-3">
            <input
              type="radio"
              name="pop3LeaveCopy"
              value={String(keep)}
              checked={leaveCopy === keep}
              onChange={() => setLeaveCopy(keep)}
              className="mt-0.5 size-4 accent-brand-600"
            />
            <span>
              <span className="block text-sm font-medium text-zinc-900">
                {t(keep ? "fields.pop3LeaveCopy.keep" : "fields.pop3LeaveCopy.delete")}
              </span>
              <span className="block text-xs leading-5 text-zinc-500">
                {t(keep ? "fields.pop3LeaveCopy.keepHelp" : "fields.pop3LeaveCopy.deleteHelp")}
              </span>
            </span>
          </label>
        ))}
        <FieldErrors errors={errors("pop3LeaveCopy")} />
      </fieldset>
      {leaveCopy && (
        <div className="space-y-5 border-l-2 border-zinc-100 pl-4">
          <TextField
            {...field("pop3RemoveAfterDays")}
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            defaultValue={values.pop3RemoveAfterDays ?? ""}
            placeholder={t("fields.pop3RemoveAfterDays.placeholder")}
            className="max-w-40"
          />
          <CheckboxField {...field("pop3RemoveWhenDeleted")} defaultChecked={values.pop3RemoveWhenDeleted} />
        </div>
      )}
    </FormSection>
  );
}
