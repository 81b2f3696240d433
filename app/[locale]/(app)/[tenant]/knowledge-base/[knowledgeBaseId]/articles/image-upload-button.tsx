"use client";

import { useTranslations } from "next-intl";
import { type ChangeEvent, useState } from "react";
import { buttonClasses, Spinner } from "@/app/_components/button";
import { FieldErrors } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";

export interface ImageUploaded {
  id: string;
  filename: string;
  path: string;
}

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

const ACCEPT = "image/png,image/jpeg,image/gif,image/webp";

/**
 * "Insert image": picks a file, uploads it into the knowledge base (lib/knowledge/images.ts checks
 * its type and size) and hands back where it is shown. The visible button is the file input's
 * label, so the keyboard and tests reach the input itself.
 */
export function ImageUploadButton({
  knowledgeBaseId,
  action,
  onUploaded,
}: {
  knowledgeBaseId: string;
  action: FormAction<ImageUploaded>;
  onUploaded: (image: ImageUploaded) => void;
}) {
  const t = useTranslations("knowledgeBase.editor");
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);

  async function upload(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setPending(true);
    setErrors([]);
    const form = new FormData();
    form.set("knowledgeBaseId", knowledgeBaseId);
    form.set("image", file);
    try {
      const result = await action({}, form);
      if (result.ok && result.result) onUploaded(result.result);
      else setErrors(result.fieldErrors?.image ?? [result.error ?? "unexpected"]);
    } finally {
      setPending(false);
      input.value = "";
    }
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <label title={t("imageHelp")} className={`${buttonClasses("secondary", "sm")} cursor-pointer has-focus-visible:outline-2 has-focus-visible:outline-brand-600`}>
        {pending ? <Spinner /> : <Icon name="photo" className="size-4" />}
        {pending ? t("uploading") : t("insertImage")}
        <input type="file" accept={ACCEPT} onChange={upload} disabled={pending} className="sr-only" />
      </label>
      <FieldErrors errors={errors} />
    </div>
  );
}
