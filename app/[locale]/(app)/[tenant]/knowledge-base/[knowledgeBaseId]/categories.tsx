"use client";

import { useTranslations } from "next-intl";
import { type ReactNode, startTransition, useActionState, useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FieldErrors, inputClasses } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { Link } from "@/lib/i18n/navigation";
import { ConfirmButton } from "../confirm-button";

type FormAction = (previous: ActionState<void>, input: FormData) => Promise<ActionState<void>>;
type InputAction = (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;

interface Category {
  id: string;
  name: string;
}

/**
 * A knowledge base's categories in their order, each a filter of the article list; administrators
 * add, rename, reorder and delete them here.
 */
export function Categories({
  path,
  categories,
  selected,
  knowledgeBaseId,
  mayManage,
  createAction,
  renameAction,
  moveAction,
  deleteAction,
}: {
  path: string;
  categories: Category[];
  /** The category the list is filtered by: an id, "none", or null for all. */
  selected: string | null;
  knowledgeBaseId: string;
  mayManage: boolean;
  createAction: FormAction;
  renameAction: FormAction;
  moveAction: InputAction;
  deleteAction: InputAction;
}) {
  const t = useTranslations("knowledgeBase.categories");
  const item = (href: string, label: string, current: boolean) => (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className={`block min-w-0 flex-1 truncate rounded-md px-2.5 py-1.5 text-sm ${
        current ? "bg-brand-50 font-medium text-brand-700" : "text-zinc-700 hover:bg-zinc-100"
      }`}
    >
      {label}
    </Link>
  );
  return (
    <nav aria-labelledby="categories-title" className="rounded-xl border border-zinc-200 bg-white p-3 shadow-xs">
      <h2 id="categories-title" className="px-2.5 pb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
        {t("title")}
      </h2>
      <ul className="space-y-0.5" data-categories>
        <li className="flex">{item(path, t("all"), selected === null)}</li>
        {categories.map((category, index) => (
          <li key={category.id} data-category={category.name}>
            {mayManage ? (
              <ManagedCategory
                category={category}
                link={item(`${path}?category=${category.id}`, category.name, selected === category.id)}
                first={index === 0}
                last={index === categories.length - 1}
                renameAction={renameAction}
                moveAction={moveAction}
                deleteAction={deleteAction}
              />
            ) : (
              <div className="flex">{item(`${path}?category=${category.id}`, category.name, selected === category.id)}</div>
            )}
          </li>
        ))}
        <li className="flex">{item(`${path}?category=none`, t("uncategorized"), selected === "none")}</li>
      </ul>
      {categories.length === 0 && <p className="px-2.5 pt-2 text-xs text-zinc-500">{mayManage ? t("noneAdmin") : t("none")}</p>}
      {mayManage && <NewCategory knowledgeBaseId={knowledgeBaseId} action={createAction} />}
    </nav>
  );
}

function ManagedCategory({
  category,
  link,
  first,
  last,
  renameAction,
  moveAction,
  deleteAction,
}: {
  category: Category;
  link: ReactNode;
  first: boolean;
  last: boolean;
  renameAction: FormAction;
  moveAction: InputAction;
  deleteAction: InputAction;
}) {
  const t = useTranslations("knowledgeBase.categories");
  const [editing, setEditing] = useState(false);
  const { state, pending, onSubmit, formRef } = useActionForm(renameAction);
  useEffect(() => {
    if (state.ok) setEditing(false);
  }, [state]);

  if (!editing) {
    return (
      <div className="group flex items-center">
        {link}
        <button
          type="button"
          onClick={() => setEditing(true)}
          title={t("rename")}
          className="rounded-md p-1.5 text-zinc-400 opacity-0 group-hover:opacity-100 hover:bg-zinc-100 hover:text-zinc-700 focus-visible:opacity-100"
        >
          <Icon name="pencil" className="size-4" />
          <span className="sr-only">
            {t("rename")}: {category.name}
          </span>
        </button>
      </div>
    );
  }
  return (
    <div className="space-y-2 rounded-lg bg-zinc-50 p-2 ring-1 ring-zinc-200 ring-inset">
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-2">
        <input type="hidden" name="id" value={category.id} />
        <label htmlFor={`category-${category.id}`} className="sr-only">
          {t("name")}
        </label>
        <input
          id={`category-${category.id}`}
          name="name"
          defaultValue={category.name}
          autoFocus
          aria-invalid={errorsFor(state.fieldErrors, "name").length > 0 || undefined}
          className={inputClasses(errorsFor(state.fieldErrors, "name").length > 0)}
        />
        <FieldErrors errors={state.error && !state.fieldErrors?.name ? [state.error] : errorsFor(state.fieldErrors, "name")} />
        <div className="flex gap-1.5">
          <Button type="submit" size="sm" pending={pending}>
            {t("save")}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setEditing(false)}>
            {t("cancel")}
          </Button>
        </div>
      </form>
      <MoveButtons id={category.id} first={first} last={last} action={moveAction} />
      <ConfirmButton
        action={deleteAction}
        input={{ id: category.id }}
        size="sm"
        text={{ button: t("delete"), question: t("deleteConfirm"), confirm: t("deleteForGood"), cancel: t("cancel") }}
      />
    </div>
  );
}

/** One place up or down: the order customers see the categories in, in the help center too. */
function MoveButtons({ id, first, last, action }: { id: string; first: boolean; last: boolean; action: InputAction }) {
  const t = useTranslations("knowledgeBase.categories");
  const [state, run, pending] = useActionState<ActionState<void>, Record<string, unknown>>(action, {});
  const move = (direction: "up" | "down") => startTransition(() => run({ id, direction }));
  return (
    <div className="space-y-1">
      <div className="flex gap-1.5">
        <Button size="sm" variant="secondary" disabled={first || pending} onClick={() => move("up")}>
          <Icon name="chevronRight" className="size-4 -rotate-90" />
          {t("moveUp")}
        </Button>
        <Button size="sm" variant="secondary" disabled={last || pending} onClick={() => move("down")}>
          <Icon name="chevronRight" className="size-4 rotate-90" />
          {t("moveDown")}
        </Button>
      </div>
      {state.error && <FieldErrors errors={[state.error]} />}
    </div>
  );
}

function NewCategory({ knowledgeBaseId, action }: { knowledgeBaseId: string; action: FormAction }) {
  const t = useTranslations("knowledgeBase.categories");
  const { state, pending, onSubmit, formRef } = useActionForm(action, { resetOnSuccess: true });
  const errors = errorsFor(state.fieldErrors, "name");
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="mt-3 space-y-1.5 border-t border-zinc-100 px-1 pt-3">
      <input type="hidden" name="knowledgeBaseId" value={knowledgeBaseId} />
      <label htmlFor="new-category" className="sr-only">
        {t("newName")}
      </label>
      <div className="flex gap-1.5">
        <input
          id="new-category"
          name="name"
          placeholder={t("newName")}
          autoComplete="off"
          aria-invalid={errors.length > 0 || undefined}
          className={`${inputClasses(errors.length > 0)} py-1.5`}
        />
        <Button type="submit" size="sm" variant="secondary" pending={pending} title={t("add")} className="shrink-0">
          {!pending && <Icon name="plus" className="size-4" />}
          <span className="sr-only">{t("add")}</span>
        </Button>
      </div>
      <FieldErrors errors={state.error && errors.length === 0 ? [state.error] : errors} />
    </form>
  );
}
