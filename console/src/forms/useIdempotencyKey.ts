import { useRef } from "react";
import { newIdempotencyKey } from "../api/client";

/** One Idempotency-Key per distinct body: a retried identical POST is replayed, a corrected one is new. */
export function useIdempotencyKey() {
  const last = useRef<{ body: string; key: string } | null>(null);
  return (body: unknown): string => {
    const serialized = JSON.stringify(body);
    if (last.current?.body !== serialized) last.current = { body: serialized, key: newIdempotencyKey() };
    return last.current.key;
  };
}
