import { useTerminal } from './terminal-context';

/** The notices of either section (the terminal's and the merchant console's share them). */
export function Notices() {
  const { notices, dismiss, t } = useTerminal();
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} role="status" className={`notice notice-${n.tone}`}>
          <span>{n.text}</span>
          <button type="button" className="link" onClick={() => dismiss(n.id)} aria-label={t('dismiss')}>×</button>
        </div>
      ))}
    </div>
  );
}
