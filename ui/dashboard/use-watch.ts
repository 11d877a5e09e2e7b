import { useEffect, useState } from 'preact/hooks';
import { watchList, type WatchState } from './api.js';

/** The live items of a collection (list + watch), restarted when the path changes. */
export function useWatch(path: string | undefined): WatchState {
  const [state, setState] = useState<WatchState>({ items: [], loaded: false });
  useEffect(() => {
    setState({ items: [], loaded: false });
    if (!path) return;
    return watchList(path, setState);
  }, [path]);
  return state;
}
