import { useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import { FileSize } from "./tickets/[ticketId]/file-size";

/**
 * How a mail reads wherever staff read one (a ticket's message, a waiting-list entry): its text
 * without quoted replies and signatures, the whole text a click away, and its attachments as downloads.
 */
export function MailText({ shown, full }: { shown: string; full: string }) {
  const t = useTranslations("ticket.message");
  return (
    <>
      {shown ? (
        <p className="text-sm leading-6 break-words whitespace-pre-wrap text-zinc-800">{shown}</p>
      ) : (
        <p className="text-sm text-zinc-500 italic">{t("noText")}</p>
      )}
      {full && full !== shown && (
        <details className="group mt-2">
          <summary className="cursor-pointer text-sm font-medium text-brand-700 select-none hover:text-brand-800">
            {t("showFull")}
          </summary>
          <p className="mt-2 rounded-lg bg-white/70 p-3 text-sm leading-6 break-words whitespace-pre-wrap text-zinc-700 ring-1 ring-zinc-200 ring-inset">
            {full}
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
