"use client";

import { signIn } from "next-auth/react";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert, NewPasswordField, TextField } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import { type AcceptedInvite, acceptInviteAction } from "./actions";

/**
 * One form whether or not the invited address has an account (the page must not tell): a name and
 * a password, which is the account's own when there is one.
 */
export function AcceptInviteForm({ token, email, passwordMin }: { token: string; email: string; passwordMin: number }) {
  const t = useTranslations("invite");
  const locale = useLocale();
  const [state, setState] = useState<ActionState<AcceptedInvite>>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    const outcome = await acceptInviteAction(locale, token, form).catch(
      (): ActionState<AcceptedInvite> => ({ error: "unexpected" }),
    );
    if (!outcome.ok || !outcome.result) {
      setState(outcome);
      setPending(false);
      return;
    }
    const { result } = outcome;
    const signedIn = await signIn("credentials", {
      redirect: false,
      email: result.email,
      password: String(form.get("password")),
    });
    window.location.assign(
      signedIn?.ok && !signedIn.error ? `/${result.locale}/${result.tenantSlug}/tickets` : `/${locale}/sign-in`,
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <FormAlert state={state} fields={["name", "password"]} />
      <TextField id="email" type="email" label={t("email")} value={email} readOnly disabled />
      <TextField
        id="name"
        name="name"
        autoComplete="name"
        label={t("name")}
        errors={state?.fieldErrors?.name}
        autoFocus
      />
      <NewPasswordField
        name="password"
        min={passwordMin}
        label={t("password")}
        help={t("passwordHelp", { min: passwordMin })}
        errors={state?.fieldErrors?.password}
      />
      <Button type="submit" pending={pending} className="w-full">
        {t("accept")}
      </Button>
    </form>
  );
}
