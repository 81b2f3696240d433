"use client";

import { signIn } from "next-auth/react";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert, TextField } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import { signUpAction } from "./actions";

const FIELDS = ["companyName", "adminName", "email", "password"];

export function SignUpForm({ passwordMin }: { passwordMin: number }) {
  const t = useTranslations("signUp");
  const locale = useLocale();
  const [state, setState] = useState<ActionState>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    const result = await signUpAction(locale, form).catch((): ActionState => ({ error: "unexpected" }));
    if (!result.ok) {
      setState(result);
      setPending(false);
      return;
    }
    const signedIn = await signIn("credentials", {
      redirect: false,
      email: String(form.get("email")),
      password: String(form.get("password")),
    });
    // The account exists either way; should signing in fail, the sign-in page takes over.
    window.location.assign(signedIn?.ok && !signedIn.error ? `/${locale}` : `/${locale}/sign-in`);
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
      <TextField
        id="password"
        name="password"
        type="password"
        autoComplete="new-password"
        label={t("password")}
        help={t("passwordHelp", { min: passwordMin })}
        errors={errors("password")}
        errorValues={{ min: passwordMin }}
      />
      <Button type="submit" pending={pending} className="w-full">
        {t("submit")}
      </Button>
      <p className="text-center text-xs leading-5 text-zinc-500">{t("afterSubmit")}</p>
    </form>
  );
}
