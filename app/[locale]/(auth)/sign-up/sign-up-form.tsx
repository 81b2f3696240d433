"use client";

import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert, NewPasswordField, TextField } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import { AuthNotice } from "../auth-notice";
import { signUpAction } from "./actions";

const FIELDS = ["companyName", "adminName", "email", "password"];

/**
 * The sign-up form; once sent, the same "check your inbox" for every address, whether or not it has
 * an account. `mailOnConsole`: no mail server is set up (a laptop), the link is on the server's console.
 */
export function SignUpForm({ passwordMin, mailOnConsole }: { passwordMin: number; mailOnConsole: boolean }) {
  const t = useTranslations("signUp");
  const tNotice = useTranslations("accountMailNotice");
  const locale = useLocale();
  const [state, setState] = useState<ActionState<{ email: string }>>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setState(
      await signUpAction(locale, new FormData(event.currentTarget)).catch(
        (): ActionState<{ email: string }> => ({ error: "unexpected" }),
      ),
    );
    setPending(false);
  }

  if (state?.ok && state.result) {
    return (
      <div className="space-y-4" data-testid="sign-up-sent">
        <h2 className="text-lg font-semibold text-zinc-900">{t("sentTitle")}</h2>
        <AuthNotice tone="info">
          <p>{t("sent", { email: state.result.email })}</p>
          {mailOnConsole && <p>{tNotice("console")}</p>}
        </AuthNotice>
        <p className="text-sm leading-6 text-zinc-500">{t("sentHelp")}</p>
      </div>
    );
  }

  const errors = (name: string) => state?.fieldErrors?.[name];

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <FormAlert state={state} fields={FIELDS} />
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
