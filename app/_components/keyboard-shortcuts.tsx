"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { Button } from "./button";

/** A key and what it does, as the help dialog lists it. */
export interface Shortcut {
  key: string;
  /** Said in the reader's language. */
  label: string;
  run: (event: KeyboardEvent) => void;
}

/**
 * Single-key shortcuts for a page, and `?` for the list of them (a dialog Esc closes). Keys typed
 * into a field, or pressed with Ctrl, Alt or Cmd (the browser's and the system's own shortcuts), are
 * left alone, and so is everything while a dialog is open.
 */
export function KeyboardShortcuts({ shortcuts }: { shortcuts: Shortcut[] }) {
  const t = useTranslations("shortcuts");
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  // The handler reads the latest shortcuts without re-subscribing on every render.
  const latest = useRef(shortcuts);
  useEffect(() => {
    latest.current = shortcuts;
  });

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (isTyping(event.target) || document.querySelector("dialog[open]")) return;
      if (event.key === "?") {
        event.preventDefault();
        dialogRef.current?.showModal();
        setOpen(true);
        return;
      }
      const shortcut = latest.current.find((candidate) => candidate.key === event.key);
      if (!shortcut) return;
      event.preventDefault();
      shortcut.run(event);
    }
    document.addEventListener("keydown", onKeyDown);
    // Says the keys work now (the page's markup is there before its script): tests wait for it.
    dialogRef.current?.setAttribute("data-listening", "");
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby="shortcuts-title"
      onClose={() => setOpen(false)}
      className="m-auto w-full max-w-md rounded-xl border border-zinc-200 bg-white p-0 shadow-xl backdrop:bg-zinc-900/30"
      data-shortcuts-dialog
    >
      {open && (
        <div className="space-y-4 p-6">
          <h2 id="shortcuts-title" className="text-base font-semibold text-zinc-900">
            {t("title")}
          </h2>
          <dl className="space-y-2 text-sm">
            {[...shortcuts, { key: "?", label: t("help") }].map((shortcut) => (
              <div key={shortcut.key} className="flex items-center justify-between gap-4">
                <dt className="text-zinc-700">{shortcut.label}</dt>
                <dd>
                  <kbd className="rounded border border-zinc-300 bg-zinc-50 px-2 py-0.5 font-mono text-xs text-zinc-800 shadow-xs">
                    {shortcut.key === "Enter" ? t("enterKey") : shortcut.key}
                  </kbd>
                </dd>
              </div>
            ))}
          </dl>
          <p className="text-xs text-zinc-500">{t("hint")}</p>
          <form method="dialog" className="flex justify-end">
            <Button type="submit" variant="secondary" size="sm">
              {t("close")}
            </Button>
          </form>
        </div>
      )}
    </dialog>
  );
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}
