"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, TextAreaField, TextField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

export interface EditableCannedReply {
  id: string;
  name: string;
  body: string;
}

/**
 * A list of canned replies to read, change and delete, and a form for a new one: a division's
 * (`divisionId`, on its settings page) or the member's own (no division, "My canned replies").
 * Without `mayEdit` the list is read-only.
 */
export function CannedRepliesEditor({
  replies,
  divisionId,
  mayEdit,
  variables,
  createAction,
  updateAction,
  deleteAction,
}: {
  replies: EditableCannedReply[];
  divisionId: string | null;
  mayEdit: boolean;
  variables: readonly string[];
  createAction: FormAction<{ id: string }>;
  updateAction: FormAction<void>;
  deleteAction: FormAction<void>;
}) {
  const t = useTranslations("cannedReplies");
  return (
    <div className="space-y-6">
      <p className="text-sm text-zinc-600">
        {t("variables")}{" "}
        {variables.map((name) => (
          <code key={name} className="mr-1.5 rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs text-zinc-800">
            {`{{${name}}}`}
          </code>
        ))}
      </p>
      {replies.length === 0 ? (
        <p className="text-sm text-zinc-500">{t("none")}</p>
      ) : (
        <ul className="space-y-4">
          {replies.map((reply) => (
            <li key={reply.id} data-canned-reply={reply.name} className="rounded-xl border border-zinc-200 bg-white p-4 shadow-xs">
              {mayEdit ? (
                <ReplyForm reply={reply} updateAction={updateAction} deleteAction={deleteAction} />
              ) : (
                <>
                  <p className="text-sm font-medium text-zinc-900">{reply.name}</p>
                  <p className="mt-1 text-sm whitespace-pre-wrap text-zinc-700">{reply.body}</p>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayEdit && <NewReplyForm divisionId={divisionId} action={createAction} />}
    </div>
  );
}

function ReplyForm({
  reply,
  updateAction,
  deleteAction,
}: {
  reply: EditableCannedReply;
  updateAction: FormAction<void>;
  deleteAction: FormAction<void>;
}) {
  const t = useTranslations("cannedReplies");
  const save = useActionForm(updateAction);
  const remove = useActionForm(deleteAction);
  return (
    <div className="space-y-3">
      <form ref={save.formRef} onSubmit={save.onSubmit} noValidate className="space-y-3">
        <input type="hidden" name="id" value={reply.id} />
        <TextField
          id={`name-${reply.id}`}
          name="name"
          label={t("fields.name")}
          defaultValue={reply.name}
          errors={errorsFor(save.state.fieldErrors, "name")}
        />
        <TextAreaField
          id={`body-${reply.id}`}
          name="body"
          label={t("fields.body")}
          rows={5}
          defaultValue={reply.body}
          errors={errorsFor(save.state.fieldErrors, "body")}
        />
        <FormAlert state={save.state} success={t("saved")} fields={["name", "body"]} />
        <div className="flex flex-wrap justify-between gap-2">
          <Button type="submit" size="sm" variant="secondary" pending={save.pending}>
            {t("save")}
          </Button>
          {/* The delete form's button, beside Save; forms cannot nest. */}
          <Button type="submit" form={`delete-${reply.id}`} size="sm" variant="danger" pending={remove.pending}>
            {t("delete")}
          </Button>
        </div>
      </form>
      <form id={`delete-${reply.id}`} onSubmit={remove.onSubmit}>
        <input type="hidden" name="id" value={reply.id} />
      </form>
      {remove.state.error && <FormAlert state={remove.state} />}
    </div>
  );
}

function NewReplyForm({ divisionId, action }: { divisionId: string | null; action: FormAction<{ id: string }> }) {
  const t = useTranslations("cannedReplies");
  const { state, pending, onSubmit, formRef } = useActionForm(action, { resetOnSuccess: true });
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="new-canned-reply"
      className="space-y-3 rounded-xl border border-dashed border-zinc-300 p-4"
    >
      <h3 id="new-canned-reply" className="text-sm font-semibold text-zinc-900">
        {t("create")}
      </h3>
      {divisionId && <input type="hidden" name="divisionId" value={divisionId} />}
      <TextField id="new-name" name="name" label={t("fields.name")} errors={errorsFor(state.fieldErrors, "name")} />
      <TextAreaField
        id="new-body"
        name="body"
        label={t("fields.body")}
        help={t("fields.bodyHelp")}
        rows={5}
        errors={errorsFor(state.fieldErrors, "body")}
      />
      <FormAlert state={state} success={t("created")} fields={["name", "body"]} />
      <Button type="submit" size="sm" pending={pending}>
        {t("add")}
      </Button>
    </form>
  );
}
