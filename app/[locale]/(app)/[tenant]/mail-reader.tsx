import { useLocale, useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import { linkify } from "@/lib/mail/linkify";
import { readerDocument } from "@/lib/mail/reader-document";
import { AlwaysShowImagesButton, MailFrame } from "./mail-frame";
import { FileSize } from "./tickets/[ticketId]/file-size";

/**
 * A mail's HTML as it was written (lib/mail/reader-document.ts), in a sandboxed frame, with its
 * remote images held back until the reader shows them for this mail or always for its sender.
 */
export function MailHtml({
  html,
  inlineImages,
  remoteImages,
  showImagesHref,
  sender,
  alwaysShowImagesAction,
}: {
  html: string;
  inlineImages: Map<string, string>;
  remoteImages: boolean;
  /** This page again, showing this mail's images. */
  showImagesHref: string;
  /** The sender's address, for "always for this sender"; null when the mail has none. */
  sender: string | null;
  alwaysShowImagesAction: (previous: ActionState<void> | undefined, input: { address: string }) => Promise<ActionState<void>>;
}) {
  const t = useTranslations("ticket.message");
  const locale = useLocale();
  const { document, blockedImages } = readerDocument(html, {
    inlineImage: (contentId) => inlineImages.get(contentId) ?? null,
    remoteImages,
    quotedLabel: t("showQuoted"),
  });
  return (
    <div className="space-y-2">
      {blockedImages > 0 && (
        <div
          role="status"
          data-images-blocked
          className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg bg-zinc-100 px-3 py-2 text-sm text-zinc-700"
        >
          <Icon name="lock" className="size-4 shrink-0 text-zinc-500" />
          <span>{t("imagesBlocked", { count: blockedImages })}</span>
          {/* A plain link, so the page loads anew: its policy lets remote images through only for an
              address that asks for them (lib/security/content-policy.ts). */}
          <a href={`/${locale}${showImagesHref}`} className="font-medium text-brand-700 hover:text-brand-800">
            {t("showImages")}
          </a>
          {sender && <AlwaysShowImagesButton address={sender} action={alwaysShowImagesAction} />}
        </div>
      )}
      <MailFrame document={document} title={t("htmlTitle")} />
    </div>
  );
}

/** Plain text with its web and mail addresses clickable (http, https and mailto only). */
function LinkedText({ text }: { text: string }) {
  return linkify(text).map((piece, index) =>
    "href" in piece ? (
      <a
        key={index}
        href={piece.href}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className="text-brand-700 underline underline-offset-2 hover:text-brand-800"
      >
        {piece.text}
      </a>
    ) : (
      piece.text
    ),
  );
}

/**
 * How a mail reads wherever staff read one (a ticket's message, a waiting-list entry): its text
 * without quoted replies and signatures, the whole text a click away, and its attachments as downloads.
 */
export function MailText({ shown, full }: { shown: string; full: string }) {
  const t = useTranslations("ticket.message");
  return (
    <>
      {shown ? (
        <p className="text-sm leading-6 break-words whitespace-pre-wrap text-zinc-800">
          <LinkedText text={shown} />
        </p>
      ) : (
        <p className="text-sm text-zinc-500 italic">{t("noText")}</p>
      )}
      {full && full !== shown && (
        <details className="group mt-2">
          <summary className="cursor-pointer text-sm font-medium text-brand-700 select-none hover:text-brand-800">
            {t("showFull")}
          </summary>
          <p className="mt-2 rounded-lg bg-white/70 p-3 text-sm leading-6 break-words whitespace-pre-wrap text-zinc-700 ring-1 ring-zinc-200 ring-inset">
            <LinkedText text={full} />
          </p>
        </details>
      )}
    </>
  );
}

export interface MailAttachmentLink {
  id: string;
  href: string;
  filename: string | null;
  contentType: string;
  size: number;
}

export function MailAttachments({ attachments, className = "" }: { attachments: MailAttachmentLink[]; className?: string }) {
  const t = useTranslations("ticket.message");
  if (attachments.length === 0) return null;
  return (
    <ul aria-label={t("attachments")} className={`flex flex-wrap gap-2 ${className}`}>
      {attachments.map((attachment) => (
        <li key={attachment.id}>
          <a
            href={attachment.href}
            download={attachment.filename ?? true}
            data-attachment={attachment.id}
            className="inline-flex max-w-72 items-center gap-2 rounded-lg bg-white px-3 py-1.5 text-sm text-zinc-800 ring-1 ring-zinc-200 ring-inset hover:bg-zinc-50 hover:ring-zinc-300"
          >
            <Icon name="link" className="size-4 shrink-0 text-zinc-400" />
            <span className="truncate">{attachment.filename ?? attachment.contentType}</span>
            <span className="shrink-0 text-xs text-zinc-500">
              <FileSize bytes={attachment.size} />
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
