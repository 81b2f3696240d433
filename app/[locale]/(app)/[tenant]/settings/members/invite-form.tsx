"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import { CardBody } from "@/app/_components/card";
import { errorsFor, FormAlert, SelectField, TextField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { Role } from "@/db/schema";
import type { ActionState } from "@/lib/auth/action";

type Invited = { email: string; token: string };

export function InviteForm({
  action,
  roleOptions,
}: {
  action: (previous: ActionState<Invited>, input: FormData) => Promise<ActionState<Invited>>;
  roleOptions: Role[];
}) {
  const t = useTranslations("members.invite");
  const tRoles = useTranslations("roles");
  const locale = useLocale();
  const { state, pending, onSubmit, formRef } = useActionForm(action, { resetOnSuccess: true });
  const invited = state.ok ? state.result : undefined;

  return (
    <CardBody className="space-y-5">
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
          <TextField
            id="invite-email"
            name="email"
            type="email"
            autoComplete="off"
            label={t("email")}
            placeholder={t("emailPlaceholder")}
            errors={errorsFor(state.fieldErrors, "email")}
          />
          <SelectField id="invite-role" name="role" label={t("role")} defaultValue="agent" errors={errorsFor(state.fieldErrors, "role")}>
            {roleOptions.map((role) => (
              <option key={role} value={role}>
                {tRoles(role)}
              </option>
            ))}
          </SelectField>
          <div className="sm:pt-6.5">
            <Button type="submit" pending={pending} className="w-full">
              <Icon name="link" className="size-4" />
              {t("submit")}
            </Button>
          </div>
        </div>
        {!state.ok && <FormAlert state={state} fields={["email", "role"]} />}
      </form>
      {invited && <InviteLink email={invited.email} href={`/${locale}/invite/${invited.token}`} />}
    </CardBody>
  );
}

function InviteLink({ email, href }: { email: string; href: string }) {
  const t = useTranslations("members.invite");
  const [copied, setCopied] = useState(false);
  const link = typeof window === "undefined" ? href : new URL(href, window.location.origin).toString();

  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // Clipboard API refused (an insecure origin): select the text and copy the old way.
      const input = document.getElementById("invite-link") as HTMLInputElement | null;
      input?.select();
      document.execCommand("copy");
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  }

  return (
    <div className="rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-200 ring-inset" role="status">
      <p className="flex items-center gap-2 text-sm font-medium text-emerald-900">
        <Icon name="checkCircle" className="size-5 text-emerald-600" />
        {t("created", { email })}
      </p>
      <p className="mt-1 text-sm text-emerald-800">{t("shareHelp")}</p>
      <div className="mt-3 flex gap-2">
        <label htmlFor="invite-link" className="sr-only">
          {t("link")}
        </label>
        <input
          id="invite-link"
          name="inviteLink"
          readOnly
          value={link}
          onFocus={(event) => event.currentTarget.select()}
          className="block w-full min-w-0 rounded-lg border border-emerald-300 bg-white px-3 py-2 font-mono text-xs text-zinc-800"
        />
        <Button variant="secondary" onClick={copy}>
          <Icon name={copied ? "check" : "copy"} className="size-4" />
          {copied ? t("copied") : t("copy")}
        </Button>
      </div>
    </div>
  );
}
