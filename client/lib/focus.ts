// Focus after navigation and actions (issue 15): a keyboard or screen reader user lands on the
// heading of what just appeared, instead of <body> where the removed button was.

/** How long a lazily loaded page (the console, the organiser's pages) may take to show its heading. */
const HEADING_WAIT_MS = 5000;

/**
 * Focuses the first heading matching `selector` (the page's <h1> by default) once it is in the
 * page, making it focusable by script only (tabindex -1) so it adds no tab stop.
 */
export function focusPageHeading(selector = 'main h1, h1'): void {
  const deadline = Date.now() + HEADING_WAIT_MS;
  const attempt = () => {
    const heading = document.querySelector<HTMLElement>(selector);
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus();
      return;
    }
    if (Date.now() < deadline) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}
