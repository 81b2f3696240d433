"use client";

import { useLocale, useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button } from "@/app/_components/button";
import { CardBody } from "@/app/_components/card";
import { errorsFor, FormAlert, SelectField, TextField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { Role } from "@/db/schema";
import type { ActionState } from "@/lib/auth/action";
import { locales } from "@/lib/i18n/routing";
import type { InvitationSent } from "./actions";

export function InviteForm({
  action,
  roleOptions,
}: {
  action: (previous: ActionState<InvitationSent>, input: FormData) => Promise<ActionState<InvitationSent>>;
  roleOptions: Role[];
}) {
  const t = useTranslations("members");
  const tRoles = useTranslations("roles");
  const tLanguage = useTranslations("language");
  const locale = useLocale();
  const [role, setRole] = useState<Role>("agent");
  const { state, pending, onSubmit, formRef } = useActionForm(action, { resetOnSuccess: true });
  const sent = state.ok ? state.result : undefined;

  return (
    <CardBody className="space-y-5">
      <form ref={formRef} onSubmit={onSubmit} onReset={() => setRole("agent")} noValidate className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_14rem_9rem_auto] sm:items-start">
          <TextField
            id="invite-email"
            name="email"
            type="email"
            autoComplete="off"
            label={t("invite.email")}
            placeholder={t("invite.emailPlaceholder")}
            errors={errorsFor(state.fieldErrors, "email")}
          />
          <SelectField
            id="invite-role"
            name="role"
            label={t("invite.role")}
            value={role}
            onChange={(event) => setRole(event.currentTarget.value as Role)}
            help={t(`roleHelp.${role}`)}
            errors={errorsFor(state.fieldErrors, "role")}
          >
            {roleOptions.map((option) => (
              <option key={option} value={option}>
                {tRoles(option)}
              </option>
            ))}
          </SelectField>
          <SelectField
            id="invite-locale"
            name="locale"
            label={t("invite.language")}
            defaultValue={locale}
            errors={errorsFor(state.fieldErrors, "locale")}
          >
            {locales.map((option) => (
              <option key={option} value={option}>
                {tLanguage(`name.${option}`)}
              </option>
            ))}
          </SelectField>
          <div className="sm:pt-6.5">
            <Button type="submit" pending={pending} className="w-full">
              <Icon name="envelope" className="size-4" />
              {t("invite.submit")}
            </Button>
          </div>
        </div>
        {!state.ok && <FormAlert state={state} fields={["email", "role", "locale"]} />}
      </form>
      {sent && <InvitationSentNotice sent={sent} message={t("invite.sent", { email: sent.email })} />}
    </CardBody>
  );
}

/** "Invitation sent to …", with the link to pass on when the mail only reached the server's console. */
export function InvitationSentNotice({ sent, message }: { sent: InvitationSent; message: string }) {
  const t = useTranslations("members.invite");
  const [copied, setCopied] = useState(false);
  const inputId = useId();

  async function copy(link: string) {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // Clipboard API refused (an insecure origin): select the text and copy the old way.
      const input = document.getElementById(inputId) as HTMLInputElement | null;
      input?.select();
      document.execCommand("copy");
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  }

  return (
    <div className="rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-200 ring-inset" role="status" data-testid="invitation-sent">
      <p className="flex items-center gap-2 text-sm font-medium text-emerald-900">
        <Icon name="checkCircle" className="size-5 text-emerald-600" />
        {message}
      </p>
      {sent.link && (
        <>
          <p className="mt-1 text-sm text-emerald-800">{t("consoleHelp")}</p>
          <div className="mt-3 flex gap-2">
            <label htmlFor={inputId} className="sr-only">
              {t("link")}
            </label>
            <input
              id={inputId}
              name="inviteLink"
              readOnly
              value={sent.link}
              onFocus={(event) => event.currentTarget.select()}
              className="block w-full min-w-0 rounded-lg border border-emerald-300 bg-white px-3 py-2 font-mono text-xs text-zinc-800"
            />
            <Button variant="secondary" onClick={() => copy(sent.link!)}>
              <Icon name={copied ? "check" : "copy"} className="size-4" />
              {copied ? t("copied") : t("copy")}
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
