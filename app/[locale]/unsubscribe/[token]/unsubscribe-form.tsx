"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";
import type { UnsubscribeState } from "./actions";

/** One button: unsubscribing takes a deliberate click, never just opening the link. */
export function UnsubscribeForm({ action }: { action: (previous: UnsubscribeState) => Promise<UnsubscribeState> }) {
  const t = useTranslations("unsubscribe");
  const [state, dispatch, pending] = useActionState(action, {});

  if (state.done) {
    return (
      <p role="status" className="flex items-start gap-3 rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-900 ring-1 ring-emerald-200 ring-inset">
        <Icon name="checkCircle" className="mt-px size-5 shrink-0 text-emerald-600" />
        <span>
          <span className="block font-medium">{t("doneTitle")}</span>
          {t("doneDescription")}
        </span>
      </p>
    );
  }

  return (
    <form action={dispatch} className="space-y-4">
      {state.error && (
        <p role="alert" className="flex items-start gap-2 rounded-lg bg-red-50 px-3 py-2.5 text-sm text-red-800 ring-1 ring-red-200 ring-inset">
          <Icon name="alert" className="mt-px size-5 shrink-0 text-red-600" />
          {t(`errors.${state.error}`)}
        </p>
      )}
      <Button type="submit" pending={pending} className="w-full">
        {t("confirm")}
      </Button>
    </form>
  );
}
