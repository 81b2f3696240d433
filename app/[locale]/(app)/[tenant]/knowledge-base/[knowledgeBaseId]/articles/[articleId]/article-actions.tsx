"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState } from "react";
import { Button } from "@/app/_components/button";
import { Card, CardBody } from "@/app/_components/card";
import { FieldErrors } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import { ConfirmButton } from "../../../confirm-button";

type Action = (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;
type State = "draft" | "internal" | "published";

/** The article's state in one click (publish, make internal, back to draft), and deleting it (its author or an administrator). */
export function ArticleActions({
  articleId,
  state,
  mayDelete,
  listHref,
  stateAction,
  deleteAction,
}: {
  articleId: string;
  state: State;
  mayDelete: boolean;
  listHref: string;
  stateAction: Action;
  deleteAction: Action;
}) {
  const t = useTranslations("knowledgeBase.article");
  const [result, run, pending] = useActionState(stateAction, {});
  const moves: { to: State; label: string; primary: boolean }[] = [
    { to: "published", label: t("publish"), primary: true },
    { to: "internal", label: t("makeInternal"), primary: false },
    { to: "draft", label: t("backToDraft"), primary: false },
  ];
  return (
    <Card>
      <CardBody className="space-y-2 sm:px-5 sm:py-4">
        {moves
          .filter((move) => move.to !== state)
          .map((move) => (
            <Button
              key={move.to}
              variant={move.primary ? "primary" : "secondary"}
              size="sm"
              className="w-full"
              disabled={pending}
              onClick={() => startTransition(() => run({ id: articleId, state: move.to }))}
            >
              {move.to === "published" && <Icon name="checkCircle" className="size-4" />}
              {move.label}
            </Button>
          ))}
        <FieldErrors errors={result.error ? [result.error] : []} />
        {mayDelete && (
          <div className="border-t border-zinc-100 pt-2">
            <ConfirmButton
              action={deleteAction}
              input={{ id: articleId }}
              size="sm"
              doneHref={listHref}
              text={{ button: t("delete"), question: t("deleteConfirm"), confirm: t("deleteForGood"), cancel: t("cancel") }}
            />
          </div>
        )}
      </CardBody>
    </Card>
  );
}
