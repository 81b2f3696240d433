"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { CardBody } from "@/app/_components/card";
import { errorsFor, FormAlert, TextField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";

type Created = { id: string; name: string };

export function CreateDivisionForm({
  action,
}: {
  action: (previous: ActionState<Created>, input: FormData) => Promise<ActionState<Created>>;
}) {
  const t = useTranslations("divisions.create");
  const { state, pending, onSubmit, formRef } = useActionForm(action, { resetOnSuccess: true });

  return (
    <CardBody>
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
          <TextField
            id="division-name"
            name="name"
            label={t("name")}
            placeholder={t("namePlaceholder")}
            errors={errorsFor(state.fieldErrors, "name")}
          />
          <TextField
            id="division-tag"
            name="tag"
            label={t("tag")}
            placeholder={t("tagPlaceholder")}
            autoCapitalize="characters"
            className="font-mono uppercase"
            errors={errorsFor(state.fieldErrors, "tag")}
          />
          <div className="sm:pt-6.5">
            <Button type="submit" pending={pending} className="w-full">
              <Icon name="plus" className="size-4" />
              {t("submit")}
            </Button>
          </div>
        </div>
        <p className="text-xs text-zinc-500">{t("tagHelp")}</p>
        <FormAlert
          state={state}
          fields={["name", "tag"]}
          success={state.ok && state.result ? t("created", { name: state.result.name }) : undefined}
        />
      </form>
    </CardBody>
  );
}
