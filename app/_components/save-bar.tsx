import type { ActionState } from "@/lib/auth/action";
import { Button } from "./button";
import { FormAlert } from "./form";
import { Icon } from "./icons";

/**
 * The save button of a long settings form, kept in view at the bottom of the screen, with what
 * happened to the last save: its errors, "saved", or whether there are unsaved changes.
 */
export function SaveBar({
  state,
  fields,
  dirty,
  pending,
  text,
}: {
  state: ActionState;
  /** The fields the form shows errors next to (see FormAlert). */
  fields: string[];
  dirty: boolean;
  pending: boolean;
  text: { save: string; saved: string; unsaved: string; hint: string };
}) {
  return (
    <div className="sticky bottom-4 z-10">
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-xl border border-zinc-200 bg-white/95 px-5 py-3 shadow-lg shadow-zinc-900/5 backdrop-blur">
        <div className="min-w-0 flex-1 text-sm">
          {state.error ? (
            <FormAlert state={state} fields={fields} />
          ) : state.ok && !dirty ? (
            <p role="status" className="flex items-center gap-2 font-medium text-emerald-700">
              <Icon name="checkCircle" className="size-5" />
              {text.saved}
            </p>
          ) : (
            <p className="text-zinc-500">{dirty ? text.unsaved : text.hint}</p>
          )}
        </div>
        <Button type="submit" pending={pending}>
          {text.save}
        </Button>
      </div>
    </div>
  );
}
