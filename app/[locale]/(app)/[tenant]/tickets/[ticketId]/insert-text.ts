/**
 * How text gets into the composer from outside it (a canned reply, a suggested article): at the
 * cursor of the text box, replacing a selection, as a paste would.
 */

/** The reply's text box (composer.tsx). */
export const REPLY_TEXT_ID = "reply-text";
/** Asks the composer to show its reply form: a suggestion inserted while the note was open. */
export const SHOW_REPLY_EVENT = "postdesk:show-reply";

export function insertText(textareaId: string, text: string): void {
  const box = document.getElementById(textareaId);
  if (!(box instanceof HTMLTextAreaElement)) return;
  box.setRangeText(text, box.selectionStart, box.selectionEnd, "end");
  // setRangeText fires no input event, as typing does: the box's listeners would miss the text.
  box.dispatchEvent(new Event("input", { bubbles: true }));
  box.focus();
}

/**
 * Into the reply as a paragraph of its own (an article, a link: never glued to the word before
 * the cursor), its form shown first (focus needs it visible: after the composer's render).
 */
export function insertIntoReply(text: string): void {
  window.dispatchEvent(new Event(SHOW_REPLY_EVENT));
  requestAnimationFrame(() => {
    const box = document.getElementById(REPLY_TEXT_ID);
    if (!(box instanceof HTMLTextAreaElement)) return;
    const before = box.value.slice(0, box.selectionStart);
    const gap = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    insertText(REPLY_TEXT_ID, gap + text);
  });
}
