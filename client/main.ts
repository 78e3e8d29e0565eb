// Entry point of the client: global styles, theme and language, then the app.
import { mount } from 'svelte';
import App from './App.svelte';
import { i18n } from './lib/i18n.svelte.js';
import { applyTheme } from './lib/theme.svelte.js';
import './styles.css';

applyTheme();
document.documentElement.lang = i18n.lang;
mount(App, { target: document.getElementById('app')! });

// Offline reloads (client/public/sw.js); production builds only, so development never serves
// stale files.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
