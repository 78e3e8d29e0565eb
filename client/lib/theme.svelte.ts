// Light and dark themes: follow the system by default, with a switch remembered in localStorage.
export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'atelier.theme';

function initialChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'light' || saved === 'dark' || saved === 'system') return saved;
  } catch {
    // Storage unavailable: follow the system.
  }
  return 'system';
}

export const theme = $state({ choice: initialChoice() as ThemeChoice });

export function applyTheme(): void {
  const root = document.documentElement;
  if (theme.choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme.choice;
}

export function setTheme(choice: ThemeChoice): void {
  theme.choice = choice;
  applyTheme();
  try {
    localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Not remembered.
  }
}
