"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { CheckboxField, SelectField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { defaultSmtpPort } from "@/lib/mailboxes/ports";
import { PortField } from "./mailbox-form-port-field";
import { SECURITIES, type SectionProps, type Security, useFieldProps } from "./mailbox-form-fields";

export function OutgoingSection({
  values,
  fieldErrors,
  hasSmtpPassword,
  onEdit,
}: SectionProps & {
  /** Whether the saved mailbox has a password of the SMTP server's own: an empty field then keeps it. */
  hasSmtpPassword: boolean;
  /** For an edit the form's change event misses: a port set by "Use defaults". */
  onEdit: () => void;
}) {
  const t = useTranslations("mailboxForm");
  const tMailboxes = useTranslations("mailboxes");
  const { field, errors } = useFieldProps(fieldErrors);
  const [smtpSecurity, setSmtpSecurity] = useState(values.smtpSecurity);
  const [smtpPort, setSmtpPort] = useState(String(values.smtpPort));
  const [smtpAuthRequired, setSmtpAuthRequired] = useState(values.smtpAuthRequired);
  const [smtpSameCredentials, setSmtpSameCredentials] = useState(values.smtpSameCredentials);

  /** The port follows the security unless typed by hand, as the incoming server's does. */
  function chooseSmtpSecurity(next: Security) {
    if (smtpPort.trim() === "" || Number(smtpPort) === defaultSmtpPort(smtpSecurity)) {
      setSmtpPort(String(defaultSmtpPort(next)));
    }
    setSmtpSecurity(next);
  }

  function fillDefaultSmtpPort() {
    setSmtpPort(String(defaultSmtpPort(smtpSecurity)));
    onEdit();
  }

  return (
    <FormSection title={t("sections.smtp.title")} description={t("sections.smtp.description")}>
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField
          {...field("smtpHost")}
          defaultValue={values.smtpHost ?? ""}
          placeholder={t("fields.smtpHost.placeholder")}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
        />
        <SelectField
          {...field("smtpSecurity")}
          value={smtpSecurity}
          onChange={(event) => chooseSmtpSecurity(event.target.value as Security)}
        >
          {SECURITIES.map((choice) => (
            <option key={choice} value={choice}>
              {tMailboxes(`securities.${choice}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <PortField
        name="smtpPort"
        value={smtpPort}
        onChange={setSmtpPort}
        defaultPort={defaultSmtpPort(smtpSecurity)}
        onUseDefault={fillDefaultSmtpPort}
        errors={errors("smtpPort")}
      />
      <TextField
        {...field("smtpTimeoutSeconds")}
        type="number"
        inputMode="numeric"
        min={5}
        max={300}
        defaultValue={values.smtpTimeoutSeconds}
        className="max-w-40"
      />
      <CheckboxField
        {...field("smtpAuthRequired")}
        checked={smtpAuthRequired}
        onChange={(event) => setSmtpAuthRequired(event.target.checked)}
      />
      {smtpAuthRequired ? (
        <div className="space-y-5 border-l-2 border-zinc-100 pl-4">
          <CheckboxField
            {...field("smtpSameCredentials")}
            checked={smtpSameCredentials}
            onChange={(event) => setSmtpSameCredentials(event.target.checked)}
          />
          {!smtpSameCredentials && (
            <>
              <TextField
                {...field("smtpUsername")}
                defaultValue={values.smtpUsername ?? ""}
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
              />
              <TextField
                id="smtpPassword"
                name="smtpPassword"
                type="password"
                autoComplete="new-password"
                label={t("fields.smtpPassword.label")}
                help={hasSmtpPassword ? t("fields.smtpPassword.helpKeep") : t("fields.smtpPassword.help")}
                placeholder={hasSmtpPassword ? t("fields.smtpPassword.placeholderKeep") : undefined}
                errors={errors("smtpPassword")}
              />
            </>
          )}
        </div>
      ) : (
        // Hidden with sign-in off, the choice is kept for when sign-in is turned back on.
        <input type="hidden" name="smtpSameCredentials" value={String(smtpSameCredentials)} />
      )}
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField
          {...field("smtpDisplayName")}
          defaultValue={values.smtpDisplayName ?? ""}
          placeholder={t("fields.smtpDisplayName.placeholder")}
          autoComplete="off"
        />
        <TextField
          {...field("smtpReplyTo")}
          type="email"
          defaultValue={values.smtpReplyTo ?? ""}
          placeholder={t("fields.smtpReplyTo.placeholder")}
          autoComplete="off"
        />
      </div>
    </FormSection>
  );
}
