"use client";

import { useTranslations } from "next-intl";
import { type KeyboardEvent, useEffect, useId, useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FieldErrors, FormAlert, inputClasses, TextField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { CannedReplyPicker, type ListCannedReplies } from "./canned-reply-picker";
import { FileSize } from "./file-size";
import { REPLY_TEXT_ID, SHOW_REPLY_EVENT } from "./insert-text";
import { MAX_REPLY_ATTACHMENT_BYTES } from "./reply-limits";
import { announceReplying } from "./ticket-presence";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

export interface ReplyOutcome {
  sendingEnabled: boolean;
  hasSender: boolean;
}

/** Ctrl+Enter (⌘+Enter on a Mac) sends from the text box, as in mail clients. */
function submitOnCtrlEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}

/**
 * Where staff write on a ticket: a reply to the customer (text, Cc, files) or an internal note.
 * Both forms stay mounted, so switching tabs keeps what was typed in the other.
 */
export function Composer({
  ticketId,
  customer,
  sendingEnabled,
  replyAction,
  noteAction,
  cannedAction,
}: {
  ticketId: string;
  /** The address replies go to; null when the ticket has no customer to answer. */
  customer: string | null;
  sendingEnabled: boolean;
  replyAction: FormAction<ReplyOutcome>;
  noteAction: FormAction<void>;
  /** The canned replies to insert, filled in for this ticket. */
  cannedAction: ListCannedReplies;
}) {
  const t = useTranslations("ticket.composer");
  const [tab, setTab] = useState<"reply" | "note">(customer ? "reply" : "note");
  const id = useId();
  useEffect(() => {
    const showReply = () => setTab("reply");
    window.addEventListener(SHOW_REPLY_EVENT, showReply);
    return () => window.removeEventListener(SHOW_REPLY_EVENT, showReply);
  }, []);
  const tabs = [
    { key: "reply" as const, label: t("replyTab"), icon: "envelope" as const },
    { key: "note" as const, label: t("noteTab"), icon: "lock" as const },
  ];

  return (
    <section aria-label={t("title")} className="rounded-xl border border-zinc-200 bg-white shadow-xs">
      <div role="tablist" aria-label={t("title")} className="flex gap-1 border-b border-zinc-100 px-3 pt-2">
        {tabs.map((item) => {
          const selected = tab === item.key;
          return (
            <button
              key={item.key}
              type="button"
              role="tab"
              id={`${id}-${item.key}-tab`}
              aria-selected={selected}
              aria-controls={`${id}-${item.key}`}
              tabIndex={selected ? 0 : -1}
              onClick={() => setTab(item.key)}
              onKeyDown={(event) => {
                if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
                  const next = item.key === "reply" ? "note" : "reply";
                  setTab(next);
                  document.getElementById(`${id}-${next}-tab`)?.focus();
                }
              }}
              className={`-mb-px inline-flex items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium transition-colors ${
                selected
                  ? item.key === "note"
                    ? "border-amber-500 text-amber-800"
                    : "border-brand-600 text-brand-700"
                  : "border-transparent text-zinc-500 hover:text-zinc-800"
              }`}
            >
              <Icon name={item.icon} className="size-4" />
              {item.label}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id={`${id}-reply`} aria-labelledby={`${id}-reply-tab`} hidden={tab !== "reply"}>
        <ReplyForm
          ticketId={ticketId}
          customer={customer}
          sendingEnabled={sendingEnabled}
          action={replyAction}
          cannedAction={cannedAction}
        />
      </div>
      <div role="tabpanel" id={`${id}-note`} aria-labelledby={`${id}-note-tab`} hidden={tab !== "note"}>
        <NoteForm ticketId={ticketId} action={noteAction} cannedAction={cannedAction} />
      </div>
    </section>
  );
}

function ReplyForm({
  ticketId,
  customer,
  sendingEnabled,
  action,
  cannedAction,
}: {
  ticketId: string;
  customer: string | null;
  sendingEnabled: boolean;
  action: FormAction<ReplyOutcome>;
  cannedAction: ListCannedReplies;
}) {
  const t = useTranslations("ticket.composer");
  const { state, pending, onSubmit, formRef } = useActionForm(action, { resetOnSuccess: true });
  const [files, setFiles] = useState<File[]>([]);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const tooLarge = total > MAX_REPLY_ATTACHMENT_BYTES;

  useEffect(() => {
    if (state.ok) setFiles([]);
  }, [state]);

  const outcome = state.ok && state.result;
  const success = outcome
    ? !outcome.sendingEnabled
      ? t("held")
      : !outcome.hasSender
        ? t("noSender")
        : t("queued")
    : null;
  const fileErrors = [...new Set([...(tooLarge ? ["attachmentsTooLarge"] : []), ...errorsFor(state.fieldErrors, "attachments")])];

  if (!customer) {
    return (
      <p className="flex items-start gap-2 px-5 py-4 text-sm text-zinc-600">
        <Icon name="info" className="mt-px size-5 shrink-0 text-zinc-400" />
        {t("noCustomer")}
      </p>
    );
  }

  return (
    <form
      ref={formRef}
      onSubmit={(event) => {
        if (tooLarge) {
          event.preventDefault();
          return;
        }
        onSubmit(event);
      }}
      // A reply sent empties the form: the others see this member stop replying.
      onReset={() => announceReplying(false)}
      noValidate
      className="space-y-4 px-5 py-4"
    >
      <input type="hidden" name="ticketId" value={ticketId} />
      <p className="text-sm text-zinc-500">{t("replyTo", { recipient: customer })}</p>
      {!sendingEnabled && (
        <p role="note" className="flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
          <Icon name="alert" className="mt-px size-5 shrink-0 text-amber-600" />
          {t("sendingOff")}
        </p>
      )}
      <div className="space-y-1.5">
        <label htmlFor={REPLY_TEXT_ID} className="sr-only">
          {t("replyText")}
        </label>
        <textarea
          id={REPLY_TEXT_ID}
          name="text"
          rows={7}
          required
          placeholder={t("replyPlaceholder")}
          onKeyDown={submitOnCtrlEnter}
          onInput={(event) => announceReplying(event.currentTarget.value.trim() !== "")}
          aria-invalid={errorsFor(state.fieldErrors, "text").length > 0 || undefined}
          className={inputClasses(errorsFor(state.fieldErrors, "text").length > 0) + " leading-6"}
        />
        <FieldErrors errors={errorsFor(state.fieldErrors, "text")} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="reply-cc"
          name="cc"
          label={t("cc")}
          help={t("ccHelp")}
          autoComplete="off"
          errors={errorsFor(state.fieldErrors, "cc")}
        />
        <div className="space-y-1.5">
          <label htmlFor="reply-attachments" className="block text-sm font-medium text-zinc-800">
            {t("attachments")}
          </label>
          <input
            id="reply-attachments"
            name="attachments"
            type="file"
            multiple
            onChange={(event) => setFiles(Array.from(event.currentTarget.files ?? []))}
            aria-invalid={fileErrors.length > 0 || undefined}
            aria-describedby="reply-attachments-help"
            className="block w-full text-sm text-zinc-600 file:mr-3 file:rounded-lg file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-zinc-800 hover:file:bg-zinc-50"
          />
          <p id="reply-attachments-help" className="text-xs leading-5 text-zinc-500">
            {files.length > 0 ? (
              <>
                {t("selected", { count: files.length })} · <FileSize bytes={total} />
              </>
            ) : (
              t("attachmentsHelp", { size: MAX_REPLY_ATTACHMENT_BYTES / (1024 * 1024) })
            )}
          </p>
          <FieldErrors errors={fileErrors} />
        </div>
      </div>
      <FormAlert state={state} success={success} fields={["text", "cc", "attachments"]} />
      <div className="flex flex-wrap items-center justify-end gap-3">
        <span className="mr-auto">
          <CannedReplyPicker ticketId={ticketId} textareaId={REPLY_TEXT_ID} action={cannedAction} />
        </span>
        <span className="text-xs text-zinc-500">{t("shortcut")}</span>
        <Button type="submit" pending={pending} disabled={tooLarge}>
          {!pending && <Icon name="envelope" className="size-4" />}
          {t("send")}
        </Button>
      </div>
    </form>
  );
}

function NoteForm({
  ticketId,
  action,
  cannedAction,
}: {
  ticketId: string;
  action: FormAction<void>;
  cannedAction: ListCannedReplies;
}) {
  const t = useTranslations("ticket.composer");
  const { state, pending, onSubmit, formRef } = useActionForm(action, { resetOnSuccess: true });
  const errors = errorsFor(state.fieldErrors, "text");
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4 bg-amber-50/40 px-5 py-4">
      <input type="hidden" name="ticketId" value={ticketId} />
      <p className="flex items-center gap-2 text-sm text-amber-900">
        <Icon name="lock" className="size-4 shrink-0 text-amber-600" />
        {t("noteInfo")}
      </p>
      <div className="space-y-1.5">
        <label htmlFor="note-text" className="sr-only">
          {t("noteText")}
        </label>
        <textarea
          id="note-text"
          name="text"
          rows={4}
          required
          placeholder={t("notePlaceholder")}
          onKeyDown={submitOnCtrlEnter}
          aria-invalid={errors.length > 0 || undefined}
          className={inputClasses(errors.length > 0) + " leading-6"}
        />
        <FieldErrors errors={errors} />
      </div>
      <FormAlert state={state} success={t("noteAdded")} fields={["text"]} />
      <div className="flex flex-wrap items-center justify-end gap-3">
        <span className="mr-auto">
          <CannedReplyPicker ticketId={ticketId} textareaId="note-text" action={cannedAction} />
        </span>
        <span className="text-xs text-zinc-500">{t("noteShortcut")}</span>
        <Button type="submit" variant="secondary" pending={pending}>
          {!pending && <Icon name="plus" className="size-4" />}
          {t("addNote")}
        </Button>
      </div>
    </form>
  );
}
