/** The deployment's settings, read at start from /config.json so one build runs locally and in AWS. */
export interface RuntimeConfig {
  region: string;
  user_pool_id: string;
  user_pool_client_id: string;
  /** moto's endpoint locally; absent or empty in AWS (the SDK's regional endpoint). */
  cognito_endpoint?: string | null;
  api_base_url: string;
  /** Only locally: where the captured e-mails are shown. */
  mailbox_url?: string | null;
}

let config: RuntimeConfig | undefined;

export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  const response = await fetchImpl("/config.json", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const loaded = (await response.json()) as RuntimeConfig;
  config = { ...loaded, api_base_url: sameOriginWhenLoopback(loaded.api_base_url) };
  return config;
}

export function runtimeConfig(): RuntimeConfig {
  if (!config) throw new Error("runtime configuration not loaded");
  return config;
}

/** Tests set the configuration directly. */
export function setRuntimeConfig(value: RuntimeConfig): void {
  config = value;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

// Locally the API shares the console's port; opening the console as localhost while config.json says
// 127.0.0.1 would otherwise turn every call into a cross-origin one the API's CORS does not allow.
function sameOriginWhenLoopback(apiBaseUrl: string): string {
  if (typeof window === "undefined") return apiBaseUrl;
  try {
    const api = new URL(apiBaseUrl, window.location.href);
    const page = window.location;
    if (LOOPBACK.has(api.hostname) && LOOPBACK.has(page.hostname) && api.port === page.port) {
      return page.origin + api.pathname.replace(/\/$/, "");
    }
    return apiBaseUrl.replace(/\/$/, "");
  } catch {
    return apiBaseUrl;
  }
}
