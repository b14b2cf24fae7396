/** Planning an activity and completing one: the dialogs' values and the API bodies built from them. */
import type { Activity, ActivityInput, ActivityKind, ActivityPatch } from "../../api/client";

export const ACTIVITY_KINDS: ActivityKind[] = ["call", "meeting", "visit", "email", "task"];
/** Tag colours with 4.5:1 text contrast (antd's green and cyan tags fall short). */
export const KIND_COLORS: Record<ActivityKind, string> = {
  call: "blue",
  meeting: "purple",
  visit: "magenta",
  email: "geekblue",
  task: "default",
};

/** The records an activity hangs off: an account, and on an opportunity's tab that opportunity too. */
export interface ActivityLinks {
  account_id: string;
  opportunity_id?: string;
}

export interface PlanValues {
  kind: ActivityKind;
  subject: string;
  /** As a datetime-local input gives it: the user's wall-clock time, no zone. */
  due_at: string;
  owner_id?: string;
  notes?: string;
}

/** A datetime-local value ("2026-12-04T10:30") read in the browser's zone, as UTC ISO 8601. */
export function localInputToIso(value: string): string {
  return new Date(value).toISOString();
}

export function planBody(values: PlanValues, links: ActivityLinks): ActivityInput {
  const notes = values.notes?.trim();
  return {
    kind: values.kind,
    subject: values.subject.trim(),
    status: "planned",
    due_at: localInputToIso(values.due_at),
    account_id: links.account_id,
    ...(links.opportunity_id ? { opportunity_id: links.opportunity_id } : {}),
    ...(values.owner_id ? { owner_id: values.owner_id } : {}),
    ...(notes ? { notes } : {}),
  };
}

export interface DoneValues {
  minutes?: string;
  notes?: string;
}

/** Marks it done now; a meeting keeps its minutes, anything else its notes. */
export function doneBody(activity: Pick<Activity, "kind">, values: DoneValues): ActivityPatch {
  const text = (activity.kind === "meeting" ? values.minutes : values.notes)?.trim();
  const patch: ActivityPatch = { status: "done" };
  if (text) {
    if (activity.kind === "meeting") patch.minutes = text;
    else patch.notes = text;
  }
  return patch;
}

/** The activities on an opportunity's tab: those of its account that name it. */
export function ofOpportunity(activities: Activity[], opportunityId: string): Activity[] {
  return activities.filter((activity) => activity.opportunity_id === opportunityId);
}

/** The global page's list: the signed-in user's own planned ones (the API orders them soonest due first). */
export function mine(activities: Activity[], userId: string | undefined): Activity[] {
  return activities.filter((activity) => activity.owner_id === userId);
}
