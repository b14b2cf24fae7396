import type { FormInstance } from "antd";
import { useEffect, useState } from "react";
import type { Tagged } from "../api/client";
import { VersionConflictError } from "../api/problem";
import type { FieldPath } from "./problemFields";
import { useIdempotencyKey } from "./useIdempotencyKey";
import { useProblemForm } from "./useProblemForm";

interface Versioned {
  id: string;
  version: number;
}

interface VersionedFormOptions<T extends Versioned, V, C, P> {
  form: FormInstance<V>;
  registered: FieldPath[];
  /** The entity being edited with its ETag; none when creating. */
  loaded?: Tagged<T>;
  reload?: () => Promise<Tagged<T> | undefined>;
  /** The form module's mapping between the entity, the form's values and the API's bodies. */
  mapping: {
    formValues: (entity: T) => V;
    createBody: (values: V) => C;
    changedFields: (original: T, values: V) => P;
  };
  /** The resource's typed client. */
  client: {
    create: (body: C, idempotencyKey: string) => Promise<Tagged<T>>;
    update: (id: string, patch: P, etag: string) => Promise<Tagged<T>>;
    overwrite: (id: string, patch: P) => Promise<Tagged<T>>;
  };
  /** After the conflict dialog's "Reload" brought the other change in. */
  onReloaded?: () => void;
  /** After a save (`created` tells which); also called with `unchanged` when nothing needed saving. */
  onSaved: (entity: T, outcome: "created" | "saved" | "unchanged") => void;
}

/**
 * The save cycle every create/edit form shares: an idempotent create, a minimal patch under If-Match, and
 * on 412 the ConflictDialog's choice (reload theirs, or deliberately overwrite with ours).
 */
export function useVersionedForm<T extends Versioned, V, C, P extends object>(options: VersionedFormOptions<T, V, C, P>) {
  const { form, loaded } = options;
  const problems = useProblemForm(form, options.registered);
  const [base, setBase] = useState(loaded);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<{ patch: P; currentVersion?: number } | null>(null);
  const [conflictBusy, setConflictBusy] = useState<"reload" | "overwrite" | null>(null);
  const idempotencyKey = useIdempotencyKey();

  useEffect(() => {
    if (base) form.setFieldsValue(options.mapping.formValues(base.data) as Parameters<typeof form.setFieldsValue>[0]);
    // formValues is a pure mapping; re-running for a new identity of it would only repeat the same values.
  }, [base, form]);

  const submit = async (values: V) => {
    setBusy(true);
    problems.clear();
    try {
      if (!base) {
        const body = options.mapping.createBody(values);
        options.onSaved((await options.client.create(body, idempotencyKey(body))).data, "created");
        return;
      }
      const patch = options.mapping.changedFields(base.data, values);
      if (Object.keys(patch).length === 0) {
        options.onSaved(base.data, "unchanged");
        return;
      }
      try {
        options.onSaved((await options.client.update(base.data.id, patch, base.etag)).data, "saved");
      } catch (error) {
        if (error instanceof VersionConflictError) setConflict({ patch, currentVersion: error.currentVersion });
        else throw error;
      }
    } catch (error) {
      problems.report(error);
    } finally {
      setBusy(false);
    }
  };

  const reload = async () => {
    setConflictBusy("reload");
    try {
      const fresh = await options.reload?.();
      if (fresh) setBase(fresh);
      setConflict(null);
      options.onReloaded?.();
    } catch (error) {
      setConflict(null);
      problems.report(error);
    } finally {
      setConflictBusy(null);
    }
  };

  const overwrite = async () => {
    if (!base || !conflict) return;
    setConflictBusy("overwrite");
    try {
      const result = await options.client.overwrite(base.data.id, conflict.patch);
      setConflict(null);
      options.onSaved(result.data, "saved");
    } catch (error) {
      if (error instanceof VersionConflictError) setConflict({ ...conflict, currentVersion: error.currentVersion });
      else {
        setConflict(null);
        problems.report(error);
      }
    } finally {
      setConflictBusy(null);
    }
  };

  return {
    base,
    busy,
    submit,
    formError: problems.formError,
    unplaced: problems.unplaced,
    conflictDialog: {
      open: conflict !== null,
      currentVersion: conflict?.currentVersion,
      busy: conflictBusy,
      onReload: reload,
      onOverwrite: overwrite,
      onCancel: () => setConflict(null),
    },
  };
}
