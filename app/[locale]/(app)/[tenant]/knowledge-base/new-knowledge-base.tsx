"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, TextField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { useRouter } from "@/lib/i18n/navigation";

type FormAction = (previous: ActionState<{ id: string }>, input: FormData) => Promise<ActionState<{ id: string }>>;

/** "New knowledge base", for administrators: a button that opens its form; once made, into it. */
export function NewKnowledgeBase({ tenant, action }: { tenant: string; action: FormAction }) {
  const t = useTranslations("knowledgeBase.kb");
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { state, pending, onSubmit, formRef } = useActionForm(action);

  useEffect(() => {
    if (state.ok && state.result) router.push(`/${tenant}/knowledge-base/${state.result.id}`);
  }, [state, tenant, router]);

  if (!open) {
    return (
      <Button onClick={() => setOpen(true)}>
        <Icon name="plus" className="size-4" />
        {t("create")}
      </Button>
    );
  }
  const errors = (name: string) => errorsFor(state.fieldErrors, name);
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="new-knowledge-base"
      className="w-full max-w-xl space-y-4 rounded-xl border border-zinc-200 bg-white p-5 text-left shadow-xs"
    >
      <h2 id="new-knowledge-base" className="text-base font-semibold text-zinc-900">
        {t("createTitle")}
      </h2>
      <TextField id="kb-name" name="name" label={t("name")} placeholder={t("namePlaceholder")} errors={errors("name")} autoFocus autoComplete="off" />
      <TextField id="kb-description" name="description" label={t("description")} help={t("descriptionHelp")} errors={errors("description")} autoComplete="off" />
      <FormAlert state={state.ok ? undefined : state} fields={["name", "description"]} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" pending={pending}>
          {t("add")}
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          {t("cancel")}
        </Button>
      </div>
    </form>
  );
}
