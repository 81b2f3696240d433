"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { CardBody } from "@/app/_components/card";
import { errorsFor, FieldErrors, FormAlert, inputClasses, TextAreaField, TextField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import type { MassMailCheck } from "@/lib/mass-mail/mass-mail";
import type { MassMailRecipient } from "@/lib/mass-mail/recipients";
import { type massMailBodyPlaceholders, type MassMailText, renderMassMail } from "@/lib/mass-mail/render";

type Outcome = { queued: number; skippedUnsubscribed: number };
type FormAction<R> = (previous: undefined, input: FormData) => Promise<ActionState<R>>;
type Placeholder = (typeof massMailBodyPlaceholders)[number];

/**
 * A new mass mail in two steps: write it and choose the recipients (with a live preview for the
 * first of them), then, once the server has checked it (`check`), confirm how many people it goes to
 * before anything is queued (`send`). Role addresses (postmaster@, no-reply@…) are among `contacts`,
 * flagged, but left out of the list until the user includes them.
 */
export function MassMailForm({
  divisionId,
  division,
  sender,
  draft,
  contacts,
  placeholders,
  unsubscribeBase,
  defaultRate,
  maxRate,
  check,
  send,
}: {
  divisionId: string;
  division: { name: string; tag: string; helpCenterUrl: string };
  sender: { address: string; name: string | null };
  draft: MassMailText;
  contacts: MassMailRecipient[];
  placeholders: Placeholder[];
  /** The unsubscribe address without its token: the preview shows where each personal link leads. */
  unsubscribeBase: string;
  defaultRate: number;
  maxRate: number;
  check: FormAction<MassMailCheck>;
  send: FormAction<Outcome>;
}) {
  const t = useTranslations("massMail");
  const format = useFormatter();
  // The clicked button says which step: "Review" checks, "Send" (on the confirmation) sends.
  const { state, pending, onSubmit, formRef } = useActionForm<MassMailCheck | Outcome>((_previous, input) =>
    input.get("step") === "check" ? check(undefined, input) : send(undefined, input),
  );
  const sent = state.ok && state.result && "queued" in state.result ? state.result : null;
  const [subject, setSubject] = useState(draft.subject);
  const [body, setBody] = useState(draft.body);
  const [rate, setRate] = useState(String(defaultRate));
  const [search, setSearch] = useState("");
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [includeRoleAddresses, setIncludeRoleAddresses] = useState(false);

  // A passed check leads to the confirmation; anything else back to the form: its errors, or after
  // sending a fresh selection.
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    setConfirming(Boolean(state.ok && state.result && "recipients" in state.result));
    if (state.ok && state.result && "queued" in state.result) setSelected(new Set());
  }

  const roleAddresses = contacts.filter((contact) => contact.roleAddress).length;
  const listed = useMemo(
    () => (includeRoleAddresses ? contacts : contacts.filter((contact) => !contact.roleAddress)),
    [contacts, includeRoleAddresses],
  );
  const visible = useMemo(() => {
    const text = search.trim().toLowerCase();
    if (!text) return listed;
    return listed.filter(
      (contact) => contact.email.includes(text) || (contact.name ?? "").toLowerCase().includes(text),
    );
  }, [listed, search]);
  const selectable = visible.filter((contact) => !contact.unsubscribed);
  const allVisibleSelected = selectable.length > 0 && selectable.every((contact) => selected.has(contact.contactId));
  const someVisibleSelected = selectable.some((contact) => selected.has(contact.contactId));
  // A role address chosen and then hidden again is not sent to.
  const recipients = listed.filter((contact) => selected.has(contact.contactId));
  const first = recipients[0];
  const ratePerMinute = Number(rate) > 0 ? Number(rate) : defaultRate;

  const selectAllRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = someVisibleSelected && !allVisibleSelected;
  }, [someVisibleSelected, allVisibleSelected]);

  function toggle(contactId: string, on: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(contactId);
      else next.delete(contactId);
      return next;
    });
  }

  function toggleVisible(on: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      for (const contact of selectable) {
        if (on) next.add(contact.contactId);
        else next.delete(contact.contactId);
      }
      return next;
    });
  }

  const preview = first ? renderMassMail({ subject, body }, first, division, `${unsubscribeBase}…`) : null;

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate>
      <input type="hidden" name="divisionId" value={divisionId} />
      {recipients.map((contact) => (
        <input key={contact.contactId} type="hidden" name="contactIds" value={contact.contactId} />
      ))}

      <div hidden={confirming}>
        <CardBody className="grid gap-6 lg:grid-cols-2">
          <div className="space-y-4">
            <TextField
              id="mass-mail-subject"
              name="subject"
              label={t("fields.subject.label")}
              value={subject}
              onChange={(event) => setSubject(event.target.value)}
              maxLength={200}
              errors={errorsFor(state.fieldErrors, "subject")}
            />
            <TextAreaField
              id="mass-mail-body"
              name="body"
              label={t("fields.body.label")}
              help={t("fields.body.help")}
              value={body}
              onChange={(event) => setBody(event.target.value)}
              rows={12}
              errors={errorsFor(state.fieldErrors, "body")}
            />
            <details className="rounded-lg bg-zinc-50 px-4 py-3 text-sm ring-1 ring-zinc-200 ring-inset">
              <summary className="cursor-pointer font-medium text-zinc-800">{t("placeholders.title")}</summary>
              <dl className="mt-3 space-y-2">
                {placeholders.map((name) => (
                  <div key={name} className="grid gap-x-3 sm:grid-cols-[10rem_1fr]">
                    <dt>
                      <code className="rounded bg-white px-1.5 py-0.5 font-mono text-xs text-brand-700 ring-1 ring-zinc-200">{`{{${name}}}`}</code>
                    </dt>
                    <dd className="text-zinc-600">{t(`placeholders.${name}`)}</dd>
                  </div>
                ))}
              </dl>
            </details>
            <TextField
              id="mass-mail-rate"
              name="ratePerMinute"
              type="number"
              inputMode="numeric"
              min={1}
              max={maxRate}
              label={t("fields.rate.label")}
              help={t("fields.rate.help")}
              value={rate}
              onChange={(event) => setRate(event.target.value)}
              className="max-w-32"
              errors={errorsFor(state.fieldErrors, "ratePerMinute")}
            />
          </div>

          <section aria-labelledby="mass-mail-preview" className="min-w-0">
            <h3 id="mass-mail-preview" className="text-sm font-medium text-zinc-800">
              {t("preview.title")}
            </h3>
            {preview && first ? (
              <div className="mt-1.5 overflow-hidden rounded-lg border border-zinc-200" data-preview>
                <dl className="space-y-1 border-b border-zinc-100 bg-zinc-50 px-4 py-3 text-sm">
                  <div className="flex gap-2">
                    <dt className="w-16 shrink-0 text-zinc-500">{t("preview.from")}</dt>
                    <dd className="min-w-0 truncate text-zinc-800">
                      {sender.name ? `${sender.name} <${sender.address}>` : sender.address}
                    </dd>
                  </div>
                  <div className="flex gap-2">
                    <dt className="w-16 shrink-0 text-zinc-500">{t("preview.to")}</dt>
                    <dd className="min-w-0 truncate text-zinc-800">
                      {first.name ? `${first.name} <${first.email}>` : first.email}
                    </dd>
                  </div>
                  <div className="flex gap-2">
                    <dt className="w-16 shrink-0 text-zinc-500">{t("preview.subject")}</dt>
                    <dd className="min-w-0 font-medium text-zinc-900">{preview.subject}</dd>
                  </div>
                </dl>
                <div className="max-h-96 overflow-auto px-4 py-3 text-sm leading-6 whitespace-pre-wrap text-zinc-800 [overflow-wrap:anywhere]">
                  {preview.body}
                </div>
              </div>
            ) : (
              <p className="mt-1.5 rounded-lg border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-500">
                {t("preview.empty")}
              </p>
            )}
            <p className="mt-2 text-xs leading-5 text-zinc-500">{t("preview.personalLink")}</p>
          </section>
        </CardBody>

        <section aria-labelledby="mass-mail-recipients" className="border-t border-zinc-100">
          <div className="flex flex-wrap items-end justify-between gap-3 px-5 pt-5 sm:px-6">
            <div>
              <h3 id="mass-mail-recipients" className="text-sm font-medium text-zinc-800">
                {t("recipients.title")}
              </h3>
              <p className="text-sm text-zinc-500" role="status">
                {t("recipients.selected", { selected: recipients.length, total: listed.length })}
              </p>
              {roleAddresses > 0 && (
                <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                  {!includeRoleAddresses && (
                    <span className="text-zinc-500" data-role-addresses-left-out={roleAddresses}>
                      {t("recipients.roleAddressesLeftOut", { count: roleAddresses })}
                    </span>
                  )}
                  <label className="flex items-center gap-2 text-zinc-700">
                    <input
                      type="checkbox"
                      checked={includeRoleAddresses}
                      onChange={(event) => setIncludeRoleAddresses(event.target.checked)}
                      className="size-4 rounded border-zinc-300 accent-brand-600"
                    />
                    {t("recipients.includeRoleAddresses")}
                  </label>
                </div>
              )}
            </div>
            <input
              type="search"
              aria-label={t("recipients.search")}
              placeholder={t("recipients.search")}
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              className={`${inputClasses()} sm:max-w-xs`}
            />
          </div>
          <div className="px-5 pt-2 sm:px-6">
            <FieldErrors id="mass-mail-recipients-error" errors={errorsFor(state.fieldErrors, "contactIds")} />
          </div>
          {listed.length === 0 ? (
            <p className="flex items-center gap-2 px-5 py-4 text-sm text-zinc-500 sm:px-6">
              <Icon name="info" className="size-5 shrink-0 text-zinc-400" />
              {t("recipients.none")}
            </p>
          ) : (
            <div className="mx-5 my-3 overflow-hidden rounded-lg border border-zinc-200 sm:mx-6">
              <label className="flex items-center gap-3 border-b border-zinc-100 bg-zinc-50/60 px-4 py-2 text-xs font-medium text-zinc-600">
                <input
                  ref={selectAllRef}
                  type="checkbox"
                  checked={allVisibleSelected}
                  disabled={selectable.length === 0}
                  onChange={(event) => toggleVisible(event.target.checked)}
                  className="size-4 rounded border-zinc-300 accent-brand-600"
                />
                {search.trim() ? t("recipients.selectAllMatching", { count: selectable.length }) : t("recipients.selectAll")}
              </label>
              {visible.length === 0 ? (
                <p className="px-4 py-4 text-sm text-zinc-500">{t("recipients.noMatch")}</p>
              ) : (
                <ul className="max-h-80 divide-y divide-zinc-100 overflow-auto">
                  {visible.map((contact) => (
                    <li key={contact.contactId} data-contact={contact.email}>
                      <label
                        className={`flex items-center gap-3 px-4 py-2.5 ${contact.unsubscribed ? "cursor-not-allowed opacity-60" : "cursor-pointer hover:bg-zinc-50"}`}
                      >
                        <input
                          type="checkbox"
                          checked={selected.has(contact.contactId)}
                          disabled={contact.unsubscribed}
                          onChange={(event) => toggle(contact.contactId, event.target.checked)}
                          className="size-4 rounded border-zinc-300 accent-brand-600 disabled:cursor-not-allowed"
                        />
                        <span className="min-w-0 flex-1">
                          <span className="block truncate text-sm font-medium text-zinc-900">
                            {contact.name || contact.email}
                          </span>
                          {contact.name && <span className="block truncate text-xs text-zinc-500">{contact.email}</span>}
                        </span>
                        {contact.roleAddress && <Badge tone="neutral">{t("recipients.roleAddress")}</Badge>}
                        {contact.unsubscribed && <Badge tone="amber">{t("recipients.unsubscribed")}</Badge>}
                        <span className="hidden shrink-0 text-xs text-zinc-500 sm:block">
                          {t("recipients.lastTicket", { date: format.dateTime(contact.lastTicketAt, "date") })}
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </section>

        <div className="space-y-3 border-t border-zinc-100 px-5 py-4 sm:px-6">
          <FormAlert
            state={state}
            fields={["subject", "body", "ratePerMinute", "contactIds"]}
            success={
              sent &&
              `${t("sent", { count: sent.queued })}${
                sent.skippedUnsubscribed > 0 ? ` ${t("skipped", { count: sent.skippedUnsubscribed })}` : ""
              }`
            }
          />
          <div className="flex justify-end">
            <Button type="submit" name="step" value="check" disabled={recipients.length === 0} pending={pending}>
              {t("review")}
              <Icon name="chevronRight" className="size-4" />
            </Button>
          </div>
        </div>
      </div>

      {confirming && (
        <CardBody className="space-y-5">
          <div className="flex items-start gap-3 rounded-lg bg-brand-50 px-4 py-3 ring-1 ring-brand-200 ring-inset">
            <Icon name="envelope" className="mt-0.5 size-5 shrink-0 text-brand-600" />
            <div className="space-y-1 text-sm">
              <p className="font-medium text-brand-900" data-recipient-count={recipients.length}>
                {t("confirm.title", { count: recipients.length })}
              </p>
              <p className="text-brand-800">
                {t("confirm.duration", { minutes: Math.max(1, Math.ceil(recipients.length / ratePerMinute)), rate: ratePerMinute })}
              </p>
            </div>
          </div>
          <dl className="grid gap-px overflow-hidden rounded-lg bg-zinc-200 text-sm ring-1 ring-zinc-200 sm:grid-cols-2">
            <div className="bg-zinc-50 px-4 py-3">
              <dt className="text-xs font-medium text-zinc-500">{t("preview.from")}</dt>
              <dd className="mt-0.5 truncate font-medium text-zinc-900">{sender.address}</dd>
            </div>
            <div className="bg-zinc-50 px-4 py-3">
              <dt className="text-xs font-medium text-zinc-500">{t("preview.subject")}</dt>
              <dd className="mt-0.5 truncate font-medium text-zinc-900">{preview?.subject}</dd>
            </div>
          </dl>
          <div className="flex flex-wrap justify-end gap-3">
            <Button type="button" variant="secondary" onClick={() => setConfirming(false)} disabled={pending}>
              <Icon name="arrowLeft" className="size-4" />
              {t("confirm.back")}
            </Button>
            <Button type="submit" name="step" value="send" pending={pending}>
              {t("confirm.send", { count: recipients.length })}
            </Button>
          </div>
        </CardBody>
      )}
    </form>
  );
}
