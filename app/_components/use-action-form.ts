"use client";

import { type FormEvent, startTransition, useActionState, useEffect, useRef } from "react";
import type { ActionState } from "@/lib/auth/action";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

/**
 * Runs a server action from a form's submit event rather than `<form action>`, so that a failed
 * submission keeps what the user typed (React resets a form after its action). The clicked button's
 * name and value are sent along, as a browser would.
 */
export function useActionForm<R>(action: FormAction<R>, options: { resetOnSuccess?: boolean } = {}) {
  const [state, dispatch, pending] = useActionState<ActionState<R>, FormData>(action, {});
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (state.ok && options.resetOnSuccess) formRef.current?.reset();
    // Take the user to the first field that needs fixing (on a long form it may be out of view).
    if (state.fieldErrors) formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }, [state, options.resetOnSuccess]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(event.currentTarget, submitter);
    startTransition(() => dispatch(data));
  }

  return { state, pending, onSubmit, formRef };
}
