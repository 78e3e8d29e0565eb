// A small path router: the pages of Atelier are few and their URLs are part of the product
// (/w/CODE is printed on the projection screen), so history.pushState is all we need.
export type Route =
  | { name: 'home' }
  | { name: 'workshop'; code: string }
  | { name: 'facilitate'; code: string }
  | { name: 'screen'; code: string }
  | { name: 'organiser' }
  | { name: 'organiserWorkshop'; code: string }
  | { name: 'report'; code: string }
  | { name: 'accessibility' }
  | { name: 'notFound' };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  // The accessibility statement, at the address French public services use for it.
  if (/^\/(accessibilite|accessibility)\/?$/.test(pathname)) return { name: 'accessibility' };
  // The organiser's pages: /organiser, /organiser/CODE (snapshots), /w/CODE/report.
  const organiser = /^\/organiser(?:\/([^/]+))?\/?$/.exec(pathname);
  if (organiser) {
    return organiser[1]
      ? { name: 'organiserWorkshop', code: decodeURIComponent(organiser[1]).toUpperCase() }
      : { name: 'organiser' };
  }
  const report = /^\/w\/([^/]+)\/report\/?$/.exec(pathname);
  if (report) return { name: 'report', code: decodeURIComponent(report[1]!).toUpperCase() };
  const match = /^\/w\/([^/]+)(?:\/(facilitate|screen))?\/?$/.exec(pathname);
  if (!match) return { name: 'notFound' };
  const code = decodeURIComponent(match[1]!).toUpperCase();
  if (match[2] === 'facilitate') return { name: 'facilitate', code };
  if (match[2] === 'screen') return { name: 'screen', code };
  return { name: 'workshop', code };
}

export const router = $state({ route: parseRoute(location.pathname) as Route });

export function navigate(path: string): void {
  history.pushState(null, '', path);
  router.route = parseRoute(location.pathname);
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
  router.route = parseRoute(location.pathname);
});
