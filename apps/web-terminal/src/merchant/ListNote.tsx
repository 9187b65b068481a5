import { useTerminal } from '../app/terminal-context';
import type { ListState } from './use-list';

/** Loading or a failed load: said above the list, never a crash. */
export function ListNote({ list }: { list: ListState<unknown> }) {
  const { t } = useTerminal();
  if (list.error) return <p className="form-problems" role="alert">{t('mLoadFailed', { message: list.error })} <button type="button" className="link" onClick={list.reload}>{t('mRefresh')}</button></p>;
  if (list.loading && !list.items.length) return <p>{t('loading')}</p>;
  return null;
}
