"use client";

import { useLocale, useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { FormAlert, NewPasswordField, TextField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import { MailSentNotice } from "../auth-notice";
import { signUpAction } from "./actions";

const FIELDS = ["companyName", "adminName", "email", "password"];

/**
 * The sign-up form; once sent, the same "check your inbox" for every address, whether or not it has
 * an account. `mailOnConsole`: no mail server is set up (a laptop), the link is on the server's console.
 */
export function SignUpForm({ passwordMin, mailOnConsole }: { passwordMin: number; mailOnConsole: boolean }) {
  const t = useTranslations("signUp");
  const locale = useLocale();
  const { state, pending, onSubmit, formRef } = useActionForm(signUpAction);

  if (state.ok && state.result) {
    return (
      <MailSentNotice
        testId="sign-up-sent"
        title={t("sentTitle")}
        message={t("sent", { email: state.result.email })}
        help={t("sentHelp")}
        mailOnConsole={mailOnConsole}
      />
    );
  }

  const errors = (name: string) => state.fieldErrors?.[name];

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-5">
      <FormAlert state={state} fields={FIELDS} />
      {/* The language of the mail, and of the company's first division. */}
      <input type="hidden" name="locale" value={locale} />
      <TextField
        id="companyName"
        name="companyName"
        autoComplete="organization"
        label={t("companyName")}
        placeholder={t("companyNamePlaceholder")}
        errors={errors("companyName")}
        autoFocus
      />
      <TextField
        id="adminName"
        name="adminName"
        autoComplete="name"
        label={t("adminName")}
        errors={errors("adminName")}
      />
      <TextField
        id="email"
        name="email"
        type="email"
        autoComplete="email"
        label={t("email")}
        placeholder={t("emailPlaceholder")}
        errors={errors("email")}
      />
      <NewPasswordField
        name="password"
        min={passwordMin}
        label={t("password")}
        help={t("passwordHelp", { min: passwordMin })}
        errors={errors("password")}
      />
      <Button type="submit" pending={pending} className="w-full">
        {t("submit")}
      </Button>
      <p className="text-center text-xs leading-5 text-zinc-500">{t("afterSubmit")}</p>
    </form>
  );
}
