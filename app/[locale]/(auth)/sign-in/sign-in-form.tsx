"use client";

import { signIn } from "next-auth/react";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert, TextField } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import { waitMessage } from "@/lib/auth/throttle-policy";
import { Link } from "@/lib/i18n/navigation";
import { ProviderButtons, type SignInProvider } from "./provider-buttons";

/** Email and password, and "Continue with …" for each provider this server offers. */
export function SignInForm({
  providers,
  providerError,
  defaultEmail,
}: {
  providers: SignInProvider[];
  providerError: string | null;
  defaultEmail: string;
}) {
  const t = useTranslations("signIn");
  const locale = useLocale();
  const [state, setState] = useState<ActionState | undefined>(providerError ? { error: providerError } : undefined);
  const [pending, setPending] = useState(false);
  // The password was right and the account has two-step verification: the code is asked for next.
  const [codeNeeded, setCodeNeeded] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const code = String(form.get("code") ?? "").trim();
    const fieldErrors: Record<string, string[]> = {};
    if (!email) fieldErrors.email = ["required"];
    if (!password) fieldErrors.password = ["required"];
    if (codeNeeded && !code) fieldErrors.code = ["required"];
    if (Object.keys(fieldErrors).length > 0) {
      setState({ error: "invalidInput", fieldErrors });
      return;
    }
    setPending(true);
    setState(undefined);
    const result = await signIn("credentials", { redirect: false, email, password, ...(codeNeeded ? { code } : {}) });
    if (!result || result.error) {
      // lib/auth/options.ts names the failures, a refusal as `throttled:<seconds to wait>`;
      // anything else is a wrong email or password too.
      const error = result?.error ?? "";
      const throttled = /^throttled:(\d+)$/.exec(error);
      const wait = throttled ? waitMessage(Number(throttled[1])) : null;
      if (error === "twoFactorRequired") {
        setCodeNeeded(true);
        setState(undefined);
      } else if (error === "invalidTwoFactorCode") {
        setState({ error: "invalidInput", fieldErrors: { code: ["invalidTwoFactorCode"] } });
      } else {
        setState(wait ? { error: wait.key, errorValues: wait.values } : { error: "invalidCredentials" });
      }
      setPending(false);
      return;
    }
    // The home page sends the user on to their workspace, in the language they chose last.
    window.location.assign(`/${locale}`);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <FormAlert state={state} fields={["email", "password", "code"]} />
      {providers.length > 0 && (
        <>
          {/* The home page sends the user on to their workspace, as after a password sign-in. */}
          <ProviderButtons providers={providers} returnTo={`/${locale}`} />
          <p className="flex items-center gap-3 text-xs text-zinc-400 before:h-px before:flex-1 before:bg-zinc-200 after:h-px after:flex-1 after:bg-zinc-200">
            {t("or")}
          </p>
        </>
      )}
      <TextField
        id="email"
        name="email"
        type="email"
        autoComplete="email"
        label={t("email")}
        errors={state?.fieldErrors?.email}
        defaultValue={defaultEmail}
        autoFocus={!defaultEmail}
      />
      <TextField
        id="password"
        name="password"
        type="password"
        autoComplete="current-password"
        label={t("password")}
        errors={state?.fieldErrors?.password}
        autoFocus={Boolean(defaultEmail)}
      />
      {codeNeeded && (
        <>
          <p role="status" className="text-sm text-zinc-700">
            {t("codeNeeded")}
          </p>
          <TextField
            id="code"
            name="code"
            autoComplete="one-time-code"
            label={t("code")}
            help={t("codeHelp")}
            errors={state?.fieldErrors?.code}
            autoFocus
          />
        </>
      )}
      <p className="-mt-2 text-right text-sm">
        <Link href="/forgot-password" className="font-medium text-brand-700 hover:text-brand-800">
          {t("forgot")}
        </Link>
      </p>
      <Button type="submit" pending={pending} className="w-full">
        {t("submit")}
      </Button>
    </form>
  );
}
