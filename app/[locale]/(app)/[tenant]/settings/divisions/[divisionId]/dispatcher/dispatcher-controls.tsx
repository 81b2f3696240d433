"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useEffect } from "react";
import { Button } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import type { ForcedPoll } from "@/lib/dispatch/force";
import { useRouter } from "@/lib/i18n/navigation";

type Action<R> = (previous: ActionState<R>, input: Record<string, unknown>) => Promise<ActionState<R>>;

/** Activate or Deactivate: the division's dispatcher, for administrators. */
export function DispatcherSwitch({
  divisionId,
  active,
  action,
}: {
  divisionId: string;
  active: boolean;
  action: Action<{ dispatcherActive: boolean }>;
}) {
  const t = useTranslations("dispatcher");
  const [state, run, pending] = useActionState(action, {});
  return (
    <div className="flex items-center gap-3">
      <FieldErrors errors={state.error ? [state.error] : []} />
      <Button
        variant={active ? "secondary" : "primary"}
        pending={pending}
        onClick={() => startTransition(() => run({ divisionId, active: !active }))}
      >
        {!pending && <Icon name={active ? "xCircle" : "checkCircle"} className="size-4.5" />}
        {active ? t("deactivate") : t("activate")}
      </Button>
    </div>
  );
}

/** The sentences for what a click on Force Scheduler did. */
function forcedMessages(t: ReturnType<typeof useTranslations<"dispatcher">>, forced: ForcedPoll): string[] {
  if (forced.scheduled === 0 && forced.alreadyRunning === 0) return [t("forceResult.nothing")];
  if (forced.scheduled === 0) return [t("forceResult.alreadyRunning", { count: forced.alreadyRunning })];
  return [
    t("forceResult.scheduled", { count: forced.scheduled }),
    ...(forced.alreadyRunning > 0 ? [t("forceResult.alsoRunning", { count: forced.alreadyRunning })] : []),
  ];
}

/** Seed: "Force scheduler", with what it did: polling now, or nothing because a poll already runs. */
export function ForceSchedulerButton({
  divisionId,
  disabled,
  action,
}: {
  divisionId: string;
  disabled: boolean;
  action: Action<ForcedPoll>;
}) {
  const t = useTranslations("dispatcher");
  const [state, run, pending] = useActionState(action, {});
  const forced = state.ok ? state.result : undefined;
  const onlyRunning = forced !== undefined && forced.scheduled === 0 && forced.alreadyRunning > 0;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button
        variant="secondary"
        pending={pending}
        disabled={disabled}
        onClick={() => startTransition(() => run({ divisionId }))}
      >
        {!pending && <Icon name="refresh" className="size-4.5" />}
        {t("force")}
      </Button>
      <FieldErrors errors={state.error ? [state.error] : []} />
      {forced && !pending && !disabled && (
        <div role="status" data-testid="force-result" className={`space-y-0.5 text-sm ${onlyRunning ? "text-amber-800" : "text-emerald-700"}`}>
          {forcedMessages(t, forced).map((message) => (
            <p key={message} className="flex items-start gap-1.5">
              <Icon name={onlyRunning ? "info" : "checkCircle"} className="mt-0.5 size-4 shrink-0" />
              {message}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}

/** Reloads the page's figures every few seconds while it is visible: last and next checks move on their own. */
export function RefreshEvery({ seconds }: { seconds: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  return null;
}
