"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { type SectionProps, useFieldProps } from "./mailbox-form-fields";

export function SignInSection({
  values,
  fieldErrors,
  hasPassword,
  oauth,
  passwordOptional = false,
  signsInWithAccount,
}: SectionProps & {
  /** Whether the saved mailbox has a password stored: an empty field then keeps it. */
  hasPassword: boolean;
  /** "Connect with …" and how the mailbox is connected, when providers are configured. */
  oauth?: ReactNode;
  /** A new mailbox that may be connected with a provider instead: the password is for the other way. */
  passwordOptional?: boolean;
  /** Connected through OAuth2: no password field, since none would be used. */
  signsInWithAccount: boolean;
}) {
  const t = useTranslations("mailboxForm");
  const { field, errors } = useFieldProps(fieldErrors);
  return (
    <FormSection title={t("sections.signIn.title")} description={t("sections.signIn.description")}>
      {oauth}
      <TextField
        {...field("username")}
        defaultValue={values.username}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
      />
      {!signsInWithAccount && (
        <TextField
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          label={t("fields.password.label")}
          help={
            hasPassword
              ? t("fields.password.helpKeep")
              : passwordOptional
                ? t("fields.password.helpOrConnect")
                : t("fields.password.help")
          }
          placeholder={hasPassword ? t("fields.password.placeholderKeep") : undefined}
          errors={errors("password")}
        />
      )}
    </FormSection>
  );
}
