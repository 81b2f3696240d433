"use client";

import { useLocale, useTranslations } from "next-intl";
import { startTransition, useActionState } from "react";
import { Button } from "@/app/_components/button";
import { FieldErrors, inputClasses } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { locales } from "@/lib/i18n/routing";
import type { InvitationSent } from "./actions";
import { InvitationSentNotice } from "./invite-form";

/** A pending invitation's "Send again" (a new link, in the language chosen here) and "Revoke". */
export function PendingInviteActions({
  inviteId,
  email,
  sendAgainAction,
  revokeAction,
}: {
  inviteId: string;
  email: string;
  sendAgainAction: (previous: ActionState<InvitationSent>, input: FormData) => Promise<ActionState<InvitationSent>>;
  revokeAction: (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;
}) {
  const t = useTranslations("members.pending");
  const tLanguage = useTranslations("language");
  const locale = useLocale();
  const sendAgain = useActionForm(sendAgainAction);
  const [revokeState, revoke, revoking] = useActionState(revokeAction, {});

  function onRevoke() {
    if (!window.confirm(t("revokeConfirm", { email }))) return;
    startTransition(() => revoke({ inviteId }));
  }

  const sent = sendAgain.state.ok ? sendAgain.state.result : undefined;
  const errors = [sendAgain.state.error, revokeState.error].filter((key): key is string => Boolean(key));
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <FieldErrors errors={errors} values={sendAgain.state.errorValues} />
        <form ref={sendAgain.formRef} onSubmit={sendAgain.onSubmit} className="flex items-center gap-2">
          <input type="hidden" name="inviteId" value={inviteId} />
          <label htmlFor={`resend-locale-${inviteId}`} className="sr-only">
            {t("sendAgainLanguage", { email })}
          </label>
          <select
            id={`resend-locale-${inviteId}`}
            name="locale"
            defaultValue={locale}
            className={`${inputClasses()} w-auto py-1.5`}
          >
            {locales.map((option) => (
              <option key={option} value={option}>
                {tLanguage(`short.${option}`)}
              </option>
            ))}
          </select>
          <Button type="submit" variant="secondary" size="sm" pending={sendAgain.pending}>
            <Icon name="envelope" className="size-4" />
            {t("sendAgain")}
          </Button>
        </form>
        <Button variant="danger" size="sm" onClick={onRevoke} pending={revoking}>
          {t("revoke")}
        </Button>
      </div>
      {sent && <InvitationSentNotice sent={sent} message={t("sentAgain", { email: sent.email })} />}
    </div>
  );
}
