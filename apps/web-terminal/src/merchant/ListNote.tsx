import { useTerminal } from '../app/terminal-context';
import type { ListState } from './use-list';

/** Loading, a list route the gateway lacks, or a failed load: said above the list, never a crash. */
export function ListNote({ list }: { list: ListState<unknown> }) {
  const { t } = useTerminal();
  if (list.unavailable) return <p className="hint list-note" role="status">{t('mListUnavailable')}</p>;
  if (list.error) return <p className="form-problems" role="alert">{t('mLoadFailed', { message: list.error })} <button type="button" className="link" onClick={list.reload}>{t('mRefresh')}</button></p>;
  if (list.loading && !list.items.length) return <p>{t('loading')}</p>;
  return null;
}
