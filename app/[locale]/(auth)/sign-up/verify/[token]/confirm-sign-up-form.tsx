"use client";

import { useLocale, useTranslations } from "next-intl";
import { useActionState, useEffect } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert } from "@/app/_components/form";
import { completeSignUpAction } from "./actions";

/** One button: the POST that creates the company (the link's GET only shows this page). */
export function ConfirmSignUpForm({ token }: { token: string }) {
  const t = useTranslations("signUp.verify");
  const locale = useLocale();
  const [state, action, pending] = useActionState(completeSignUpAction.bind(null, locale, token), {});

  useEffect(() => {
    if (state.ok && state.result) {
      window.location.assign(`/${locale}/sign-in?created=1&email=${encodeURIComponent(state.result.email)}`);
    }
  }, [state, locale]);

  return (
    <form action={action} className="space-y-5">
      <FormAlert state={state} />
      <Button type="submit" pending={pending || state.ok} className="w-full">
        {t("submit")}
      </Button>
    </form>
  );
}
