"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { FormAlert, NewPasswordField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { useActionForm } from "@/app/_components/use-action-form";
import { changePasswordAction } from "./actions";

const FIELDS = ["currentPassword", "newPassword"];

export function ChangePasswordForm({ email, passwordMin }: { email: string; passwordMin: number }) {
  const t = useTranslations("profile.password");
  const { state, pending, onSubmit, formRef } = useActionForm(changePasswordAction, { resetOnSuccess: true });

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate>
      <FormSection title={t("title")} description={t("description")}>
        <div className="space-y-5">
          {/* For password managers: the account the new password belongs to. */}
          <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
          <TextField
            id="currentPassword"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            label={t("currentPassword")}
            errors={state.fieldErrors?.currentPassword}
          />
          <NewPasswordField
            name="newPassword"
            min={passwordMin}
            label={t("newPassword")}
            help={t("newPasswordHelp", { min: passwordMin })}
            errors={state.fieldErrors?.newPassword}
          />
        </div>
        <div className="flex flex-wrap items-center gap-4 border-t border-zinc-100 pt-5">
          <Button type="submit" pending={pending}>
            {t("save")}
          </Button>
          <div className="min-w-0 flex-1">
            <FormAlert state={state} fields={FIELDS} success={t("saved")} />
          </div>
        </div>
      </FormSection>
    </form>
  );
}
