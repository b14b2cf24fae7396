import type { FormInstance } from "antd";
import { useState } from "react";
import type { Tagged } from "../api/client";
import { VersionConflictError } from "../api/problem";
import type { FieldPath } from "./problemFields";
import { useProblemForm } from "./useProblemForm";

interface SettingsFormOptions<S, V> {
  form: FormInstance<V>;
  registered: FieldPath[];
  /** The settings as first read, with their ETag. */
  loaded: Tagged<S>;
  read: () => Promise<Tagged<S>>;
  /** Replaces the whole settings document under If-Match. */
  replace: (values: V, etag: string) => Promise<Tagged<S>>;
  /** Puts saved or reloaded settings into the form. */
  show: (settings: S) => void;
  onSaved: (saved: Tagged<S>) => void;
}

/**
 * The save cycle of a settings page (one document replaced whole): If-Match with the ETag last read, field
 * errors of a 422 under their fields, and on 412 the ConflictDialog's choice (reload theirs, or overwrite).
 */
export function useSettingsForm<S, V>(options: SettingsFormOptions<S, V>) {
  const problems = useProblemForm(options.form, options.registered);
  const [etag, setEtag] = useState(options.loaded.etag);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<{ currentVersion?: number } | null>(null);
  const [conflictBusy, setConflictBusy] = useState<"reload" | "overwrite" | null>(null);

  const save = async (tag: string) => {
    const saved = await options.replace(options.form.getFieldsValue(true) as V, tag);
    setEtag(saved.etag);
    options.show(saved.data);
    options.onSaved(saved);
  };
  const submit = async () => {
    setBusy(true);
    problems.clear();
    try {
      await save(etag);
    } catch (error) {
      if (error instanceof VersionConflictError) setConflict({ currentVersion: error.currentVersion });
      else problems.report(error);
    } finally {
      setBusy(false);
    }
  };
  const resolve = (choice: "reload" | "overwrite") => async () => {
    setConflictBusy(choice);
    try {
      const fresh = await options.read();
      if (choice === "reload") {
        setEtag(fresh.etag);
        options.show(fresh.data);
      } else {
        await save(fresh.etag);
      }
      setConflict(null);
    } catch (error) {
      // Saved again by someone else while overwriting: ask again, with their newer version.
      if (error instanceof VersionConflictError) setConflict({ currentVersion: error.currentVersion });
      else {
        setConflict(null);
        problems.report(error);
      }
    } finally {
      setConflictBusy(null);
    }
  };

  return {
    busy,
    submit,
    formError: problems.formError,
    unplaced: problems.unplaced,
    conflictDialog: {
      open: conflict !== null,
      currentVersion: conflict?.currentVersion,
      busy: conflictBusy,
      onReload: resolve("reload"),
      onOverwrite: resolve("overwrite"),
      onCancel: () => setConflict(null),
    },
  };
}
