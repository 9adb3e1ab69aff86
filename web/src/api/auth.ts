// The API key lives only in this browser tab's sessionStorage (never localStorage, never a
// cookie): closing the tab forgets it.
const KEY = "winnow.apiKey";

export function getApiKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the page asks again
  }
}

export function setApiKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function clearApiKey(): void {
  sessionStorage.removeItem(KEY);
}
