"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Badge } from "@/app/_components/badge";
import { buttonClasses } from "@/app/_components/button";
import { Card } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import type { Locale } from "@/lib/i18n/routing";
import { insertIntoReply } from "./insert-text";

export interface SuggestedAnswer {
  id: string;
  title: string;
  locale: Locale;
  internal: boolean;
  snippet: string;
  /** What "Insert" puts in the reply; null where the member cannot reply. */
  text: string | null;
  /** What "Insert link" puts in the reply: the help center's address, only for a public article. */
  url: string | null;
}

/** The suggestions as a list: open by default, folded away by its header's button. */
export function SuggestedAnswersList({ answers }: { answers: SuggestedAnswer[] }) {
  const t = useTranslations("suggestions");
  const [open, setOpen] = useState(true);
  const id = useId();
  return (
    <Card>
      {/* The disclosure pattern: the heading's button folds the list away. */}
      <h2 className="border-b border-zinc-100 text-base font-semibold text-zinc-900">
        <button
          type="button"
          id={`${id}-title`}
          aria-expanded={open}
          aria-controls={`${id}-list`}
          title={open ? t("hide") : t("show")}
          onClick={() => setOpen(!open)}
          className="flex w-full items-center gap-2 rounded-t-xl px-5 py-4 text-left hover:bg-zinc-50 sm:px-6"
        >
          <span className="flex-1">{t("title")}</span>
          <Icon name="chevronRight" className={`size-4 shrink-0 text-zinc-400 transition-transform ${open ? "rotate-90" : ""}`} />
        </button>
      </h2>
      <div id={`${id}-list`} hidden={!open}>
        {answers.length === 0 ? (
          <p className="px-5 py-4 text-sm text-zinc-500 sm:px-6">{t("none")}</p>
        ) : (
          <ol aria-labelledby={`${id}-title`} data-suggested-answers className="divide-y divide-zinc-100">
            {answers.map((answer) => (
              <li key={answer.id} data-suggested-answer={answer.title} className="space-y-1.5 px-5 py-3 sm:px-6">
                <p className="flex items-start justify-between gap-2">
                  <span className="text-sm font-medium text-zinc-900">{answer.title}</span>
                  <span className="flex shrink-0 gap-1">
                    {answer.internal && (
                      <span title={t("internalHelp")}>
                        <Badge tone="amber">{t("internal")}</Badge>
                      </span>
                    )}
                    <span title={t(`language.${answer.locale}`)}>
                      <Badge>{answer.locale.toUpperCase()}</Badge>
                    </span>
                  </span>
                </p>
                <p className="line-clamp-2 text-xs text-zinc-500">{answer.snippet}</p>
                {answer.text !== null && (
                  <p className="flex flex-wrap gap-2 pt-0.5">
                    <button
                      type="button"
                      aria-label={t("insertLabel", { title: answer.title })}
                      onClick={() => insertIntoReply(answer.text!)}
                      className={buttonClasses("secondary", "sm")}
                    >
                      <Icon name="plus" className="size-4" />
                      {t("insert")}
                    </button>
                    {answer.url && (
                      <button
                        type="button"
                        aria-label={t("insertLinkLabel", { title: answer.title })}
                        onClick={() => insertIntoReply(answer.url!)}
                        className={buttonClasses("ghost", "sm")}
                      >
                        <Icon name="link" className="size-4" />
                        {t("insertLink")}
                      </button>
                    )}
                  </p>
                )}
              </li>
            ))}
          </ol>
        )}
      </div>
    </Card>
  );
}
