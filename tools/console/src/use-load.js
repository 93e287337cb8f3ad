// Loads data for a view and keeps loading / error / reload together.
import { useCallback, useEffect, useState } from 'preact/hooks';

/**
 * @template T
 * @param {() => Promise<T>} load
 * @param {unknown[]} deps
 */
export function useLoad(load, deps) {
  const [state, setState] = useState({ loading: true, data: undefined, error: undefined });
  const reload = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      setState({ loading: false, data: await load(), error: undefined });
    } catch (error) {
      setState({ loading: false, data: undefined, error });
    }
  }, deps);
  useEffect(() => {
    reload();
  }, [reload]);
  return { ...state, reload };
}
