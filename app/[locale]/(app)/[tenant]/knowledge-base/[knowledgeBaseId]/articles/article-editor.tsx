"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { errorsFor, SelectField, TextField } from "@/app/_components/form";
import { SaveBar } from "@/app/_components/save-bar";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { useRouter } from "@/lib/i18n/navigation";
import { type ImageUploaded, MarkdownField } from "./markdown-field";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

export interface ArticleDraft {
  title: string;
  body: string;
  locale: "en" | "pl";
  state: "draft" | "internal" | "published";
  categoryId: string | null;
}

const FIELDS = ["title", "body", "locale", "state", "categoryId"];
const STATES = ["draft", "internal", "published"] as const;

/**
 * Writing an article, new or saved: title and Markdown text beside its language, category and
 * state. `hidden`: what the save action needs besides the fields (the article's id, or the
 * knowledge base and the article it translates). Saved, it opens the article's page.
 */
export function ArticleEditor({
  articlesPath,
  knowledgeBaseId,
  hidden,
  initial,
  categories,
  saveAction,
  previewAction,
  uploadAction,
}: {
  /** Where the knowledge base's article pages are: a saved article opens at `<articlesPath>/<id>`. */
  articlesPath: string;
  knowledgeBaseId: string;
  hidden: Record<string, string>;
  initial: ArticleDraft;
  categories: { id: string; name: string }[];
  saveAction: FormAction<{ id: string }>;
  previewAction: FormAction<{ html: string }>;
  uploadAction: FormAction<ImageUploaded>;
}) {
  const t = useTranslations("knowledgeBase");
  const router = useRouter();
  const { state, pending, onSubmit, formRef } = useActionForm(saveAction);
  const [body, setBody] = useState(initial.body);
  const [dirty, setDirty] = useState(false);
  const errors = (name: string) => errorsFor(state.fieldErrors, name);

  useEffect(() => {
    if (state.ok && state.result) router.push(`${articlesPath}/${state.result.id}`);
  }, [state, router, articlesPath]);

  return (
    <form ref={formRef} onSubmit={onSubmit} onChange={() => setDirty(true)} noValidate className="space-y-6">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <div className="min-w-0 space-y-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6">
          <TextField
            id="title"
            name="title"
            label={t("editor.title")}
            defaultValue={initial.title}
            errors={errors("title")}
            autoComplete="off"
            className="text-base font-medium"
          />
          <MarkdownField
            value={body}
            onChange={(value) => {
              setBody(value);
              setDirty(true);
            }}
            errors={errors("body")}
            knowledgeBaseId={knowledgeBaseId}
            previewAction={previewAction}
            uploadAction={uploadAction}
          />
        </div>
        <aside className="space-y-5 self-start rounded-xl border border-zinc-200 bg-white p-5 shadow-xs">
          <h2 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{t("editor.settings")}</h2>
          <SelectField id="locale" name="locale" label={t("editor.language")} defaultValue={initial.locale} errors={errors("locale")}>
            <option value="pl">{t("locales.pl")}</option>
            <option value="en">{t("locales.en")}</option>
          </SelectField>
          <SelectField
            id="categoryId"
            name="categoryId"
            label={t("editor.category")}
            defaultValue={initial.categoryId ?? ""}
            errors={errors("categoryId")}
          >
            <option value="">{t("editor.noCategory")}</option>
            {categories.map((category) => (
              <option key={category.id} value={category.id}>
                {category.name}
              </option>
            ))}
          </SelectField>
          <fieldset className="space-y-2">
            <legend className="mb-1.5 text-sm font-medium text-zinc-800">{t("editor.state")}</legend>
            {STATES.map((value) => (
              <label
                key={value}
                className="flex cursor-pointer gap-2.5 rounded-lg p-2 ring-1 ring-zinc-200 ring-inset has-checked:bg-brand-50/60 has-checked:ring-brand-300"
              >
                <input type="radio" name="state" value={value} defaultChecked={initial.state === value} className="mt-0.5 accent-brand-600" />
                <span className="min-w-0">
                  <span className="block text-sm font-medium text-zinc-900">{t(`states.${value}`)}</span>
                  <span className="block text-xs leading-5 text-zinc-500">{t(`stateHelp.${value}`)}</span>
                </span>
              </label>
            ))}
          </fieldset>
        </aside>
      </div>
      <SaveBar
        state={state}
        fields={FIELDS}
        dirty={dirty}
        pending={pending}
        text={{ save: t("editor.save"), saved: t("editor.saved"), unsaved: t("editor.unsaved"), hint: t("editor.hint") }}
      />
    </form>
  );
}
