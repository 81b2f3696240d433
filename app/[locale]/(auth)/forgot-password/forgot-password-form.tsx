"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { FormAlert, TextField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import { MailSentNotice } from "../auth-notice";
import { forgotPasswordAction } from "./actions";

export function ForgotPasswordForm({ mailOnConsole }: { mailOnConsole: boolean }) {
  const t = useTranslations("forgotPassword");
  const { state, pending, onSubmit, formRef } = useActionForm(forgotPasswordAction);

  if (state.ok && state.result) {
    return (
      <MailSentNotice
        testId="forgot-password-sent"
        title={t("sentTitle")}
        message={t("sent", { email: state.result.email })}
        mailOnConsole={mailOnConsole}
      />
    );
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-5">
      <FormAlert state={state} fields={["email"]} />
      <TextField
        id="email"
        name="email"
        type="email"
        autoComplete="email"
        label={t("email")}
        errors={state.fieldErrors?.email}
        autoFocus
      />
      <Button type="submit" pending={pending} className="w-full">
        {t("submit")}
      </Button>
    </form>
  );
}
