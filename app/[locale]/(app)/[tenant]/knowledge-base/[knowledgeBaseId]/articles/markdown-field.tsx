"use client";

import { useTranslations } from "next-intl";
import { useLayoutEffect, useRef, useState } from "react";
import { FieldErrors, inputClasses } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import { ArticleBody } from "../../article-body";
import { ImageUploadButton, type ImageUploaded } from "./image-upload-button";

export type { ImageUploaded };

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

/**
 * An article's Markdown, with a "Preview" tab that shows it as readers will see it (rendered and
 * made safe on the server by the function that saves it), and an image button that uploads a
 * picture and writes it in where the cursor stands. The text area stays in the form while the
 * preview shows, so saving from the preview saves the text.
 */
export function MarkdownField({
  value,
  onChange,
  errors,
  knowledgeBaseId,
  previewAction,
  uploadAction,
}: {
  value: string;
  onChange: (value: string) => void;
  errors: string[];
  knowledgeBaseId: string;
  previewAction: FormAction<{ html: string }>;
  uploadAction: FormAction<ImageUploaded>;
}) {
  const t = useTranslations("knowledgeBase.editor");
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [tab, setTab] = useState<"write" | "preview">("write");
  const [preview, setPreview] = useState<{ html: string; error?: string } | null>(null);
  // Where the cursor goes once the text with an inserted image is rendered.
  const cursor = useRef<number | null>(null);

  useLayoutEffect(() => {
    if (cursor.current === null || !textarea.current) return;
    textarea.current.focus();
    textarea.current.setSelectionRange(cursor.current, cursor.current);
    cursor.current = null;
  }, [value]);

  async function showPreview() {
    setTab("preview");
    setPreview(null);
    const form = new FormData();
    form.set("body", value);
    const result = await previewAction({}, form);
    setPreview(result.ok && result.result ? { html: result.result.html } : { html: "", error: result.error ?? "unexpected" });
  }

  /** Puts Markdown at the cursor as a paragraph of its own. */
  function insertBlock(markdown: string) {
    const start = textarea.current?.selectionStart ?? value.length;
    const end = textarea.current?.selectionEnd ?? start;
    const before = value.slice(0, start);
    const after = value.slice(end);
    const lead = before === "" ? "" : before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = after.startsWith("\n") ? "" : "\n";
    cursor.current = before.length + lead.length + markdown.length + trail.length;
    onChange(`${before}${lead}${markdown}${trail}${after}`);
  }

  const tabClass = (active: boolean) =>
    `rounded-md px-3 py-1.5 text-sm font-medium ${active ? "bg-white text-zinc-900 shadow-xs ring-1 ring-zinc-200" : "text-zinc-600 hover:text-zinc-900"}`;
  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <label htmlFor="body" className="block text-sm font-medium text-zinc-800">
          {t("body")}
        </label>
        <div className="flex flex-wrap items-center gap-2">
          {tab === "write" && <ImageUploadButton knowledgeBaseId={knowledgeBaseId} action={uploadAction} onUploaded={(image) => insertBlock(`![${image.filename}](${image.path})`)} />}
          <div role="tablist" aria-label={t("body")} className="flex gap-1 rounded-lg bg-zinc-100 p-1">
            <button type="button" role="tab" aria-selected={tab === "write"} className={tabClass(tab === "write")} onClick={() => setTab("write")}>
              {t("write")}
            </button>
            <button type="button" role="tab" aria-selected={tab === "preview"} className={tabClass(tab === "preview")} onClick={showPreview}>
              {t("preview")}
            </button>
          </div>
        </div>
      </div>
      <textarea
        ref={textarea}
        id="body"
        name="body"
        rows={18}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        hidden={tab !== "write"}
        aria-invalid={errors.length > 0 || undefined}
        aria-describedby="body-help"
        className={`${inputClasses(errors.length > 0)} min-h-80 font-mono text-[13px] leading-6`}
      />
      {tab === "preview" && (
        <div role="tabpanel" aria-label={t("preview")} data-preview className="min-h-80 rounded-lg border border-zinc-200 bg-white px-5 py-4">
          {preview === null ? (
            <p className="text-sm text-zinc-500">{t("previewLoading")}</p>
          ) : preview.error ? (
            <FieldErrors errors={[preview.error]} />
          ) : preview.html.trim() === "" ? (
            <p className="text-sm text-zinc-500">{t("previewEmpty")}</p>
          ) : (
            <ArticleBody html={preview.html} />
          )}
        </div>
      )}
      <p id="body-help" className="text-xs leading-5 text-zinc-500">
        {t("bodyHelp")}
      </p>
      <FieldErrors id="body-error" errors={errors} />
    </div>
  );
}
