"use client";

import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert, TextField } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import { AuthNotice } from "../auth-notice";
import { forgotPasswordAction } from "./actions";

export function ForgotPasswordForm({ mailOnConsole }: { mailOnConsole: boolean }) {
  const t = useTranslations("forgotPassword");
  const tNotice = useTranslations("accountMailNotice");
  const [state, setState] = useState<ActionState<{ email: string }>>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setState(
      await forgotPasswordAction(new FormData(event.currentTarget)).catch(
        (): ActionState<{ email: string }> => ({ error: "unexpected" }),
      ),
    );
    setPending(false);
  }

  if (state?.ok && state.result) {
    return (
      <div className="space-y-4" data-testid="forgot-password-sent">
        <h2 className="text-lg font-semibold text-zinc-900">{t("sentTitle")}</h2>
        <AuthNotice tone="info">
          <p>{t("sent", { email: state.result.email })}</p>
          {mailOnConsole && <p>{tNotice("console")}</p>}
        </AuthNotice>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <FormAlert state={state} fields={["email"]} />
      <TextField
        id="email"
        name="email"
        type="email"
        autoComplete="email"
        label={t("email")}
        errors={state?.fieldErrors?.email}
        autoFocus
      />
      <Button type="submit" pending={pending} className="w-full">
        {t("submit")}
      </Button>
    </form>
  );
}
