import { FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTerminal } from '../app/terminal-context';
import { ROUTES } from '../app/routes';
import { ApiProblem } from '../shared/api';

/**
 * Dev sign-in by user id (POST /v1/auth/dev-token, enabled under `npm start` only). In a deployment the identity
 * provider hands a token to /sign-in#access_token=... instead (see shared/session.ts); this form then says so.
 */
export function SignInPage() {
  const { t, session, signIn, signOut, api, notify } = useTerminal();
  const navigate = useNavigate();
  const [userId, setUserId] = useState('');
  const [busy, setBusy] = useState(false);
  const [devTokens, setDevTokens] = useState(true);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const id = userId.trim();
    if (!id) return;
    setBusy(true);
    try {
      const { body } = await api.post<{ accessToken: string }>('/v1/auth/dev-token', { body: { userId: id, roles: ['customer'] } });
      if (signIn(body.accessToken)) navigate(ROUTES.scan);
    } catch (err) {
      if (err instanceof ApiProblem && (err.status === 404 || err.status === 403)) setDevTokens(false);
      else notify(err instanceof ApiProblem ? t('refusedGeneric', { message: err.message }) : t('networkError'), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel">
      <h2>{t('signInTitle')}</h2>
      {session ? (
        <>
          <p>{t('signedInAs', { user: session.userId })}</p>
          <button type="button" onClick={signOut}>{t('signOut')}</button>
        </>
      ) : (
        <>
          <p>{t('signInExplain')}</p>
          {devTokens ? (
            <form onSubmit={submit} className="stack">
              <label>
                {t('userId')}
                <input value={userId} onChange={(e) => setUserId(e.target.value)} autoComplete="username" autoCapitalize="none" maxLength={64} required />
              </label>
              <button type="submit" className="primary" disabled={busy}>{t('signIn')}</button>
              <p className="hint">{t('devSignInNote')}</p>
            </form>
          ) : (
            <p>{t('noSignIn')}</p>
          )}
        </>
      )}
    </section>
  );
}
