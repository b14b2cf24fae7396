/** The providers a component test renders inside: English UI, a fresh query cache, an API on a fake fetch. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { createApi } from "./api/client";
import { AuthProvider } from "./auth/AuthProvider";
import { initI18n } from "./i18n";

initI18n("en");

export function TestProviders({ children, fetch }: { children: ReactNode; fetch?: typeof globalThis.fetch }) {
  const api = createApi({
    baseUrl: "http://api.test",
    idToken: async () => null,
    fetch: fetch ?? (async () => new Response(null, { status: 503 })),
  });
  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
          <AuthProvider api={api}>
            <MemoryRouter>{children}</MemoryRouter>
          </AuthProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
