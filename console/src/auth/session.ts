/** The signed-in user's Cognito tokens: in memory, mirrored to sessionStorage so a reload keeps the
 * session (and closing the tab ends it). Sign-out clears both. */
export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** epoch milliseconds when the ID token expires */
  expiresAt: number;
  /** the sign-in name (e-mail), needed for refresh with some pool settings */
  username: string;
}

const STORAGE_KEY = "servicejob.session";

type Listener = (tokens: Tokens | null) => void;

class SessionStore {
  private tokens: Tokens | null = null;
  private readonly listeners = new Set<Listener>();

  constructor() {
    try {
      const saved = sessionStorage.getItem(STORAGE_KEY);
      this.tokens = saved ? (JSON.parse(saved) as Tokens) : null;
    } catch {
      this.tokens = null;
    }
  }

  current(): Tokens | null {
    return this.tokens;
  }

  set(tokens: Tokens | null): void {
    this.tokens = tokens;
    try {
      if (tokens) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
      else sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // storage disabled: the session then lasts as long as the page
    }
    this.listeners.forEach((listener) => listener(tokens));
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const session = new SessionStore();
