// Entry point of the client: global styles, theme and language, then the app.
import { mount } from 'svelte';
import App from './App.svelte';
import { i18n } from './lib/i18n.svelte.js';
import { applyTheme } from './lib/theme.svelte.js';
import './styles.css';

applyTheme();
document.documentElement.lang = i18n.lang;
mount(App, { target: document.getElementById('app')! });
