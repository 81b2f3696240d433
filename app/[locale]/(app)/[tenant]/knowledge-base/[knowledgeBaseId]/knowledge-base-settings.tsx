"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, TextField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { ConfirmButton } from "../confirm-button";

type FormAction = (previous: ActionState<void>, input: FormData) => Promise<ActionState<void>>;
type DeleteAction = (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;

/** For administrators: a knowledge base's name and description, and deleting it (asked first). */
export function KnowledgeBaseSettings({
  knowledgeBase,
  listHref,
  updateAction,
  deleteAction,
}: {
  knowledgeBase: { id: string; name: string; description: string };
  listHref: string;
  updateAction: FormAction;
  deleteAction: DeleteAction;
}) {
  const t = useTranslations("knowledgeBase.kb");
  const [open, setOpen] = useState(false);
  const { state, pending, onSubmit, formRef } = useActionForm(updateAction);
  if (!open) {
    return (
      <Button variant="ghost" size="sm" onClick={() => setOpen(true)} className="w-full justify-start">
        <Icon name="settings" className="size-4" />
        {t("editTitle")}
      </Button>
    );
  }
  const errors = (name: string) => errorsFor(state.fieldErrors, name);
  return (
    <section aria-labelledby="kb-settings" className="space-y-4 rounded-xl border border-zinc-200 bg-white p-4 shadow-xs">
      <h2 id="kb-settings" className="text-sm font-semibold text-zinc-900">
        {t("editTitle")}
      </h2>
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-3">
        <input type="hidden" name="id" value={knowledgeBase.id} />
        <TextField id="kb-name" name="name" label={t("name")} defaultValue={knowledgeBase.name} errors={errors("name")} autoComplete="off" />
        <TextField
          id="kb-description"
          name="description"
          label={t("description")}
          defaultValue={knowledgeBase.description}
          errors={errors("description")}
          autoComplete="off"
        />
        <FormAlert state={state} success={t("saved")} fields={["name", "description"]} />
        <div className="flex gap-2">
          <Button type="submit" size="sm" pending={pending}>
            {t("save")}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>
            {t("cancel")}
          </Button>
        </div>
      </form>
      <div className="border-t border-zinc-100 pt-4">
        <ConfirmButton
          action={deleteAction}
          input={{ id: knowledgeBase.id }}
          size="sm"
          doneHref={listHref}
          text={{
            button: t("delete"),
            question: t("deleteConfirm", { name: knowledgeBase.name }),
            confirm: t("deleteForGood"),
            cancel: t("cancel"),
          }}
        />
      </div>
    </section>
  );
}
