/** Who is signed in, the API client acting for them, and their /v1/me profile. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { type Api, createApi, type Me } from "../api/client";
import { ApiError } from "../api/problem";
import { runtimeConfig } from "../runtimeConfig";
import { refresh } from "./cognito";
import { session, type Tokens } from "./session";

// Refresh a little before expiry so a request never leaves with a token that dies on the way.
const REFRESH_MARGIN_MS = 60_000;

interface AuthState {
  tokens: Tokens | null;
  api: Api;
  signedIn: (tokens: Tokens) => void;
  signOut: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

let refreshing: Promise<Tokens> | null = null;

async function currentIdToken(): Promise<string | null> {
  const tokens = session.current();
  if (!tokens) return null;
  if (tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS || !tokens.refreshToken) return tokens.idToken;
  refreshing ??= refresh(tokens).finally(() => {
    refreshing = null;
  });
  try {
    const renewed = await refreshing;
    session.set(renewed);
    return renewed.idToken;
  } catch {
    session.set(null); // the refresh token is gone or revoked: sign in again
    return null;
  }
}

export function AuthProvider({ children, api: givenApi }: { children: ReactNode; api?: Api }) {
  const [tokens, setTokens] = useState<Tokens | null>(session.current());
  const queryClient = useQueryClient();
  useEffect(() => session.subscribe(setTokens), []);

  const api = useMemo(
    () => givenApi ?? createApi({ baseUrl: runtimeConfig().api_base_url, idToken: currentIdToken }),
    [givenApi],
  );
  const signedIn = useCallback((next: Tokens) => session.set(next), []);
  const signOut = useCallback(() => {
    session.set(null);
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo(() => ({ tokens, api, signedIn, signOut }), [tokens, api, signedIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error("useAuth outside AuthProvider");
  return state;
}

export function useApi(): Api {
  return useAuth().api;
}

export const ME_QUERY_KEY = ["me"] as const;

export function useMeQuery() {
  const { api, tokens, signOut } = useAuth();
  const query = useQuery({ queryKey: ME_QUERY_KEY, queryFn: () => api.me.get(), enabled: Boolean(tokens) });
  useEffect(() => {
    if (query.error instanceof ApiError && query.error.status === 401) signOut();
  }, [query.error, signOut]);
  return query;
}

/** The profile inside the signed-in shell, where it is always loaded. */
export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error("useMe outside the signed-in shell");
  return me;
}
