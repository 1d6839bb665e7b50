import { useEffect, useState } from 'preact/hooks';
import { isLayout, LAYOUTS, type Layout } from './format';
import { cameras, connection, events, sortedCameras, useWatch } from './state';
import { CameraPage } from './views/camera-page';
import { Grid } from './views/grid';
import { PanicButton } from './views/panic-button';
import { StoragePage } from './views/storage-panel';

type Route = { page: 'grid' } | { page: 'storage' } | { page: 'camera'; name: string };

function routeOf(hash: string): Route {
  if (hash === '#/storage') return { page: 'storage' };
  const match = /^#\/cameras\/([^/]+)$/.exec(hash);
  if (match?.[1]) {
    try {
      return { page: 'camera', name: decodeURIComponent(match[1]) };
    } catch {
      // a malformed name: the grid
    }
  }
  return { page: 'grid' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const LAYOUT_KEY = 'camlet.layout';

function savedLayout(): Layout {
  const value = Number(localStorage.getItem(LAYOUT_KEY) ?? 9);
  return isLayout(value) ? value : 9;
}

function LayoutPicker({ layout, onChange }: { layout: Layout; onChange: (layout: Layout) => void }) {
  return (
    <div class="layouts" role="group" aria-label="Grid size">
      {LAYOUTS.map((n) => (
        <button key={n} type="button" class={n === layout ? 'active' : ''} aria-pressed={n === layout} data-layout={n} title={`${n} tiles`} onClick={() => onChange(n)}>
          {n}
        </button>
      ))}
    </div>
  );
}

function Header({ route, layout, setLayout }: { route: Route; layout: Layout; setLayout: (layout: Layout) => void }) {
  useWatch(cameras);
  useWatch(events);
  const all = sortedCameras();
  const running = all.filter((camera) => camera.status.phase === 'Running').length;
  const state = connection();
  return (
    <header class="topbar">
      <a class="brand" href="#/">
        <img src="/favicon.svg" alt="" width="22" height="22" />
        camlet
      </a>
      <span class="summary" data-running={running} data-total={all.length}>
        <strong>{running}</strong>/{all.length} running
      </span>
      <span class="spacer" />
      {route.page === 'grid' && <LayoutPicker layout={layout} onChange={setLayout} />}
      <a class={`nav-link${route.page === 'storage' ? ' active' : ''}`} href="#/storage" data-nav="storage">
        Storage
      </a>
      <PanicButton running={running} />
      <span class={`conn conn-${state}`} data-connection={state} title="Updates from the controller">
        <span class="conn-dot" />
        {state === 'live' ? 'Live' : state === 'retrying' ? 'Reconnecting' : 'Connecting'}
      </span>
    </header>
  );
}

export function App() {
  const route = useRoute();
  const [layout, setLayoutState] = useState<Layout>(savedLayout);
  const setLayout = (next: Layout) => {
    localStorage.setItem(LAYOUT_KEY, String(next));
    setLayoutState(next);
  };
  useEffect(() => {
    document.title = route.page === 'camera' ? `${route.name} · camlet` : route.page === 'storage' ? 'Storage · camlet' : 'camlet';
  }, [route]);
  return (
    <>
      <Header route={route} layout={layout} setLayout={setLayout} />
      {route.page === 'camera' ? <CameraPage key={route.name} name={route.name} /> : route.page === 'storage' ? <StoragePage /> : <Grid layout={layout} />}
    </>
  );
}
