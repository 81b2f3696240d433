/** Whether `next build` must run before `next start` in `root`: no build yet, or sources newer than it. */
export function needsBuild(root: string): boolean;
