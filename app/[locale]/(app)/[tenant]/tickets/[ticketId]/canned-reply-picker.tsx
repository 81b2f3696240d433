"use client";

import { useTranslations } from "next-intl";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { Badge } from "@/app/_components/badge";
import { buttonClasses } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";
import { inputClasses } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import { insertText } from "./insert-text";

export interface CannedReplyChoice {
  id: string;
  name: string;
  personal: boolean;
  text: string;
}

export type ListCannedReplies = (
  previous: ActionState<CannedReplyChoice[]> | undefined,
  input: { ticketId: string; query: string },
) => Promise<ActionState<CannedReplyChoice[]>>;

/**
 * "Canned reply": a search box over the division's and one's own canned replies (already filled in
 * for this ticket, on the server) and a list to pick from with the arrow keys and Enter, or the
 * mouse. The text goes into the text box named by `textareaId` (insert-text.ts).
 */
export function CannedReplyPicker({
  ticketId,
  textareaId,
  action,
}: {
  ticketId: string;
  textareaId: string;
  action: ListCannedReplies;
}) {
  const t = useTranslations("ticket.canned");
  const id = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [choices, setChoices] = useState<CannedReplyChoice[] | null>(null);
  const [active, setActive] = useState(0);
  const toggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    let current = true;
    const timer = setTimeout(async () => {
      const found = await action(undefined, { ticketId, query });
      if (!current) return;
      setChoices(found.ok && found.result ? found.result : []);
      setActive(0);
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [open, query, ticketId, action]);

  function close() {
    setOpen(false);
    setQuery("");
    setChoices(null);
  }

  function insert(choice: CannedReplyChoice) {
    close();
    insertText(textareaId, choice.text);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const count = choices?.length ?? 0;
    if (event.key === "ArrowDown" && count > 0) {
      event.preventDefault();
      setActive((active + 1) % count);
    } else if (event.key === "ArrowUp" && count > 0) {
      event.preventDefault();
      setActive((active - 1 + count) % count);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const choice = choices?.[active];
      if (choice) insert(choice);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
      toggle.current?.focus();
    }
  }

  return (
    <div className="relative">
      <button
        ref={toggle}
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-popover`}
        onClick={() => (open ? close() : setOpen(true))}
        className={buttonClasses("ghost", "sm")}
      >
        <Icon name="copy" className="size-4" />
        {t("open")}
      </button>
      {open && (
        <div
          id={`${id}-popover`}
          role="dialog"
          aria-label={t("title")}
          className="absolute bottom-full left-0 z-20 mb-2 w-80 space-y-2 rounded-xl bg-white p-3 shadow-lg ring-1 ring-zinc-200 sm:w-96"
        >
          <label htmlFor={`${id}-search`} className="sr-only">
            {t("search")}
          </label>
          <input
            id={`${id}-search`}
            type="search"
            role="combobox"
            aria-expanded={Boolean(choices && choices.length > 0)}
            aria-controls={`${id}-list`}
            aria-activedescendant={choices && choices.length > 0 ? `${id}-choice-${active}` : undefined}
            autoFocus
            autoComplete="off"
            value={query}
            placeholder={t("search")}
            onChange={(event) => setQuery(event.currentTarget.value)}
            onKeyDown={onKeyDown}
            className={inputClasses()}
          />
          {choices === null ? null : choices.length === 0 ? (
            <p className="px-1 py-2 text-sm text-zinc-500">{query ? t("noMatch") : t("none")}</p>
          ) : (
            <ul id={`${id}-list`} role="listbox" aria-label={t("title")} className="max-h-72 overflow-y-auto">
              {choices.map((choice, index) => (
                <li
                  key={choice.id}
                  id={`${id}-choice-${index}`}
                  role="option"
                  aria-selected={index === active}
                  data-canned-reply={choice.name}
                  onMouseEnter={() => setActive(index)}
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => insert(choice)}
                  className={`cursor-pointer rounded-lg px-2.5 py-2 text-sm ${index === active ? "bg-brand-50" : ""}`}
                >
                  <span className="flex items-center gap-2">
                    <span className="truncate font-medium text-zinc-900">{choice.name}</span>
                    {choice.personal && <Badge tone="neutral">{t("personal")}</Badge>}
                  </span>
                  <span className="line-clamp-2 text-xs text-zinc-500">{choice.text}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
