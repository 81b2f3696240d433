"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert, NewPasswordField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import { resetPasswordAction } from "./actions";

export function ResetPasswordForm({ token, email, passwordMin }: { token: string; email: string; passwordMin: number }) {
  const t = useTranslations("resetPassword");
  const locale = useLocale();
  const { state, pending, onSubmit, formRef } = useActionForm(resetPasswordAction.bind(null, token));

  useEffect(() => {
    if (state.ok && state.result) {
      window.location.assign(`/${locale}/sign-in?reset=1&email=${encodeURIComponent(state.result.email)}`);
    }
  }, [state, locale]);

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-5">
      <FormAlert state={state} fields={["password"]} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <NewPasswordField
        name="password"
        min={passwordMin}
        label={t("password")}
        help={t("passwordHelp", { min: passwordMin })}
        errors={state.fieldErrors?.password}
        autoFocus
      />
      <Button type="submit" pending={pending || state.ok} className="w-full">
        {t("submit")}
      </Button>
    </form>
  );
}
