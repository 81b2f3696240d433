"use client";

import { useTranslations } from "next-intl";
import { type ReactNode, startTransition, useActionState, useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import { errorsFor, FormAlert, TextAreaField, TextField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { SaveBar } from "@/app/_components/save-bar";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { useRouter } from "@/lib/i18n/navigation";
import type { Locale } from "@/lib/i18n/routing";
import type { TemplateKind } from "@/lib/templates/defaults";
import { previewTemplate } from "@/lib/templates/preview";
import { isPlaceholderName, placeholdersFor, unknownPlaceholders } from "@/lib/templates/render";
import { AdminsOnlyNote } from "../admins-only-note";

interface TemplateText {
  name: string;
  subject: string;
  body: string;
}

const FIELDS: (keyof TemplateText)[] = ["name", "subject", "body"];

type SaveAction = (previous: ActionState<TemplateText>, input: FormData) => Promise<ActionState<TemplateText>>;
type DeleteAction = (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;

/**
 * A template's name, subject and body, with the placeholders its kind of mail fills in and a preview
 * that follows every keystroke: the preview is rendered here, by the same code that fills in real mail.
 */
export function TemplateEditor({
  templateId,
  kind,
  initial,
  locale,
  division,
  canEdit,
  inUse,
  listHref,
  saveAction,
  deleteAction,
}: {
  templateId: string;
  kind: TemplateKind;
  initial: TemplateText;
  /** The template's language: the preview's sample values are in it. */
  locale: Locale;
  division: { tag: string; name: string };
  canEdit: boolean;
  /** Chosen in the division's settings for unprocessed-email notices: it cannot be deleted. */
  inUse: boolean;
  listHref: string;
  saveAction: SaveAction;
  deleteAction: DeleteAction;
}) {
  const t = useTranslations("templates");
  const router = useRouter();
  const { state, pending, onSubmit, formRef } = useActionForm(saveAction);
  const [deleteState, remove, deleting] = useActionState(deleteAction, {});
  const [saved, setSaved] = useState({ values: initial, version: 0 });
  const [subject, setSubject] = useState(initial.subject);
  const [body, setBody] = useState(initial.body);
  const [dirty, setDirty] = useState(false);
  /** Where a clicked placeholder goes: the text field last focused, the body at first. */
  const [target, setTarget] = useState<"subject" | "body">("body");

  // After a save the fields show the text as stored (trimmed).
  useEffect(() => {
    if (state.ok && state.result) {
      const values = state.result;
      setSaved((previous) => ({ values, version: previous.version + 1 }));
      setSubject(values.subject);
      setBody(values.body);
      setDirty(false);
    }
  }, [state]);

  useEffect(() => {
    if (deleteState.ok) router.push(listHref);
  }, [deleteState, listHref, router]);

  const preview = previewTemplate({ kind, subject, body }, locale, division);
  const unfilled = unknownPlaceholders(`${subject}\n${body}`, kind);
  const unknown = unfilled.filter((name) => !isPlaceholderName(name));
  const notInKind = unfilled.filter(isPlaceholderName);

  function insert(name: string) {
    const token = `{{${name}}}`;
    const field = document.getElementById(target) as HTMLInputElement | HTMLTextAreaElement | null;
    const value = target === "subject" ? subject : body;
    const start = field?.selectionStart ?? value.length;
    const end = field?.selectionEnd ?? value.length;
    const next = value.slice(0, start) + token + value.slice(end);
    (target === "subject" ? setSubject : setBody)(next);
    setDirty(true);
    // Put the cursor after the inserted placeholder once React has written the new value.
    requestAnimationFrame(() => {
      field?.focus();
      field?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  function onDelete() {
    if (!window.confirm(t("edit.deleteConfirm"))) return;
    startTransition(() => remove({ templateId }));
  }

  return (
    <div className="grid gap-6 lg:grid-cols-5">
      <form
        ref={formRef}
        onSubmit={onSubmit}
        onChange={() => setDirty(true)}
        noValidate
        className="space-y-6 lg:col-span-3"
      >
        <input type="hidden" name="templateId" value={templateId} />
        {!canEdit && <AdminsOnlyNote>{t("onlyAdmins")}</AdminsOnlyNote>}
        <Card>
          <CardBody>
            <fieldset key={saved.version} disabled={!canEdit} className="space-y-5">
              <TextField
                id="name"
                name="name"
                label={t("edit.fields.name.label")}
                help={t("edit.fields.name.help")}
                defaultValue={saved.values.name}
                maxLength={100}
                errors={errorsFor(state.fieldErrors, "name")}
              />
              <TextField
                id="subject"
                name="subject"
                label={t("edit.fields.subject.label")}
                help={t("edit.fields.subject.help")}
                value={subject}
                onChange={(event) => setSubject(event.target.value)}
                onFocus={() => setTarget("subject")}
                maxLength={200}
                className="font-mono text-[13px]"
                errors={errorsFor(state.fieldErrors, "subject")}
              />
              <TextAreaField
                id="body"
                name="body"
                label={t("edit.fields.body.label")}
                help={t("edit.fields.body.help")}
                value={body}
                onChange={(event) => setBody(event.target.value)}
                onFocus={() => setTarget("body")}
                rows={14}
                maxLength={20_000}
                errors={errorsFor(state.fieldErrors, "body")}
              />
            </fieldset>
          </CardBody>
        </Card>

        {canEdit && (
          <SaveBar
            state={state}
            fields={FIELDS}
            dirty={dirty}
            pending={pending}
            text={{ save: t("edit.save"), saved: t("edit.saved"), unsaved: t("edit.unsaved"), hint: t("edit.hint") }}
          />
        )}

        {canEdit && (
          <div className="space-y-3">
            {inUse ? (
              <p role="note" className="flex items-start gap-2 text-sm text-zinc-600">
                <Icon name="info" className="mt-px size-5 shrink-0 text-zinc-400" />
                {t("edit.inUse")}
              </p>
            ) : (
              <Button variant="danger" onClick={onDelete} pending={deleting}>
                {!deleting && <Icon name="trash" className="size-4" />}
                {t("edit.delete")}
              </Button>
            )}
            {deleteState.error && <FormAlert state={deleteState} />}
          </div>
        )}
      </form>

      <div className="space-y-6 lg:col-span-2">
        <Card>
          <CardHeader title={t("preview.title")} description={t("preview.description")} />
          <CardBody className="space-y-4">
            {unknown.length > 0 && <PlaceholderWarning>{t("preview.unknown", { names: tokens(unknown) })}</PlaceholderWarning>}
            {notInKind.length > 0 && (
              <PlaceholderWarning>{t("preview.notInKind", { names: tokens(notInKind) })}</PlaceholderWarning>
            )}
            <div data-testid="template-preview" className="rounded-lg ring-1 ring-zinc-200 ring-inset">
              <p className="border-b border-zinc-100 px-4 py-2.5 text-sm">
                <span className="text-zinc-500">{t("preview.subject")} </span>
                <span className="font-medium text-zinc-900" data-testid="template-preview-subject">
                  {preview.subject}
                </span>
              </p>
              <p className="px-4 py-3 text-sm leading-6 break-words whitespace-pre-wrap text-zinc-800" data-testid="template-preview-body">
                {preview.body}
              </p>
            </div>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title={t("placeholders.title")} description={canEdit ? t("placeholders.insertHint") : t("placeholders.description")} />
          <ul className="divide-y divide-zinc-100">
            {placeholdersFor(kind).map((name) => (
              <li key={name} className="flex items-start gap-3 px-5 py-2.5 sm:px-6">
                {canEdit ? (
                  <button
                    type="button"
                    onClick={() => insert(name)}
                    aria-label={t("placeholders.insert", { placeholder: `{{${name}}}` })}
                    className="shrink-0 rounded-md bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800 ring-1 ring-zinc-200 ring-inset hover:bg-brand-50 hover:text-brand-700 hover:ring-brand-200"
                  >
                    {`{{${name}}}`}
                  </button>
                ) : (
                  <code className="shrink-0 rounded-md bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800">{`{{${name}}}`}</code>
                )}
                <span className="text-sm text-zinc-600">{t(`placeholders.names.${name}`)}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}

function tokens(names: string[]): string {
  return names.map((name) => `{{${name}}}`).join(", ");
}

/** A placeholder that real mail would send as nothing, shown above the preview. */
function PlaceholderWarning({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
      <Icon name="alert" className="mt-px size-5 shrink-0 text-amber-600" />
      {children}
    </p>
  );
}
