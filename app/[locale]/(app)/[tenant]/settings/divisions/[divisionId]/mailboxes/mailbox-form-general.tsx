"use client";

import { useTranslations } from "next-intl";
import { CheckboxField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { type SectionProps, useFieldProps } from "./mailbox-form-fields";

export function GeneralSection({ values, fieldErrors }: SectionProps) {
  const t = useTranslations("mailboxForm");
  const { field } = useFieldProps(fieldErrors);
  return (
    <FormSection title={t("sections.general.title")} description={t("sections.general.description")}>
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField {...field("name")} defaultValue={values.name} placeholder={t("fields.name.placeholder")} />
        <TextField
          {...field("address")}
          type="email"
          autoComplete="off"
          defaultValue={values.address}
          placeholder={t("fields.address.placeholder")}
        />
      </div>
      <CheckboxField {...field("active")} defaultChecked={values.active} />
      <CheckboxField {...field("privateMail")} defaultChecked={values.privateMail} />
    </FormSection>
  );
}
