"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { FormAlert } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { TicketPriority } from "@/db/schema";
import type { ActionState } from "@/lib/auth/action";

type FormAction = (previous: ActionState<void>, input: FormData) => Promise<ActionState<void>>;

const PRIORITIES: TicketPriority[] = ["low", "normal", "high", "urgent"];

/** The ticket's priority: choosing one saves it. */
export function PriorityControl({
  ticketId,
  priority,
  action,
}: {
  ticketId: string;
  priority: TicketPriority;
  action: FormAction;
}) {
  const t = useTranslations("ticket.labels");
  const tPriority = useTranslations("tickets.priorities");
  const { state, pending, onSubmit } = useActionForm(action);
  return (
    <form onSubmit={onSubmit} className="space-y-2">
      <input type="hidden" name="ticketId" value={ticketId} />
      <label htmlFor="ticket-priority" className="block text-xs font-medium text-zinc-500">
        {t("priority")}
      </label>
      <select
        key={priority}
        id="ticket-priority"
        name="priority"
        defaultValue={priority}
        disabled={pending}
        onChange={(event) => event.currentTarget.form?.requestSubmit()}
        className="block w-full rounded-lg border border-zinc-300 bg-white py-1.5 pr-8 pl-2 text-sm text-zinc-900 shadow-xs"
      >
        {PRIORITIES.map((value) => (
          <option key={value} value={value}>
            {tPriority(value)}
          </option>
        ))}
      </select>
      {state.error && <FormAlert state={state} />}
    </form>
  );
}

/** The ticket's tags: each chip takes its tag off; the field adds tags, separated by commas. */
export function TagsControl({ ticketId, tags, action }: { ticketId: string; tags: string[]; action: FormAction }) {
  const t = useTranslations("ticket.labels");
  const add = useActionForm(action, { resetOnSuccess: true });
  const remove = useActionForm(action);
  return (
    <div className="space-y-2">
      <span className="block text-xs font-medium text-zinc-500">{t("tags")}</span>
      {tags.length === 0 ? (
        <p className="text-sm text-zinc-500">{t("noTags")}</p>
      ) : (
        <form onSubmit={remove.onSubmit}>
          <input type="hidden" name="ticketId" value={ticketId} />
          <ul className="flex flex-wrap gap-1.5" aria-label={t("tags")}>
            {tags.map((tag) => (
              <li key={tag}>
                <button
                  type="submit"
                  name="remove"
                  value={tag}
                  disabled={remove.pending}
                  data-remove-tag={tag}
                  title={t("removeTag", { tag })}
                  className="inline-flex items-center gap-1 rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800 ring-1 ring-sky-200 ring-inset hover:bg-sky-100"
                >
                  #{tag}
                  <span aria-hidden>×</span>
                  <span className="sr-only">{t("removeTag", { tag })}</span>
                </button>
              </li>
            ))}
          </ul>
          {remove.state.error && <FormAlert state={remove.state} />}
        </form>
      )}
      <form ref={add.formRef} onSubmit={add.onSubmit} className="flex gap-2">
        <input type="hidden" name="ticketId" value={ticketId} />
        <input
          name="add"
          aria-label={t("addTags")}
          placeholder={t("tagsPlaceholder")}
          className="block w-full min-w-0 rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm shadow-xs"
        />
        <Button type="submit" size="sm" variant="secondary" pending={add.pending}>
          {t("add")}
        </Button>
      </form>
      {add.state.error && <FormAlert state={add.state} />}
    </div>
  );
}
