"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import { useRouter } from "@/lib/i18n/navigation";

type Action<I, R> = (previous: ActionState<R> | undefined, input: I) => Promise<ActionState<R>>;

/** "Split into new ticket" on one message, asked twice; the new ticket's page opens afterwards. */
export function SplitMessageButton({
  messageId,
  ticketsHref,
  action,
}: {
  messageId: string;
  /** Where this tenant's ticket pages live: `/<tenant>/tickets`. */
  ticketsHref: string;
  action: Action<{ messageId: string }, { ticketId: string; number: number }>;
}) {
  const t = useTranslations("ticket.split");
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const [state, setState] = useState<ActionState>();
  const [pending, startTransition] = useTransition();

  const split = () =>
    startTransition(async () => {
      const outcome = await action(undefined, { messageId });
      setState(outcome);
      if (outcome.ok && outcome.result) router.push(`${ticketsHref}/${outcome.result.ticketId}`);
    });

  return (
    <div className="flex flex-col items-end gap-2">
      {asking ? (
        <div role="group" aria-label={t("confirm")} className="flex flex-wrap items-center justify-end gap-2 text-xs text-zinc-700">
          <span>{t("confirm")}</span>
          <Button size="sm" variant="secondary" pending={pending} onClick={split}>
            {t("submit")}
          </Button>
          <Button size="sm" variant="ghost" disabled={pending} onClick={() => setAsking(false)}>
            {t("cancel")}
          </Button>
        </div>
      ) : (
        <Button size="sm" variant="ghost" onClick={() => setAsking(true)}>
          {t("open")}
        </Button>
      )}
      <FormAlert state={state} />
    </div>
  );
}
