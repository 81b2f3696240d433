"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useState, useTransition } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert, inputClasses } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import { useRouter } from "@/lib/i18n/navigation";
import type { TicketChoice as Candidate } from "@/lib/tickets/search";

type Action<I, R> = (previous: ActionState<R> | undefined, input: I) => Promise<ActionState<R>>;


/**
 * "Merge into…": find another ticket of the division by number or subject, pick it, confirm. The
 * survivor's page opens afterwards; this ticket's page leads there from then on.
 */
export function MergeControl({
  ticketId,
  tag,
  number,
  ticketsHref,
  searchAction,
  mergeAction,
}: {
  ticketId: string;
  tag: string;
  number: number;
  /** Where this tenant's ticket pages live: `/<tenant>/tickets`. */
  ticketsHref: string;
  searchAction: Action<{ ticketId: string; query: string }, Candidate[]>;
  mergeAction: Action<{ ticketId: string; targetId: string }, { ticketId: string }>;
}) {
  const t = useTranslations("ticket.merge");
  const id = useId();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [chosen, setChosen] = useState<Candidate | null>(null);
  const [state, setState] = useState<ActionState>();
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    if (!open) return;
    let current = true;
    // A short pause while typing, so that each keystroke does not ask the server.
    const timer = setTimeout(async () => {
      const found = await searchAction(undefined, { ticketId, query });
      if (current && found.ok && found.result) setCandidates(found.result);
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [open, query, ticketId, searchAction]);

  if (!open) {
    return (
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>
        {t("open")}
      </Button>
    );
  }

  const merge = () =>
    startTransition(async () => {
      if (!chosen) return;
      const outcome = await mergeAction(undefined, { ticketId, targetId: chosen.id });
      setState(outcome);
      if (outcome.ok && outcome.result) router.push(`${ticketsHref}/${outcome.result.ticketId}`);
    });

  return (
    <div className="space-y-3">
      {chosen ? (
        <div role="group" aria-labelledby={`${id}-confirm`} className="space-y-3">
          <p id={`${id}-confirm`} className="text-sm text-zinc-800">
            {t("confirm", { source: `[${tag}#${number}]`, target: `[${tag}#${chosen.number}]`, subject: chosen.subject })}
          </p>
          <p className="text-xs text-zinc-500">{t("notMailed")}</p>
          <div className="flex flex-wrap gap-2">
            <Button size="sm" variant="danger" pending={pending} onClick={merge}>
              {t("submit")}
            </Button>
            <Button size="sm" variant="ghost" disabled={pending} onClick={() => setChosen(null)}>
              {t("back")}
            </Button>
          </div>
        </div>
      ) : (
        <>
          <label htmlFor={`${id}-search`} className="block text-sm font-medium text-zinc-800">
            {t("search")}
          </label>
          <input
            id={`${id}-search`}
            type="search"
            autoFocus
            autoComplete="off"
            value={query}
            placeholder={t("searchPlaceholder")}
            onChange={(event) => setQuery(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") setOpen(false);
            }}
            className={inputClasses()}
          />
          {candidates.length === 0 ? (
            <p className="text-sm text-zinc-500">{t("none")}</p>
          ) : (
            <ul aria-label={t("results")} className="max-h-64 divide-y divide-zinc-100 overflow-y-auto rounded-lg ring-1 ring-zinc-200">
              {candidates.map((candidate) => (
                <li key={candidate.id}>
                  <button
                    type="button"
                    data-merge-target={candidate.number}
                    onClick={() => setChosen(candidate)}
                    className="block w-full px-3 py-2 text-left text-sm hover:bg-zinc-50 focus-visible:bg-brand-50 focus-visible:outline-none"
                  >
                    <span className="font-mono text-xs text-zinc-500">
                      [{tag}#{candidate.number}]
                    </span>{" "}
                    <span className="font-medium text-zinc-900">{candidate.subject}</span>
                    {candidate.contactEmail && <span className="block truncate text-xs text-zinc-500">{candidate.contactEmail}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>
            {t("cancel")}
          </Button>
        </>
      )}
      <FormAlert state={state} />
    </div>
  );
}
