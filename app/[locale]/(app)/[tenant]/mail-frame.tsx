"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { Button } from "@/app/_components/button";
import { FormAlert } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";

/**
 * A mail's HTML in a sandboxed frame: no `allow-scripts` and no `allow-same-origin`, so nothing in
 * it runs and it has no origin; `allow-popups` (escaping the sandbox) only so that its links, which
 * all open in a new tab, can be followed.
 *
 * Its height: the frame has no origin, so the page cannot read its document, and with no script
 * inside it nothing can tell the page how tall it is. So the frame starts at a fixed height,
 * scrolls inside, and "Expand" makes it as tall as the screen allows; an honest choice over a guess.
 */
export function MailFrame({ document, title }: { document: string; title: string }) {
  const t = useTranslations("ticket.message");
  const [expanded, setExpanded] = useState(false);
  return (
    <div>
      <iframe
        title={title}
        srcDoc={document}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        data-mail-html
        className={`w-full rounded-lg bg-white ring-1 ring-zinc-200 ${expanded ? "h-[85vh]" : "h-96"}`}
      />
      <button
        type="button"
        onClick={() => setExpanded(!expanded)}
        aria-expanded={expanded}
        className="mt-1 text-sm font-medium text-brand-700 hover:text-brand-800"
      >
        {expanded ? t("collapseHtml") : t("expandHtml")}
      </button>
    </div>
  );
}

type Action = (previous: ActionState<void> | undefined, input: { address: string }) => Promise<ActionState<void>>;

/** "Always show images from this sender", for the signed-in member; the page then shows them. */
export function AlwaysShowImagesButton({ address, action }: { address: string; action: Action }) {
  const t = useTranslations("ticket.message");
  const [state, setState] = useState<ActionState>();
  const [pending, startTransition] = useTransition();
  const always = () =>
    startTransition(async () => {
      const outcome = await action(undefined, { address });
      setState(outcome);
      // A full load, not a refresh: the page's policy, which must now let remote images through,
      // comes with the document (lib/security/content-policy.ts), and only an address that asks for
      // images gets that policy.
      if (outcome.ok) {
        const here = new URL(window.location.href);
        if (!here.searchParams.has("images")) here.searchParams.set("images", "always");
        window.location.assign(here);
      }
    });
  return (
    <>
      <Button size="sm" variant="ghost" pending={pending} onClick={always}>
        {t("alwaysShowImages", { address })}
      </Button>
      <FormAlert state={state} />
    </>
  );
}
