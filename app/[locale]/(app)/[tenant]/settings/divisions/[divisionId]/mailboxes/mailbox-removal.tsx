"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import type { RemovalImpact } from "@/lib/mailboxes/removal";
import { useRouter } from "@/lib/i18n/navigation";

type Action<R> = (previous: ActionState<R>, input: Record<string, unknown>) => Promise<ActionState<R>>;

/**
 * "Remove mailbox", for administrators: a first click shows what removing does (polling stops at
 * once, its tickets and stored mail stay, the default or the teams that send from it fall back),
 * and only "Remove for good" removes it. Then back to the division's mailbox list.
 */
export function MailboxRemoval({
  mailboxId,
  address,
  impact,
  listHref,
  action,
}: {
  mailboxId: string;
  address: string;
  impact: RemovalImpact;
  listHref: string;
  action: Action<RemovalImpact>;
}) {
  const t = useTranslations("mailboxes.remove");
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [state, run, pending] = useActionState(action, {});

  useEffect(() => {
    if (state.ok) router.push(listHref);
  }, [state.ok, listHref, router]);

  return (
    <FormSection title={t("title")} description={t("description")}>
      {confirming ? (
        <div
          role="alertdialog"
          aria-labelledby="remove-mailbox-title"
          data-testid="remove-mailbox-confirm"
          className="space-y-3 rounded-lg bg-red-50/70 px-4 py-4 text-sm text-red-950 ring-1 ring-red-200 ring-inset"
        >
          <p id="remove-mailbox-title" className="flex items-start gap-2 font-semibold">
            <Icon name="alert" className="mt-0.5 size-5 shrink-0 text-red-600" />
            {t("confirmTitle", { address })}
          </p>
          <ul className="list-disc space-y-1 pl-11 leading-6">
            <li>{t("pollingStops")}</li>
            <li data-testid="remove-mailbox-tickets">{t("ticketsStay", { count: impact.tickets })}</li>
            <li>{t("mailStays")}</li>
            <li>{t("secretsWiped")}</li>
            {impact.isDefault && <li>{t("wasDefault")}</li>}
            {impact.teams.length > 0 && (
              <li>{t("teamsFallBack", { count: impact.teams.length, teams: impact.teams.join(", ") })}</li>
            )}
          </ul>
          <div className="flex flex-wrap items-center gap-3 pl-7">
            <Button
              variant="danger"
              pending={pending}
              data-testid="remove-mailbox-confirm-button"
              onClick={() => startTransition(() => run({ mailboxId }))}
            >
              {!pending && <Icon name="trash" className="size-4.5" />}
              {t("confirm")}
            </Button>
            <Button variant="ghost" disabled={pending} onClick={() => setConfirming(false)}>
              {t("cancel")}
            </Button>
            <FieldErrors errors={state.error ? [state.error] : []} />
          </div>
        </div>
      ) : (
        <div>
          <Button variant="danger" data-testid="remove-mailbox" onClick={() => setConfirming(true)}>
            <Icon name="trash" className="size-4.5" />
            {t("button")}
          </Button>
        </div>
      )}
    </FormSection>
  );
}
